"""python -m tf1 [--no_report] their_file.py [its flags]: a TF1 file run unmodified (tf1/__init__.py)."""
import os
import sys

USAGE = "usage: python -m tf1 [--no_report] FILE.py [its flags ...]"


def main(argv):
    report = True
    while argv and argv[0].startswith("-"):
        flag = argv.pop(0)
        if flag in ("-h", "--help"):
            print(USAGE + "\n\n" + __import__("tf1").__doc__)
            return 0
        if flag != "--no_report":
            return usage("unknown option %s (the file's own flags go after its name)" % flag)
        report = False
    if not argv:
        return usage("name the TF1 file to run")
    path = argv[0]
    if not os.path.isfile(path):
        return usage("%s is not a file%s" % (path, " (a folder: name the .py file in it)" if os.path.isdir(path)
                                                 else ""))
    from .runner import run_file
    return run_file(path, argv[1:], report=report)


def usage(problem):
    print("%s\nerror: %s" % (USAGE, problem), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

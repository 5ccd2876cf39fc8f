"""Files a run writes: each output path tried for real before training (check_outputs), each file written
under a temporary name and renamed into place (write_atomically), --metrics_json. A failure is one line."""
import json
import os

from .running import write_failed

# Every file here is written as bytes: on Windows a descriptor from os.open is in text mode unless O_BINARY
# is given, and each "\n" byte written through it becomes "\r\n" (a damaged PNG).
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def check_outputs(args):
    """Why an output path of this run could not be written at its end (None if all can): each is created
    for real (the file and its temporary name; a file inside a folder), then removed."""
    paths = [("--metrics_json", args.metrics_json, False), ("--logdir", args.logdir, True),
             ("--save_path", getattr(args, "save_path", None), True)]
    if not args.no_plot:
        paths.append(("--plot", args.plot, False))
        problem = figure_format(args.plot)[1]
        if problem:
            return "--plot %s: %s" % (args.plot, problem)
    for flag, path, is_folder in paths:
        if path is not None and not path.strip():
            return "%s is empty: give a %s" % (flag, "folder" if is_folder else "file name")
        problem = path and (unwritable(path, is_folder) or write_trial(path, is_folder))
        if problem:
            return "%s %s: %s" % (flag, path, problem)
    return None


def figure_format(path):
    """(format, None) for the format a figure's name asks for (no extension: png), or (None, why not)."""
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError as e:
        return None, "matplotlib cannot be imported (%s): pip install -r requirements.txt, or add --no_plot" % e
    formats = FigureCanvasBase.get_supported_filetypes()
    ext = os.path.splitext(path)[1][1:].lower()
    if not ext or ext in formats:
        return ext or "png", None
    return None, ("matplotlib cannot write .%s figures; name one of %s"
                  % (ext, ", ".join("." + f for f in sorted(formats))))


def unwritable(path, is_folder):
    """Why path cannot be written as a file (or created as a folder), or None if it can."""
    if os.path.isdir(path):
        if not is_folder:
            return "is a folder; give a file name"
        return None if os.access(path, os.W_OK) else "is a folder you cannot write to"
    if os.path.exists(path):
        if is_folder:
            return "is a file; give a folder"
        return None if os.access(path, os.W_OK) else "is a file you cannot overwrite"
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return "%s is a file, so no folder can be made inside it" % parent
    return None if os.access(parent, os.W_OK) else "cannot be created: %s is not writable" % parent


def write_trial(path, is_folder):
    """Create path (a folder and a file in it, or the file and its temporary name) and remove all that
    was created; the file system's reason if it refuses (a name too long, a full or read-only disk)."""
    made = []
    try:
        folder = os.path.abspath(path if is_folder else os.path.dirname(os.path.abspath(path)))
        missing = folder
        while not os.path.isdir(missing):
            made.append(missing)
            missing = os.path.dirname(missing)
        os.makedirs(folder, exist_ok=True)
        names = [temporary_name(os.path.join(path, "write-trial"))] if is_folder else [temporary_name(path)]
        if not is_folder and not os.path.exists(path):
            names.append(path)
        for name in names:
            fd = os.open(name, NEW_FILE, 0o666)
            made.insert(0, name)
            os.close(fd)
        if not is_folder and os.path.exists(path) and path not in names:
            with open(path, "ab"):   # an existing file: opened for writing, not changed
                pass
        return None
    except OSError as e:
        return "cannot be written here: %s" % (e.strerror or e)
    finally:
        for name in made:
            try:
                (os.rmdir if os.path.isdir(name) else os.remove)(name)
            except OSError:
                pass


def temporary_name(path):
    """The name a file is written under, beside it, before it is renamed to path (write_atomically):
    hidden, and short enough for any name path may have."""
    folder, name = os.path.split(path)
    return os.path.join(folder, ".%s-%d-%s.tmp" % (name[:100], os.getpid(), os.urandom(4).hex()))


def write_atomically(path, write, mode="wb", saved=None):
    """write(f) into a temporary file beside path, flushed, fsynced and closed (each checked), then renamed
    to path: never half a file, nor a temporary one. mode "w": UTF-8 text with "\n" line ends on every
    system. A failure is write_failed's line (naming saved)."""
    tmp = None
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        tmp = temporary_name(path)
        fd = os.open(tmp, NEW_FILE, 0o666)   # the umask applies, as for open()
        text = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **text) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.replace(tmp, path)
        except PermissionError as e:   # Windows: a program (an image viewer) holds the old file open
            if os.name == "nt" and os.path.exists(path):
                e.strerror = "%s (is it open in another program? close it, or write another name)" % e.strerror
            raise
    except BaseException as e:
        if tmp:
            try:
                os.remove(tmp)
            except OSError:
                pass
        if not isinstance(e, OSError):
            raise
        write_failed(path, e, saved=saved)


def write_json(path, value, saved=None):
    write_atomically(path, lambda f: f.write(json.dumps(value, indent=2) + "\n"), mode="w", saved=saved)


def write_metrics(path, metrics, saved=None):   # --metrics_json: the run's final figures; returns them
    if path:
        write_json(path, metrics, saved)
    return metrics

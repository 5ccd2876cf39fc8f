"""Make notebooks/<script>.ipynb from each of the five scripts: `python notebooks/generate.py`.

The scripts are the source: their `# %%` cells (jupytext's percent format, which VS Code, PyCharm and
Spyder run as they are) become the notebook's cells in order, each titled cell under a heading with its
title. Around them a few cells only a notebook needs: the set-up (find the project folder; on a kernel
without TensorFlow and tf-keras of one minor version, install requirements.txt), a `parameters` cell
(papermill's convention) with the run's flags, and a cell that runs the page's `main` with them and shows
its figure. The command-line cell (`if __name__ == '__main__':`) is kept as a raw cell: a notebook runs
`main` itself. No outputs, no cell ids: the same script always gives the same bytes. Never edit a
notebook by hand: change its script and run this again (tests/test_notebooks.py fails until you do).
"""
import os
import sys

import jupytext
import nbformat
from nbformat import v4

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = ["lstm_regression.py", "lstm_sin_predict.py", "lstm_mnist_classify.py", "bilstm_mnist.py",
           "ptb_language_model.py"]

SET_UP = '''\
# Set-up (this notebook only): work in the project folder, as the command line does, so that `support`,
# data/ and outputs/ are found. The notebook may start in notebooks/, in the project folder, or (Colab)
# in the folder the project was cloned or uploaded into.
import os, sys
from importlib import metadata

def project_folder(start):
    places = [start, os.path.dirname(start)] + sorted(
        os.path.join(start, d) for d in os.listdir(start) if os.path.isdir(os.path.join(start, d)))
    for place in places:
        if os.path.isfile(os.path.join(place, "{script}")) and os.path.isdir(os.path.join(place, "support")):
            return place
    raise SystemExit("error: {script} is not in %s nor beside it: open this notebook from the project's "
                     "notebooks/ folder, or first get the project here (docs/running.md: Notebooks)" % start)

os.chdir(project_folder(os.path.abspath("")))
sys.path.insert(0, os.getcwd())

def versions():
    try:
        return metadata.version("tensorflow"), metadata.version("tf-keras")
    except metadata.PackageNotFoundError:
        return None

found = versions()
if found is None or found[0].split(".")[:2] != found[1].split(".")[:2]:    # Colab ships both already
    print("TensorFlow with the tf-keras of its version is missing (%s): installing requirements.txt" % (found,))
    %pip install -q -r requirements.txt
    print("Installed. Restart the kernel (Colab: Runtime > Restart session) and run the notebook again: "
          "a TensorFlow already imported is not replaced until then.")
'''

PARAMETERS = '''\
# The run's flags, as on the command line (each flag: parse_args above, or `python {script} --help`).
# [] is the page's own run; e.g. ["--max_steps", "100"] stops after 100 training steps ("--max_steps 100" too).
ARGS = []
'''

RUN = '''\
# Run the page: the same flags, the same printed lines as `python {script} ...`, then the figure. A run that
# ends early (a bad flag, missing data, the stop button) ends with the script's one line: fix ARGS, run again.
metrics = support.run_in_notebook(main, parse_args, ARGS)
'''


def notebook(script):
    """The notebook of one script, as a NotebookNode (nbformat 4.4: cells carry no ids)."""
    with open(os.path.join(ROOT, script), encoding="utf-8") as f:
        source = jupytext.reads(f.read(), fmt="py:percent")
    title = source.cells[0].source.split('"""')[1].strip().splitlines()[0]
    cells = [v4.new_markdown_cell("# %s\n\n`%s`, made into a notebook by `python notebooks/generate.py`: edit the "
                                  "script, not this notebook. Run the cells in order (Run All)." % (title, script)),
             v4.new_code_cell(SET_UP.format(script=script))]
    for cell in source.cells:
        heading = cell.metadata.get("title")
        if heading:
            cells.append(v4.new_markdown_cell("## " + heading))
        if cell.source.startswith("if __name__ == '__main__':"):
            cells.append(v4.new_raw_cell(cell.source))
        else:
            cells.append(v4.new_code_cell(cell.source))
    cells += [v4.new_markdown_cell("## Run it here"),
              v4.new_code_cell(PARAMETERS.format(script=script), metadata={"tags": ["parameters"]}),
              v4.new_code_cell(RUN.format(script=script))]
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    nb.nbformat_minor = 4
    for cell in nb.cells:
        cell.pop("id", None)
    return nb


def text(script):
    """The notebook's file content."""
    return nbformat.writes(notebook(script), version=4) + "\n"


def main(argv):
    unknown = [a for a in argv if a not in SCRIPTS]
    if unknown:
        print("error: %s: not one of the scripts (%s); give none to make all five"
              % (", ".join(unknown), ", ".join(SCRIPTS)), file=sys.stderr)
        sys.exit(2)
    for script in argv or SCRIPTS:
        path = os.path.join(ROOT, "notebooks", script[:-3] + ".ipynb")
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text(script))
        print("wrote %s" % os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])

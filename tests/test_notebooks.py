"""notebooks/: each made from its script by `python notebooks/generate.py` (never by hand), and each runs
top to bottom in a real Jupyter kernel. The kernel runs take a kernel each (TensorFlow's import in every
one): they are marked `kernel` and run as .ci/run's second step, `python -m pytest -q -m kernel`."""
import json
import os

import nbformat
import pytest

from helpers import ROOT, SCRIPTS, load_module, write_ptb
from mnist_files import learnable_idx
generate = load_module("generate", os.path.join("notebooks", "generate.py"))
NOTEBOOKS = os.path.join(ROOT, "notebooks")


@pytest.mark.parametrize("script", generate.SCRIPTS)
def test_each_notebook_is_what_the_generator_makes_of_its_script(script):
    with open(os.path.join(NOTEBOOKS, script[:-3] + ".ipynb"), encoding="utf-8", newline="") as f:
        committed = f.read()
    assert committed == generate.text(script), "run: python notebooks/generate.py (and commit the notebooks)"
    assert generate.text(script) == generate.text(script)       # no random ids, no dates: no churn


def test_the_generator_makes_a_notebook_of_every_script():
    assert generate.SCRIPTS == SCRIPTS


def test_a_name_that_is_no_script_is_one_line(capsys):
    with pytest.raises(SystemExit) as e:
        generate.main(["lstm_regresion.py"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.startswith("error: lstm_regresion.py: not one of the scripts") and err.count("\n") == 1


@pytest.mark.parametrize("script", generate.SCRIPTS)
def test_each_notebook_holds_every_cell_of_its_script_in_order_and_no_output(script):
    nb = json.loads(generate.text(script))
    with open(os.path.join(ROOT, script), encoding="utf-8") as f:
        parts = f.read().split("\n# %% ")
    runnable = [c for c in nb["cells"] if c["cell_type"] in ("code", "raw")]
    sources = ["".join(c["source"]) for c in runnable]
    bodies = [parts[0]] + [p.split("\n", 1)[1] for p in parts[1:]]
    found = [next(i for i, s in enumerate(sources) if s.strip() == body.strip()) for body in bodies]
    assert found == sorted(found) and len(found) == len(parts)          # each cell, in the script's order
    assert runnable[found[-1]]["cell_type"] == "raw"                    # `if __name__ == '__main__':` runs not
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and "".join(tagged[0]["source"]).strip().endswith("ARGS = []")
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code")
    assert all("id" not in c for c in nb["cells"])
    for title in [p.split("\n", 1)[0] for p in parts[1:]]:             # each section titled as in the script
        assert any(c["cell_type"] == "markdown" and "".join(c["source"]) == "## " + title for c in nb["cells"])


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notebook_data")
    return {"mnist": learnable_idx(str(tmp / "mnist"), n_train=200, n_test=30),
            "ptb": write_ptb(tmp / "ptb", train="the cat sat on the mat\n" * 30, valid="the mat sat\n" * 20,
                             test="the cat sat\n" * 8)}


TINY = {"lstm_regression.py": ["--max_steps", "2"],
        "lstm_sin_predict.py": ["--variant", "dense", "--max_steps", "2"],
        "lstm_mnist_classify.py": ["--max_steps", "2", "--data_dir", "{mnist}"],
        "bilstm_mnist.py": ["--max_steps", "2", "--data_dir", "{mnist}"],
        "ptb_language_model.py": ["--model", "test", "--max_steps", "2", "--data_path", "{ptb}"]}
PAGE_LINE = {"lstm_regression.py": "cost: ", "lstm_sin_predict.py": "Mean Square Error is:",
             "lstm_mnist_classify.py": "test accuracy:", "bilstm_mnist.py": "test accuracy:",
             "ptb_language_model.py": "TEST perplexity :"}


@pytest.mark.kernel
@pytest.mark.parametrize("script", generate.SCRIPTS)
def test_each_notebook_runs_top_to_bottom_in_a_kernel(script, data, tmp_path, monkeypatch):
    """Started in notebooks/ as Jupyter starts it, the flags given as papermill gives them (a cell after
    the `parameters` cell), tiny step counts and the tests' own data: every cell runs, the page's lines
    are printed, the figure is shown inline; the run cell runs a second time as well."""
    from nbclient import NotebookClient
    # the kernel a user starts: no test settings, and (without PYTEST_CURRENT_TEST) ipykernel shows what is
    # written to its file descriptors 1 and 2 in the notebook, as it does for a user (TensorFlow's C++ log)
    for name in ("TF_CPP_MIN_LOG_LEVEL", "TF_USE_LEGACY_KERAS", "MPLBACKEND", "PYTEST_CURRENT_TEST"):
        monkeypatch.delenv(name, raising=False)
    nb = nbformat.read(os.path.join(NOTEBOOKS, script[:-3] + ".ipynb"), as_version=4)
    args = [a.format(**data) for a in TINY[script]] + ["--plot", str(tmp_path / "figure.png")]
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell("ARGS = %r" % args, metadata={"tags": ["injected-parameters"]}))
    nb.cells.append(nbformat.v4.new_code_cell(nb.cells[-1].source))      # the run cell run again: safe
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": NOTEBOOKS}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stdout")
    assert PAGE_LINE[script] in printed and "Device: CPU" in printed
    assert "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stderr") == ""
    for cell in nb.cells[-2:]:                                                # the figure, inline, each time
        assert any("image/png" in o.get("data", {}) for o in cell.outputs)
    assert printed.count(PAGE_LINE[script]) >= 2
    assert (tmp_path / "figure.png").read_bytes()[:4] == b"\x89PNG"


def streams(outputs, name):
    return "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == name)


@pytest.fixture(scope="module")
def editor_kernel(data, tmp_path_factory):
    """One kernel started in the project folder, as VS Code's or PyCharm's interactive window starts it (no
    test settings, ipykernel's own capture of fds 1 and 2). In it, each script's `# %%` cells in order, the
    last (`if __name__ == '__main__':`) included, after a cell that sets ARGS (tiny runs); then, with the
    PTB page's main and parse_args in the kernel, the notebooks' run cell after each early end a learner meets.
    Returns (the outputs of each script's last cell, {case: the run cell's outputs}, the folder)."""
    import jupytext
    from nbclient import NotebookClient
    tmp = tmp_path_factory.mktemp("editor")
    sources, marks = [], []
    for script in generate.SCRIPTS:
        with open(os.path.join(ROOT, script), encoding="utf-8") as f:
            cells = [c.source for c in jupytext.reads(f.read(), fmt="py:percent").cells]
        args = [a.format(**data) for a in TINY[script]] + ["--plot", str(tmp / (script + ".png"))]
        sources += ["ARGS = %r" % args] + cells
        marks.append(len(sources) - 1)
    assert generate.SCRIPTS[-1] == "ptb_language_model.py"      # the endings below run PTB's page
    run = generate.RUN                                           # the notebooks' run cell
    tiny = ["--model", "test", "--data_path", data["ptb"], "--no_plot"]
    cases = [
        ("bad flag", 'ARGS = ["--max_steps", "-1"]'),
        ("a number", "ARGS = %r" % (tiny + ["--max_steps", 2])),
        ("one string", "ARGS = %r" % " ".join(tiny + ["--max_steps", "2"]).replace(data["ptb"], repr(data["ptb"]))),
        ("not flags", "ARGS = 5"),
        ("missing data", "from data import reader\nreader.MIRRORS = ['http://127.0.0.1:9/simple-examples.tgz']\n"
                         "ARGS = %r" % (["--data_path", str(tmp / "none"), "--no_plot"],)),
        ("interrupt", "import os, signal\nreal_check = support.check_finite\n"
                      "def ctrl_c_at_step_2(value, step, name='loss'):\n"
                      "    real_check(value, step, name)\n"
                      "    if step == 2:\n"
                      "        signal.raise_signal(signal.SIGINT)   # the kernel's stop button\n"
                      "support.check_finite = ctrl_c_at_step_2\n"
                      "ARGS = %r" % (tiny + ["--save_path", str(tmp / "ckpt"), "--epochs", "1000"])),
        ("a bug", "support.check_finite = lambda *args: 1 / 0   # a bug of ours, in training\n"
                  "ARGS = %r" % (tiny + ["--max_steps", "2"])),
        ("diverged", "support.check_finite = real_check\nARGS = %r" % (tiny + ["--learning_rate", "1e38"])),
        ("again", "ARGS = %r" % (tiny + ["--max_steps", "2"])),
    ]
    endings = len(sources)
    sources += [c for _, setting in cases for c in (setting, run)]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    env = dict(os.environ)
    for name in ("TF_CPP_MIN_LOG_LEVEL", "TF_USE_LEGACY_KERAS", "MPLBACKEND", "PYTEST_CURRENT_TEST"):
        os.environ.pop(name, None)
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,   # a bug's traceback: a case
                       resources={"metadata": {"path": ROOT}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env)
    outputs = [c.outputs for c in nb.cells]
    pages = {script: outputs[mark] for script, mark in zip(generate.SCRIPTS, marks)}
    ends = {name: outputs[endings + 2 * k + 1] for k, (name, _) in enumerate(cases)}
    return outputs, pages, ends, tmp


@pytest.mark.kernel
@pytest.mark.xdist_group("editor_kernel")
def test_every_cell_of_each_script_runs_in_a_kernel_as_an_editor_runs_them(editor_kernel):
    """Run All of a script in an editor: the page runs with the flags a cell set in ARGS (none: the page's),
    not the kernel's own command line, and no cell shows an error or writes to stderr."""
    outputs, pages, _, tmp = editor_kernel
    for out in outputs[:outputs.index(pages["ptb_language_model.py"]) + 1]:
        assert all(o.output_type != "error" for o in out), out
        assert streams(out, "stderr") == "", streams(out, "stderr")
    for script, out in pages.items():
        assert PAGE_LINE[script] in streams(out, "stdout"), script
        assert any("image/png" in o.get("data", {}) for o in out), script      # the figure, inline
        assert (tmp / (script + ".png")).exists()


@pytest.mark.kernel
@pytest.mark.xdist_group("editor_kernel")
def test_a_run_that_ends_early_in_a_kernel_ends_with_its_one_line(editor_kernel):
    """The notebooks' run cell after each early end (a bad flag, ARGS that is no list of flags, missing data,
    the kernel's interrupt during training, a diverged loss): the script's line(s) and nothing after it (no
    SystemExit box, no exit warning, no traceback); the kernel then runs again. ARGS with a number, and ARGS
    as one string, run the page. A bug of ours still shows its traceback."""
    _, _, found, tmp = editor_kernel
    bug = found.pop("a bug")                       # a real bug still shows its traceback
    assert [o.ename for o in bug if o.output_type == "error"] == ["ZeroDivisionError"]
    for name, out in found.items():
        assert all(o.output_type == "stream" for o in out), (name, out)     # no error box, no display of one
        assert "SystemExit" not in streams(out, "stderr") + streams(out, "stdout"), name
        assert "To exit" not in streams(out, "stderr"), name
    err = streams(found["bad flag"], "stderr")
    assert err.startswith("usage: ptb_language_model.py ") and err.endswith(
        "ptb_language_model.py: error: argument --max_steps: must be a positive integer, got -1\n")
    assert streams(found["bad flag"], "stdout") == ""
    for name in ("a number", "one string", "again"):
        assert "TEST perplexity :" in streams(found[name], "stdout") and streams(found[name], "stderr") == "", name
    assert streams(found["not flags"], "stderr") == ('error: ARGS holds the run\'s flags as on the command line, '
                                                     'e.g. ARGS = ["--max_steps", "100"] (or one string: ARGS = '
                                                     '"--max_steps 100"); got 5\n')
    err = streams(found["missing data"], "stderr")
    assert err.startswith("error: PTB not found in ") and err.count("\n") == 1
    out = streams(found["interrupt"], "stdout")
    assert "\nInterrupted; the checkpoint resumes at the start of this epoch.\n" in out
    assert "Saved checkpoint %s" % os.path.join(str(tmp / "ckpt"), "model.ckpt-0") in out
    err = streams(found["diverged"], "stderr")
    assert err.startswith("error: the training loss is ") and "lower the learning rate (--learning_rate)" in err
    assert err.count("\n") == 1

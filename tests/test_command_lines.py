"""The README's commands as a learner types them, in one new python: TensorFlow's own start-up (its C++
log hidden), a console that cannot write Chinese (cp1252), a user's TF_USE_LEGACY_KERAS=0, and each of
the five scripts run as `python SCRIPT.py ...` runs it (its `__main__`, support.run), one after another
as a notebook's kernel would, on tiny step counts and the tests' own data; then a long run that a real
SIGTERM stops. Everything else about the scripts is tested in-process (a closed pipe: test_user_errors.py)."""
import ast
import json
import os
import signal
import subprocess
import sys

import pytest

from helpers import ROOT, SCRIPTS, load_module, needs_posix, write_ptb
from mnist_files import learnable_idx

pytestmark = pytest.mark.xdist_group("command_lines")   # pytest.ini: --dist loadgroup: one worker runs them



PAGE = """import sys
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data
x = tf.placeholder(tf.float32)
with tf.Session() as sess:
    print(sys.argv[1:], sess.run(tf.mul(x, 2.0), {x: 3.0}))
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """{name: (exit status, its standard output)}, the whole standard error, the folder, and the process's
    exit status. The last run trains on and on, and gets SIGTERM (`timeout`, a scheduler, a container stop)
    in its epoch 3: its status is the process's."""
    tmp = tmp_path_factory.mktemp("commands")
    mnist = learnable_idx(str(tmp / "数据"), n_train=200, n_test=30)        # a folder named in Chinese
    ptb = write_ptb(tmp / "ptb", train="the cat sat on the mat\n" * 30, valid="the mat sat\n" * 20,
                    test="the cat sat\n" * 8)
    out = lambda name: ["--metrics_json", str(tmp / (name + ".json"))]     # noqa: E731
    commands = [
        ["lstm_regression.py", "--max_steps", "2", "--plot", str(tmp / "reg.png"), "--logdir", str(tmp / "logs")]
        + out("lstm_regression"),
        ["lstm_sin_predict.py", "--variant", "dense", "--max_steps", "2", "--no_plot", "--logdir",
         str(tmp / "sin_logs")] + out("lstm_sin_predict"),
        ["lstm_mnist_classify.py", "--data_dir", mnist, "--max_steps", "2", "--no_plot"] + out("lstm_mnist_classify"),
        ["bilstm_mnist.py", "--data_dir", mnist, "--max_steps", "2", "--no_plot"] + out("bilstm_mnist"),
        ["ptb_language_model.py", "--model", "test", "--data_path", ptb, "--max_steps", "2", "--no_plot"]
        + out("ptb_language_model"),
        ["-m", "tf1", str(tmp / "page.py"), "--lr", "0.1"],                # a learner's TF1 file (test_tf1_runner)
    ] + ([["lstm_mnist_classify.py", "--data_dir", mnist, "--batch_size", "20", "--epochs", "100000", "--no_plot",
           "--save_path", str(tmp / "ckpt"), "--max_steps", "1000"]]      # (ends by itself if never signalled)
         if os.name == "posix" else [])
    (tmp / "page.py").write_text(PAGE, encoding="utf-8")
    code = ("import runpy, sys\n"
            "for argv in %r:\n"
            "    print('=== run', flush=True)\n"
            "    sys.argv = argv[1:] if argv[0] == '-m' else argv\n"
            "    try:\n"
            "        if argv[0] == '-m':\n"
            "            runpy.run_module(argv[1], run_name='__main__', alter_sys=True)\n"
            "        else:\n"
            "            runpy.run_path(argv[0], run_name='__main__')\n"
            "        status = 0\n"
            "    except SystemExit as e:\n"
            "        status = e.code\n"
            "    print('=== exit %%s' %% status, flush=True)\n"
            "sys.exit(status)\n" % commands)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH="", PYTHONIOENCODING="cp1252", TF_USE_LEGACY_KERAS="0"))
    done, lines = [], []          # (exit status, standard output) of each run that ended
    try:
        for line in iter(p.stdout.readline, b""):
            line = line.decode("cp1252").rstrip("\n")
            if line.startswith("=== exit "):
                done.append((int(line.split()[2]), "\n".join(lines)))
            elif line == "=== run":
                lines = []
            else:
                lines.append(line)
                if len(done) == len(commands) - 1 and line.startswith("epoch: 3"):
                    p.send_signal(signal.SIGTERM)       # wait until training is under way, then send it
        err = p.stderr.read().decode("cp1252", "replace")
        p.wait(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    found = dict(zip(SCRIPTS + ["runner", "signalled"], done))
    return found, err, tmp, p.returncode


def test_every_command_runs_and_writes_nothing_to_stderr(runs):
    found, err, _, _ = runs
    assert err == ""        # TensorFlow's C++ start-up log (absl, oneDNN, CUDA lines) is not shown either
    assert {name: status for name, (status, _) in found.items() if name in SCRIPTS} == {name: 0 for name in SCRIPTS}
    for name in SCRIPTS:
        assert found[name][1].startswith("Device: CPU") or "\nDevice: " in found[name][1], name


@pytest.mark.parametrize("name,figure", [("lstm_regression.py", "test_mse"), ("lstm_sin_predict.py", "test_mse"),
                                         ("lstm_mnist_classify.py", "test_accuracy"),
                                         ("bilstm_mnist.py", "test_accuracy"),
                                         ("ptb_language_model.py", "test_perplexity")])
def test_each_command_prints_the_pages_lines_and_writes_its_metrics(runs, name, figure):
    found, _, tmp, _ = runs
    out = found[name][1]
    m = json.loads((tmp / (name[:-3] + ".json")).read_text())
    assert m["script"] == name and m["steps"] == 2 and figure in m and m["device"].startswith("CPU")
    for key in ["variant", "wall_seconds", "final_train_loss"]:
        assert key in m
    page_line = {"lstm_regression.py": "cost: ", "lstm_sin_predict.py": "Mean Square Error is:",
                 "lstm_mnist_classify.py": "test accuracy:", "bilstm_mnist.py": "test accuracy:",
                 "ptb_language_model.py": "TEST perplexity :"}[name]
    assert page_line in out


def test_the_figures_make_results_reads_are_in_each_commands_output(runs):
    """docs/make_results.py reads the README's figures from what the scripts print: its patterns find them in
    these real runs (the regression, the TFLearn sin page, guide Ⅲ, Ⅴ, PTB), as the script prints them."""
    mr = load_module("make_results", os.path.join("docs", "make_results.py"))
    found, _, _, _ = runs
    for name, row in [("lstm_regression.py", "lstm_regression"), ("lstm_sin_predict.py", "lstm_sin_predict_dense"),
                      ("lstm_sin_predict.py", "lstm_sin_predict"), ("lstm_mnist_classify.py", "lstm_mnist_classify"),
                      ("bilstm_mnist.py", "bilstm_mnist"), ("ptb_language_model.py", "ptb_language_model")]:
        out = found[name][1]
        figures = mr.printed(mr.ROW[row], out)
        assert figures and all(("%s" % value) in out for value in figures.values()), (row, figures)
        assert mr.shown(mr.ROW[row], {"printed": figures}, 0)


def test_the_outputs_named_are_written(runs):
    found, _, tmp, _ = runs
    assert (tmp / "reg.png").read_bytes()[:4] == b"\x89PNG" and "Saved figure to" in found["lstm_regression.py"][1]
    from tensorflow.compat.v1 import train
    tags = {v.tag for e in train.summary_iterator(str(next((tmp / "logs").glob("events.out.tfevents.*"))))
            for v in e.summary.value}
    assert "cost/cost" in tags or "cost" in tags
    assert list((tmp / "sin_logs").glob("events.out.tfevents.*"))


def test_a_folder_name_the_console_cannot_write_is_shown_with_question_marks(runs):
    found, _, tmp, _ = runs
    assert "Extracting %s" % os.path.join(str(tmp), "??", "train-images-idx3-ubyte") in found["bilstm_mnist.py"][1]
    assert "pixels 0-255 (raw)" in found["bilstm_mnist.py"][1]


def test_no_script_imports_another():
    """Each script stands alone beside data/ and support/ (as the pages did): none imports another."""
    for name in SCRIPTS:
        tree = ast.parse(open(os.path.join(ROOT, name), encoding="utf-8").read())
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        assert not imported & {s[:-3] for s in SCRIPTS}, name
        assert imported & {"support"}, name


@needs_posix("SIGTERM sent to another process is TerminateProcess on Windows: nothing runs to save")
def test_sigterm_during_training_saves_and_resumes(runs, capsys):
    """SIGTERM sent to a real run in epoch 3: the current step is saved, `Terminated.` says so, the exit
    status is 143, and --restore resumes from that step."""
    import lstm_mnist_classify as cls
    found, err, tmp, returncode = runs
    status, out = found["signalled"]
    assert (returncode, status) == (143, 143) and "Traceback" not in err
    assert "Terminated." in out.splitlines()
    saved = [l.split()[-1] for l in out.splitlines() if l.startswith("Saved checkpoint")][-1]
    step = int(saved.rsplit("-", 1)[1])
    assert step >= 20 and (tmp / "ckpt" / "checkpoint.json").exists()    # in epoch 3: 2 epochs of 10 steps done
    cls.main(cls.parse_args(["--data_dir", str(tmp / "数据"), "--batch_size", "20", "--no_plot", "--save_path",
                             str(tmp / "ckpt"), "--restore", "--max_steps", str(step + 1)]))
    out = capsys.readouterr().out
    assert "Restored %s" % saved in out and "Saved checkpoint %s-%d" % (saved.rsplit("-", 1)[0], step + 1) in out


def test_the_tf1_runner_runs_a_learners_file_as_python_m_tf1_does(runs):
    """`python -m tf1 page.py --lr 0.1` in the same real process, after the scripts: TF1 graph mode, the old
    names, the file's own flags, the report; its start-up writes nothing to stderr either (the first test)."""
    found, _, _, _ = runs
    status, out = found["runner"]
    assert status == 0 and out.splitlines()[0] == "['--lr', '0.1'] 6.0"
    assert "  tf.mul" in out and "tensorflow.examples.tutorials.mnist.input_data" in out

"""A user's mistakes outside the data: unusable output paths, out-of-range seeds, non-finite floats,
flag combinations that leave nothing to train on, a broken Keras set-up. Each is refused with one
`error:` line and exit status 2 by the script's parse_args, before TensorFlow is imported. The checks
themselves live once in support/ and are tested once here; each script's wiring of them is checked
in-process (parse_args never loads TensorFlow), and one python runs a refusal of every script as its
command line, with a TensorFlow that fails loudly if imported."""
import argparse
import importlib
import os
import subprocess
import sys

import pytest

import support
from helpers import ROOT, SCRIPTS, needs_posix, refused, run_script

LR_FLAG = {"lstm_regression.py": "--lr", "lstm_sin_predict.py": "--learning_rate",
           "lstm_mnist_classify.py": "--learning_rate", "bilstm_mnist.py": "--learning_rate",
           "ptb_language_model.py": "--learning_rate"}


def script(name):
    return importlib.import_module(name[:-3])


# ------------------------------------------------------------------- the support module, once
def run_parser(checkpoints=True):
    p = support.parser("a test")
    support.add_run_flags(p, seed_help="s", logdir_help="l", plot_default=None, plot_help="p",
                          checkpoints=checkpoints)
    return lambda argv: support.check_run_args(p, support.parse(p, argv)) or True


def test_unusable_outputs_are_refused(tmp_path, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    parse = run_parser()
    line = refused(parse, capsys, "--plot", str(a_file / "p.png"))
    assert "--plot" in line and "is a file, so no folder can be made inside it" in line
    line = refused(parse, capsys, "--metrics_json", str(tmp_path), "--no_plot")
    assert "--metrics_json" in line and "is a folder; give a file name" in line
    line = refused(parse, capsys, "--logdir", str(a_file), "--no_plot")
    assert "--logdir" in line and "is a file; give a folder" in line
    line = refused(parse, capsys, "--save_path", str(a_file), "--no_plot")
    assert "--save_path" in line and "is a file; give a folder" in line
    assert "--restore needs --save_path" in refused(parse, capsys, "--restore")
    assert a_file.read_text() == "x"
    # --no_plot: the figure's path is not checked; a usable set of outputs passes
    assert parse(["--plot", str(a_file / "p.png"), "--no_plot", "--logdir", str(tmp_path / "new" / "logs"),
                  "--metrics_json", str(tmp_path / "m.json")])
    assert not (tmp_path / "new").exists()


def test_outputs_without_write_permission_are_refused(tmp_path, monkeypatch, capsys):
    """As root, every folder is writable, so the permission check is run with os.access saying no."""
    (tmp_path / "logs").mkdir()
    (tmp_path / "m.json").write_text("{}")
    monkeypatch.setattr(support.output_files.os, "access", lambda path, mode: False)
    parse = run_parser()
    cases = [(["--plot", str(tmp_path / "new" / "p.png")], "cannot be created: %s is not writable" % tmp_path),
             (["--logdir", str(tmp_path / "logs"), "--no_plot"], "is a folder you cannot write to"),
             (["--metrics_json", str(tmp_path / "m.json"), "--no_plot"], "is a file you cannot overwrite")]
    for flags, message in cases:
        assert message in refused(parse, capsys, *flags)
    assert (tmp_path / "m.json").read_text() == "{}" and not (tmp_path / "new").exists()


def test_flag_types():
    for kind, good, bad in [(support.positive_int, ["1", "7"], ["0", "-3"]),
                            (support.non_negative_int, ["0", "5"], ["-1"]),
                            (support.positive_float, ["0.5", "1e3"], ["0", "-1", "inf", "nan"]),
                            (support.keep_prob_value, ["1", "0.35"], ["0", "1.5", "nan"]),
                            (support.seed_value, ["0", str(2 ** 32 - 1)], ["-1", str(2 ** 32)])]:
        for text in good:
            kind(text)
        for text in bad:
            with pytest.raises(argparse.ArgumentTypeError):
                kind(text)


def test_keras2_check_names_what_to_install(monkeypatch, capsys):
    from importlib import metadata, util
    p = argparse.ArgumentParser(prog="lstm_regression.py")
    real_version = metadata.version
    tf_minor = ".".join(real_version("tensorflow").split(".")[:2])          # 2.21 here, 2.20 on Colab's pair
    other = "2.%d.1" % (int(tf_minor.split(".")[1]) - 1)                     # a real mismatch on either
    monkeypatch.setattr(metadata, "version", lambda d: other if d == "tf-keras" else real_version(d))
    with pytest.raises(SystemExit) as e:
        support.check_keras2(p)
    err = capsys.readouterr().err
    assert e.value.code == 2 and "tf-keras %s does not match TensorFlow %s" % (other, tf_minor) in err
    assert 'pip install "tf-keras==%s.*"' % tf_minor in err
    monkeypatch.setattr(metadata, "version", real_version)
    real_find = util.find_spec
    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name == "tf_keras" else real_find(name, *a))
    with pytest.raises(SystemExit):
        support.check_keras2(p)
    assert "tf-keras is not installed" in capsys.readouterr().err
    # no TensorFlow at all: it is named, and on a Python TensorFlow 2.21 has no wheel for, what to do
    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name in ("tensorflow", "tf_keras")
                        else real_find(name, *a))
    with pytest.raises(SystemExit):
        support.check_keras2(p)
    assert capsys.readouterr().err.endswith("error: TensorFlow is not installed: pip install -r requirements.txt\n")
    monkeypatch.setattr(sys, "version_info", (3, 14, 0, "final", 0))
    with pytest.raises(SystemExit):
        support.check_keras2(p)
    err = capsys.readouterr().err
    assert "error: TensorFlow is not installed, and this Python (3.14) has no TensorFlow 2.21: it is made for " \
           "Python 3.10-3.13. Make a Python 3.12 or 3.13 environment" in err and err.count("\n") == 2   # usage + 1
    monkeypatch.undo()
    assert support.check_keras2(p) is None                   # this machine's set-up passes
    assert importlib.util.find_spec("tf_keras") is not None


def test_tensorflows_start_up_log_is_hidden_unless_the_import_fails(tmp_path):
    """The C++ lines TensorFlow writes to standard error while it loads are dropped; when the import
    fails they are shown, with the error (a fake tensorflow package that logs, then fails)."""
    fake = tmp_path / "tensorflow"
    fake.mkdir()
    (fake / "__init__.py").write_text("import os\nos.write(2, b'C++ start-up line\\n')\n"
                                      "raise ImportError('no TensorFlow for this CPU')\n")
    r = run_script("lstm_regression.py", "--no_plot", env={"PYTHONPATH": str(tmp_path)})
    assert r.returncode == 1
    assert "C++ start-up line" in r.stderr and "ImportError: no TensorFlow for this CPU" in r.stderr
    (fake / "__init__.py").write_text("import os, sys\nos.write(2, b'C++ start-up line\\n')\n"
                                      "print('python line', file=sys.stderr)\n")
    (fake / "compat").mkdir()
    (fake / "compat" / "__init__.py").write_text("")
    (fake / "compat" / "v1.py").write_text("def executing_eagerly():\n    return False\n")
    r = subprocess.run([sys.executable, "-c", "import support; support.load_tensorflow(); print('loaded')"],
                       cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert r.returncode == 0 and r.stdout == "loaded\n" and r.stderr == "", r.stderr


@pytest.mark.parametrize("name,flags", [
    ("lstm_regression.py", ["--steps", "0"]), ("lstm_regression.py", ["--batch_size", "-1"]),
    ("lstm_regression.py", ["--cell", "gru"]), ("lstm_regression.py", ["--lr", "0"]),
    ("lstm_regression.py", ["--max_steps", "x"]), ("lstm_regression.py", ["--time_steps", "-5"]),
    ("lstm_sin_predict.py", ["--epochs", "0"]), ("lstm_sin_predict.py", ["--variant", "huge"]),
    ("lstm_sin_predict.py", ["--batch_size", "0"]), ("lstm_sin_predict.py", ["--hidden_units", "-3"]),
    ("lstm_sin_predict.py", ["--test_examples", "5"]),
    ("lstm_mnist_classify.py", ["--variant", "rnn"]), ("lstm_mnist_classify.py", ["--epochs", "0"]),
    ("lstm_mnist_classify.py", ["--restore"]), ("lstm_mnist_classify.py", ["--hidden_units", "20"]),
    ("bilstm_mnist.py", ["--layers", "3"]), ("bilstm_mnist.py", ["--bw_output", "last"]),
    ("bilstm_mnist.py", ["--batch_size", "0"]),
    ("ptb_language_model.py", ["--model", "huge"]), ("ptb_language_model.py", ["--epochs", "0"]),
    ("ptb_language_model.py", ["--keep_prob", "1.5"]), ("ptb_language_model.py", ["--sample", "-1"]),
    ("ptb_language_model.py", ["--restore"]), ("ptb_language_model.py", ["--unroll", "cudnn"]),
])
def test_bad_flags_exit_2(name, flags, capsys):
    """Each script's parse_args, in-process (the next test: before TensorFlow, as a command line)."""
    refused(script(name).parse_args, capsys, *flags)


def test_bad_flags_exit_2_before_tensorflow_is_imported(no_tensorflow):
    """Flags are refused in a moment: support (and every script, up to main) loads TensorFlow only when
    a TensorFlow name is first used. One python, a TensorFlow that fails loudly if imported, each script
    run as `python script.py BAD_FLAG` runs it (the flags themselves are tested in-process)."""
    bad = {"lstm_regression.py": "--steps=0", "lstm_sin_predict.py": "--variant=huge",
           "lstm_mnist_classify.py": "--restore", "bilstm_mnist.py": "--layers=3",
           "ptb_language_model.py": "--keep_prob=1.5"}
    code = ("import runpy, sys\n"
            "import support\n"
            "print('support', 'tensorflow' in sys.modules)\n"
            "for script, flag in %r:\n"
            "    sys.argv = [script, flag]\n"
            "    try:\n"
            "        runpy.run_path(script, run_name='__main__')\n"
            "    except SystemExit as e:\n"
            "        print(script, e.code, 'tensorflow' in sys.modules)\n" % sorted(bad.items()))
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, **no_tensorflow))
    assert r.stdout.splitlines() == ["support False"] + ["%s 2 False" % s for s in sorted(bad)], r.stderr
    lines = r.stderr.splitlines()
    assert len([l for l in lines if "error:" in l]) == len(bad) and "Traceback" not in r.stderr


# --------------------------------------------------------------- each script's wiring of the checks
@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_checks_its_outputs_seed_and_learning_rate(name, tmp_path, capsys):
    parse_args = script(name).parse_args
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    assert "is a file, so no folder can be made inside it" in refused(parse_args, capsys, "--plot",
                                                                     str(a_file / "p.png"))
    assert "is a folder; give a file name" in refused(parse_args, capsys, "--metrics_json", str(tmp_path))
    assert "is a file; give a folder" in refused(parse_args, capsys, "--logdir", str(a_file))
    assert "--seed" in refused(parse_args, capsys, "--seed", "-1")
    assert "2**32" in refused(parse_args, capsys, "--seed", str(2 ** 32))
    for value in ["inf", "nan"]:
        assert "positive finite number" in refused(parse_args, capsys, LR_FLAG[name], value)


@pytest.mark.parametrize("name", ["lstm_mnist_classify.py", "bilstm_mnist.py", "ptb_language_model.py"])
def test_a_checkpoint_folder_that_is_a_file_is_refused(name, tmp_path, capsys):
    (tmp_path / "ckpt").write_text("x")
    line = refused(script(name).parse_args, capsys, "--save_path", str(tmp_path / "ckpt"), "--no_plot")
    assert "--save_path" in line and "is a file; give a folder" in line


def test_sin_examples_too_few_for_one_batch(capsys):
    line = refused(script("lstm_sin_predict.py").parse_args, capsys, "--train_examples", "100")
    assert "no batch of --batch_size 128" in line and "raise --train_examples" in line


def test_help_on_a_console_that_cannot_encode_it(no_tensorflow):
    """--help on a Western Windows code page (cp1252): the pages' Chinese and Roman numerals are written
    as "?", every script and every keras3/ script exits 0 (before: UnicodeEncodeError). One process."""
    scripts = SCRIPTS + [os.path.join("keras3", s) for s in SCRIPTS]
    code = ("import os, runpy, sys\n"
            "for script in %r:\n"
            "    sys.argv = [script, '--help']\n"
            "    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))   # as `python script` does\n"
            "    try:\n"
            "        runpy.run_path(script, run_name='__main__')\n"
            "    except SystemExit as e:\n"
            "        print('exit', script, e.code)\n" % scripts)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=120,
                       env=dict(os.environ, PYTHONIOENCODING="cp1252", **no_tensorflow))
    out = r.stdout.decode("cp1252")
    assert r.returncode == 0 and r.stderr == b"", r.stderr.decode("cp1252", "replace")
    assert [l for l in out.splitlines() if l.startswith("exit ")] == ["exit %s 0" % s for s in scripts]
    assert "the LSTM guide's ?" in out and "usage: ptb_language_model.py" in out


@needs_posix("a pipe closed by its reader is SIGPIPE's 141 (Windows: an EINVAL write error)")
@pytest.mark.parametrize("script", ["lstm_mnist_classify.py", os.path.join("keras3", "bilstm_mnist.py")])
def test_output_into_a_closed_pipe_ends_quietly(script, no_tensorflow):
    """The reader of the pipe is gone before the script writes (`| head` that has its lines), the output
    buffered as usual: exit 141, a broken pipe's status, and nothing on stderr (before: Python's
    "Exception ignored ... BrokenPipeError" and exit 120)."""
    read, write = os.pipe()
    os.close(read)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    try:
        r = subprocess.run([sys.executable, os.path.join(ROOT, script), "--help"], stdout=write,
                           stderr=subprocess.PIPE, cwd=ROOT, timeout=60, env=dict(env, **no_tensorflow))
    finally:
        os.close(write)
    assert (r.returncode, r.stderr) == (141, b"")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_output_to_a_full_disk_is_one_line(no_tensorflow):
    """`python script.py --help > out.txt` on a full disk (/dev/full), the output buffered as usual."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, os.path.join(ROOT, "ptb_language_model.py"), "--help"], stdout=full,
                           stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=60, env=dict(env, **no_tensorflow))
    assert (r.returncode, r.stderr) == (2, "error: cannot write the standard output: No space left on device\n")


@pytest.mark.parametrize("error, status, line", [
    (BrokenPipeError(32, "Broken pipe"), support.running.PIPE_CLOSED, ""),
    (OSError(28, "No space left on device"), 2,
     "error: cannot write the standard output: No space left on device; the trained model is saved: ck/model.ckpt-3\n"),
])
def test_output_that_fails_during_training_saves_first(error, status, line, monkeypatch, capsys):
    """In training as Ctrl-C: the checkpoint is saved (quietly: nobody reads), then a closed pipe exits
    141 and a full disk is one line that names the saved checkpoint."""
    saved = []

    def save():
        saved.append(True)
        return "ck/model.ckpt-3"
    monkeypatch.setattr(support.running, "output_closed", lambda: None)   # this process's stdout stays as it is
    with pytest.raises(SystemExit) as e:
        with support.training_guard("--lr", "ck", save=save):
            raise error
    assert e.value.code == status and saved == [True] and capsys.readouterr().err == line


@pytest.mark.parametrize("script", SCRIPTS + [os.path.join("keras3", s) for s in SCRIPTS])
def test_help_says_each_default_once(script, monkeypatch, capsys):
    """The first thing a newcomer reads: no "(default: None)" or "(default: False)", no flag whose
    default is said twice ("(guide: 50) (default: 50)"), and a page's value in brackets is the default."""
    import importlib.util
    import re
    monkeypatch.syspath_prepend(os.path.dirname(os.path.join(ROOT, script)))
    spec = importlib.util.spec_from_file_location("help_" + script.replace(os.sep, "_")[:-3], os.path.join(ROOT, script))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setenv("COLUMNS", "100000")                  # one line per flag
    with pytest.raises(SystemExit):
        module.parse_args(["--help"])
    flags = [l.strip() for l in capsys.readouterr().out.splitlines() if l.startswith("  --")]
    assert len(flags) > 5
    for line in flags:
        assert "(default: None)" not in line and "(default: False)" not in line, line
        assert len(support.command_line.PAGE_VALUE.findall(line)) <= 1, line
        if line.startswith("--sample "):                   # a default of 0 is a default, said
            assert line.endswith("(default: 0)"), line
    for line in flags:                                     # e.g. --epochs EPOCHS EPOCH (guide: 50)
        m = re.match(r"--(\w+) [A-Z_0-9]+ .*\((?:guide|pages?|both pages|tutorial): ([0-9.]+)\)$", line)
        if m:                                              # for the variant the flag is for
            only = re.search(r"(dense|projected) only", line)
            value = getattr(module.parse_args(["--variant", only.group(1)] if only else []), m.group(1))
            assert value == type(value)(m.group(2)), line


@pytest.mark.parametrize("script", ["ptb_language_model.py", os.path.join("keras3", "lstm_regression.py")])
def test_nothing_installed_yet_is_one_line(script, tmp_path):
    """A newcomer who skipped `pip install -r requirements.txt`: numpy is the first package a script
    meets; the line says what to do (before: ModuleNotFoundError and a traceback)."""
    (tmp_path / "numpy").mkdir()
    (tmp_path / "numpy" / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'numpy'\")\n")
    r = run_script(script, "--no_plot", env={"PYTHONPATH": str(tmp_path)})
    assert (r.returncode, r.stderr) == (2, "error: numpy is not installed: pip install -r requirements.txt\n")

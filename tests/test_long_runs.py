"""Long runs are protected: a diverging loss stops the run, a checkpoint says what built it and is never
overwritten by a broken run, and Ctrl-C ends cleanly (saving a checkpoint where --save_path is given)."""
import importlib
import json
import os
import runpy
import signal
import sys
import types

import pytest

import bilstm_mnist as bi
import lstm_mnist_classify as cls
import lstm_regression as reg
import lstm_sin_predict as sp
import ptb_language_model as ptb
import support
from helpers import ROOT, needs_posix
from mnist_files import learnable_idx


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    return learnable_idx(str(tmp_path_factory.mktemp("mnist")), n_train=200, n_test=30)


def one_error_line(capsys):
    err = capsys.readouterr().err
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def checkpoint_files(folder):
    return {name: (folder / name).read_bytes() for name in sorted(os.listdir(folder))}


# ---------------------------------------------------------------------------------- divergence
@pytest.mark.parametrize("module,flags,lr_flag", [
    (reg, ["--lr", "1e30"], "--lr"),
    (sp, ["--learning_rate", "3e38", "--train_examples", "1000"], "--learning_rate"),
    (sp, ["--variant", "dense", "--learning_rate", "1e30"], "--learning_rate"),
])
def test_a_diverging_loss_stops_the_run_with_one_line(module, flags, lr_flag, capsys):
    with pytest.raises(SystemExit) as e:
        module.main(module.parse_args(flags + ["--max_steps", "30", "--no_plot"]))
    line = one_error_line(capsys)
    assert e.value.code == 2
    assert "is nan at step" in line or "is inf at step" in line
    assert "lower the learning rate (%s)" % lr_flag in line


@pytest.mark.parametrize("module", [cls, bi])
def test_mnist_divergence_keeps_the_last_good_checkpoint(module, mnist_dir, tmp_path, capsys):
    ckpt = tmp_path / "ckpt"
    common = ["--data_dir", mnist_dir, "--batch_size", "20", "--no_plot", "--save_path", str(ckpt)]
    module.main(module.parse_args(common + ["--epochs", "1"]))
    before = checkpoint_files(ckpt)
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        module.main(module.parse_args(common + ["--epochs", "3", "--restore", "--learning_rate", "3e38"]))
    line = one_error_line(capsys)
    assert e.value.code == 2 and "at step" in line and "the last checkpoint is kept" in line
    assert checkpoint_files(ckpt) == before          # not one byte of the good checkpoint changed


# ---------------------------------------------------------------------------------- checkpoints
def test_restore_names_the_flags_that_built_the_checkpoint(mnist_dir, tmp_path, capsys):
    ckpt = tmp_path / "ckpt"
    cls.main(cls.parse_args(["--data_dir", mnist_dir, "--max_steps", "1", "--no_plot", "--save_path", str(ckpt)]))
    assert json.loads((ckpt / "checkpoint.json").read_text()) == {
        "script": "lstm_mnist_classify.py", "--variant": "stacked", "--hidden_units1": 30, "--rnn_mode": "block"}
    capsys.readouterr()
    # another first layer (in-process: the command line's own exit is tested by each script's run)
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(["--data_dir", mnist_dir, "--no_plot", "--save_path", str(ckpt), "--restore",
                                 "--hidden_units1", "20"]))
    out, err = capsys.readouterr()
    errors = [l for l in err.splitlines() if l.strip()]
    assert e.value.code == 2 and len(errors) == 1 and "Traceback" not in err
    assert errors[0] == ("error: the checkpoint in %s was saved with --hidden_units1 30 (this run: "
                         "--hidden_units1 20): add --hidden_units1 30 to use it, or give another "
                         "checkpoint folder" % ckpt)
    assert "epoch:" not in out                           # refused before any training
    # another script's checkpoint
    with pytest.raises(SystemExit):
        bi.main(bi.parse_args(["--data_dir", mnist_dir, "--no_plot", "--save_path", str(ckpt), "--restore"]))
    assert "was saved by lstm_mnist_classify.py, not bilstm_mnist.py" in one_error_line(capsys)
    # no checkpoint.json (an older checkpoint): the variables themselves disagree
    (ckpt / "checkpoint.json").unlink()
    with pytest.raises(SystemExit):
        cls.main(cls.parse_args(["--data_dir", mnist_dir, "--no_plot", "--save_path", str(ckpt), "--restore",
                                 "--hidden_units1", "20"]))
    assert "was saved by another model" in one_error_line(capsys)


def test_a_damaged_checkpoint_is_one_line(mnist_dir, tmp_path, capsys):
    ckpt = tmp_path / "ckpt"
    cls.main(cls.parse_args(["--data_dir", mnist_dir, "--max_steps", "1", "--no_plot", "--save_path", str(ckpt)]))
    capsys.readouterr()
    for data in ckpt.glob("model.ckpt-1.data-*"):
        data.write_bytes(b"\0" * 100)
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(["--data_dir", mnist_dir, "--no_plot", "--save_path", str(ckpt), "--restore"]))
    line = one_error_line(capsys)
    assert e.value.code == 2 and "cannot read the checkpoint" in line and "damaged" in line


def test_a_moved_checkpoint_folder_restores_from_itself(mnist_dir, tmp_path, capsys):
    """`mv ckpt run1`, or a folder saved by the previous version (absolute paths in its `checkpoint`
    list, as TF1's Saver wrote them): --restore finds the checkpoint in the folder it is given, names
    the files it read, and later saves list relative names (the next move is harmless too)."""
    ckpt = tmp_path / "ckpt"
    flags = ["--data_dir", mnist_dir, "--no_plot", "--batch_size", "20"]
    cls.main(cls.parse_args(flags + ["--max_steps", "2", "--save_path", str(ckpt)]))
    assert 'model_checkpoint_path: "model.ckpt-2"' in (ckpt / "checkpoint").read_text()
    (ckpt / "checkpoint").write_text('model_checkpoint_path: "%s/model.ckpt-2"\n'          # as written before
                                     'all_model_checkpoint_paths: "%s/model.ckpt-2"\n' % (ckpt, ckpt))
    os.rename(ckpt, tmp_path / "run1")
    capsys.readouterr()
    m = cls.main(cls.parse_args(flags + ["--max_steps", "3", "--save_path", str(tmp_path / "run1"), "--restore"]))
    out = capsys.readouterr().out
    assert "Restored %s" % (tmp_path / "run1" / "model.ckpt-2") in out and m["steps"] == 3
    assert 'model_checkpoint_path: "model.ckpt-3"' in (tmp_path / "run1" / "checkpoint").read_text()


def test_a_copied_folder_restores_the_copy_not_the_original(mnist_dir, tmp_path, capsys):
    """A copy whose list still names the original's files (absolute paths), the original intact beside
    it and the copy's data file cut short: the copy is what --restore reads, and refuses, never the
    original in silence."""
    import shutil
    original, copy = tmp_path / "ckpt", tmp_path / "copy"
    flags = ["--data_dir", mnist_dir, "--no_plot", "--batch_size", "20"]
    cls.main(cls.parse_args(flags + ["--max_steps", "2", "--save_path", str(original)]))
    (original / "checkpoint").write_text('model_checkpoint_path: "%s/model.ckpt-2"\n' % original)
    shutil.copytree(original, copy)
    for data in copy.glob("model.ckpt-2.data-*"):
        data.write_bytes(data.read_bytes()[:len(data.read_bytes()) // 2])
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(flags + ["--save_path", str(copy), "--restore"]))
    line = one_error_line(capsys)
    assert e.value.code == 2 and "cannot read the checkpoint %s" % (copy / "model.ckpt-2") in line and "damaged" in line


def test_checkpoints_in_reads_the_folders_own_files(tmp_path):
    """Names from the list, oldest first, found in the folder itself (a Windows path too); without a
    list that names a file here, every model.ckpt-N by N."""
    for n in (3, 10, 20):
        (tmp_path / ("model.ckpt-%d.index" % n)).write_bytes(b"")
    assert support.checkpoints_in(str(tmp_path)) == [str(tmp_path / ("model.ckpt-%d" % n)) for n in (3, 10, 20)]
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "C:\\\\Users\\\\me\\\\ck\\\\model.ckpt-10"\n'
                                         'all_model_checkpoint_paths: "/elsewhere/model.ckpt-3"\n'
                                         'all_model_checkpoint_paths: "C:\\\\Users\\\\me\\\\ck\\\\model.ckpt-10"\n')
    assert support.checkpoints_in(str(tmp_path)) == [str(tmp_path / "model.ckpt-3"), str(tmp_path / "model.ckpt-10")]
    assert support.checkpoints_in(str(tmp_path / "absent")) == []


# ---------------------------------------------------------------------------------- Ctrl-C
def test_ctrl_c_during_training_saves_and_exits_130(mnist_dir, tmp_path, monkeypatch, capsys, signal_handlers):
    """A real SIGINT in epoch 3 (in this process: Python's own Ctrl-C, as in a notebook)."""
    real = cls.support.check_finite

    def ctrl_c_in_step_25(value, step, name="loss"):
        real(value, step, name)
        if step == 25:
            signal.raise_signal(signal.SIGINT)     # Ctrl-C, on every system
    monkeypatch.setattr(cls.support, "check_finite", ctrl_c_in_step_25)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(["--data_dir", mnist_dir, "--batch_size", "20", "--epochs", "100",
                                 "--no_plot", "--save_path", str(tmp_path / "ckpt")]))
    out = capsys.readouterr().out
    assert e.value.code == 130 and "Interrupted." in out.splitlines()
    assert "Saved checkpoint %s" % (tmp_path / "ckpt" / "model.ckpt-25") in out


@needs_posix("a pipe closed by its reader is SIGPIPE's 141 (Windows: an EINVAL write error)")
def test_output_into_a_pipe_closed_during_training_saves_and_ends_quietly(mnist_dir, tmp_path, monkeypatch):
    """`python lstm_mnist_classify.py ... | head`: the reader goes away in epoch 3 (here standard output is
    a real pipe whose reading end is closed in step 25). The run saves the current step, as Ctrl-C would,
    and ends with a broken pipe's exit status, 141. (A real process whose pipe is closed:
    test_user_errors.test_output_into_a_closed_pipe_ends_quietly.)"""
    read, write = os.pipe()
    real = cls.support.check_finite

    def reader_gone_in_step_25(value, step, name="loss"):
        real(value, step, name)
        if step == 25:
            os.close(read)               # as `head` does once it has its lines
    monkeypatch.setattr(cls.support, "check_finite", reader_gone_in_step_25)
    ckpt = tmp_path / "ckpt"
    with os.fdopen(write, "w", buffering=1) as pipe:
        monkeypatch.setattr(sys, "stdout", pipe)
        with pytest.raises(SystemExit) as e:
            cls.main(cls.parse_args(["--data_dir", mnist_dir, "--batch_size", "20", "--epochs", "100",
                                     "--no_plot", "--save_path", str(ckpt)]))
    assert e.value.code == 141
    saved = support.checkpoints_in(str(ckpt))
    assert int(saved[-1].rsplit("-", 1)[1]) > 25      # the step the run was in when its print failed


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this system (Windows)")
def test_sighup_ends_the_run_as_hangup_129(monkeypatch, capsys, signal_handlers):
    """A closed terminal (SIGHUP) while the data is read: `Hangup.` and exit status 129."""
    def hang_up(*a, **k):
        os.kill(os.getpid(), signal.SIGHUP)
    monkeypatch.setattr(importlib.import_module("data.reader"), "ptb_raw_data", hang_up)
    monkeypatch.setattr(sys, "argv", ["ptb_language_model.py", "--no_plot"])
    with pytest.raises(SystemExit) as e:
        runpy.run_path(os.path.join(ROOT, "ptb_language_model.py"), run_name="__main__")
    assert e.value.code == 129 and capsys.readouterr().out.endswith("\nHangup.\n")


def test_ctrl_c_during_evaluation_still_saves_the_trained_model(mnist_dir, tmp_path, monkeypatch, capsys):
    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(support, "mnist_accuracy", interrupted)
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(["--data_dir", mnist_dir, "--max_steps", "3", "--no_plot",
                                 "--save_path", str(tmp_path / "ckpt")]))
    out = capsys.readouterr().out
    assert e.value.code == 130 and "Interrupted." in out and "model.ckpt-3" in out


@pytest.mark.parametrize("module,flags", [(cls, ["--max_steps", "2"]), (sp, ["--max_steps", "2",
                                                                               "--train_examples", "400"]),
                                          (reg, ["--max_steps", "2"])])
def test_ctrl_c_while_plotting_leaves_no_half_figure(module, flags, mnist_dir, tmp_path, monkeypatch, capsys):
    def interrupted(*a, **k):
        raise KeyboardInterrupt
    # the MNIST scripts share their figure, in support
    monkeypatch.setattr(support.mnist if module is cls else module, "mnist_figure" if module is cls else "save_figure",
                        interrupted)
    if module is cls:
        flags = flags + ["--data_dir", mnist_dir]
    with pytest.raises(SystemExit) as e:
        module.main(module.parse_args(flags + ["--plot", str(tmp_path / "p.png")]))
    assert e.value.code == 130 and "Interrupted" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_sampling_saves_the_ptb_checkpoint(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "ptb"
    corpus.mkdir()
    text = " the cat sat on the mat \n a dog ate the cat \n"
    for split, times in [("train", 40), ("valid", 8), ("test", 8)]:
        (corpus / ("ptb.%s.txt" % split)).write_text(text * times)

    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(ptb, "sample_words", interrupted)
    with pytest.raises(SystemExit) as e:
        ptb.main(ptb.parse_args(["--model", "test", "--data_path", str(corpus), "--no_plot", "--sample", "5",
                                 "--save_path", str(tmp_path / "ckpt"), "--epochs", "1"]))
    out = capsys.readouterr().out
    assert e.value.code == 130 and "Interrupted" in out and "TEST perplexity" in out
    assert json.loads((tmp_path / "ckpt" / "checkpoint.json").read_text())["--model"] == "test"


@pytest.mark.parametrize("script,where", [
    ("lstm_mnist_classify.py", "data.input_data.read_data_sets"),   # reading (or downloading) MNIST
    ("bilstm_mnist.py", "data.input_data.read_data_sets"),
    ("ptb_language_model.py", "data.reader.ptb_raw_data"),         # reading (or downloading) PTB
    ("lstm_sin_predict.py", "numpy.sin"),                            # making the data
    ("lstm_regression.py", "tensorflow.compat.v1.set_random_seed"),   # starting the graph
])
def test_ctrl_c_before_training_exits_130_without_a_traceback(script, where, monkeypatch, capsys, signal_handlers):
    """The script run as from the command line (its __main__ block), a real SIGINT sent to it before
    training; then the same inside TensorFlow's C++ layer, which can turn the KeyboardInterrupt into
    another error (each one below was seen here, Ctrl-C sent to the PTB run while it built its graph)."""
    module, name = where.rsplit(".", 1)

    def ctrl_c(*a, **k):
        signal.raise_signal(signal.SIGINT)

    def ctrl_c_inside_tensorflow(error):
        def interrupt(*a, **k):
            try:
                ctrl_c()
            except KeyboardInterrupt:
                raise error
        return interrupt

    def a_bug(*a, **k):
        raise RuntimeError("a bug, not a Ctrl-C")

    def run():
        try:
            runpy.run_path(os.path.join(ROOT, script), run_name="__main__")
        except KeyboardInterrupt:
            pytest.fail("Ctrl-C escaped the script: the user sees a traceback")
        except SystemExit as e:
            return e.code
        except Exited as e:
            return e.args

    monkeypatch.setattr(sys, "argv", [script, "--no_plot"])
    for interrupt in [ctrl_c] + [ctrl_c_inside_tensorflow(error) for error in (
            RuntimeError("pybind11::error_already_set called while Python error indicator not set."),
            SystemError("<built-in function __import__> returned a result with an exception set"),
            AttributeError("'list' object has no attribute '_from_components'"))]:
        monkeypatch.setattr(importlib.import_module(module), name, interrupt)
        assert run() == 130 and capsys.readouterr().out.endswith("\nInterrupted.\n")
    # a Ctrl-C swallowed by TensorFlow (or stuck on a lock): the second one ends the run at once
    def swallowed_then_again(*a, **k):
        try:
            ctrl_c()
        except KeyboardInterrupt:
            pass
        ctrl_c()
    monkeypatch.setattr(importlib.import_module(module), name, swallowed_then_again)
    monkeypatch.setattr(os, "_exit", exited)
    assert run() == ("os._exit", 130) and capsys.readouterr().out.endswith("\nInterrupted.\n")
    # an error without a Ctrl-C is shown as it is
    monkeypatch.setattr(importlib.import_module(module), name, a_bug)
    with pytest.raises(RuntimeError):
        run()


def test_run_in_a_notebook_keeps_the_notebooks_own_ctrl_c(monkeypatch):
    """%run in IPython / Jupyter: the script leaves SIGINT to the notebook, whose Ctrl-C (interrupt the
    kernel) raises KeyboardInterrupt into the cell as usual."""
    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setitem(sys.modules, "IPython", types.ModuleType("IPython"))
    monkeypatch.setattr(importlib.import_module("data.reader"), "ptb_raw_data", interrupted)
    monkeypatch.setattr(sys, "argv", ["ptb_language_model.py", "--no_plot"])
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        runpy.run_path(os.path.join(ROOT, "ptb_language_model.py"), run_name="__main__")
    assert signal.getsignal(signal.SIGINT) is handler


class Exited(BaseException):
    """What os._exit raises in test_ctrl_c_before_training_..., instead of ending pytest's own process."""


def exited(code):
    raise Exited("os._exit", code)

"""A user's mistakes outside the data: unusable output paths, out-of-range seeds, non-finite floats,
flag combinations that leave nothing to train on, a broken Keras set-up. Each is refused with one
`error:` line and exit status 2, before TensorFlow is imported (the fake TensorFlow of `no_tensorflow`
fails loudly if it is), so no training step ever runs."""
import argparse
import importlib

import pytest

from conftest import run_script

SCRIPTS = ["lstm_regression.py", "lstm_sin_predict.py", "lstm_mnist_classify.py", "bilstm_mnist.py",
           "ptb_language_model.py"]
LR_FLAG = {"lstm_regression.py": "--lr", "lstm_sin_predict.py": "--learning_rate",
           "lstm_mnist_classify.py": "--learning_rate", "bilstm_mnist.py": "--learning_rate",
           "ptb_language_model.py": "--learning_rate"}


def refused(script, env, *flags):
    r = run_script(script, *flags, env=env)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and "tensorflow was imported" not in r.stderr
    errors = [l for l in r.stderr.splitlines() if "error:" in l]
    assert len(errors) == 1                  # one line says what is wrong
    return errors[0]


@pytest.mark.parametrize("script", SCRIPTS)
def test_unusable_outputs_are_refused_before_training(script, tmp_path, no_tensorflow):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    line = refused(script, no_tensorflow, "--plot", str(a_file / "p.png"))
    assert "--plot" in line and "is a file, so no folder can be made inside it" in line
    line = refused(script, no_tensorflow, "--metrics_json", str(tmp_path), "--no_plot")
    assert "--metrics_json" in line and "is a folder; give a file name" in line
    line = refused(script, no_tensorflow, "--logdir", str(a_file), "--no_plot")
    assert "--logdir" in line and "is a file; give a folder" in line
    assert a_file.read_text() == "x"


@pytest.mark.parametrize("script", ["lstm_mnist_classify.py", "ptb_language_model.py"])
def test_a_checkpoint_folder_that_is_a_file_is_refused(script, tmp_path, no_tensorflow):
    (tmp_path / "ckpt").write_text("x")
    line = refused(script, no_tensorflow, "--save_path", str(tmp_path / "ckpt"), "--no_plot")
    assert "--save_path" in line and "is a file; give a folder" in line


@pytest.mark.parametrize("script", SCRIPTS)
def test_seed_and_learning_rate_ranges(script, no_tensorflow):
    assert "--seed" in refused(script, no_tensorflow, "--seed", "-1")
    assert "2**32" in refused(script, no_tensorflow, "--seed", str(2 ** 32))
    for value in ["inf", "nan"]:
        line = refused(script, no_tensorflow, LR_FLAG[script], value)
        assert "positive finite number" in line


def test_sin_examples_too_few_for_one_batch(no_tensorflow):
    line = refused("lstm_sin_predict.py", no_tensorflow, "--train_examples", "100")
    assert "no batch of --batch_size 128" in line and "raise --train_examples" in line


def test_keras2_check_names_what_to_install(monkeypatch, capsys):
    import lstm_regression as reg
    from importlib import metadata, util
    p = argparse.ArgumentParser(prog="lstm_regression.py")
    real_version = metadata.version
    monkeypatch.setattr(metadata, "version", lambda d: "2.20.1" if d == "tf-keras" else real_version(d))
    with pytest.raises(SystemExit) as e:
        reg.check_keras2(p)
    err = capsys.readouterr().err
    assert e.value.code == 2 and "tf-keras 2.20.1 does not match TensorFlow 2.21" in err
    assert 'pip install "tf-keras==2.21.*"' in err
    monkeypatch.setattr(metadata, "version", real_version)
    real_find = util.find_spec
    monkeypatch.setattr(util, "find_spec", lambda name, *a: None if name == "tf_keras" else real_find(name, *a))
    with pytest.raises(SystemExit):
        reg.check_keras2(p)
    assert "tf-keras is not installed" in capsys.readouterr().err
    monkeypatch.setattr(util, "find_spec", real_find)
    assert reg.check_keras2(p) is None                   # this machine's set-up passes
    assert importlib.util.find_spec("tf_keras") is not None


@pytest.mark.parametrize("script", SCRIPTS)
def test_outputs_without_write_permission_are_refused(script, tmp_path, monkeypatch, capsys):
    """As root, every folder is writable, so the permission check is run with os.access saying no."""
    module = importlib.import_module(script[:-3])
    (tmp_path / "logs").mkdir()
    (tmp_path / "m.json").write_text("{}")
    monkeypatch.setattr(module.os, "access", lambda path, mode: False)
    cases = [(["--plot", str(tmp_path / "new" / "p.png")], "cannot be created: %s is not writable" % tmp_path),
             (["--logdir", str(tmp_path / "logs"), "--no_plot"], "is a folder you cannot write to"),
             (["--metrics_json", str(tmp_path / "m.json"), "--no_plot"], "is a file you cannot overwrite")]
    for flags, message in cases:
        with pytest.raises(SystemExit) as e:
            module.parse_args(flags)
        errors = [l for l in capsys.readouterr().err.splitlines() if "error:" in l]
        assert e.value.code == 2 and len(errors) == 1 and message in errors[0], errors
    assert (tmp_path / "m.json").read_text() == "{}" and not (tmp_path / "new").exists()

"""What the test modules share (pytest's advice: import no conftest): the project's folder, its scripts, a
script run as a user runs it, a refusal of bad flags, TensorBoard's scalars."""
import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = ["lstm_regression.py", "lstm_sin_predict.py", "lstm_mnist_classify.py", "bilstm_mnist.py",
           "ptb_language_model.py"]     # the README's order; the top level's only .py files (test_readme)


def load_module(name, path):
    """A file that is no package's module (docs/make_results.py, notebooks/generate.py, keras3/'s scripts),
    loaded by its path under ROOT as `name`."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_ptb(folder, train="a b c\nb c\nc\n", valid="c b\n", test="a <unk> zzz\n"):
    """A tiny PTB in folder: its three files, with these texts ("\n" line ends on every system)."""
    os.makedirs(folder, exist_ok=True)
    for name, text in zip(("ptb.train.txt", "ptb.valid.txt", "ptb.test.txt"), (train, valid, test)):
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return str(folder)


def needs_posix(why):
    """Skip where the test needs what only POSIX systems have (Windows lacks it): why says what."""
    return pytest.mark.skipif(os.name != "posix", reason="needs POSIX: " + why)


def run_script(script, *args, env=None, cwd=None):
    """Run one of the project's scripts as a user would, in a new python; returns the CompletedProcess."""
    return subprocess.run([sys.executable, os.path.join(ROOT, script)] + list(args), capture_output=True,
                          text=True, env=dict(os.environ, **(env or {})), cwd=cwd or ROOT, timeout=300)


def refused(parse_args, capsys, *flags):
    """parse_args(flags) exits 2 with exactly one `error:` line; returns it."""
    with pytest.raises(SystemExit) as e:
        parse_args(list(flags))
    err = capsys.readouterr().err
    assert e.value.code == 2 and "Traceback" not in err
    errors = [l for l in err.splitlines() if "error:" in l]
    assert len(errors) == 1, err            # one line says what is wrong
    return errors[0]


def tensorboard_scalars(logdir):
    """{tag: [values]} of the scalars in logdir, read with TensorBoard's own reader (what its
    Scalars dashboard shows), not TensorFlow's."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0})
    events.Reload()
    return {tag: [e.value for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}

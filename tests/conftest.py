"""Shared fixtures: TensorFlow is imported once per session; each test starts with an empty graph."""
import gc
import os
import subprocess
import sys

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """pytest.ini runs the suite on 2 processes (pytest-xdist); with -s, whose point is to see what the
    tests print (the pages' API examples), run in this one process instead so the prints show."""
    if config.getoption("capture", None) == "no" and getattr(config.option, "numprocesses", None):
        config.option.numprocesses = 0

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")   # as support.load_tensorflow does, before TensorFlow loads
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def quick_tensorflow():
    """In this process, TensorFlow skips what changes nothing the tests check (tests/quick_tensorflow.py):
    Grappler's rewrites, pool threads, ops' creation stacks (18 s of the suite's CPU)."""
    from quick_tensorflow import quicken
    quicken()


@pytest.fixture(scope="session")
def tf():
    import tensorflow.compat.v1 as tf1
    tf1.disable_eager_execution()
    tf1.get_logger().setLevel("ERROR")   # no deprecation notices between the pages' printed lines
    tf1.set_random_seed(0)
    return tf1


@pytest.fixture(autouse=True)
def fresh_graph():
    """Reset TensorFlow's default graph between tests (only if a test has loaded TensorFlow), with a
    graph seed, so that a test's random weights are the same on every run: no result by chance."""
    yield
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].compat.v1.reset_default_graph()
        sys.modules["tensorflow"].compat.v1.set_random_seed(0)
    # The test's garbage (its graphs) collected now, what survives left out of later collections: each
    # full collection walked every earlier test's survivors again (7 s of the suite's CPU; what
    # survives stays, about 40 MB more per worker)
    gc.collect()
    gc.freeze()


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


@pytest.fixture
def no_tensorflow(tmp_path):
    """An environment where `import tensorflow` fails loudly: proves a script exits before importing it."""
    fake = tmp_path / "fake_tf" / "tensorflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('tensorflow was imported')\n")
    return {"PYTHONPATH": str(fake.parent)}


def tensorboard_scalars(logdir):
    """{tag: [values]} of the scalars in logdir, read with TensorBoard's own reader (what its
    Scalars dashboard shows), not TensorFlow's."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    events = EventAccumulator(str(logdir), size_guidance={"scalars": 0})
    events.Reload()
    return {tag: [e.value for e in events.Scalars(tag)] for tag in events.Tags()["scalars"]}

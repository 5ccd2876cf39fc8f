"""Shared fixtures: TensorFlow is imported once per session; each test starts with an empty graph; signal
handlers put back. Helpers the test modules share are in helpers.py (never import this file)."""
import gc
import os
import signal
import sys

import pytest

from helpers import ROOT


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """pytest.ini runs the suite on 2 processes (pytest-xdist); with -s, whose point is to see what the
    tests print (the pages' API examples), run in this one process instead so the prints show."""
    if config.getoption("capture", None) == "no" and getattr(config.option, "numprocesses", None):
        config.option.numprocesses = 0

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


@pytest.fixture
def no_tensorflow(tmp_path):
    """An environment where `import tensorflow` fails loudly: proves a script exits before importing it."""
    fake = tmp_path / "fake_tf" / "tensorflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('tensorflow was imported')\n")
    return {"PYTHONPATH": str(fake.parent)}


@pytest.fixture
def signal_handlers():
    """The handlers of the signals a run stops on (SIGINT, SIGTERM, and SIGHUP or Windows' SIGBREAK) as they
    were before the test, put back after it."""
    from support.running import STOPS
    saved = {s: signal.getsignal(s) for s in STOPS}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)

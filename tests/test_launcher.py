"""tests/launcher.py starts a script as a new python does (what the tests that use it rely on), and
refuses a run it cannot start that way."""
import os
import shlex
import signal
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="elsewhere every run is a new python")

PROBE = """import os, signal, sys
print(__name__, sys.argv, sys.path[0], os.getcwd(), os.environ.get("PROBE"))
print(sys.stdout.encoding, sys.stdout.errors, sys.stdout.write_through, type(sys.stdout.buffer).__name__)
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler, os.getpid() != int(sys.argv[1]))
print("to stderr", file=sys.stderr)
sys.exit(3)
"""


@pytest.mark.parametrize("unbuffered", ["1", ""])
def test_a_launched_run_starts_as_a_new_python(launcher, tmp_path, unbuffered):
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    env = {"PROBE": "here", "PYTHONUNBUFFERED": unbuffered}
    launched = launcher.run(str(script), str(os.getpid()), "a b", env=env, cwd=tmp_path)
    new = subprocess.run([sys.executable, str(script), str(os.getpid()), "a b"], capture_output=True, text=True,
                         cwd=tmp_path, env=dict(os.environ, **env),
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))   # as from a shell
    assert (launched.returncode, launched.stdout, launched.stderr) == (3, new.stdout, new.stderr)
    assert "True True" in new.stdout and ("FileIO" in new.stdout) == bool(unbuffered)


def test_a_signal_reaches_the_launched_run(launcher, tmp_path):
    script = tmp_path / "wait.py"
    script.write_text("import signal\nprint('ready', flush=True)\nsignal.pause()\n")
    run = launcher.start(str(script))
    assert run.stdout.readline() == "ready\n"
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=30) == -signal.SIGTERM


def test_a_run_past_its_timeout_is_killed_and_the_launcher_goes_on(launcher, tmp_path):
    script = tmp_path / "forever.py"
    script.write_text("import signal\nsignal.pause()\n")
    with pytest.raises(subprocess.TimeoutExpired):
        launcher.run(str(script), timeout=0.2)
    assert launcher.run("lstm_regression.py", "--steps", "0").returncode == 2     # the next run is served


@pytest.mark.parametrize("variable", ["PYTHONIOENCODING", "PYTHONPATH", "TF_CPP_MIN_LOG_LEVEL", "LANG"])
def test_what_python_reads_as_it_starts_is_refused(launcher, variable):
    with pytest.raises(ValueError, match=variable):
        launcher.start("lstm_regression.py", "--help", env={variable: "x"})


WORKER = """import os, sys
print(__name__, sorted(k for k in globals() if not k.startswith('__')), sys.argv, repr(sys.path[0]), os.getcwd())
print(os.environ.get("PROBE"), sys.stdin.readline().strip(), sys.stdout.write_through)
print("to stderr", file=sys.stderr)
print("tensorflow" in sys.modules, file=sys.stderr)
sys.exit(5)
"""


def test_a_worker_starts_as_python_u_c_would_with_tensorflow_loaded(launcher, tmp_path):
    """How pytest-xdist's workers start (conftest.pytest_configure): `launcher.py --worker -u -c CODE`."""
    from launcher import SOCKET, worker_python
    env = dict(os.environ, PROBE="here", **{SOCKET: launcher.path})
    launched = subprocess.run(shlex.split(worker_python()) + ["-u", "-c", WORKER], input="a line\n",
                              capture_output=True, text=True, cwd=tmp_path, env=env)
    new = subprocess.run([sys.executable, "-u", "-c", WORKER], input="a line\n", capture_output=True, text=True,
                         cwd=tmp_path, env=env)
    assert (launched.returncode, launched.stdout) == (5, new.stdout)
    assert "__main__ ['os', 'sys'] ['-c'] '' " in new.stdout and "here a line True" in new.stdout
    assert (launched.stderr, new.stderr) == ("to stderr\nTrue\n", "to stderr\nFalse\n")   # forked: loaded


def test_a_worker_ended_by_a_signal_ends_its_client_so(launcher):
    from launcher import SOCKET, worker_python
    launched = subprocess.run(shlex.split(worker_python()) + ["-u", "-c", "import os; os.kill(os.getpid(), 15)"],
                              env=dict(os.environ, **{SOCKET: launcher.path}))
    assert launched.returncode == -signal.SIGTERM


BARE_PROBE = """import sys
import here
print(sys.path, here.__file__, "tensorflow" in sys.modules)
import numpy
print(numpy.__file__.startswith(sys.path[1]))
"""


@pytest.mark.parametrize("fake_numpy", [False, True])
def test_the_bare_launcher_reads_pythonpath_as_python_does(launcher, tmp_path, fake_numpy):
    """What conftest.run_script uses: the launcher's twin forked before TensorFlow loads, where a run can
    set PYTHONPATH; a folder there that holds a module it has loaded (numpy) gets a new python."""
    from launcher import Launcher
    (tmp_path / "probe.py").write_text(BARE_PROBE)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "here.py").write_text("")
    if fake_numpy:
        (tmp_path / "lib" / "numpy").mkdir()
        (tmp_path / "lib" / "numpy" / "__init__.py").write_text("")
    env = {"PYTHONPATH": "lib" + os.pathsep + str(tmp_path / "nowhere")}          # relative: from cwd
    bare = Launcher(launcher.path, bare=True)
    launched = bare.run(str(tmp_path / "probe.py"), env=env, cwd=tmp_path)
    bare.close()
    new = subprocess.run([sys.executable, str(tmp_path / "probe.py")], capture_output=True, text=True,
                         cwd=tmp_path, env=dict(os.environ, **env))
    assert (launched.returncode, launched.stdout, launched.stderr) == (0, new.stdout, new.stderr)
    assert new.stdout.endswith("False\n%s\n" % fake_numpy)
    with pytest.raises(ValueError, match="LANG"):
        Launcher(launcher.path, bare=True).start("probe.py", env={"LANG": "C"})


def test_a_worker_without_its_launcher_starts_a_new_python(tmp_path):
    """The launcher could not start (say TensorFlow fails to load there): the workers still start."""
    from launcher import SOCKET, worker_python
    launched = subprocess.run(shlex.split(worker_python()) + ["-u", "-c", WORKER], input="a line\n",
                              capture_output=True, text=True, cwd=tmp_path,
                              env=dict(os.environ, PROBE="here", **{SOCKET: str(tmp_path / "gone")}))
    assert launched.returncode == 5 and "here a line True" in launched.stdout
    assert launched.stderr == "to stderr\nFalse\n"                  # a new python: nothing loaded

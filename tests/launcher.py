"""One process imports TensorFlow, tf-keras and matplotlib once, and forks every process of the test suite
that needs them: the pytest workers, and the runs of the project's scripts that the tests start as
`python script.py ...` does. Each such import costs about 3 s of CPU.

The pytest controller starts it (conftest.pytest_configure) and gives pytest-xdist `python
tests/launcher.py --worker` as the workers' python: that small client hands its standard streams to the
launcher, whose child becomes the worker as `python -u -c CODE` would start, and exits with its status.
A worker's `launcher` fixture (a Launcher) connects to the same process to run scripts; without xdist
(`pytest -n 0`) a Launcher starts its own.

A script's run is a process of its own, with its own pid, exit status and signals, its standard streams on
the test's pipes, and it starts as Python does: its argv, environment, working directory and sys.path[0],
`__name__ == "__main__"`. What a fork cannot give is what Python and TensorFlow read while they start
(PYTHONPATH, PYTHONIOENCODING, the locale, TF_* variables, TensorFlow's own start-up log): a run that
changes one of those is refused here. Its twin, forked before TensorFlow is imported (with numpy only),
serves the runs that must start without TensorFlow (conftest.run_script) and reads their PYTHONPATH as
python does; any other change gets a new `python`. On Linux only: Windows has no fork, and macOS's system
libraries are not safe in a forked child; there every run is a new python.
"""
import builtins
import io
import json
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOCKET = "TESTS_LAUNCHER"      # the environment variable naming the launcher's socket
BARE = ".bare"                 # its twin's, which has not imported TensorFlow (only numpy)
# read while Python, TensorFlow or matplotlib start: a run that changes them needs a new python
STARTUP = ("PYTHON", "LC_", "LANG", "TF_", "MPL", "OMP_", "OPENBLAS_", "KMP_")


def read_only_at_startup(name):
    return name.startswith(STARTUP) and name != "PYTHONUNBUFFERED"   # -u's buffering: set in the child


def startup_changes(env):
    """The variables read at start-up that env sets otherwise than this process's environment."""
    return sorted(k for k in set(env) | set(os.environ)
                  if read_only_at_startup(k) and env.get(k) != os.environ.get(k))


def worker_python():
    """What pytest-xdist runs as a worker's python: this file as a client of the launcher."""
    return " ".join(shlex.quote(a) for a in (sys.executable, os.path.abspath(__file__), "--worker"))


class Server:
    """The launching process, as its parent sees it: its socket's path; close() ends it."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="launcher-")
        self.path = os.path.join(self.folder, "socket")
        self.log = tempfile.TemporaryFile()      # TensorFlow's start-up lines; shown if it fails
        self.process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", self.path],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, cwd=ROOT)
        if self.process.stdout.readline() != b"listening\n":      # it imports TensorFlow after this
            self.fail()

    def fail(self):
        self.log.seek(0)
        raise RuntimeError("the launcher ended with status %s:\n%s"
                           % (self.process.wait(), self.log.read().decode(errors="replace")[-3000:]))

    def close(self):
        """Ends it once its children have ended (their CPU time is then counted as the suite's)."""
        self.process.stdin.close()
        self.process.wait(timeout=120)
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.process.returncode:
            self.fail()


def send(channel, request, fds):
    """A request: its length with the three standard-stream fds it passes, then its JSON."""
    data = json.dumps(request).encode()
    socket.send_fds(channel, [b"%010d" % len(data)], fds)
    channel.sendall(data)


def receive(channel):
    """The next request and its fds, or (None, None) once the other side has closed."""
    head, fds, _, _ = socket.recv_fds(channel, 10, 3)
    while head and len(head) < 10:
        head += channel.recv(10 - len(head))
    data = b""
    while len(head) == 10 and len(data) < int(head):
        chunk = channel.recv(int(head) - len(data))
        if not chunk:
            break
        data += chunk
    if not head or len(data) < int(head):
        return None, None
    return json.loads(data), fds


def read_line(channel, buffered, timeout):
    """(the next line, what came after it) from channel, waiting at most timeout seconds."""
    while b"\n" not in buffered:
        if not select.select([channel], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired("launcher", timeout)
        chunk = channel.recv(4096)
        if not chunk:
            raise RuntimeError("the launcher has ended")
        buffered += chunk
    line, rest = buffered.split(b"\n", 1)
    return line, rest


class Launcher:
    """The tests' side: run() gives a subprocess.CompletedProcess, start() a Run (subprocess.Popen's
    part that the tests use). Connects to the launcher at `path`, or starts one of its own."""

    def __init__(self, path=None, bare=False):
        self.own = Server() if path is None else None
        self.path, self.bare = path or self.own.path, bare
        self.channel = socket.socket(socket.AF_UNIX)
        self.channel.connect(self.path + (BARE if bare else ""))
        self.replies = b""

    def start(self, script, *args, env=None, cwd=None):
        """bare: a launcher without TensorFlow loaded, which can change PYTHONPATH (as python reads it)."""
        full_env = dict(os.environ, **(env or {}))
        changed = [k for k in startup_changes(full_env) if not (self.bare and k == "PYTHONPATH")]
        if changed:
            raise ValueError("the launcher cannot change %s: use a new python" % ", ".join(changed))
        request = {"argv": [os.path.join(ROOT, script)] + [str(a) for a in args], "env": full_env,
                   "cwd": str(cwd or ROOT)}
        out, err, null = os.pipe(), os.pipe(), os.open(os.devnull, os.O_RDONLY)
        send(self.channel, request, [null, out[1], err[1]])
        for fd in (null, out[1], err[1]):
            os.close(fd)
        return Run(self, int(self.reply(timeout=60)), open(out[0]), open(err[0]))

    def run(self, script, *args, env=None, cwd=None, timeout=300):
        run = self.start(script, *args, env=env, cwd=cwd)
        try:
            out, err = run.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            run.kill()             # as subprocess.run does; the launcher is free for the next run
            raise
        return subprocess.CompletedProcess(run.args, run.returncode, out, err)

    def reply(self, timeout):
        """The launcher's next line (a pid, or an exit status), waiting at most timeout seconds."""
        line, self.replies = read_line(self.channel, self.replies, timeout)
        return line

    def close(self):
        self.channel.close()
        if self.own:
            self.own.close()


class Run:
    """A script the launcher forked: pid, stdout and stderr (text), send_signal, kill, poll, wait,
    communicate and returncode, as subprocess.Popen's."""

    def __init__(self, launcher, pid, stdout, stderr):
        self.launcher, self.pid, self.stdout, self.stderr = launcher, pid, stdout, stderr
        self.args, self.returncode = ["launcher", str(pid)], None

    def send_signal(self, signum):
        if self.poll() is None:          # the launcher reaps it at once: its pid is free once it has ended
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:   # it has just ended
                pass

    def kill(self):
        self.send_signal(signal.SIGKILL)
        self.wait(timeout=60)

    def wait(self, timeout=None):
        if self.returncode is None:
            self.returncode = int(self.launcher.reply(timeout))
        return self.returncode

    def poll(self):
        try:
            return self.wait(timeout=0)
        except subprocess.TimeoutExpired:
            return None

    def communicate(self, timeout=None):
        found = {}
        readers = [threading.Thread(target=lambda k=k, f=f: found.setdefault(k, f.read() if not f.closed else ""))
                   for k, f in (("out", self.stdout), ("err", self.stderr))]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout)
            if reader.is_alive():
                raise subprocess.TimeoutExpired(self.args, timeout)
        self.wait(timeout)
        self.stdout.close()
        self.stderr.close()
        return found["out"], found["err"]


# ------------------------------------------------------------------ the launcher and its children
def serve(path):
    """Listen, import once, then fork a handler per connection. Returns the connection in a handler,
    None in a launcher at the end (its standard input closed). Two launchers: this one, which imports
    TensorFlow, and one forked before it does (at path + BARE), for the runs that must start without it."""
    listeners = [socket.socket(socket.AF_UNIX) for _ in range(2)]
    for listener, where in zip(listeners, (path, path + BARE)):
        listener.bind(where)
        listener.listen(16)
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is for pytest and the runs (see become)
    os.write(1, b"listening\n")                      # connections wait while the imports run
    import numpy  # noqa: F401   (a script's first import: 0.1 s of its 0.15 s)
    bare = os.fork()
    listener = listeners[1 if bare == 0 else 0]
    listeners[0 if bare == 0 else 1].close()
    if bare:
        import matplotlib.pyplot  # noqa: F401   (MPLBACKEND=Agg: conftest)
        import tensorflow  # noqa: F401
        import tf_keras  # noqa: F401
    import gc
    gc.freeze()      # what is loaded stays out of the children's collections and their exit (0.5 s each)
    handlers = set([bare] if bare else [])
    while True:
        ready = select.select([listener, 0], [], [], 1.0)[0]
        for pid in list(handlers - {bare}):
            if os.waitpid(pid, os.WNOHANG)[0]:
                handlers.discard(pid)
        if 0 in ready and not os.read(0, 1):
            break
        if listener in ready:
            connection, _ = listener.accept()
            pid = os.fork()
            if pid == 0:
                listener.close()
                return connection
            connection.close()
            handlers.add(pid)
    for pid in handlers:
        os.waitpid(pid, 0)
    return None


def handle(connection):
    """A handler: forks a child per request on its connection, sends back its pid, then its exit
    status. Returns the request in the child, None at the end."""
    while True:
        request, fds = receive(connection)
        if request is None:
            return None, None
        pid = os.fork()
        if pid == 0:
            connection.close()
            return request, fds
        for fd in fds:
            os.close(fd)
        try:
            connection.sendall(b"%d\n" % pid)
            _, status = os.waitpid(pid, 0)
            connection.sendall(b"%d\n" % os.waitstatus_to_exitcode(status))
        except BrokenPipeError:        # the test's side has gone: its runs with it
            return None, None


def pythonpath(env, cwd=""):
    """The folders env's PYTHONPATH puts on sys.path, as python does (relative ones from cwd)."""
    return [os.path.abspath(os.path.join(cwd, p)) for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]


def shadowed(request, started):
    """Whether the request's PYTHONPATH, if another than this process started with, holds a module this
    process has imported already (a fake numpy, say)."""
    names, folders = {m.partition(".")[0] for m in sys.modules}, pythonpath(request["env"], request["cwd"])
    return folders != started and any(
        os.path.exists(os.path.join(folder, name)) or os.path.exists(os.path.join(folder, name + ".py"))
        for folder in folders for name in names)


def become(request, fds, started):
    """In the child: the run's standard streams, environment, folder and argv, as `python script` has
    (or `python -u -c code`, for a pytest worker). started: the PYTHONPATH this process started with."""
    for fd, std in zip(fds, (0, 1, 2)):
        os.dup2(fd, std)
        os.close(fd)
    unbuffered = bool(request.get("unbuffered") or request["env"].get("PYTHONUNBUFFERED"))
    if unbuffered != bool(os.environ.get("PYTHONUNBUFFERED")):    # as python -u, or not
        sys.stdout = sys.__stdout__ = io.TextIOWrapper(
            io.open(1, "wb", buffering=0 if unbuffered else -1, closefd=False),
            encoding=sys.stdout.encoding, errors=sys.stdout.errors, write_through=unbuffered)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = request["argv"]
    sys.path[0] = os.path.dirname(sys.argv[0])          # "" for ["-c"], as python -c has it
    if pythonpath(request["env"]) != started:            # the bare launcher: as python reads PYTHONPATH
        sys.path[1:] = pythonpath(request["env"]) + [p for p in sys.path[1:] if p not in started]
    signal.signal(signal.SIGINT, signal.default_int_handler)          # as from a shell


def worker(argv):
    """`launcher.py --worker -u -c CODE`, as pytest-xdist starts a worker's python: the launcher's child
    runs CODE with this process's standard streams; this one waits, and ends as it ended."""
    code = argv[argv.index("-c") + 1]
    try:
        channel = socket.socket(socket.AF_UNIX)
        channel.connect(os.environ[SOCKET])
        send(channel, {"code": code, "argv": ["-c"], "unbuffered": "-u" in argv, "env": dict(os.environ),
                       "cwd": os.getcwd()}, [0, 1, 2])
        pid, rest = read_line(channel, b"", None)
    except (OSError, KeyError, RuntimeError):        # no launcher (it could not load TensorFlow): a python
        os.execv(sys.executable, [sys.executable] + argv[2:])
    signal.signal(signal.SIGINT, signal.SIG_IGN)     # the worker has Ctrl-C from the terminal itself
    signal.signal(signal.SIGTERM, lambda *_: os.kill(int(pid), signal.SIGTERM))
    status = int(read_line(channel, rest, None)[0])
    if status < 0:                                   # ended by a signal: so does this process
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    os._exit(status)


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        worker(sys.argv)
    connection = serve(sys.argv[2])
    request, fds = handle(connection) if connection else (None, None)
    if request is not None:
        started = pythonpath(os.environ)
        # not as this process started, or a module it has loaded shadowed: a new python
        anew = ("code" in request and startup_changes(request["env"])) or shadowed(request, started)
        become(request, fds, started)
        if anew:
            argv = ["-u", "-c", request["code"]] if "code" in request else request["argv"]
            os.execve(sys.executable, [sys.executable] + argv, request["env"])
        if "code" in request:
            main = sys.modules["__main__"] = types.ModuleType("__main__")
            main.__builtins__ = builtins
            exec(compile(request["code"], "<string>", "exec"), main.__dict__)
        else:
            import runpy
            runpy.run_path(sys.argv[0], run_name="__main__")         # its exit: as python's own

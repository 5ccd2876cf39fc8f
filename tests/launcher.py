"""Runs the project's scripts for the tests as `python script.py ...` does, without paying TensorFlow's
import (about 3 s of CPU) in every run.

Started once (the `launcher` fixture, conftest.py), this process imports TensorFlow, tf-keras and
matplotlib, then forks a child for each run. The child is a process of its own, with its own pid, exit
status and signals, its standard streams on the test's pipes, and it starts the script as Python does:
its argv, environment, working directory and sys.path[0], `__name__ == "__main__"`. What a fork cannot
give is what Python and TensorFlow read while they start (PYTHONPATH, PYTHONIOENCODING, the locale,
TF_* variables, TensorFlow's own start-up log): a run that changes one of those is refused here, and its
test runs a new `python` (conftest.run_script). On Linux only: Windows has no fork, and macOS's system
libraries are not safe in a forked child; there every run is a new python.
"""
import io
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# read while Python, TensorFlow or matplotlib start: a run that changes them needs a new python
STARTUP = ("PYTHON", "LC_", "LANG", "TF_", "MPL", "OMP_", "OPENBLAS_", "KMP_")


def read_only_at_startup(name):
    return name.startswith(STARTUP) and name != "PYTHONUNBUFFERED"   # -u's buffering: set in the child


class Launcher:
    """The tests' side: run() gives a subprocess.CompletedProcess, start() a Run (subprocess.Popen's
    part that the tests use)."""

    def __init__(self):
        self.channel, theirs = socket.socketpair()     # carries each run's standard streams
        self.server = subprocess.Popen([sys.executable, os.path.abspath(__file__), str(theirs.fileno())],
                                       pass_fds=[theirs.fileno()], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, cwd=ROOT)
        theirs.close()
        self.replies = b""

    def start(self, script, *args, env=None, cwd=None):
        full_env = dict(os.environ, **(env or {}))
        changed = sorted(k for k in set(full_env) | set(os.environ)
                         if read_only_at_startup(k) and full_env.get(k) != os.environ.get(k))
        if changed:
            raise ValueError("the launcher cannot change %s: use conftest.run_script" % ", ".join(changed))
        request = {"argv": [os.path.join(ROOT, script)] + [str(a) for a in args], "env": full_env,
                   "cwd": str(cwd or ROOT)}
        out, err, null = os.pipe(), os.pipe(), os.open(os.devnull, os.O_RDONLY)
        self.server.stdin.write(json.dumps(request).encode() + b"\n")
        self.server.stdin.flush()
        socket.send_fds(self.channel, [b"."], [null, out[1], err[1]])
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
        """The server's next line (a pid, or an exit status), waiting at most timeout seconds."""
        fd = self.server.stdout.fileno()
        while b"\n" not in self.replies:
            if not select.select([fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired("launcher", timeout)
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError("the launcher has ended (status %s)" % self.server.wait())
            self.replies += chunk
        line, self.replies = self.replies.split(b"\n", 1)
        return line

    def close(self):
        self.server.stdin.close()
        self.server.wait(timeout=60)


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


# ------------------------------------------------------------------ the server and its children
def serve(channel):
    """Import once, then fork a child per request. Returns the request in the child, None at the end."""
    import matplotlib.pyplot  # noqa: F401   (MPLBACKEND=Agg: conftest)
    import tensorflow  # noqa: F401
    import tf_keras  # noqa: F401
    import gc
    gc.freeze()      # what is loaded stays out of the children's collections and their exit (0.5 s each)
    requests = io.open(0, "rb", buffering=0, closefd=False)   # unbuffered: nothing kept for a child
    while True:
        line = b""
        while not line.endswith(b"\n"):
            byte = requests.read(1)
            if not byte:
                return None, None
            line += byte
        _, fds, _, _ = socket.recv_fds(channel, 1, 3)
        pid = os.fork()
        if pid == 0:
            channel.close()
            return json.loads(line), fds
        for fd in fds:
            os.close(fd)
        os.write(1, b"%d\n" % pid)
        _, status = os.waitpid(pid, 0)
        os.write(1, b"%d\n" % os.waitstatus_to_exitcode(status))


def become(request, fds):
    """In the child: the run's standard streams, environment, folder and argv, as `python script` has."""
    for fd, std in zip(fds, (0, 1, 2)):
        os.dup2(fd, std)
        os.close(fd)
    unbuffered = bool(request["env"].get("PYTHONUNBUFFERED"))
    if unbuffered != bool(os.environ.get("PYTHONUNBUFFERED")):    # as python -u, or not
        sys.stdout = sys.__stdout__ = io.TextIOWrapper(
            io.open(1, "wb", buffering=0 if unbuffered else -1, closefd=False),
            encoding=sys.stdout.encoding, errors=sys.stdout.errors, write_through=unbuffered)
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = request["argv"]
    sys.path[0] = os.path.dirname(sys.argv[0])
    signal.signal(signal.SIGINT, signal.default_int_handler)          # as from a shell


if __name__ == "__main__":
    request, fds = serve(socket.socket(fileno=int(sys.argv[1])))
    if request is not None:
        become(request, fds)
        import runpy
        runpy.run_path(sys.argv[0], run_name="__main__")             # its exit: as python's own

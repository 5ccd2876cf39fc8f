"""Running and stopping: the command line (run), signals, a closed pipe or a full disk, a diverged loss, and
the one-line errors (stop, write_failed): a user's problem is one `error:` line and exit status 2."""
import contextlib
import errno
import math
import os
import signal
import sys

from .tf1 import tf


def stop(message):   # a user's problem: one line on stderr, exit status 2
    print("error: %s" % message, file=sys.stderr)
    sys.exit(2)


def write_failed(path, error, saved=None, kept=None):
    """A file could not be written (full disk, quota, permissions): one line naming it and the cause, and
    the checkpoint that is not lost (saved: this run's last; kept: the one before); exit 2."""
    cause = (getattr(error, "strerror", None) or getattr(error, "message", None) or str(error)).strip()
    cause = cause.splitlines()[0].split("; ")[-1] if cause else type(error).__name__   # TF: "file; cause"
    note = ("; the trained model is saved: %s" % saved if saved else
            "; the previous checkpoint is kept: %s" % kept if kept else "")
    stop("cannot write %s: %s%s" % (path, cause, note))


class Diverged(Exception):
    """A training batch gave a loss that is not a finite number."""


def check_finite(value, step, name="loss"):
    if not math.isfinite(value):
        raise Diverged("the training %s is %s at step %d" % (name, value, step))


# ------------------------------------------------------------------------- Ctrl-C and other signals
# what each signal says, and its exit status (128 + the signal); Windows has no SIGHUP, and sends SIGBREAK
# for Ctrl-Break and for a console window being closed
STOPS = {signal.SIGINT: ("Interrupted", 130), signal.SIGTERM: ("Terminated", 143)}
if hasattr(signal, "SIGHUP"):
    STOPS[signal.SIGHUP] = ("Hangup", 129)
if hasattr(signal, "SIGBREAK"):
    STOPS[signal.SIGBREAK] = ("Interrupted (Ctrl-Break)", 128 + signal.SIGBREAK)
RECEIVED = []   # the signals this run received (run() empties it)


class Stop(KeyboardInterrupt):
    """A KeyboardInterrupt that knows its signal (Ctrl-C, SIGTERM, SIGHUP or Windows' SIGBREAK)."""

    def __init__(self, signum):
        super(Stop, self).__init__()
        self.signum = signum


def on_signal(signum, frame):
    """Ctrl-C, SIGTERM, SIGHUP raise KeyboardInterrupt (what saves on Ctrl-C saves on them), remembered: inside
    TensorFlow's C++ layer it may come out as another error or be swallowed. A second signal stops at once."""
    RECEIVED.append(signum)
    if len(RECEIVED) > 1:
        word, status = STOPS[signum]
        say("\n%s." % word)
        os._exit(status)
    raise Stop(signum)


def how_stopped(error=None):
    """(what to say, exit status): a Stop's signal's; a plain KeyboardInterrupt's, Ctrl-C's; for another
    error (TensorFlow's C++ layer can turn a KeyboardInterrupt into one), the last signal received."""
    if isinstance(error, Stop):
        return STOPS[error.signum]
    if isinstance(error, KeyboardInterrupt) or not RECEIVED:
        return STOPS[signal.SIGINT]
    return STOPS[RECEIVED[-1]]


def say(line):   # a line that must not fail (a closed terminal after SIGHUP)
    try:
        print(line, flush=True)
    except (OSError, ValueError):
        pass


def run_main(main, args):
    """main(args), and what it returns. Outside training's own handler (data, graph building) an out-of-memory
    error is one line, and a signal received ends the run as training's handler does."""
    try:
        return main(args)
    except (KeyboardInterrupt, Exception) as e:
        if isinstance(e, BrokenPipeError):
            raise
        if not RECEIVED and isinstance(e, (MemoryError, tf.errors.ResourceExhaustedError)):
            stop("out of memory (%s): lower the batch size or the model's size (see --help)"
                 % (str(e).strip().splitlines() or [type(e).__name__])[0][:200])
        if not RECEIVED:
            raise                               # no signal: a real error, shown as it is
        word, status = how_stopped(sys.exc_info()[1])
        say("\n%s." % word)
        sys.exit(status)


@contextlib.contextmanager
def training_guard(lr_flag, checkpoints=None, save=None, interrupted=""):
    """Around training: a diverged loss is one line (exit 2); Ctrl-C, SIGTERM, SIGHUP say so (and
    `interrupted`), save() and exit 130, 143, 129; output that cannot be written saves too (output_lost)."""
    try:
        yield
    except Diverged as e:
        stop("%s; lower the learning rate (%s)%s" % (e, lr_flag, ", the last checkpoint is kept"
                                                     if checkpoints else ""))
    except KeyboardInterrupt as e:
        word, status = how_stopped(e)
        say("\n%s%s." % (word, interrupted))
        if save is not None:
            save()
        raise SystemExit(status)
    except OSError as e:     # a print failed: a pipe that was closed (`| head`), `> log.txt` on a full disk
        output_lost(e, save)


# ------------------------------------------------------------------------------- the terminal
PIPE_CLOSED = 128 + signal.SIGPIPE if hasattr(signal, "SIGPIPE") else 1   # 141: what a shell reports


@contextlib.contextmanager
def terminal_output():
    """Around a command line: text the console cannot encode (Chinese on cp1252) is written with "?";
    output into a closed pipe or onto a full disk ends the run as output_lost says."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        try:
            yield
        finally:
            if sys.stdout is not None:       # None: started with standard output closed (`>&-`)
                sys.stdout.flush()           # a pipe closed early shows here, not at the exit
    except OSError as e:                     # `| head`, or `> out.txt` on a full disk
        output_lost(e)


def output_lost(error, save=None):
    """Where error is standard output's: save() quietly, then a closed pipe ends the run with a broken pipe's
    141, a full disk with write_failed's line (the rest goes to the null device). Else it is raised again."""
    if not isinstance(error, BrokenPipeError) and not stdout_failed(error):
        raise error
    output_closed()
    saved = save() if save is not None else None
    if isinstance(error, BrokenPipeError):
        raise SystemExit(PIPE_CLOSED)
    write_failed("the standard output", error, saved=saved)


def stdout_failed(error):
    """Whether error is standard output's: what it holds fails again when flushed; or, unbuffered, a write
    error that names no file (the files this project writes report theirs through write_failed)."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        return True
    return getattr(error, "filename", None) is None and error.errno in (
        errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))


def output_closed():   # standard output cannot be written: the rest goes to the null device
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY | getattr(os, "O_BINARY", 0)), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass

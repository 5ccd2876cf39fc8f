"""What no page had and every script needs, written once (as util.py sits beside the official
ptb_word_lm.py). Importing it does not import TensorFlow: a bad flag is refused in a moment, before
TensorFlow's slow import; `tf` and `rnn` load it at their first use, in TF1 graph mode.

Entry points, in the order a script meets them:
  run(main, parse_args)        the command line: flags, TensorFlow, main(args); Ctrl-C, SIGTERM, SIGHUP;
                               a closed pipe or a console that cannot encode the text (terminal_output)
  parser, add_run_flags, add_rnn_mode, parse, check_run_args
                               flags with each default said once; output paths tried; memory; TensorFlow
                               and Keras 2 installed (not_installed: what to do, on any Python)
  tf, rnn                      tensorflow.compat.v1 and its nn.rnn_cell, loaded late (load_tensorflow)
  start_run, session_config, rnn_mode
                               seeds; session options and the "Device: ..." line; --rnn_mode's default
  training_guard, check_finite a diverged loss, a signal or a closed output during training: one line
  Checkpoints, checkpoints_in  --save_path / --restore with checkpoint.json; a folder read from itself
  summary_writer, scalar, close_writer      TensorBoard (--logdir)
  plot, pyplot, write_figure   figures, never half written; write_metrics (--metrics_json)
  Progress                     "words/s, ETA" lines on long passes
  stop, write_failed, write_atomically      one-line errors; files written under a temporary name
The MNIST scripts' shared part (guide Ⅲ-Ⅴ, the notes page, and keras3/'s): add_mnist_data_dir,
load_mnist, to_pixels, mnist_test_set, evaluate, mnist_report (test accuracy, figure, metrics).
Not here: the fused LSTM kernels (fused_lstm.py), the keras3/ scripts' command line (keras3/command_line.py).
"""
import argparse
import contextlib
import errno
import json
import math
import os
import random
import re
import signal
import sys
import tempfile
import time
import warnings

TENSORFLOW_PYTHONS = ((3, 10), (3, 13))    # the Pythons TensorFlow 2.21 has wheels for


def not_installed(package):
    """What to do when package is missing; on a Python TensorFlow 2.21 has no wheel for, that first."""
    low, high = TENSORFLOW_PYTHONS
    if low <= tuple(sys.version_info[:2]) <= high:
        return "%s is not installed: pip install -r requirements.txt" % package
    return ("%s is not installed, and this Python (%d.%d) has no TensorFlow 2.21: it is made for Python "
            "%d.%d-%d.%d. Make a Python 3.12 or 3.13 environment beside this one (README: Quick start), then "
            "pip install -r requirements.txt in it" % ((package,) + tuple(sys.version_info[:2]) + low + high))


try:
    import numpy as np
except ImportError:                  # nothing installed yet: what to do, not a traceback
    print("error: " + not_installed("numpy"), file=sys.stderr)
    sys.exit(2)


# ------------------------------------------------------------------------------------- flag types
def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer, got %s" % text)
    return value


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more, got %s" % text)
    return value


def positive_float(text):
    value = float(text)
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError("must be a positive finite number, got %s" % text)
    return value


def keep_prob_value(text):
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("must be in (0, 1], got %s" % text)
    return value


def seed_value(text):
    value = int(text)
    if not 0 <= value < 2 ** 32:
        raise argparse.ArgumentTypeError("must be between 0 and 2**32 - 1 (numpy's range), got %s" % text)
    return value


# ------------------------------------------------------------------------ the flags every script has
PAGE_VALUE = re.compile(r"\((default|page|pages|rnn page|guide|guide [ⅠⅡ]|both pages|all pages|tutorial)[: ]")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each flag's default said once: "(default: X)" is added unless the help names it already, as the
    page's value ("(guide: 50)", "(page: 20; rnn page: 10)") or in its own words ("(default: ...)"),
    or there is none to name (an on/off switch; a flag whose help says what happens without it)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default is None or action.default is False or PAGE_VALUE.search(text):   # 0 is a default
            return text
        return super(HelpFormatter, self)._get_help_string(action)


def parser(description):
    """An argument parser whose --help shows every flag's default, once."""
    return argparse.ArgumentParser(description=description, formatter_class=HelpFormatter,
                                   epilog="A value in brackets such as (guide: 50) is the flag's default: "
                                          "that page's value.")


def add_run_flags(p, seed_help, logdir_help, plot_default, plot_help,
                  show_help="also open the figure in a window at the end", checkpoints=False):
    """--seed, --logdir, --plot, --show, --no_plot, [--save_path, --restore], --cpu, --metrics_json."""
    p.add_argument("--seed", type=seed_value, default=1, help=seed_help)
    p.add_argument("--logdir", help=logdir_help + " (default: no TensorBoard events)")
    p.add_argument("--plot", default=plot_default, help=plot_help)
    p.add_argument("--show", action="store_true", help=show_help)
    p.add_argument("--no_plot", action="store_true", help="do not plot at all")
    if checkpoints:
        p.add_argument("--save_path", help="checkpoint directory: saved after every epoch and on Ctrl-C "
                                           "(default: no checkpoint)")
        p.add_argument("--restore", action="store_true", help="resume from the checkpoint in --save_path")
    p.add_argument("--cpu", action="store_true", help="hide any GPU and run on the CPU")
    p.add_argument("--metrics_json", help="write the run's final figures as JSON to this path (default: none)")


def add_rnn_mode(p, default):
    """--rnn_mode basic|block (the official PTB tutorial's flag); default: what it is, in words."""
    p.add_argument("--rnn_mode", choices=["basic", "block"],
                   help="basic: the page's BasicLSTMCells, step by step; block: the same variables through one "
                        "fused LSTM op per layer, the same function in fewer ops (default: %s)" % default)


def parse(p, argv):
    """p.parse_args(argv), and --restore refused without --save_path."""
    args = p.parse_args(argv)
    if getattr(args, "restore", False) and not args.save_path:
        p.error("--restore needs --save_path DIR (the checkpoint directory to resume from)")
    return args


def check_run_args(p, args, memory=None):
    """After the script's own checks: the output paths, the memory the run needs (memory: the
    script's estimate in bytes and the flags that size it), then the Keras 2 set-up."""
    check_outputs(p, args)
    if memory is not None:
        check_memory(p, args, *memory)
    check_keras2(p)


def check_outputs(p, args):
    """Refuse, before any training, an output path the run could not write at its end: each is
    created for real (the file, and the temporary name it is first written under; a file inside a
    folder), then what was created is removed."""
    paths = [("--metrics_json", args.metrics_json, False), ("--logdir", args.logdir, True),
             ("--save_path", getattr(args, "save_path", None), True)]
    if not args.no_plot:
        paths.append(("--plot", args.plot, False))
        problem = figure_format(args.plot)[1]
        if problem:
            p.error("--plot %s: %s" % (args.plot, problem))
    for flag, path, is_folder in paths:
        if path is not None and not path.strip():
            p.error("%s is empty: give a %s" % (flag, "folder" if is_folder else "file name"))
        problem = path and (unwritable(path, is_folder) or write_trial(path, is_folder))
        if problem:
            p.error("%s %s: %s" % (flag, path, problem))


def figure_format(path):
    """(format, None) for the format a figure's name asks for (no extension: png), or (None, why not)."""
    from matplotlib.backend_bases import FigureCanvasBase
    formats = FigureCanvasBase.get_supported_filetypes()
    ext = os.path.splitext(path)[1][1:].lower()
    if not ext:
        return "png", None
    if ext in formats:
        return ext, None
    return None, ("matplotlib cannot write .%s figures; name one of %s"
                  % (ext, ", ".join("." + f for f in sorted(formats))))


def temporary_name(path):
    """The name a file is written under, beside it, before it is renamed to path (write_atomically):
    hidden, and short enough for any name path may have."""
    folder, name = os.path.split(path)
    return os.path.join(folder, ".%s-%d-%s.tmp" % (name[:100], os.getpid(), os.urandom(4).hex()))


def write_trial(path, is_folder):
    """Create path (a folder and a file in it, or the file and its temporary name) and remove all that
    was created; the file system's reason if it refuses (a name too long, a full or read-only disk)."""
    made = []
    try:
        folder = os.path.abspath(path if is_folder else os.path.dirname(os.path.abspath(path)))
        missing = folder
        while not os.path.isdir(missing):
            made.append(missing)
            missing = os.path.dirname(missing)
        os.makedirs(folder, exist_ok=True)
        names = [temporary_name(os.path.join(path, "write-trial"))] if is_folder else [temporary_name(path)]
        if not is_folder and not os.path.exists(path):
            names.append(path)
        for name in names:
            fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            made.insert(0, name)
            os.close(fd)
        if not is_folder and os.path.exists(path) and path not in names:
            with open(path, "ab"):   # an existing file: opened for writing, not changed
                pass
        return None
    except OSError as e:
        return "cannot be written here: %s" % (e.strerror or e)
    finally:
        for name in made:
            try:
                (os.rmdir if os.path.isdir(name) else os.remove)(name)
            except OSError:
                pass


def unwritable(path, is_folder):
    """Why path cannot be written as a file (or created as a folder), or None if it can."""
    if os.path.isdir(path):
        if not is_folder:
            return "is a folder; give a file name"
        return None if os.access(path, os.W_OK) else "is a folder you cannot write to"
    if os.path.exists(path):
        if is_folder:
            return "is a file; give a folder"
        return None if os.access(path, os.W_OK) else "is a file you cannot overwrite"
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return "%s is a file, so no folder can be made inside it" % parent
    return None if os.access(parent, os.W_OK) else "cannot be created: %s is not writable" % parent


def lstm_memory(inputs, units, rows, slots, eval_rows=0):
    """Bytes an LSTM layer needs in float32: its kernel and bias, their gradients and `slots` optimizer
    copies (Adam 2, Adagrad 1, SGD 0), what backpropagation keeps for rows = batch x steps, and the
    forward pass of an evaluation batch of eval_rows."""
    weights = 4 * units * (inputs + units + 1)
    return 4 * (weights * (2 + slots) + rows * (inputs + 10 * units) + eval_rows * (inputs + 2 * units))


def dense_memory(inputs, outputs, rows, slots, eval_rows=0):
    """The same for a fully connected layer (a softmax keeps its logits, probabilities and gradient)."""
    return 4 * ((inputs + 1) * outputs * (2 + slots) + (rows + eval_rows) * (inputs + 3 * outputs))


BASE_MEMORY = 1 << 30   # TensorFlow itself, the data and the figure: about 1 GiB


def available_memory():
    """Bytes this process may still use: the system's available memory, or the cgroup's (container)
    limit if lower; None where neither can be read."""
    found = []
    try:
        with open("/proc/meminfo") as f:
            found += [int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:")]
    except OSError:
        pass
    try:
        with open("/sys/fs/cgroup/memory.max") as f, open("/sys/fs/cgroup/memory.current") as g:
            found.append(int(f.read()) - int(g.read()))
    except (OSError, ValueError):   # no cgroup v2 file, or "max": no limit
        pass
    return min(found) if found else None


def check_memory(p, args, estimate, flags):
    """Refuse, before the graph is built, a run whose memory (estimate(args) bytes, BASE_MEMORY added)
    exceeds what the machine has, naming the flags whose size is the cause."""
    need = estimate(args) + BASE_MEMORY
    available = available_memory()
    if available is None or need <= available:
        return
    causes = [flag for flag in flags if getattr(args, flag[2:]) is not None   # alone, small enough at 1
              and estimate(argparse.Namespace(**dict(vars(args), **{flag[2:]: 1}))) + BASE_MEMORY <= available]
    p.error("this run needs about %.1f GB of memory (the weights, their gradients and optimizer slots, the "
            "activations kept for training) and %.1f GB are available: lower %s"
            % (need / 1e9, available / 1e9, " or ".join("%s (%s)" % (flag, getattr(args, flag[2:]))
                                                       for flag in causes or flags)))


def check_keras2(p):
    """TensorFlow, and the Keras 2 its TF1 cells need: the tf-keras package of TensorFlow's own minor
    version. What is missing is named, and on a Python TensorFlow 2.21 has no wheel for, what to do."""
    from importlib import metadata, util
    if util.find_spec("tensorflow") is None:
        p.error(not_installed("TensorFlow"))
    if util.find_spec("tf_keras") is None:
        p.error("tf-keras is not installed and the TF1 RNN cells need it: pip install -r requirements.txt")
    try:
        tf_version, keras_version = metadata.version("tensorflow"), metadata.version("tf-keras")
    except metadata.PackageNotFoundError:
        return      # another TensorFlow build (tensorflow-cpu, a nightly): its import will tell
    if tf_version.split(".")[:2] != keras_version.split(".")[:2]:
        p.error("tf-keras %s does not match TensorFlow %s: pip install \"tf-keras==%s.*\""
                % (keras_version, tf_version, ".".join(tf_version.split(".")[:2])))


# ------------------------------------------------------------------ TensorFlow, in TF1 graph mode
def load_tensorflow():
    """tensorflow.compat.v1 in graph mode (placeholders and sessions), imported once.

    Since TF 2.16 the TF1 RNN cells (tf.compat.v1.nn.rnn_cell.*) need Keras 2, the tf-keras package,
    chosen by TF_USE_LEGACY_KERAS=1 in the environment before TensorFlow is imported: it is set here,
    the one place TensorFlow is imported (forced: a user's "0" would bring Keras 3's error). So is
    TF_CPP_MIN_LOG_LEVEL=3, which quiets TensorFlow's C++ log once it runs (the lines it writes while it
    loads ignore it: start_up_log_hidden keeps those off the screen)."""
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with start_up_log_hidden():
        import tensorflow.compat.v1 as tf1
    if tf1.executing_eagerly():
        tf1.disable_eager_execution()
        tf1.logging.set_verbosity(tf1.logging.ERROR)
        warnings.filterwarnings("ignore", message=".*is deprecated", category=UserWarning)
    return tf1


@contextlib.contextmanager
def start_up_log_hidden():
    """TensorFlow 2.19+ writes its C++ start-up log (absl, oneDNN, CUDA lines) to standard error while
    it is imported, whatever TF_CPP_MIN_LOG_LEVEL says. Standard error goes to a temporary file for
    that time: dropped when the import succeeds, shown when it fails, so a real failure still shows."""
    if "tensorflow" in sys.modules:
        yield
        return
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):    # a notebook's stderr has no file descriptor
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as log:
        os.dup2(log.fileno(), fd)
        try:
            yield
        except BaseException:
            os.dup2(saved, fd)
            log.seek(0)
            sys.stderr.write(log.read().decode("utf-8", "replace"))
            raise
        finally:
            sys.stderr.flush()
            os.dup2(saved, fd)
            os.close(saved)


class _Later(object):
    """A name for a TensorFlow module that imports it at its first use (see load_tensorflow)."""

    def __init__(self, *path):
        self._path = path

    def __getattr__(self, name):
        value = load_tensorflow()
        for part in self._path + (name,):
            value = getattr(value, part)
        return value


tf = _Later()                    # import tensorflow.compat.v1 as tf
rnn = _Later("nn", "rnn_cell")   # TF1: import tensorflow.contrib.rnn as rnn


def start_run(seed):
    """A run starts: Python's and numpy's generators seeded (the graph's seed is set where each graph is
    built), no checkpoint saved yet."""
    random.seed(seed)     # tf-keras draws the unseeded cell initializers from Python's random
    np.random.seed(seed)
    Checkpoints.latest = None


def session_config(cpu):
    """Session options, and one line saying which device TensorFlow will use."""
    gpus = [] if cpu else tf.config.list_physical_devices('GPU')
    if gpus:
        names = [tf.config.experimental.get_device_details(g).get('device_name', g.name) for g in gpus]
        line = "Device: GPU (%s)" % ", ".join(names)
    else:
        line = "Device: CPU (%s)" % ("--cpu given" if cpu else "no GPU visible to TensorFlow")
    config = tf.ConfigProto(device_count={'GPU': 0} if cpu else None)
    config.gpu_options.allow_growth = True
    return config, line


def rnn_mode(asked, device, on_cpu):
    """--rnn_mode as given, or by default on_cpu (the mode measured fastest there for this model) on a
    CPU and the page's cells ("basic") on a GPU, where no mode has been measured."""
    return asked or ("basic" if device.startswith("Device: GPU") else on_cpu)


def scalar(writer, tag, value, step):
    """One TensorBoard scalar, where --logdir is given."""
    if writer is not None:
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=value)]), step)


# ----------------------------------------------------------------------------- errors and files
def stop(message):
    """A user's problem: one line on stderr, exit status 2."""
    print("error: %s" % message, file=sys.stderr)
    sys.exit(2)


class Diverged(Exception):
    """A training batch gave a loss that is not a finite number."""


def check_finite(value, step, name="loss"):
    if not math.isfinite(value):
        raise Diverged("the training %s is %s at step %d" % (name, value, step))


@contextlib.contextmanager
def training_guard(lr_flag, checkpoints=None, save=None, interrupted=""):
    """Around training: a diverged loss is one line (exit 2). Ctrl-C, SIGTERM or SIGHUP print what
    happened (`Interrupted`, `Terminated`, `Hangup`, then `interrupted`, e.g. "; the checkpoint
    resumes ..."), call save() (the checkpoint, where --save_path is given) and exit 130, 143 or 129.
    Output that cannot be written saves too, quietly: into a closed pipe it exits 141 (terminal_output),
    on a full disk it is write_failed's one line."""
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
        if not isinstance(e, BrokenPipeError) and not stdout_failed(e):
            raise
        output_closed()
        if save is not None:
            save()           # quietly: nobody reads
        if isinstance(e, BrokenPipeError):
            raise SystemExit(PIPE_CLOSED)
        write_failed("the standard output", e)


def write_failed(path, error, kept=None):
    """A file could not be written (full disk, quota, permissions): one line naming it and the cause,
    and the checkpoint that is not lost (this run's last, or `kept`); exit 2."""
    cause = (getattr(error, "strerror", None) or getattr(error, "message", None) or str(error)).strip()
    cause = cause.splitlines()[0].split("; ")[-1] if cause else type(error).__name__   # TF: "file; cause"
    note = ("; the trained model is saved: %s" % Checkpoints.latest if Checkpoints.latest else
            "; the previous checkpoint is kept: %s" % kept if kept else "")
    stop("cannot write %s: %s%s" % (path, cause, note))


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def write_atomically(path, write, mode="wb"):
    """write(f) into a temporary file beside path, then flush, fsync and close it (each checked), and
    only then rename it to path: a crash or a full disk never leaves half a file, nor a temporary one.
    A failed write is write_failed(path, ...)."""
    folder = os.path.dirname(path) or "."
    tmp = None
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = temporary_name(path)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)   # the umask applies, as for open()
        with os.fdopen(fd, mode) as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        if tmp:
            _remove(tmp)
        write_failed(path, e)
    except BaseException:
        if tmp:
            _remove(tmp)
        raise


def write_json(path, value):
    write_atomically(path, lambda f: f.write(json.dumps(value, indent=2) + "\n"), mode="w")


def write_metrics(path, metrics):
    """--metrics_json: the run's final figures; returns them."""
    if path:
        write_json(path, metrics)
    return metrics


def summary_writer(logdir, graph):
    """--logdir: TensorBoard's FileWriter (or None) whose write errors (a full disk: TensorFlow raises
    them when the events are flushed) end the run with write_failed's one line."""
    if not logdir:
        return None
    _writer_thread_quiet()
    try:
        os.makedirs(logdir, exist_ok=True)
        return _Events(tf.summary.FileWriter(logdir, graph), logdir)
    except (OSError, RuntimeError, tf.errors.OpError) as e:
        write_failed(logdir, e)


QUIET_EVENTS = []   # set once the writer thread's own reports are silenced


def _writer_thread_quiet():
    """The FileWriter's thread logs its write error and dies with a traceback; the error comes back
    to the next add_summary or close, which _Events reports in one line: keep the thread's own quiet."""
    import logging
    import threading
    if QUIET_EVENTS:
        return
    QUIET_EVENTS.append(True)
    previous = threading.excepthook

    def hook(args):
        if args.thread is None or args.thread.name != "EventLoggerThread":
            previous(args)
    threading.excepthook = hook
    logging.getLogger("tensorflow").addFilter(
        lambda record: not record.getMessage().startswith("EventFileWriter writer thread error"))


class _Events(object):
    def __init__(self, writer, logdir):
        self.writer, self.logdir = writer, logdir

    def _checked(self, method, *args):
        try:
            return getattr(self.writer, method)(*args)
        except (OSError, RuntimeError, tf.errors.OpError) as e:
            write_failed(self.logdir, e)

    def add_summary(self, summary, step=None):
        self._checked("add_summary", summary, step)

    def close(self):
        self._checked("close")


def close_writer(writer):
    """Flush and close the TensorBoard events, their errors checked (one line, as any write)."""
    if writer is not None:
        writer.close()


# ----------------------------------------------------------------------------------- figures
def pyplot(show):
    import matplotlib
    if not show:
        matplotlib.use("Agg")  # draw off-screen: never open a window unless --show
    import matplotlib.pyplot as plt
    return plt


def can_show():
    return bool(os.environ.get("DISPLAY")) or not sys.platform.startswith("linux")


def write_figure(fig, path, show=False):
    """Save fig under a temporary name, say so, show it if asked and possible, close it."""
    import matplotlib.pyplot as plt
    write_atomically(path, lambda f: fig.savefig(f, format=figure_format(path)[0]))
    print("Saved figure to %s" % path)
    if show and can_show():
        plt.show()
    plt.close(fig)


def plot(save_figure, *args):
    """save_figure(*args); a signal while it draws leaves no half figure and ends the run."""
    try:
        save_figure(*args)
    except KeyboardInterrupt as e:
        word, status = how_stopped(e)
        say("\n%s; no figure saved." % word)
        raise SystemExit(status)


# ------------------------------------------------------------------------------- checkpoints
class Checkpoints(object):
    """--save_path / --restore: a tf.train.Saver over every variable, and beside it checkpoint.json,
    what built the model (the script, the flags that shape it), which --restore checks first."""

    latest = None    # the last checkpoint this run saved, named when a later write fails

    def __init__(self, args, model, also=None):
        """model: what must match to resume (the script, the flags that shape the variables); also: what
        checkpoint.json records beside it that need not match (--rnn_mode: either mode restores)."""
        self.args, self.model, self.also = args, model, dict(also or {})
        # relative paths in the folder's `checkpoint` list, so that a moved or copied folder restores
        self.saver = tf.train.Saver(max_to_keep=2, save_relative_paths=True) if args.save_path else None

    def restore(self, sess):
        if not self.args.restore:
            return
        folder = self.args.save_path
        found = checkpoints_in(folder)
        if not found:
            stop("no checkpoint in %s to --restore; train once with --save_path %s first" % (folder, folder))
        latest = found[-1]
        try:
            with open(os.path.join(folder, "checkpoint.json")) as f:
                saved = json.load(f)
        except (OSError, ValueError):
            saved = {}              # an older or hand-made checkpoint: the restore below checks it
        if saved.get("script", self.model["script"]) != self.model["script"]:
            stop("the checkpoint in %s was saved by %s, not %s: give another --save_path"
                 % (folder, saved["script"], self.model["script"]))
        differ = [k for k in self.model if k in saved and saved[k] != self.model[k]]
        if differ:
            flags = " ".join("%s %s" % (k, saved[k]) for k in differ if k.startswith("--"))
            stop("the checkpoint in %s was saved with %s (this run: %s): %s, or give another --save_path"
                 % (folder, ", ".join("%s %s" % (k, saved[k]) for k in differ),
                    ", ".join("%s %s" % (k, self.model[k]) for k in differ),
                    "add %s to resume it" % flags if flags else "resume it with the data it was trained on"))
        try:
            saved_shapes = dict(tf.train.list_variables(latest))
            if any(saved_shapes.get(v.op.name) != v.shape.as_list()     # Saver.restore checks names only
                   for v in sess.graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)):
                stop("the checkpoint %s was saved by another model (its variables differ from this run's); "
                     "give another --save_path" % latest)
            self.saver.restore(sess, latest)
        except (tf.errors.OpError, ValueError, IndexError) as e:
            stop("cannot read the checkpoint %s (%s): it is damaged; give another --save_path, or delete %s "
                 "to start over" % (latest, type(e).__name__, folder))
        self.saver.recover_last_checkpoints(found)   # so that max_to_keep counts them too
        print("Restored %s" % latest)

    def save(self, sess, global_step):
        """Save; only ever called after finite losses, so it never replaces a good checkpoint by a
        diverged one (max_to_keep=2 keeps the one before too). If the disk refuses, what this save
        wrote is removed and the folder's checkpoint list put back: the previous checkpoint restores."""
        if self.saver is None:
            return
        folder = self.args.save_path
        prefix = os.path.join(folder, "model.ckpt")
        write_json(os.path.join(folder, "checkpoint.json"), dict(self.model, **self.also))
        state_file = os.path.join(folder, "checkpoint")
        before = set(os.listdir(folder))
        state = open(state_file, "rb").read() if os.path.isfile(state_file) else None
        try:
            path = self.saver.save(sess, prefix, global_step=global_step)
        except (OSError, tf.errors.OpError) as e:
            for name in set(os.listdir(folder)) - before:
                _remove(os.path.join(folder, name))
            if state is not None:
                with open(state_file, "wb") as f:
                    f.write(state)
            kept = checkpoints_in(folder)
            write_failed("%s-%d" % (prefix, global_step), e, kept=kept[-1] if kept else None)
        Checkpoints.latest = path
        print("Saved checkpoint %s" % path)


def checkpoints_in(folder):
    """The checkpoint prefixes in folder, oldest first, newest last: those its `checkpoint` list names,
    found by their file names in folder itself. (tf.train.Saver writes absolute paths into that list
    unless told otherwise, as this project's did: after the folder is moved they name nothing, and in
    a copy they name the original's files.) Without a list that names a file here: every model.ckpt-N
    in folder, by N."""
    listed, newest = [], []
    try:
        with open(os.path.join(folder, "checkpoint"), encoding="utf-8", errors="replace") as f:
            for line in f:
                match = re.match(r'\s*(all_model_checkpoint_paths|model_checkpoint_path):\s*"(.*)"\s*$', line)
                if match:
                    name = re.split(r"[\\/]", match.group(2))[-1]    # the name, wherever the folder was
                    (newest if match.group(1) == "model_checkpoint_path" else listed).append(name)
    except OSError:
        pass
    names = [n for n in listed if n not in newest] + newest
    found = [os.path.join(folder, n) for n in names if os.path.isfile(os.path.join(folder, n + ".index"))]
    if found:
        return found
    steps = []
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        match = re.match(r"(model\.ckpt-(\d+))\.index$", name)
        if match:
            steps.append((int(match.group(2)), os.path.join(folder, match.group(1))))
    return [path for _, path in sorted(steps)]


# ------------------------------------------------------------------------------------ progress
class Progress(object):
    """Prints 'label: done / total words, words/s, ETA' when `every` seconds have passed since the last
    print (or when forced), so a long pass never looks hung."""

    def __init__(self, total, label, every=10.0):
        self.total, self.label, self.every = total, label, every
        self.start = self.last = time.time()

    def seconds(self):
        return time.time() - self.start

    def update(self, done, force=False):
        now = time.time()
        if not force and now - self.last < self.every:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        print("  %s: %d / %d words, %.0f words/s, ETA %.0f s" % (self.label, done, self.total, rate, eta))
        sys.stdout.flush()


# ------------------------------------------------------------------------- Ctrl-C and other signals
# what each signal says, and its exit status (128 + the signal); Windows has no SIGHUP
STOPS = {signal.SIGINT: ("Interrupted", 130), signal.SIGTERM: ("Terminated", 143)}
if hasattr(signal, "SIGHUP"):
    STOPS[signal.SIGHUP] = ("Hangup", 129)
RECEIVED = []   # the signals received in this run


class Stop(KeyboardInterrupt):
    """A KeyboardInterrupt that knows its signal (Ctrl-C, SIGTERM or SIGHUP)."""

    def __init__(self, signum):
        super(Stop, self).__init__()
        self.signum = signum


def on_signal(signum, frame):
    """Ctrl-C (and SIGTERM, SIGHUP: from `timeout`, a scheduler, a container stop, a closed terminal)
    raises KeyboardInterrupt, so that every place that saves on Ctrl-C saves on them too, and is
    remembered: raised inside TensorFlow's C++ layer it can come out as another error, be swallowed, or
    leave a lock held (seen while a graph is built). So a second signal stops the run at once."""
    RECEIVED.append(signum)
    if len(RECEIVED) > 1:
        word, status = STOPS[signum]
        say("\n%s." % word)
        os._exit(status)
    raise Stop(signum)


def how_stopped(error=None):
    """(what to say, exit status): for a Stop, its signal's; for a plain KeyboardInterrupt, Ctrl-C's;
    for another error (TensorFlow's C++ layer can turn a KeyboardInterrupt into one), the signal this
    run received last."""
    if isinstance(error, Stop):
        return STOPS[error.signum]
    if isinstance(error, KeyboardInterrupt) or not RECEIVED:
        return STOPS[signal.SIGINT]
    return STOPS[RECEIVED[-1]]


def say(line):
    """Print a line that must not fail (a closed terminal after SIGHUP)."""
    try:
        print(line, flush=True)
    except (OSError, ValueError):
        pass


def run(main, parse_args):
    """A script's command line: the flags (a bad one exits 2 before TensorFlow loads), TensorFlow,
    then main(args), with Ctrl-C, SIGTERM and SIGHUP ending the run as `Interrupted.` (exit 130),
    `Terminated.` (143) or `Hangup.` (129) wherever they come. Under IPython/Jupyter (%run) the
    notebook's own signal handlers are left alone."""
    with terminal_output():
        args = parse_args()
        notebook = "IPython" in sys.modules
        del RECEIVED[:]
        if not notebook:
            signal.signal(signal.SIGINT, signal.SIG_DFL)   # a signal while TensorFlow loads: just stop
        load_tensorflow()
        if not notebook:
            for signum in STOPS:
                signal.signal(signum, on_signal)
        try:
            main(args)
        except (KeyboardInterrupt, Exception) as e:   # outside training's own handler: data, graph building
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


# ------------------------------------------------------------------------------- the terminal
PIPE_CLOSED = 128 + signal.SIGPIPE if hasattr(signal, "SIGPIPE") else 1   # 141: what a shell reports


@contextlib.contextmanager
def terminal_output():
    """Around a command line. Text the console cannot encode (the help texts' Chinese and Roman
    numerals on a cp1252 console) is written with "?" in its place instead of ending the run. Output
    into a pipe that was closed (`| head -3`) ends the run quietly, exit status 141 as a shell reports a
    broken pipe: standard output is pointed at the null device, so no later write or flush complains."""
    for stream in (sys.stdout, sys.stderr):
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        try:
            yield
        finally:
            if sys.stdout is not None:       # None: started with standard output closed (`>&-`)
                sys.stdout.flush()           # a pipe closed early shows here, not at the exit
    except BrokenPipeError:
        output_closed()
        raise SystemExit(PIPE_CLOSED)
    except OSError as e:                     # `> out.txt` on a full disk: one line, if that is the cause
        if not stdout_failed(e):
            raise
        output_closed()
        write_failed("the standard output", e)


def stdout_failed(error):
    """Whether error is standard output's (a closed pipe, a full disk under `> file`): what it holds
    fails again when flushed; or, unbuffered, a write error that names no file (the files this project
    writes, downloads and checkpoints report theirs through write_failed, TensorFlow's as its own)."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        return True
    return getattr(error, "filename", None) is None and error.errno in (
        errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))


def output_closed():
    """Standard output cannot be written: send the rest to the null device."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# ------------------------------------------------------- the MNIST scripts (guide Ⅲ-Ⅴ, notes page)
def add_mnist_data_dir(p, root):
    """--data_dir, as the MNIST scripts take it (root: the project's folder)."""
    p.add_argument("--data_dir", default=os.path.join(root, "data", "mnist"),
                   help="MNIST: the four IDX files (.gz or not), mnist.npz or Kaggle's train.csv; "
                        "downloaded here if absent")


def load_mnist(args, validation_size):
    """input_data.read_data_sets, 0-255 bytes; a data problem is one line on stderr and exit 2."""
    from data import input_data
    try:
        return input_data.read_data_sets(args.data_dir, one_hot=True, dtype=np.uint8, seed=args.seed,
                                         validation_size=validation_size)
    except input_data.MnistDataError as e:
        stop(e)


def to_pixels(images, pixels):
    """uint8 images as float32: the values 0-255 (the guide's CSV, raw) or scaled to [0, 1] (unit, as
    TF1's read_data_sets)."""
    images = images.astype(np.float32)
    return images if pixels == "raw" else images * (1.0 / 255.0)


def mnist_test_set(mnist, pixels):
    """The labelled test images (the page's Kaggle test.csv has none), evaluated after training; prints
    the counts and the pixel scale."""
    X_test, y_test = to_pixels(mnist.test.images, pixels).reshape(-1, 28, 28), mnist.test.labels
    print("TRAIN_EXAMPLES = %d, TEST_EXAMPLES = %d, pixels %s" % (
        mnist.train.num_examples, len(X_test), "0-255 (raw)" if pixels == "raw" else "in [0, 1] (unit)"))
    return X_test, y_test


EVAL_BATCH = 1000            # test images per session.run when evaluating (any size works)


def evaluate(sess, inputs, logits, images, labels, batch=EVAL_BATCH):
    """Accuracy and predictions over every image given, fed to the inputs placeholder in batches (the
    last may be smaller), the digit read from the logits."""
    predictions = []
    for j in range(0, len(images), batch):
        predictions.append(np.argmax(sess.run(logits, {inputs: images[j:j + batch].reshape(-1, 28, 28)}), 1))
    predictions = np.concatenate(predictions)
    return float(np.mean(predictions == np.argmax(labels, 1))), predictions


def mnist_report(args, device, writer, mnist, test, history, step, trained, wall, title, metrics):
    """After the MNIST scripts' session: the test accuracy (TensorBoard and its line), the training speed,
    the figure and the metrics JSON. test: (images, labels, accuracy, predictions); history: the page's
    (step, loss, accuracy) points; trained: the steps this run trained (after --restore, fewer than step);
    metrics: the script's own keys, first."""
    images, labels, test_accuracy, predictions = test
    scalar(writer, "test_accuracy", test_accuracy, step)
    close_writer(writer)
    print("test accuracy: %.4f (all %d test images)" % (test_accuracy, len(images)))
    print("trained %d steps in %.1f s, %.0f images/s"
          % (trained, wall, trained * args.batch_size / max(wall, 1e-9)))
    if not args.no_plot:
        plot(mnist_figure, args.plot, history, images, labels, predictions, title, args.show)
    metrics.update({
        "steps": int(step), "train_examples": mnist.train.num_examples, "test_examples": len(images),
        "epochs": round(step * args.batch_size / mnist.train.num_examples, 3),
        "wall_seconds": round(wall, 3), "final_train_loss": history[-1][1] if history else None,
        "final_train_accuracy": history[-1][2] if history else None, "test_accuracy": test_accuracy,
        "examples_per_second": round(trained * args.batch_size / max(wall, 1e-9), 1),
        "device": device.replace("Device: ", ""),
    })
    return write_metrics(args.metrics_json, metrics)


def mnist_figure(path, history, images, labels, predictions, title, show):
    """Training curves, then the first 24 test digits and up to 12 mistakes, each "predicted (true)"."""
    plt = pyplot(show)
    fig = plt.figure(figsize=(13, 6))
    ax = fig.add_subplot(1, 3, 1)
    if history:
        steps, losses, accus = zip(*history)
        line1 = ax.plot(steps, losses, "b.-", label="training loss")
        ax.set_xlabel("step")
        ax2 = ax.twinx()
        line2 = ax2.plot(steps, accus, "g.-", label="training accuracy (right axis)")
        ax2.set_ylim(0, 1)
        ax.legend(handles=line1 + line2, loc="center right")
    ax.set_title(title, fontsize=9)
    true = np.argmax(labels, 1)
    wrong = np.flatnonzero(predictions != true)
    shown = list(range(min(24, len(true)))) + [i for i in wrong if i >= 24][:12]
    for k, i in enumerate(shown):
        sub = fig.add_subplot(6, 12, (k // 6) * 12 + 7 + k % 6)
        sub.imshow(images[i].reshape(28, 28), cmap="gray_r")
        ok = predictions[i] == true[i]
        sub.set_title("%d (%d)" % (predictions[i], true[i]), fontsize=8, color="black" if ok else "red")
        sub.axis("off")
    fig.text(0.75, 0.01, "test digits: predicted (true); mistakes in red", ha="center", fontsize=9)
    write_figure(fig, path, show)

"""A learner's TF1 file run as `python their_file.py` ran on TF 1.x, and how its run ends: the report of the old
names it used; one line (no traceback) for an old name not put back, a page's known defect, missing data, a full
disk, Ctrl-C; the learner's own bug with its usual traceback, from their file on."""
import errno
import linecache
import os
import re
import runpy
import signal
import sys
import traceback

from . import mapping, names

DEVIATIONS = "docs/deviations.md"
# A page's own defect that stops its code: (exception type, its message, the failing line of the learner's code,
# what the defect is and how to fix it). docs/deviations.md lists each with its fix.
DEFECTS = [
    ("TypeError", r"cells must be a list or tuple", r"MultiRNNCell",
     "the page's MultiRNNCell(lstm_cell) gives one cell, not a list: stack NUM_LAYERS cells, "
     "MultiRNNCell([make_cell() for _ in range(NUM_LAYERS)]), one new cell each"),
    ("ValueError", r"does not exist, or was not created with tf.get_variable", r"",
     "the page's first variable_scope has reuse=True, but the training model creates the variables: "
     "reuse=None for it, reuse=True for the evaluation model"),
    ("ValueError", r"too many values to unpack \(expected 3\)", r"ptb_raw_data",
     "reader.ptb_raw_data returns four values (train, valid, test, vocabulary size): "
     "train_data, valid_data, test_data, _ = reader.ptb_raw_data(DATA_PATH)"),
    ("AttributeError", r"has no attribute 'final_output'", r"final_output",
     "the page's model.final_output is model.final_state, the state fed back into the next batch"),
    ("AttributeError", r"has no attribute 'train_op'", r"model\.train_op",
     "the page's run_epoch fetches model.train_op, which the evaluation model does not have: fetch the "
     "train_op argument it is given (tf.no_op() for evaluation)"),
    ("ValueError", r"Cannot feed value of shape \((\d+),", r"",
     "a batch smaller than the fixed BATCH_SIZE of the graph (the page's zero_state(BATCH_SIZE)): build the zero "
     "state with the batch's real size, zero_state(tf.shape(x)[0], tf.float32), or drop the partial batch"),
]


def known_defect(error, line):
    for kind, message, source, what in DEFECTS:
        if type(error).__name__ == kind and re.search(message, str(error)) and re.search(source, line or ""):
            return what
    return None


def learner_traceback(error, path):
    """error's traceback from the first frame of the learner's file on (the runner's own frames left out)."""
    tb = error.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != path:
        tb = tb.tb_next
    return tb or error.__traceback__


def failing_line(error, path=None):
    """The last line of the learner's code that the error went through: of the file at path, or (path None: a
    notebook's cells) of any code outside the libraries."""
    found = None
    tb = error.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if os.path.abspath(name) == path if path else not mapping.library(name):
            found = linecache.getline(name, tb.tb_lineno).strip() or found
        tb = tb.tb_next
    return found


def full_disk(error):
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return error.filename or "a file"
    if "No space left on device" in str(error) or "Disk quota exceeded" in str(error):
        return "a file"
    return None


def say(line, stream=None):
    try:
        print(line, file=stream or sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def run_file(path, args, report=True):
    """Run path as __main__ with sys.argv = [path] + args; returns the exit status."""
    running = mapping.project_module("support.running")
    path = os.path.abspath(path)
    mapping.USED.clear()
    status = 0
    with running.terminal_output():
        try:
            mapping.turn_on()
        except mapping.Missing as e:
            say("error: %s" % e)
            return 2
        del running.RECEIVED[:]          # this run's signals (a second one stops at once)
        for signum in running.STOPS:
            signal.signal(signum, running.on_signal)
        sys.argv = [path] + list(args)
        sys.path.insert(0, os.path.dirname(path))
        try:
            runpy.run_path(path, run_name="__main__")
        except SystemExit as e:           # sys.exit(), tf.app.run(): the learner's own status
            status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if not isinstance(e.code, (int, type(None))):
                say(str(e.code))
        except BaseException as e:      # noqa: B036 (every ending is sorted below)
            status = end(e, path)
        finally:
            mapping.turn_off()
        if report and mapping.USED:
            say(names.report(mapping.USED), sys.stdout)
    return status


def one_line(error, path=None):
    """(the one line, exit status) that ends a run which raised error, where the runner knows the ending: an old
    name not put back, missing data, a full disk, a page's known defect; None for the learner's own bug."""
    if isinstance(error, (mapping.UncoveredName, mapping.UncoveredModule)):
        name = error.args[0]
        return ("error: %s is not in TensorFlow 2, and this runner does not put it back: use %s (at `%s`)"
                % (name, names.advice(name.replace("tensorflow.", "tf.", 1)), failing_line(error, path) or "?"), 2)
    if type(error).__name__ in ("MnistDataError", "PTBDataError"):
        return "error: %s" % error, 2
    disk = full_disk(error)
    if disk:
        return "error: cannot write %s: No space left on device" % disk, 2
    line = failing_line(error, path)
    defect = known_defect(error, line)
    if defect:
        return ("error: a known defect of the page's own code stops it at `%s` (%s): %s (the fix: %s)"
                % (line, type(error).__name__, defect, DEVIATIONS), 1)
    return None


def end(error, path):
    """The status a run that raised error ends with, after its one line (or the learner's traceback)."""
    running = mapping.project_module("support.running")
    if isinstance(error, KeyboardInterrupt):
        word, status = running.how_stopped(error)
        say("\n%s." % word, sys.stdout)
        return status
    if isinstance(error, BrokenPipeError) or isinstance(error, OSError) and running.stdout_failed(error):
        running.output_lost(error)       # `| head`, `> out.txt` on a full disk: as the scripts end (141, 2)
    known = one_line(error, path)
    if known:
        say(known[0])
        return known[1]
    if isinstance(error, SyntaxError) and error.filename and os.path.abspath(error.filename) == path:
        sys.stderr.write("".join(traceback.format_exception_only(type(error), error)))   # as python FILE shows it
        return 1
    traceback.print_exception(type(error), error, learner_traceback(error, path))
    return 1

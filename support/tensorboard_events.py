"""--logdir: TensorBoard's events, whose write errors (a full disk: TensorFlow raises them when the
events are flushed) end the run with write_failed's one line instead of a thread's traceback."""
import logging
import threading

from .running import write_failed
from .tf1 import tf


def summary_writer(logdir, graph):
    """A FileWriter for logdir with the graph (or None without --logdir), its errors checked."""
    if not logdir:
        return None
    _writer_thread_quiet()
    try:
        return _Events(tf.summary.FileWriter(logdir, graph), logdir)
    except (OSError, RuntimeError, tf.errors.OpError) as e:
        write_failed(logdir, e)


def _writer_thread_quiet():
    """The FileWriter's thread logs its write error and dies with a traceback; the error comes back
    to the next add_summary or close, which _Events reports in one line: keep the thread's own quiet."""
    previous = threading.excepthook
    if getattr(previous, "quiets_event_writer", False):
        return

    def hook(args):
        if args.thread is None or args.thread.name != "EventLoggerThread":
            previous(args)
    hook.quiets_event_writer = True
    threading.excepthook = hook
    logging.getLogger("tensorflow").addFilter(
        lambda record: not record.getMessage().startswith("EventFileWriter writer thread error"))


class _Events(object):
    def __init__(self, writer, logdir):
        self.writer, self.logdir = writer, logdir

    def _checked(self, method, *args, saved=None):
        try:
            return getattr(self.writer, method)(*args)
        except (OSError, RuntimeError, tf.errors.OpError) as e:
            write_failed(self.logdir, e, saved=saved)

    def add_summary(self, summary, step=None):
        self._checked("add_summary", summary, step)

    def close(self, saved=None):
        self._checked("close", saved=saved)


def scalar(writer, tag, value, step):
    """One TensorBoard scalar, where --logdir is given."""
    if writer is not None:
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=value)]), step)


def close_writer(writer, saved=None):
    """Flush and close the TensorBoard events, their errors checked (one line, as any write; saved: this
    run's checkpoint, named if it fails)."""
    if writer is not None:
        writer.close(saved)

"""TensorFlow in TF1 graph mode, loaded late: `tf` and `rnn` import it at their first use (a bad flag is
refused before the slow import). A run's start: seeds, session options, the Device, --rnn_mode."""
import contextlib
import dataclasses
import os
import random
import sys
import tempfile
import warnings


def load_tensorflow():
    """tensorflow.compat.v1 in graph mode, imported once. Since TF 2.16 the TF1 RNN cells need Keras 2
    (tf-keras), chosen by TF_USE_LEGACY_KERAS=1 before the import: set here, forced (a user's "0" would bring
    Keras 3's error). TF_CPP_MIN_LOG_LEVEL=3 quiets TensorFlow's C++ log once it runs."""
    os.environ["TF_USE_LEGACY_KERAS"] = "1"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with start_up_log_hidden():
        import tensorflow.compat.v1 as tf1
        if tf1.executing_eagerly():
            tf1.disable_eager_execution()
            tf1.logging.set_verbosity(tf1.logging.ERROR)
            warnings.filterwarnings("ignore", message=".*is deprecated", category=UserWarning)
            first_session_run(tf1)
    return tf1


def first_session_run(tf1):
    """TensorFlow 2.20 (Colab's) logs two lines to fd 2 at a process's first Session.run, whatever
    TF_CPP_MIN_LOG_LEVEL says (absl's "before InitializeLog" warning and MLIR's "V1 optimization pass is
    not enabled"), once each: a tiny session on the CPU runs here, while the start-up log is hidden."""
    graph = tf1.Graph()
    with graph.as_default():
        zero = tf1.constant(0)
    with tf1.Session(graph=graph, config=tf1.ConfigProto(device_count={"GPU": 0})) as sess:
        sess.run(zero)


@contextlib.contextmanager
def start_up_log_hidden():
    """TensorFlow 2.19+ writes its C++ start-up log to standard error as it is imported, whatever
    TF_CPP_MIN_LOG_LEVEL says: it goes to a temporary file, dropped on success, shown if the import fails."""
    if "tensorflow" in sys.modules:
        yield
        return
    fd = 2                # the C++ log's, whatever sys.stderr is (a notebook's is not fd 2)
    try:
        saved = os.dup(fd)
    except OSError:       # started without standard error
        yield
        return
    sys.stderr.flush()
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
    """Python's and numpy's generators seeded (the graph's seed is set where each graph is built)."""
    import numpy as np
    random.seed(seed)     # tf-keras draws the unseeded cell initializers from Python's random
    np.random.seed(seed)


@dataclasses.dataclass(frozen=True)
class Device(object):
    """The device TensorFlow will use: kind "GPU" or "CPU", and its name (or why the CPU). str() is how the
    run's first line (`print("Device:", device)`) and the metrics JSON say it."""
    kind: str
    name: str

    def __str__(self):
        return "%s (%s)" % (self.kind, self.name)


def session_config(cpu):
    """Session options, and the Device TensorFlow will use."""
    gpus = [] if cpu else tf.config.list_physical_devices('GPU')
    if gpus:
        names = [tf.config.experimental.get_device_details(g).get('device_name', g.name) for g in gpus]
        device = Device("GPU", ", ".join(names))
    else:
        device = Device("CPU", "--cpu given" if cpu else "no GPU visible to TensorFlow")
    config = tf.ConfigProto(device_count={'GPU': 0} if cpu else None)
    config.gpu_options.allow_growth = True
    return config, device


def rnn_mode(asked, device, on_cpu):
    """--rnn_mode as given, or by default on_cpu (the mode measured fastest there for this model) on a
    CPU and the page's cells ("basic") on a GPU, where no mode has been measured."""
    return asked or ("basic" if device.kind == "GPU" else on_cpu)

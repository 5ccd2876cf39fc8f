"""`import tensorflow as tf` as TF 1.x gave it, for the learner's code only: builtins.__import__ answers an
import of `tensorflow...` made by the learner's files or notebook cells with namespaces that look names up in
tensorflow.compat.v1 (graph mode) and put back the removed ones (names.TABLE); every other module (TensorFlow
itself, Keras, this project) imports the real TensorFlow 2. Each old name used is recorded in USED."""
import builtins
import inspect
import os
import sys
import sysconfig
import types

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USED = set()           # the old names (keys of names.TABLE) the learner's code used
_real_import = builtins.__import__
_top = None            # the `tensorflow` the learner sees, made by turn_on


class UncoveredName(AttributeError):
    """An old TF1 name the runner does not put back (args[0]: its dotted name)."""


class UncoveredModule(ModuleNotFoundError):
    """An old TF1 module the runner does not put back (args[0]: its dotted name)."""


class Namespace(types.ModuleType):
    """A module as TF 1.x had it: `extra` first (a name: its value, or (value, the old name to record)), then
    the real modules in turn. Under tf.contrib (`closed`), a name found nowhere is an UncoveredName."""

    def __init__(self, dotted, extra, *real, closed=False):
        super().__init__(dotted)
        self._dotted, self._extra, self._real, self._closed = dotted, extra, real, closed

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in self._extra:
            value = self._extra[name]
            if isinstance(value, tuple):
                value, old = value
                USED.add(old)
            return value
        for module in self._real:
            try:
                return getattr(module, name)
            except AttributeError:
                pass
        dotted = "%s.%s" % (self._dotted, name)
        if self._closed:
            raise UncoveredName(dotted.replace("tensorflow.", "tf.", 1))
        raise AttributeError("module '%s' has no attribute '%s'" % (self._dotted.replace("tensorflow", "tf", 1), name))

    def __dir__(self):
        return sorted(set(self._extra) | {n for m in self._real for n in dir(m)})


def renamed(function, old):
    """function, recording the old name it was called by."""
    def call(*args, **kwargs):
        USED.add(old)
        return function(*args, **kwargs)
    call.__name__, call.__doc__ = function.__name__, function.__doc__
    return call


def build(tf):
    """The namespaces, from tf: tensorflow.compat.v1 in graph mode."""
    import tensorflow as tf2
    from . import contrib, learn

    def concat(*args, **kwargs):       # TF < 1.0: concat(concat_dim, values)
        if "concat_dim" in kwargs or (len(args) >= 2 and isinstance(args[0], int)
                                      and isinstance(args[1], (list, tuple))):
            USED.add("tf.concat(axis, values)")
            axis = kwargs.pop("concat_dim") if "concat_dim" in kwargs else args[0]
            values = kwargs.pop("values") if "values" in kwargs else args[1]
            return tf.concat(values, axis, *args[2:], **kwargs)
        return tf.concat(*args, **kwargs)

    def split(*args, **kwargs):        # TF < 1.0: split(split_dim, num_split, value)
        if "split_dim" in kwargs or (len(args) >= 3 and isinstance(args[0], int) and isinstance(args[1], int)
                                     and not isinstance(args[2], int)):
            USED.add("tf.split(axis, num, value)")
            axis = kwargs.pop("split_dim") if "split_dim" in kwargs else args[0]
            num = kwargs.pop("num_split") if "num_split" in kwargs else args[1]
            value = kwargs.pop("value") if "value" in kwargs else args[2]
            return tf.split(value, num, axis, *args[3:], **kwargs)
        return tf.split(*args, **kwargs)

    def positional(function, old, second="labels"):   # TF < 1.0: f(logits, labels) by position
        def call(*args, **kwargs):
            if args:
                USED.add(old)
                kwargs.update(zip(("logits", second), args))
                args = ()
            return function(*args, **kwargs)
        return call

    estimator = Namespace("tensorflow.contrib.learn.python.learn.estimators.estimator",
                          {"Estimator": (learn.Estimator, "tf.contrib.learn.Estimator"),
                           "SKCompat": (learn.SKCompat, "tf.contrib.learn.SKCompat")}, closed=True)
    learn_ns = Namespace("tensorflow.contrib.learn", {
        "Estimator": (learn.Estimator, "tf.contrib.learn.Estimator"),
        "SKCompat": (learn.SKCompat, "tf.contrib.learn.SKCompat"),
        "ModeKeys": (learn.ModeKeys, "tf.contrib.learn.Estimator"),
        "models": Namespace("tensorflow.contrib.learn.models", {"logistic_regression": (
            contrib.logistic_regression, "tf.contrib.learn.models.logistic_regression")}, closed=True),
        "python": Namespace("tensorflow.contrib.learn.python", {"learn": Namespace(
            "tensorflow.contrib.learn.python.learn", {"estimators": Namespace(
                "tensorflow.contrib.learn.python.learn.estimators", {"estimator": estimator}, closed=True)},
            closed=True)}, closed=True)}, closed=True)
    legacy_seq2seq = Namespace("tensorflow.contrib.legacy_seq2seq", {
        "sequence_loss_by_example": (contrib.sequence_loss_by_example,
                                     "tf.contrib.legacy_seq2seq.sequence_loss_by_example"),
        "rnn_decoder": (contrib.rnn_decoder, "tf.contrib.legacy_seq2seq.rnn_decoder")}, closed=True)
    rnn = Namespace("tensorflow.contrib.rnn", {
        "LSTMBlockCell": (contrib.LSTMBlockCell, "tf.contrib.rnn.LSTMBlockCell"),
        **{n: (getattr(tf.nn.rnn_cell, n), "tf.contrib.rnn") for n in dir(tf.nn.rnn_cell) if n[0].isupper()},
        **{n: (getattr(tf.nn, n), "tf.contrib.rnn") for n in ("static_rnn", "static_bidirectional_rnn",
                                                              "static_state_saving_rnn")}}, closed=True)
    contrib_ns = Namespace("tensorflow.contrib", {
        "rnn": rnn, "legacy_seq2seq": legacy_seq2seq, "learn": learn_ns,
        "seq2seq": Namespace("tensorflow.contrib.seq2seq", {"sequence_loss": (
            contrib.sequence_loss, "tf.contrib.seq2seq.sequence_loss")}, closed=True),
        "layers": Namespace("tensorflow.contrib.layers", {
            n: (getattr(contrib, n), "tf.contrib.layers." + n)
            for n in ("fully_connected", "xavier_initializer", "l2_regularizer", "optimize_loss")}, closed=True),
        "framework": Namespace("tensorflow.contrib.framework", {"get_global_step": (
            tf.train.get_global_step, "tf.contrib.framework.get_global_step")}, closed=True),
    }, closed=True)
    nn = Namespace("tensorflow.nn", {
        "rnn": (tf.nn.static_rnn, "tf.nn.rnn"),
        "bidirectional_rnn": (tf.nn.static_bidirectional_rnn, "tf.nn.bidirectional_rnn"),
        "seq2seq": (legacy_seq2seq, "tf.nn.seq2seq"),
        "softmax_cross_entropy_with_logits": positional(tf.nn.softmax_cross_entropy_with_logits,
                                                        "tf.nn.softmax_cross_entropy_with_logits(logits, labels)"),
        "sparse_softmax_cross_entropy_with_logits": positional(
            tf.nn.sparse_softmax_cross_entropy_with_logits,
            "tf.nn.sparse_softmax_cross_entropy_with_logits(logits, labels)"),
        "sigmoid_cross_entropy_with_logits": positional(
            tf.nn.sigmoid_cross_entropy_with_logits, "tf.nn.sigmoid_cross_entropy_with_logits(logits, targets)"),
    }, tf.nn)
    train = Namespace("tensorflow.train", {"SummaryWriter": (tf.summary.FileWriter, "tf.train.SummaryWriter")},
                      tf.train)
    old = {"sub": tf.subtract, "mul": tf.multiply, "neg": tf.negative, "select": tf.where,
           "batch_matmul": tf.matmul, "pack": tf.stack, "unpack": tf.unstack, "arg_max": tf.argmax,
           "arg_min": tf.argmin, "initialize_all_variables": tf.global_variables_initializer,
           "initialize_local_variables": tf.local_variables_initializer, "scalar_summary": tf.summary.scalar,
           "histogram_summary": tf.summary.histogram, "image_summary": tf.summary.image,
           "merge_all_summaries": tf.summary.merge_all, "merge_summary": tf.summary.merge}
    top = Namespace("tensorflow", dict({n: renamed(f, "tf." + n) for n, f in old.items()},
                                       concat=concat, split=split, nn=nn, train=train, contrib=contrib_ns),
                    tf, tf2)
    top.__path__, top.__version__ = tf2.__path__, tf2.__version__
    return top


def project_module(name):
    """A module of this project's (support..., data...), imported from ROOT wherever the learner runs."""
    import importlib
    sys.path.insert(0, ROOT)
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(ROOT)


def helper_modules():
    """tensorflow.examples... and tensorflow.models...: this project's data/ readers. Where `data` is not
    already this project's, it is imported and then forgotten by name, so that a learner's `data` stays theirs."""
    ours = getattr(sys.modules.get("data"), "__file__", "") == os.path.join(ROOT, "data", "__init__.py")
    theirs = {} if ours else {n: m for n, m in sys.modules.items() if n == "data" or n.startswith("data.")}
    for name in theirs:
        del sys.modules[name]
    try:
        input_data, reader = project_module("data.input_data"), project_module("data.reader")
    finally:
        if not ours:
            for name in [n for n in sys.modules if n == "data" or n.startswith("data.")]:
                del sys.modules[name]
            sys.modules.update(theirs)
    mnist = Namespace("tensorflow.examples.tutorials.mnist", {
        "input_data": (input_data, "tensorflow.examples.tutorials.mnist.input_data")}, closed=True)
    ptb = Namespace("tensorflow.models.rnn.ptb", {"reader": (reader, "tensorflow.models.rnn.ptb.reader")},
                    closed=True)
    tf = sys.modules["tensorflow"].compat.v1
    old_rnn = Namespace("tensorflow.models.rnn.rnn", {
        "rnn": (tf.nn.static_rnn, "tensorflow.models.rnn.rnn"),
        "bidirectional_rnn": (tf.nn.static_bidirectional_rnn, "tensorflow.models.rnn.rnn")}, tf.nn, closed=True)
    old_cell = Namespace("tensorflow.models.rnn.rnn_cell", {
        n: (getattr(tf.nn.rnn_cell, n), "tensorflow.models.rnn.rnn_cell") for n in dir(tf.nn.rnn_cell)
        if n[0].isupper()}, closed=True)
    return {"examples": Namespace("tensorflow.examples", {"tutorials": Namespace(
                "tensorflow.examples.tutorials", {"mnist": mnist}, closed=True)}, closed=True),
            "models": Namespace("tensorflow.models", {"rnn": Namespace(
                "tensorflow.models.rnn", {"ptb": ptb, "rnn": old_rnn, "rnn_cell": old_cell}, closed=True)}, closed=True)}


LIBRARIES = tuple(os.path.normcase(os.path.abspath(p)) + os.sep for p in {
    sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")} | {
    os.path.join(ROOT, d) for d in ("support", "data", "tf1", "keras3")})


def library(filename):
    """Whether a file is a library's (the standard library, installed packages, this project's support code)."""
    path = os.path.normcase(os.path.abspath(filename))
    return path.startswith(LIBRARIES) or "site-packages" in path or "dist-packages" in path


def from_learner(importer):
    """Whether an import comes from the learner's code: a notebook cell or a file outside the libraries."""
    if not importer:
        return False
    path = importer.get("__file__")
    if not path:
        return importer.get("__name__") == "__main__"
    return not library(path)


def tf1_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level or not (name == "tensorflow" or name.startswith("tensorflow.")) or not from_learner(globals):
        return _real_import(name, globals, locals, fromlist, level)
    USED.add("import tensorflow as tf")
    parts = name.split(".")
    if parts[1:2] and parts[1] not in ("contrib", "examples", "models"):   # tensorflow.python..., .keras...
        module = _real_import(name, globals, locals, fromlist, level)
        return module if fromlist else _top
    module = _top
    for i, part in enumerate(parts[1:], 2):
        try:
            module = getattr(module, part)
        except UncoveredName:
            raise UncoveredModule(".".join(parts[:i])) from None
    for item in fromlist or ():
        if item != "*" and isinstance(module, Namespace):
            try:
                getattr(module, item)
            except UncoveredName:
                raise UncoveredModule("%s.%s" % (name, item)) from None
    return module if fromlist else _top


def numpy_of_the_pages():
    """numpy.reshape that takes the newshape= the pages pass (numpy 2.4 removed it); as it is on older numpy."""
    import numpy
    real = numpy.reshape
    if "newshape" in inspect.signature(real).parameters or getattr(real, "tf1_runner", False):
        return

    def reshape(a, *args, newshape=None, **kwargs):
        if newshape is not None:
            USED.add("np.reshape(a, newshape=...)")
            args = (newshape,) + args
        return real(a, *args, **kwargs)
    reshape.__doc__, reshape.tf1_runner, reshape.real = real.__doc__, True, real
    numpy.reshape = reshape


class Missing(Exception):
    """What the environment lacks for TF1 code (args[0]: one line saying what to install)."""


def check_environment():
    """TensorFlow with the tf-keras of its minor version (the TF1 cells need Keras 2), as the scripts check it;
    Missing with the line saying what to install, else None."""
    class Refusal(object):
        def error(self, message):
            raise Missing(message)
    project_module("support.command_line").check_keras2(Refusal())


def turn_on():
    """TensorFlow in graph mode (support.load_tensorflow: Keras 2, the start-up log hidden), then the learner's
    imports of tensorflow answered by the TF1 namespaces. Returns the `tensorflow` the learner sees."""
    global _top
    check_environment()
    tf = project_module("support.tf1").load_tensorflow()
    if _top is None:
        _top = build(tf)
        _top._extra.update(helper_modules())
    numpy_of_the_pages()
    builtins.__import__ = tf1_import
    return _top


def turn_off():
    import numpy
    builtins.__import__ = _real_import
    numpy.reshape = getattr(numpy.reshape, "real", numpy.reshape)


def on():
    return builtins.__import__ is tf1_import

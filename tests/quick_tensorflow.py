"""TensorFlow made quicker for the in-process tests (conftest.py, keras3_checks.py), in three ways that
change nothing a graph computes:

- Sessions skip Grappler, TensorFlow's graph rewriter. It rewrites a graph for speed (constant folding,
  fusions, layout) each time a session runs a new set of fetches: about 0.3 s for one of these small
  LSTM graphs, and a test runs several sets, once each, a few steps: half the tests' CPU.
- One thread per session: the suite already runs two workers on two cores, and TensorFlow's idle pool
  threads spin.
- Ops are made without the Python stack that made them (TensorFlow keeps it to say, when an op fails,
  where it was defined): each op walked pytest's seventy-odd frames.

Two of them patch TensorFlow's private API (Session.__init__'s options, ops._create_c_op): only on the
versions named in KNOWN, where they were read and tested; on any other TensorFlow quicken() changes
nothing and the tests run as slowly as users' runs. The command-line tests (conftest.run_script) run the
scripts as users do, with none of this.
"""
KNOWN = ("2.21.",)     # TensorFlow versions whose private functions these patches were written for


def quicken(version=None):
    """Sessions made after this call skip Grappler and, unless their config sets them, use one thread
    (their other options kept); tf.functions (Keras 3's training steps) skip Grappler; ops carry no
    creation stack. Once per process; only on a KNOWN TensorFlow (version: TensorFlow's, unless given).
    Returns whether TensorFlow is quickened."""
    import functools
    import tensorflow as tf
    from tensorflow.python.client import session
    from tensorflow.python.eager import context
    from tensorflow.python.framework import ops
    if not (version or tf.__version__).startswith(KNOWN):
        return False
    init = session.Session.__init__
    if getattr(init, "quickened", False):
        return True

    def __init__(self, target="", graph=None, config=None):
        quick = tf.compat.v1.ConfigProto()
        quick.CopyFrom(context.context().config if config is None else config)   # None: the defaults
        quick.graph_options.rewrite_options.disable_meta_optimizer = True
        quick.intra_op_parallelism_threads = quick.intra_op_parallelism_threads or 1
        quick.inter_op_parallelism_threads = quick.inter_op_parallelism_threads or 1
        init(self, target, graph, quick)
    __init__.quickened, __init__.with_rewrites = True, init
    session.Session.__init__ = __init__
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
    ops._create_c_op = functools.partial(ops._create_c_op, extract_traceback=False)
    return True

"""The in-process tests' sessions skip Grappler, TensorFlow's graph rewriter, and run on one thread
(conftest.py, keras3_checks.py).

Grappler rewrites a graph for speed (constant folding, fusions, layout) each time a session runs a new
set of fetches: about 0.3 s for one of these small LSTM graphs, and a test runs several sets, once each.
It does not change what a graph computes, and the tests' graphs run a few steps: skipped, they take half
the CPU. One thread per session: the suite already runs two workers on two cores, and TensorFlow's idle
pool threads spin (1.2 s of the suite's CPU). The command-line tests (the `launcher` fixture,
conftest.run_script) run as users do, with both.
"""


def skip_graph_rewrites():
    """Every tf.compat.v1.Session made after this call skips Grappler and, unless its config sets them,
    uses one thread (its other options kept); tf.functions (Keras 3's training steps) skip Grappler."""
    import tensorflow as tf
    from tensorflow.python.client import session
    from tensorflow.python.eager import context
    init = session.Session.__init__
    if getattr(init, "skips_graph_rewrites", False):
        return

    def __init__(self, target="", graph=None, config=None):
        quick = tf.compat.v1.ConfigProto()
        quick.CopyFrom(context.context().config if config is None else config)   # None: the defaults
        quick.graph_options.rewrite_options.disable_meta_optimizer = True
        quick.intra_op_parallelism_threads = quick.intra_op_parallelism_threads or 1
        quick.inter_op_parallelism_threads = quick.inter_op_parallelism_threads or 1
        init(self, target, graph, quick)
    __init__.skips_graph_rewrites, __init__.with_rewrites = True, init
    session.Session.__init__ = __init__
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})

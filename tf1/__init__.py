"""Your own TF1 code, unmodified, on today's TensorFlow.

    python -m tf1 their_file.py [its flags]      runs it as `python their_file.py` ran on TF 1.x
    %load_ext tf1                                in a notebook's first cell: the cells after it are TF1

`import tensorflow as tf` is then TF1 graph mode (tensorflow.compat.v1: placeholders, sessions, tf.train,
tf.nn.rnn_cell, tf.layers, tf.flags, tf.app.run, queue runners), and the removed names are back: tf.contrib.rnn,
legacy_seq2seq, seq2seq.sequence_loss, layers, framework, learn (Estimator and SKCompat),
tensorflow.examples.tutorials.mnist.input_data and tensorflow.models.rnn.ptb.reader (this project's data/
readers), and the pre-1.0 names (tf.sub, tf.mul, tf.pack, tf.initialize_all_variables, tf.scalar_summary, ...).
After the run, a short block names each old name used and what it is today (--no_report: none); the table
behind it is docs/tf1-to-tf2.md's. Only the code run this way sees TF1: `import tensorflow` anywhere else,
this project's scripts and modules included, is TensorFlow 2. Importing this package turns nothing on.
"""


import sys

HOOKS = {}   # what %load_ext tf1 registered in IPython, for %unload_ext


def load_ipython_extension(ipython):
    """%load_ext tf1: the cells after it import TF1; each cell's new old names are reported under it."""
    from . import mapping, names
    try:
        mapping.turn_on()
    except mapping.Missing as e:
        print("error: %s" % e, file=sys.stderr)
        return
    shown = set()

    def report(result):
        new = mapping.USED - shown
        if new:
            shown.update(new)
            print(names.report(new).lstrip("\n"))
    ipython.events.register("post_run_cell", report)
    HOOKS["post_run_cell"] = report

    def ending(shell, etype, value, tb, tb_offset=None):
        """A cell's error: the runner's one line where it knows the ending, else IPython's own traceback."""
        from .runner import one_line
        known = one_line(value)
        if known is None:
            return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        print(known[0], file=sys.stderr)
    ipython.set_custom_exc((Exception,), ending)


def unload_ipython_extension(ipython):
    from . import mapping
    mapping.turn_off()
    if "post_run_cell" in HOOKS:
        ipython.events.unregister("post_run_cell", HOOKS.pop("post_run_cell"))
    ipython.set_custom_exc((), None)

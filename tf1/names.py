"""The one table of old TF1 names the runner puts back: each with what it is today and why it went. The report
printed after a run and the table of docs/tf1-to-tf2.md are both written from it (tests/test_tf1_runner.py)."""

DOCS = "docs/tf1-to-tf2.md"
START, END = "<!-- tf1 names: written from tf1/names.py -->", "<!-- tf1 names: end -->"

# old name (as a learner writes it) -> (what it is today, why)
RENAMED_1_0 = "renamed in TF 1.0"
CONTRIB = "tf.contrib was removed in TF 2.0"
TABLE = {
    "import tensorflow as tf": ("import tensorflow.compat.v1 as tf; tf.disable_eager_execution()",
                                "TF 2 runs eagerly: placeholders and sessions need TF1 graph mode"),
    # the pre-1.0 names
    "tf.sub": ("tf.subtract", RENAMED_1_0),
    "tf.mul": ("tf.multiply", RENAMED_1_0),
    "tf.neg": ("tf.negative", RENAMED_1_0),
    "tf.select": ("tf.where", RENAMED_1_0),
    "tf.batch_matmul": ("tf.matmul", "merged into tf.matmul in TF 1.0"),
    "tf.pack": ("tf.stack", RENAMED_1_0),
    "tf.unpack": ("tf.unstack", RENAMED_1_0),
    "tf.concat(axis, values)": ("tf.concat(values, axis)", "the arguments swapped in TF 1.0"),
    "tf.split(axis, num, value)": ("tf.split(value, num, axis)", "the arguments swapped in TF 1.0"),
    "tf.arg_max": ("tf.argmax", "deprecated in TF 1.0"),
    "tf.arg_min": ("tf.argmin", "deprecated in TF 1.0"),
    "tf.initialize_all_variables": ("tf.global_variables_initializer", "renamed in TF 0.12"),
    "tf.initialize_local_variables": ("tf.local_variables_initializer", "renamed in TF 0.12"),
    "tf.scalar_summary": ("tf.summary.scalar", "summaries moved to tf.summary in TF 0.12"),
    "tf.histogram_summary": ("tf.summary.histogram", "summaries moved to tf.summary in TF 0.12"),
    "tf.image_summary": ("tf.summary.image", "summaries moved to tf.summary in TF 0.12"),
    "tf.merge_all_summaries": ("tf.summary.merge_all", "summaries moved to tf.summary in TF 0.12"),
    "tf.merge_summary": ("tf.summary.merge", "summaries moved to tf.summary in TF 0.12"),
    "tf.train.SummaryWriter": ("tf.summary.FileWriter", "summaries moved to tf.summary in TF 0.12"),
    "tf.nn.rnn": ("tf.nn.static_rnn", RENAMED_1_0),
    "tf.nn.bidirectional_rnn": ("tf.nn.static_bidirectional_rnn", RENAMED_1_0),
    "tf.nn.seq2seq": ("tf.contrib.legacy_seq2seq (TF 1.x); here the runner's sequence_loss_by_example",
                      "moved to tf.contrib in TF 1.0"),
    "tf.nn.softmax_cross_entropy_with_logits(logits, labels)": (
        "tf.nn.softmax_cross_entropy_with_logits(labels=..., logits=...)",
        "named arguments only since TF 1.0 (the old order was logits, labels)"),
    "tf.nn.sparse_softmax_cross_entropy_with_logits(logits, labels)": (
        "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=..., logits=...)",
        "named arguments only since TF 1.0 (the old order was logits, labels)"),
    "tf.nn.sigmoid_cross_entropy_with_logits(logits, targets)": (
        "tf.nn.sigmoid_cross_entropy_with_logits(labels=..., logits=...)",
        "named arguments only since TF 1.0 (the old order was logits, targets)"),
    # tf.contrib
    "tf.contrib.rnn": ("tf.nn.rnn_cell (the cells), tf.nn (static_rnn, static_bidirectional_rnn)",
                       CONTRIB + "; the cells need tf-keras and TF_USE_LEGACY_KERAS=1 since TF 2.16"),
    "tf.contrib.rnn.LSTMBlockCell": ("tf.nn.rnn_cell.BasicLSTMCell (LSTMCell with cell_clip or peepholes)",
                                     CONTRIB + "; the same function, another variable layout"),
    "tf.contrib.legacy_seq2seq.sequence_loss_by_example": (
        "the weighted sum of softmax_loss_function (default: sparse softmax cross-entropy) over the time steps",
        CONTRIB),
    "tf.contrib.legacy_seq2seq.rnn_decoder": ("a loop of cell(input, state) over the inputs", CONTRIB),
    "tf.contrib.seq2seq.sequence_loss": (
        "tf.nn.sparse_softmax_cross_entropy_with_logits, weighted and averaged", CONTRIB),
    "tf.contrib.layers.fully_connected": ("tf.layers.dense (its activation defaults to none, not ReLU)", CONTRIB),
    "tf.contrib.layers.xavier_initializer": ("tf.glorot_uniform_initializer (uniform=False: glorot_normal)",
                                             CONTRIB),
    "tf.contrib.layers.l2_regularizer": ("scale * tf.nn.l2_loss(w)", CONTRIB),
    "tf.contrib.layers.optimize_loss": ("an optimizer's minimize(loss, global_step)", CONTRIB),
    "tf.contrib.framework.get_global_step": ("tf.train.get_global_step", CONTRIB),
    "tf.contrib.learn.Estimator": ("a graph and a session loop of your own (tf.estimator is gone since TF 2.16)",
                                   CONTRIB),
    "tf.contrib.learn.SKCompat": ("a session loop: fit feeds batches, predict runs the predictions", CONTRIB),
    "tf.contrib.learn.models.logistic_regression": ("tf.layers.dense and softmax cross-entropy", CONTRIB),
    # numpy of the pages' years
    "np.reshape(a, newshape=...)": ("np.reshape(a, shape)", "numpy 2.1 renamed newshape to shape; numpy 2.4 removed it"),
    # the helper modules
    "tensorflow.examples.tutorials.mnist.input_data": ("data/input_data.py (this project; tf.keras.datasets.mnist "
                                                       "in TF 2)", "removed in TF 2.0"),
    "tensorflow.models.rnn.ptb.reader": ("data/reader.py (this project)",
                                         "moved to the tensorflow/models repository in TF 1.0"),
    "tensorflow.models.rnn.rnn": ("tf.nn (static_rnn, static_bidirectional_rnn)", "moved into tf.nn in TF 0.8"),
    "tensorflow.models.rnn.rnn_cell": ("tf.nn.rnn_cell", "moved into tf.nn in TF 0.8"),
}

# a TF1 name the runner does not put back -> what to use instead (one line, exit 2)
NOT_COVERED = {
    "tf.contrib.rnn.OutputProjectionWrapper": "a tf.layers.dense on the outputs",
    "tf.contrib.rnn.AttentionCellWrapper": "tf.keras.layers.Attention (Keras 3) on the outputs",
    "tf.contrib.seq2seq": "tfa.seq2seq (TensorFlow Addons, unmaintained) or a loop of your own",
    "tf.contrib.cudnn_rnn": "tf.keras.layers.LSTM, which uses cuDNN on a GPU by itself",
    "tf.contrib.slim": "tf.layers / tf.keras.layers",
    "tf.contrib.learn": "a graph and a session loop of your own",
    "tf.contrib.layers": "tf.layers / tf.keras.layers",
    "tf.contrib": "docs/tf1-to-tf2.md lists what replaced each part of tf.contrib",
}


def advice(name):
    """What to use instead of an old name the runner does not cover: its own line, or its module's."""
    for prefix in sorted(NOT_COVERED, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return NOT_COVERED[prefix]
    return "docs/tf1-to-tf2.md lists what replaced the TF1 names"


def report(used):
    """The short block printed after a run: each old name the file used, and what it is today."""
    if not used:
        return ""
    width = min(max(len(name) for name in used), 60)
    lines = ["", "TF1 names this code used, and what they are today (%s):" % DOCS]
    for name in sorted(used, key=list(TABLE).index):
        lines.append("  %-*s -> %s" % (width, name, TABLE[name][0]))
    return "\n".join(lines)


def docs_table():
    """The table of docs/tf1-to-tf2.md that the runner's report links to."""
    lines = ["| TF1 name | today | why |", "|---|---|---|"]
    for name, (today, why) in TABLE.items():
        lines.append("| `%s` | %s | %s |" % (name, today.replace("|", "\\|"), why))
    lines += ["", "Not put back (the runner stops with one line naming the name and this advice):", "",
              "| TF1 name | use instead |", "|---|---|"]
    lines += ["| `%s` | %s |" % (name, instead) for name, instead in NOT_COVERED.items()]
    return "\n".join(lines)


def write_docs(root):
    """docs/tf1-to-tf2.md with its runner's table written anew from TABLE (`python -m tf1.names`)."""
    import os
    path = os.path.join(root, DOCS)
    with open(path, encoding="utf-8") as f:
        before, rest = f.read().split(START, 1)
    text = before + START + "\n" + docs_table() + "\n" + END + rest.split(END, 1)[1]
    with open(path + ".tmp", "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    import os
    write_docs(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    print("wrote", DOCS)

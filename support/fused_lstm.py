"""The fused LSTM path, on no page: the pages' BasicLSTMCells (a small matmul and a few element-wise ops
per step and layer), run on their own variables as one tf.raw_ops.BlockLSTM op per layer over all the
steps: the same outputs and states, far fewer ops. --rnn_mode block trains with it (BlockLSTM's gradient
is registered in TF 2.21); ptb_language_model.py also evaluates with it on a CPU (--eval_lstm fused)."""
import re

from .tf1 import tf   # tensorflow.compat.v1, loaded at first use


def layers_under(scope):
    """[(kernel, bias)] of the BasicLSTMCells whose variables are under scope ("rnn/", a MultiRNNCell's
    cell_0, cell_1, ... in order, or one cell), as the pages' cells created them."""
    found = {}
    for v in tf.trainable_variables():
        match = re.match(re.escape(scope) + r"(?:[^/]+/)*?(?:multi_rnn_cell/cell_(\d+)/)?basic_lstm_cell/"
                         r"(kernel|bias):0$", v.name)
        if match:
            found.setdefault(int(match.group(1) or 0), {})[match.group(2)] = v
    if not found:
        raise ValueError("no BasicLSTMCell variables under %s" % scope)
    return [(found[k]["kernel"], found[k]["bias"]) for k in sorted(found)]


def block_layer(x, c, h, kernel, bias, forget_bias):
    """One BasicLSTMCell layer over every step of x ([steps, batch, size], time-major) as one BlockLSTM
    op, from the state (c, h). The same function: BasicLSTMCell's kernel maps [x; h] to the gates
    [i, j, f, o] with forget_bias added to f at run time, BlockLSTM's to [i, ci, f, o] the same way (no
    peepholes, no cell clip). Returns (every step's c, every step's h)."""
    no_peephole = tf.zeros([bias.shape[0] // 4])
    _, cs, _, _, _, _, hs = tf.raw_ops.BlockLSTM(
        seq_len_max=tf.cast(tf.shape(x)[0], tf.int64), x=x, cs_prev=c, h_prev=h, w=kernel, wci=no_peephole,
        wcf=no_peephole, wco=no_peephole, b=bias, forget_bias=forget_bias, cell_clip=-1.0, use_peephole=False)
    return cs, hs


def outputs(inputs, scope, forget_bias=1.0, backward=False):
    """dynamic_rnn's outputs ([batch, steps, units], zero state) from the cells under scope, one BlockLSTM
    op a layer. backward: read last to first, given back in input order (bidirectional_dynamic_rnn's bw)."""
    x = tf.transpose(inputs, [1, 0, 2])                 # BlockLSTM is time-major
    if backward:
        x = tf.reverse(x, [0])
    batch = tf.shape(x)[1]
    with tf.name_scope("fused_lstm"):
        for kernel, bias in layers_under(scope):
            zero = tf.zeros(tf.stack([batch, bias.shape[0] // 4]))
            _, x = block_layer(x, zero, zero, kernel, bias, forget_bias)
    if backward:
        x = tf.reverse(x, [0])
    return tf.transpose(x, [1, 0, 2])


def run_cells(inputs, state, forget_bias, keep_prob=1.0):
    """For PTB: the MultiRNNCell under the current variable scope over every step of inputs ([batch, steps,
    size]) from state, one BlockLSTM op a layer; keep_prob < 1: dropout on each layer's outputs, as
    DropoutWrapper's (other random draws). Returns (outputs [batch * steps, size], the final state)."""
    x = tf.transpose(inputs, [1, 0, 2])                 # BlockLSTM is time-major
    final = []
    for (kernel, bias), (c, h) in zip(layers_under(tf.get_variable_scope().name + "/"), state):
        cs, hs = block_layer(x, c, h, kernel, bias, forget_bias)
        final.append(tf.nn.rnn_cell.LSTMStateTuple(cs[-1], hs[-1]))     # the state before dropout
        x = tf.nn.dropout(hs, rate=1 - keep_prob) if keep_prob < 1 else hs
    outputs = tf.transpose(x, [1, 0, 2])
    return tf.reshape(outputs, [-1, outputs.shape[-1]]), tuple(final)

"""The fused LSTM path: on no page, the same function as the pages' cells in fewer, larger kernels.

The pages build their LSTMs from BasicLSTMCell (one small matmul and a few element-wise ops per step
and layer). run_cells runs cells that already exist, on their own variables, as one
tf.raw_ops.BlockLSTM op per layer over all the steps: the same outputs and states, far fewer ops.
ptb_language_model.py evaluates with it on a CPU (--eval_lstm fused).
"""
import re

from support import tf   # tensorflow.compat.v1, loaded at first use


def run_cells(inputs, state, forget_bias):
    """Not on the pages, for evaluation: run a MultiRNNCell of BasicLSTMCells that already exist under
    the current variable scope, each layer as one tf.raw_ops.BlockLSTM op over all the steps of inputs
    ([batch, steps, size]), on the same variables. The same function: BasicLSTMCell's kernel maps
    [x; h] to the gates [i, j, f, o] with forget_bias added at run time, BlockLSTM's [i, ci, f, o] the
    same way (no peepholes, no cell clip). Returns (outputs [batch * steps, size], the final state)."""
    scope = tf.get_variable_scope().name + "/"
    found = {}
    for v in tf.trainable_variables():
        match = re.search(r"cell_(\d+)/basic_lstm_cell/(kernel|bias):0$", v.name)
        if v.name.startswith(scope) and match:
            found[int(match.group(1)), match.group(2)] = v
    x = tf.transpose(inputs, [1, 0, 2])                 # BlockLSTM is time-major
    steps = tf.cast(tf.shape(x)[0], tf.int64)
    final = []
    for layer, (c, h) in enumerate(state):
        kernel, bias = found[layer, "kernel"], found[layer, "bias"]
        no_peephole = tf.zeros([bias.shape[0] // 4])
        _, cs, _, _, _, _, x = tf.raw_ops.BlockLSTM(
            seq_len_max=steps, x=x, cs_prev=c, h_prev=h, w=kernel, wci=no_peephole, wcf=no_peephole,
            wco=no_peephole, b=bias, forget_bias=forget_bias, cell_clip=-1.0, use_peephole=False)
        final.append(tf.nn.rnn_cell.LSTMStateTuple(cs[-1], x[-1]))
    outputs = tf.transpose(x, [1, 0, 2])
    return tf.reshape(outputs, [-1, outputs.shape[-1]]), tuple(final)

"""TF1 variables -> Keras 3 weights, once for every keras3/ script (numpy only).

BasicLSTMCell keeps one kernel for [x; h] whose columns are the gates [i, j, f, o] (j: the new cell
input), and a bias; it adds forget_bias to the f gate at run time. Keras 3's LSTM keeps `kernel` (x),
`recurrent_kernel` (h) and `bias`, gates in the order [i, f, c, o], with no run-time forget bias
(unit_forget_bias only sets the bias's initial value). So: split the kernel at the input width, move
the column blocks [i, j, f, o] -> [i, f, j, o], and fold forget_bias into the f block of the bias.
BasicRNNCell is the same without gates; dense layers are the same matrices.
"""
import numpy as np


def lstm(kernel, bias, forget_bias=1.0):
    """[kernel, recurrent_kernel, bias] of keras.layers.LSTM(unit_forget_bias=False) computing what a
    BasicLSTMCell with this kernel ([inputs + units, 4 * units]) and bias computes."""
    units = bias.shape[0] // 4
    inputs = kernel.shape[0] - units
    i, j, f, o = np.split(np.asarray(kernel), 4, axis=1)
    reordered = np.concatenate([i, f, j, o], axis=1)
    bi, bj, bf, bo = np.split(np.asarray(bias), 4)
    return [reordered[:inputs], reordered[inputs:], np.concatenate([bi, bf + forget_bias, bj, bo])]


def rnn(kernel, bias):
    """[kernel, recurrent_kernel, bias] of keras.layers.SimpleRNN for a BasicRNNCell's variables."""
    units = bias.shape[0]
    inputs = kernel.shape[0] - units
    return [np.asarray(kernel)[:inputs], np.asarray(kernel)[inputs:], np.asarray(bias)]


def dense(weights, bias):
    """[kernel, bias] of keras.layers.Dense for x @ weights + bias."""
    return [np.asarray(weights), np.asarray(bias)]


def lstm_cells(variables, prefix, forget_bias=1.0):
    """The LSTM layers under prefix, in order: {name: value} of a checkpoint's variables whose names are
    PREFIX.../cell_N/basic_lstm_cell/{kernel,bias} (a MultiRNNCell) or PREFIX.../basic_lstm_cell/...
    (one cell). Returns a list of Keras LSTM weight lists, layer 0 first."""
    layers = {}
    for name, value in variables.items():
        if not name.startswith(prefix) or "basic_lstm_cell/" not in name or "/Adam" in name:
            continue
        cell = name.split("/cell_")[1].split("/")[0] if "/cell_" in name else "0"
        layers.setdefault(int(cell), {})[name.rsplit("/", 1)[1]] = value
    return [lstm(layers[k]["kernel"], layers[k]["bias"], forget_bias) for k in sorted(layers)]


def checkpoint_variables(path):
    """{name: numpy array} of a TF1 checkpoint (a folder or a checkpoint prefix), read without a graph."""
    import tensorflow as tf
    reader = tf.train.load_checkpoint(path)
    return {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}


def checked_checkpoint(folder, model):
    """{name: value} of the newest TF1 checkpoint in folder, after its checkpoint.json (what built it:
    the script and the flags that shape the model) is compared with `model`; a mismatch, a missing or
    damaged checkpoint is one line and exit 2, as the TF1 scripts' --restore."""
    import support
    import tensorflow as tf
    found = support.checkpoints_in(folder)     # found in folder itself, wherever it was saved
    if not found:
        support.stop("no checkpoint in %s: save one with ../%s --save_path %s" % (folder, model["script"], folder))
    latest = found[-1]
    support.checkpoints.check_model(folder, model)     # checkpoint.json: as the TF1 scripts' --restore
    try:
        variables = checkpoint_variables(latest)
    except (tf.errors.OpError, ValueError, IndexError, OSError) as e:   # IndexError: a data file cut short
        support.stop("cannot read the checkpoint %s (%s): it is damaged; save it again with ../%s --save_path %s"
                     % (latest, type(e).__name__, model["script"], folder))
    print("Restored %s" % latest)
    return variables

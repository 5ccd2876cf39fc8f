"""A bidirectional LSTM reads an MNIST image row by row, forwards and backwards, and classifies it.

Page: tf-lstm-guide-sin-mnist-bilstm.txt, part 二 Ⅳ (one bidirectional layer of
10 units each way) and Ⅴ (forward and backward MultiRNNCell stacks 30 -> 10). As on the page, only
the graph differs from guide Ⅲ: the data, the session loop, the evaluation and the figure are
lstm_mnist_classify.py's, imported from it.

    python bilstm_mnist.py                  # guide Ⅴ: two layers each way, 50 epochs
    python bilstm_mnist.py --layers 1       # guide Ⅳ: the single layer that stalls on the page
    python bilstm_mnist.py --layers 1 --bw_output full   # read the backward pass where it is complete
"""
import argparse
import math
import os

# Under TF 2.16+ the TF1 rnn_cell classes need Keras 2 (the tf-keras package): set this before
# TensorFlow is imported. The second line hides TensorFlow's C++ start-up chatter.
os.environ["TF_USE_LEGACY_KERAS"] = "1"   # forced: a user's "0" would bring Keras 3's error
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))

# ------------------------------------------------------------- hyperparameters (guide Ⅳ, Ⅴ)
TIME_STEPS = 28
BATCH_SIZE = 128
HIDDEN_UNITS1 = 30
HIDDEN_UNITS = 10
LEARNING_RATE = 0.001
EPOCH = 50


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer, got %s" % text)
    return value


def positive_float(text):
    value = float(text)
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError("must be a positive finite number, got %s" % text)
    return value

def seed_value(text):
    value = int(text)
    if not 0 <= value < 2 ** 32:
        raise argparse.ArgumentTypeError("must be between 0 and 2**32 - 1 (numpy's range), got %s" % text)
    return value


def check_outputs(p, args):
    """Refuse, before any training, an output path the run could not write at its end."""
    paths = [("--metrics_json", args.metrics_json, False), ("--logdir", args.logdir, True),
             ("--save_path", getattr(args, "save_path", None), True)]
    if not args.no_plot:
        paths.append(("--plot", args.plot, False))
    for flag, path, is_folder in paths:
        problem = path and unwritable(path, is_folder)
        if problem:
            p.error("%s %s: %s" % (flag, path, problem))


def unwritable(path, is_folder):
    """Why path cannot be written as a file (or created as a folder), or None if it can."""
    if os.path.isdir(path):
        if not is_folder:
            return "is a folder; give a file name"
        return None if os.access(path, os.W_OK) else "is a folder you cannot write to"
    if os.path.exists(path):
        if is_folder:
            return "is a file; give a folder"
        return None if os.access(path, os.W_OK) else "is a file you cannot overwrite"
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return "%s is a file, so no folder can be made inside it" % parent
    return None if os.access(parent, os.W_OK) else "cannot be created: %s is not writable" % parent


def check_keras2(p):
    """The TF1 cells need Keras 2: the tf-keras package of TensorFlow's own minor version."""
    from importlib import metadata, util
    if util.find_spec("tf_keras") is None:
        p.error("tf-keras is not installed and the TF1 RNN cells need it: pip install -r requirements.txt")
    try:
        tf_version, keras_version = metadata.version("tensorflow"), metadata.version("tf-keras")
    except metadata.PackageNotFoundError:
        return      # another TensorFlow build (tensorflow-cpu, a nightly): its import will tell
    if tf_version.split(".")[:2] != keras_version.split(".")[:2]:
        p.error("tf-keras %s does not match TensorFlow %s: pip install \"tf-keras==%s.*\""
                % (keras_version, tf_version, ".".join(tf_version.split(".")[:2])))


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="Bidirectional LSTM MNIST classification (the LSTM guide's Ⅳ and Ⅴ) in TF1 graph "
                    "mode on today's TensorFlow.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--layers", type=int, choices=[1, 2], default=2,
                   help="2: guide Ⅴ (MultiRNNCell 30 -> 10 each way); 1: guide Ⅳ (10 units each way)")
    p.add_argument("--bw_output", choices=["page", "full"], default="page",
                   help="page: logits = outputs_fw[:, -1] + outputs_bw[:, -1], where the backward pass "
                        "has read only the last row; full: use outputs_bw[:, 0], where it has read "
                        "every row")
    p.add_argument("--epochs", type=positive_int, default=EPOCH, help="EPOCH (guide: 50)")
    p.add_argument("--hidden_units1", type=positive_int, default=HIDDEN_UNITS1,
                   help="HIDDEN_UNITS1, first layer each way, --layers 2 only (guide: 30)")
    p.add_argument("--learning_rate", type=positive_float, default=LEARNING_RATE,
                   help="Adam's learning rate (guide: 0.001)")
    # the flags every MNIST script shares (lstm_mnist_classify.py has the same ones)
    p.add_argument("--data_dir", default=os.path.join(HERE, "data", "mnist"),
                   help="MNIST: the four IDX files (.gz or not), mnist.npz or Kaggle's train.csv; "
                        "downloaded here if absent")
    p.add_argument("--batch_size", type=positive_int, default=BATCH_SIZE, help="BATCH_SIZE (guide: 128)")
    p.add_argument("--max_steps", type=positive_int, help="stop after this many training steps in total")
    p.add_argument("--seed", type=seed_value, default=1, help="random seed (Python, numpy, the graph, the reader)")
    p.add_argument("--logdir", help="write TensorBoard events (graph, loss, accuracy) here")
    p.add_argument("--plot", help="save the figure as this PNG (default outputs/bilstm_mnist_<layers>.png)")
    p.add_argument("--show", action="store_true", help="also open the figure in a window at the end")
    p.add_argument("--no_plot", action="store_true", help="do not plot at all")
    p.add_argument("--save_path", help="checkpoint directory: saved after every epoch and on Ctrl-C")
    p.add_argument("--restore", action="store_true", help="resume from the checkpoint in --save_path")
    p.add_argument("--cpu", action="store_true", help="hide any GPU and run on the CPU")
    p.add_argument("--metrics_json", help="write the run's final figures as JSON to this path")
    args = p.parse_args(argv)
    if args.restore and not args.save_path:
        p.error("--restore needs --save_path DIR (the checkpoint directory to resume from)")
    if args.plot is None:
        args.plot = os.path.join("outputs", "bilstm_mnist_%dlayer%s.png"
                                 % (args.layers, "" if args.bw_output == "page" else "_bw_full"))
    args.hidden_units = HIDDEN_UNITS
    check_outputs(p, args)
    check_keras2(p)
    return args


if __name__ == "__main__":
    FLAGS = parse_args()  # a bad flag exits 2 here, before the slow TensorFlow import

import tensorflow.compat.v1 as tf  # noqa: E402  (TF1: import tensorflow as tf)

import lstm_mnist_classify as guide  # noqa: E402  (guide Ⅲ's data, session loop and evaluation)

rnn = tf.nn.rnn_cell                 # TF1: import tensorflow.contrib.rnn as rnn


# ------------------------------------------------------------- construct LSTM (the only change)
def build_bidirectional(args):
    # place hoder
    X_p = tf.placeholder(dtype=tf.float32, shape=(None, TIME_STEPS, 28), name="input_placeholder")
    y_p = tf.placeholder(dtype=tf.float32, shape=(None, 10), name="pred_placeholder")
    if args.layers == 1:
        # guide Ⅳ: lstm instance
        lstm_forward = rnn.BasicLSTMCell(num_units=HIDDEN_UNITS)
        lstm_backward = rnn.BasicLSTMCell(num_units=HIDDEN_UNITS)
    else:
        # guide Ⅴ: a MultiRNNCell stack each way
        lstm_forward_1 = rnn.BasicLSTMCell(num_units=args.hidden_units1)
        lstm_forward_2 = rnn.BasicLSTMCell(num_units=HIDDEN_UNITS)
        lstm_forward = rnn.MultiRNNCell(cells=[lstm_forward_1, lstm_forward_2])
        lstm_backward_1 = rnn.BasicLSTMCell(num_units=args.hidden_units1)
        lstm_backward_2 = rnn.BasicLSTMCell(num_units=HIDDEN_UNITS)
        lstm_backward = rnn.MultiRNNCell(cells=[lstm_backward_1, lstm_backward_2])

    outputs, states = tf.nn.bidirectional_dynamic_rnn(
        cell_fw=lstm_forward,
        cell_bw=lstm_backward,
        inputs=X_p,
        dtype=tf.float32
    )
    outputs_fw = outputs[0]
    outputs_bw = outputs[1]
    # outputs_bw is given back in input order: at index -1 the backward pass has read only row 27,
    # at index 0 it has read all 28 rows.
    if args.bw_output == "page":
        h = outputs_fw[:, -1, :] + outputs_bw[:, -1, :]
    else:
        h = outputs_fw[:, -1, :] + outputs_bw[:, 0, :]
    return X_p, y_p, h


def main(args):
    variant = "%d layer%s, bw_output %s" % (args.layers, "s" if args.layers > 1 else "", args.bw_output)
    return guide.run(args, "bilstm_mnist.py", variant, build_bidirectional, guide.train_by_epochs)


if __name__ == '__main__':
    main(FLAGS)

"""An LSTM reads an MNIST image row by row (28 steps of 28 pixels) and classifies the digit.

Pages:
  --variant stacked    tf-lstm-guide-sin-mnist-bilstm.txt, part 二 Ⅲ: two LSTM
                       layers 30 -> 10, the last output is the logits, Adam 0.001, batch 128, 50 epochs.
  --variant projected  tf-notes-basics-rnn-classification-regression.txt, "用来做
                       classification的例子" (Morvan's): 28 -> 128 input layer, BasicLSTMCell(128),
                       output layer, Adam 0.001, batch 128, training_iters 100000.

    python lstm_mnist_classify.py                       # guide Ⅲ, 50 epochs, then the test accuracy
    python lstm_mnist_classify.py --variant projected   # the notes page
"""
import argparse
import math
import json
import os
import random
import signal
import sys
import time
import warnings

import numpy as np

# Under TF 2.16+ the TF1 rnn_cell classes need Keras 2 (the tf-keras package): set this before
# TensorFlow is imported. The second line hides TensorFlow's C++ start-up chatter.
os.environ["TF_USE_LEGACY_KERAS"] = "1"   # forced: a user's "0" would bring Keras 3's error
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))

# ------------------------------------------------------------- hyperparameters (guide Ⅲ)
TIME_STEPS = 28
BATCH_SIZE = 128
HIDDEN_UNITS1 = 30
HIDDEN_UNITS = 10
LEARNING_RATE = 0.001
EPOCH = 50

# ------------------------------------------------------------- hyperparameters (the notes page)
lr = 0.001
training_iters = 100000      # examples, not steps: 100000 / 128 = 782 steps
batch_size = 128
n_inputs = 28                # MNIST data input (img shape: 28*28)
n_steps = 28                 # time steps
n_hidden_units = 128         # neurons in hidden layer
n_classes = 10               # MNIST classes (0-9 digits)

EVAL_BATCH = 1000            # test images per session.run when evaluating (any size works)


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
        description="LSTM MNIST classification, row by row (the LSTM guide's Ⅲ; the notes page's "
                    "classification example) in TF1 graph mode on today's TensorFlow.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--variant", choices=["stacked", "projected"], default="stacked",
                   help="stacked: guide Ⅲ (30 -> 10, last output = logits); projected: the notes page "
                        "(28 -> 128 -> LSTM(128) -> 10)")
    p.add_argument("--pixels", choices=["raw", "unit"],
                   help="raw: the pixel values 0-255 as the guide's CSV gives them; unit: scaled to [0, 1] "
                        "as TF1's read_data_sets (default: raw for stacked, unit for projected, as each page)")
    p.add_argument("--epochs", type=positive_int, default=EPOCH, help="EPOCH, stacked only (guide: 50)")
    p.add_argument("--hidden_units1", type=positive_int, default=HIDDEN_UNITS1,
                   help="HIDDEN_UNITS1, stacked: first LSTM layer (guide: 30)")
    p.add_argument("--hidden_units", type=positive_int, default=HIDDEN_UNITS,
                   help="HIDDEN_UNITS, stacked: second LSTM layer = the 10 logits (guide: 10)")
    p.add_argument("--learning_rate", type=positive_float, default=LEARNING_RATE,
                   help="Adam's learning rate (both pages: 0.001)")
    p.add_argument("--training_iters", type=positive_int, default=training_iters,
                   help="projected only: training examples seen, the page's unit (page: 100000)")
    p.add_argument("--n_hidden_units", type=positive_int, default=n_hidden_units,
                   help="projected only: input layer and LSTM size (page: 128)")
    p.add_argument("--data_dir", default=os.path.join(HERE, "data", "mnist"),
                   help="MNIST: the four IDX files (.gz or not), mnist.npz or Kaggle's train.csv; "
                        "downloaded here if absent")
    p.add_argument("--batch_size", type=positive_int, default=BATCH_SIZE, help="BATCH_SIZE (pages: 128)")
    p.add_argument("--max_steps", type=positive_int, help="stop after this many training steps in total")
    p.add_argument("--seed", type=seed_value, default=1, help="random seed (Python, numpy, the graph, the reader)")
    p.add_argument("--logdir", help="write TensorBoard events (graph, loss, accuracy) here")
    p.add_argument("--plot", default=os.path.join("outputs", "lstm_mnist_classify.png"),
                   help="save the figure (training curves and test digits) as this PNG")
    p.add_argument("--show", action="store_true", help="also open the figure in a window at the end")
    p.add_argument("--no_plot", action="store_true", help="do not plot at all")
    p.add_argument("--save_path", help="checkpoint directory: saved after every epoch and on Ctrl-C")
    p.add_argument("--restore", action="store_true", help="resume from the checkpoint in --save_path")
    p.add_argument("--cpu", action="store_true", help="hide any GPU and run on the CPU")
    p.add_argument("--metrics_json", help="write the run's final figures as JSON to this path")
    args = p.parse_args(argv)
    if args.restore and not args.save_path:
        p.error("--restore needs --save_path DIR (the checkpoint directory to resume from)")
    if args.variant == "stacked" and args.hidden_units != n_classes:
        p.error("--hidden_units must be 10 for --variant stacked: its last layer's output is the 10 logits")
    if args.pixels is None:
        args.pixels = "raw" if args.variant == "stacked" else "unit"
    check_outputs(p, args)
    check_keras2(p)
    return args


if __name__ == "__main__":
    FLAGS = parse_args()  # a bad flag exits 2 here, before the slow TensorFlow import
    if "IPython" not in sys.modules:                  # (%run in a notebook keeps the notebook's Ctrl-C)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C while TensorFlow loads: just stop

import tensorflow.compat.v1 as tf  # noqa: E402  (TF1: import tensorflow as tf)

from data import input_data        # noqa: E402  (TF1: from tensorflow.examples.tutorials.mnist import input_data)

tf.disable_eager_execution()       # TF1 graph mode: placeholders and sessions
tf.logging.set_verbosity(tf.logging.ERROR)
warnings.filterwarnings("ignore", message=".*is deprecated", category=UserWarning)
rnn = tf.nn.rnn_cell               # TF1: import tensorflow.contrib.rnn as rnn


# ------------------------------------------------------------- guide Ⅲ: Generate Data
def generate_data(mnist, pixels):
    """The guide's training arrays: images (N, 28, 28) float32 and one-hot labels."""
    X_train = to_pixels(mnist.train.images, pixels)  # page: train_frame.astype(np.float32).values
    y_train = mnist.train.labels                      # page: pd.get_dummies(train_labels_frame).values
    # trans the shape to (batch, time_steps, input_size)
    X_train = np.reshape(X_train, (-1, 28, 28))  # page: newshape=, a keyword numpy 2 removed
    return X_train, y_train


# ------------------------------------------------------------- guide Ⅲ: construct LSTM
def build_stacked(args):
    # place holder
    X_p = tf.placeholder(dtype=tf.float32, shape=(None, TIME_STEPS, 28), name="input_placeholder")
    y_p = tf.placeholder(dtype=tf.float32, shape=(None, 10), name="pred_placeholder")
    # lstm instance
    lstm_cell1 = rnn.BasicLSTMCell(num_units=args.hidden_units1)
    lstm_cell = rnn.BasicLSTMCell(num_units=args.hidden_units)
    multi_lstm = rnn.MultiRNNCell(cells=[lstm_cell1, lstm_cell])
    # initialize to zero; unlike the page's zero_state(BATCH_SIZE) it follows the batch fed, so the
    # whole test set can be evaluated in batches of any size
    init_state = multi_lstm.zero_state(batch_size=tf.shape(X_p)[0], dtype=tf.float32)
    # dynamic rnn
    outputs, states = tf.nn.dynamic_rnn(cell=multi_lstm, inputs=X_p, initial_state=init_state,
                                        dtype=tf.float32)
    h = outputs[:, -1, :]
    return X_p, y_p, h


# ------------------------------------------------------------- guide Ⅲ: define loss and optimizer
def build_graph(args, build_logits):
    """Placeholders, logits, loss, accuracy and the Adam step (both pages define them the same way)."""
    X_p, y_p, h = build_logits(args)
    global_step = tf.train.get_or_create_global_step()  # not on the pages: lets a checkpoint resume
    with tf.name_scope("loss"):
        # guide: tf.losses.softmax_cross_entropy; notes page: reduce_mean(softmax_cross_entropy_with_logits)
        cross_loss = tf.losses.softmax_cross_entropy(onehot_labels=y_p, logits=h)
        tf.summary.scalar("loss", cross_loss)              # TensorBoard: loss/loss
    with tf.name_scope("accuracy"):
        correct_prediction = tf.equal(tf.argmax(h, 1), tf.argmax(y_p, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
        tf.summary.scalar("accuracy", accuracy)            # TensorBoard: accuracy/accuracy
    with tf.name_scope("train"):
        optimizer = tf.train.AdamOptimizer(args.learning_rate).minimize(loss=cross_loss,
                                                                         global_step=global_step)
    return dict(X_p=X_p, y_p=y_p, h=h, loss=cross_loss, accuracy=accuracy, train_op=optimizer,
                global_step=global_step, summaries=tf.summary.merge_all())


# ------------------------------------------------------------- guide Ⅲ: Define Session
def train_by_epochs(sess, g, mnist, args, ckpt, writer, history):
    """The guide's session loop: EPOCH passes over the training images in order, 128 at a time."""
    X_train, y_train = generate_data(mnist, args.pixels)
    TRAIN_EXAMPLES = len(X_train)   # the page's constant (42000, Kaggle's train.csv): here the count read
    batches = TRAIN_EXAMPLES // args.batch_size
    if batches == 0:
        stop("%d training images, fewer than one batch of %d; lower --batch_size"
             % (TRAIN_EXAMPLES, args.batch_size))
    step = sess.run(g["global_step"])                          # > 0 after --restore
    max_steps = args.max_steps or float("inf")
    for epoch in range(step // batches + 1, args.epochs + 1):
        train_losses = []
        accus = []
        print("epoch:", epoch)
        for j in range(step % batches, batches):
            if step >= max_steps:
                break
            feed = {g["X_p"]: X_train[j * args.batch_size:(j + 1) * args.batch_size],
                    g["y_p"]: y_train[j * args.batch_size:(j + 1) * args.batch_size]}
            _, train_loss, accu, summ = sess.run(
                fetches=(g["train_op"], g["loss"], g["accuracy"], g["summaries"]), feed_dict=feed)
            step += 1
            check_finite(train_loss, step)
            train_losses.append(train_loss)
            accus.append(accu)
            if writer is not None and step % 20 == 1:         # steps 1, 21, 41, ...
                writer.add_summary(summ, step)
        if train_losses:
            print("average training loss:", sum(train_losses) / len(train_losses))
            print("accuracy:", sum(accus) / len(accus))
            history.append((step, float(np.mean(train_losses)), float(np.mean(accus))))
        ckpt.save(sess, step)
        if step >= max_steps:
            break
    return step


# ------------------------------------------------------------- the notes page: RNN(X, weights, biases)
def RNN(X, weights, biases):
    batch = tf.shape(X)[0]                   # the page used the constant batch_size here
    n_hidden_units = weights['in'].shape[1]  # the page's constant; here the --n_hidden_units built
    # hidden layer for input to cell: X ==> (128 batch * 28 steps, 28 inputs)
    X = tf.reshape(X, [-1, n_inputs])
    # into hidden: X_in = (128 batch * 28 steps, 128 hidden)
    X_in = tf.matmul(X, weights['in']) + biases['in']
    # X_in ==> (128 batch, 28 steps, 128 hidden)
    X_in = tf.reshape(X_in, [-1, n_steps, n_hidden_units])
    # cell: lstm cell is divided into two parts (c_state, h_state)
    cell = rnn.BasicLSTMCell(n_hidden_units, forget_bias=1.0, state_is_tuple=True)
    init_state = cell.zero_state(batch, dtype=tf.float32)
    outputs, final_state = tf.nn.dynamic_rnn(cell, X_in, initial_state=init_state, time_major=False)
    # hidden layer for output as the final results: unstack to a list [(batch, outputs)..] * steps
    outputs = tf.unstack(tf.transpose(outputs, [1, 0, 2]))
    results = tf.matmul(outputs[-1], weights['out']) + biases['out']  # shape = (128, 10)
    return results


def build_projected(args):
    # tf Graph input
    x = tf.placeholder(tf.float32, [None, n_steps, n_inputs])
    y = tf.placeholder(tf.float32, [None, n_classes])
    # Define weights
    weights = {
        'in': tf.Variable(tf.random_normal([n_inputs, args.n_hidden_units])),   # (28, 128)
        'out': tf.Variable(tf.random_normal([args.n_hidden_units, n_classes])),  # (128, 10)
    }
    biases = {
        'in': tf.Variable(tf.constant(0.1, shape=[args.n_hidden_units, ])),     # (128, )
        'out': tf.Variable(tf.constant(0.1, shape=[n_classes, ])),               # (10, )
    }
    pred = RNN(x, weights, biases)
    return x, y, pred


def train_by_iters(sess, g, mnist, args, ckpt, writer, history):
    """The notes page's loop: next_batch until step * batch_size reaches training_iters."""
    step = sess.run(g["global_step"])
    max_steps = args.max_steps or float("inf")
    epochs_seen = mnist.train.epochs_completed
    while step * args.batch_size < args.training_iters and step < max_steps:
        batch_xs, batch_ys = mnist.train.next_batch(args.batch_size)
        batch_xs = to_pixels(batch_xs, args.pixels).reshape([-1, n_steps, n_inputs])
        feed = {g["X_p"]: batch_xs, g["y_p"]: batch_ys}
        _, train_loss = sess.run([g["train_op"], g["loss"]], feed_dict=feed)
        check_finite(train_loss, step + 1)
        if step % 20 == 0:
            # the page prints the accuracy on the batch it has just trained on
            train_loss, accu, summ = sess.run([g["loss"], g["accuracy"], g["summaries"]], feed_dict=feed)
            print(accu)
            history.append((step + 1, float(train_loss), float(accu)))
            if writer is not None:
                writer.add_summary(summ, step)
        step += 1
        if mnist.train.epochs_completed != epochs_seen:  # a checkpoint per pass over the data
            epochs_seen = mnist.train.epochs_completed
            ckpt.save(sess, step)
    ckpt.save(sess, step)
    return step


# ------------------------------------------------------------- main
def main(args):
    """Apply the flags, build the page's graph, train, report the test accuracy, plot, write metrics."""
    script = "lstm_mnist_classify.py"
    if args.variant == "stacked":    # guide Ⅲ: all labelled training images, in order, EPOCH times
        build_logits, train_loop, validation_size = build_stacked, train_by_epochs, 0
        model = {"script": script, "--variant": "stacked", "--hidden_units1": args.hidden_units1}
    else:                            # the notes page: TF1 read_data_sets (5000 kept for validation)
        build_logits, train_loop, validation_size = build_projected, train_by_iters, 5000
        model = {"script": script, "--variant": "projected", "--n_hidden_units": args.n_hidden_units}
    random.seed(args.seed)     # tf-keras draws the unseeded cell initializers from Python's random
    np.random.seed(args.seed)
    config, device = session_config(args.cpu)
    print(device)
    mnist = load_mnist(args, validation_size)
    # the test set has labels here (the page's Kaggle test.csv has none): evaluated after training
    X_test, y_test = to_pixels(mnist.test.images, args.pixels).reshape(-1, 28, 28), mnist.test.labels
    print("TRAIN_EXAMPLES = %d, TEST_EXAMPLES = %d, pixels %s" % (
        mnist.train.num_examples, len(X_test), "0-255 (raw)" if args.pixels == "raw" else "in [0, 1] (unit)"))
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(args.seed)
        g = build_graph(args, build_logits)
        init = tf.global_variables_initializer()
        ckpt = Checkpoints(args, model)
    writer = tf.summary.FileWriter(args.logdir, graph) if args.logdir else None
    history = []
    with tf.Session(graph=graph, config=config) as sess:
        sess.run(init)
        ckpt.restore(sess)
        first_step = sess.run(g["global_step"])
        start = time.time()
        try:
            step = train_loop(sess, g, mnist, args, ckpt, writer, history)
            wall = time.time() - start
            test_accuracy, predictions = evaluate(sess, g, X_test, y_test)
        except Diverged as e:
            stop("%s; lower the learning rate (--learning_rate)%s"
                 % (e, ", the last checkpoint is kept" if args.save_path else ""))
        except KeyboardInterrupt:
            print("\nInterrupted.")
            ckpt.save(sess, sess.run(g["global_step"]))
            raise SystemExit(130)
    if writer is not None:
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="test_accuracy",
                                                              simple_value=test_accuracy)]), step)
        writer.close()
    print("test accuracy: %.4f (all %d test images)" % (test_accuracy, len(X_test)))
    trained = step - first_step
    print("trained %d steps in %.1f s, %.0f images/s" % (trained, wall, trained * args.batch_size / max(wall, 1e-9)))
    if not args.no_plot:
        try:
            save_figure(args.plot, history, X_test, y_test, predictions,
                        "%s --variant %s --pixels %s" % (script, args.variant, args.pixels), args.show)
        except KeyboardInterrupt:
            print("\nInterrupted; no figure saved.")
            raise SystemExit(130)
    metrics = {
        "script": script, "variant": args.variant, "pixels": args.pixels, "steps": int(step),
        "train_examples": mnist.train.num_examples, "test_examples": len(X_test),
        "epochs": round(step * args.batch_size / mnist.train.num_examples, 3),
        "wall_seconds": round(wall, 3), "final_train_loss": history[-1][1] if history else None,
        "final_train_accuracy": history[-1][2] if history else None, "test_accuracy": test_accuracy,
        "examples_per_second": round(trained * args.batch_size / max(wall, 1e-9), 1),
        "device": device.replace("Device: ", ""),
    }
    if args.metrics_json:
        write_atomically(args.metrics_json,
                         lambda tmp: open(tmp, "w").write(json.dumps(metrics, indent=2) + "\n"))
    return metrics


# ------------------------------------------------------------- helpers (not on the pages)
def to_pixels(images, pixels):
    """uint8 images as float32: the values 0-255 (the guide's CSV, raw) or scaled to [0, 1] (unit, as
    TF1's read_data_sets)."""
    images = images.astype(np.float32)
    return images if pixels == "raw" else images * (1.0 / 255.0)


def load_mnist(args, validation_size):
    """input_data.read_data_sets, 0-255 bytes; a data problem is one line on stderr and exit 2."""
    try:
        return input_data.read_data_sets(args.data_dir, one_hot=True, dtype=np.uint8, seed=args.seed,
                                         validation_size=validation_size)
    except input_data.MnistDataError as e:
        stop(e)


def session_config(cpu):
    """Session options, and one line saying which device TensorFlow will use."""
    gpus = [] if cpu else tf.config.list_physical_devices('GPU')
    if gpus:
        names = [tf.config.experimental.get_device_details(g).get('device_name', g.name) for g in gpus]
        line = "Device: GPU (%s)" % ", ".join(names)
    else:
        line = "Device: CPU (%s)" % ("--cpu given" if cpu else "no GPU visible to TensorFlow")
    config = tf.ConfigProto(device_count={'GPU': 0} if cpu else None)
    config.gpu_options.allow_growth = True
    return config, line


def stop(message):
    """A user's problem: one line on stderr, exit status 2."""
    print("error: %s" % message, file=sys.stderr)
    sys.exit(2)


class Diverged(Exception):
    """A training batch gave a loss that is not a finite number."""


def check_finite(loss, step):
    if not math.isfinite(loss):
        raise Diverged("the training loss is %s at step %d" % (loss, step))


def write_atomically(path, write):
    """Call write(tmp_path), then rename tmp_path to path, so a crash never leaves half a file."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def evaluate(sess, g, images, labels, batch=EVAL_BATCH):
    """Accuracy and predictions over every image given, in batches (the last may be smaller)."""
    predictions = []
    for j in range(0, len(images), batch):
        logits = sess.run(g["h"], {g["X_p"]: images[j:j + batch].reshape(-1, 28, 28)})
        predictions.append(np.argmax(logits, 1))
    predictions = np.concatenate(predictions)
    return float(np.mean(predictions == np.argmax(labels, 1))), predictions


class Checkpoints(object):
    """--save_path / --restore: a tf.train.Saver over every variable, and beside it checkpoint.json,
    what built the model (the script, the flags that shape it), which --restore checks first."""

    def __init__(self, args, model):
        self.args, self.model = args, model
        self.saver = tf.train.Saver(max_to_keep=2) if args.save_path else None

    def restore(self, sess):
        if not self.args.restore:
            return
        folder = self.args.save_path
        latest = tf.train.latest_checkpoint(folder)
        if latest is None:
            stop("no checkpoint in %s to --restore; train once with --save_path %s first" % (folder, folder))
        try:
            with open(os.path.join(folder, "checkpoint.json")) as f:
                saved = json.load(f)
        except (OSError, ValueError):
            saved = {}              # an older or hand-made checkpoint: the restore below checks it
        if saved.get("script", self.model["script"]) != self.model["script"]:
            stop("the checkpoint in %s was saved by %s, not %s: give another --save_path"
                 % (folder, saved["script"], self.model["script"]))
        differ = [k for k in self.model if k in saved and saved[k] != self.model[k]]
        if differ:
            flags = " ".join("%s %s" % (k, saved[k]) for k in differ if k.startswith("--"))
            stop("the checkpoint in %s was saved with %s (this run: %s): %s, or give another --save_path"
                 % (folder, ", ".join("%s %s" % (k, saved[k]) for k in differ),
                    ", ".join("%s %s" % (k, self.model[k]) for k in differ),
                    "add %s to resume it" % flags if flags else "resume it with the data it was trained on"))
        try:
            saved_shapes = dict(tf.train.list_variables(latest))
            if any(saved_shapes.get(v.op.name) != v.shape.as_list()     # Saver.restore checks names only
                   for v in sess.graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)):
                stop("the checkpoint %s was saved by another model (its variables differ from this run's); "
                     "give another --save_path" % latest)
            self.saver.restore(sess, latest)
        except (tf.errors.OpError, ValueError) as e:
            stop("cannot read the checkpoint %s (%s): it is damaged; give another --save_path, or delete %s "
                 "to start over" % (latest, type(e).__name__, folder))
        print("Restored %s" % latest)

    def save(self, sess, global_step):
        """Save; only ever called after finite losses, so it never replaces a good checkpoint by a
        diverged one (max_to_keep=2 keeps the one before too)."""
        if self.saver is not None:
            os.makedirs(self.args.save_path, exist_ok=True)
            path = self.saver.save(sess, os.path.join(self.args.save_path, "model.ckpt"),
                                   global_step=global_step)
            write_atomically(os.path.join(self.args.save_path, "checkpoint.json"),
                             lambda tmp: open(tmp, "w").write(json.dumps(self.model, indent=2) + "\n"))
            print("Saved checkpoint %s" % path)


def save_figure(path, history, images, labels, predictions, title, show):
    import matplotlib
    if not show:
        matplotlib.use("Agg")  # draw off-screen: never open a window unless --show
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(13, 6))
    ax = fig.add_subplot(1, 3, 1)
    if history:
        steps, losses, accus = zip(*history)
        line1 = ax.plot(steps, losses, "b.-", label="training loss")
        ax.set_xlabel("step")
        ax2 = ax.twinx()
        line2 = ax2.plot(steps, accus, "g.-", label="training accuracy (right axis)")
        ax2.set_ylim(0, 1)
        ax.legend(handles=line1 + line2, loc="center right")
    ax.set_title(title, fontsize=9)
    true = np.argmax(labels, 1)
    wrong = np.flatnonzero(predictions != true)
    # the first 24 test digits, then up to 12 mistakes, each titled "predicted (true)"
    shown = list(range(min(24, len(true)))) + [i for i in wrong if i >= 24][:12]
    for k, i in enumerate(shown):
        sub = fig.add_subplot(6, 12, (k // 6) * 12 + 7 + k % 6)
        sub.imshow(images[i].reshape(28, 28), cmap="gray_r")
        ok = predictions[i] == true[i]
        sub.set_title("%d (%d)" % (predictions[i], true[i]), fontsize=8, color="black" if ok else "red")
        sub.axis("off")
    fig.text(0.75, 0.01, "test digits: predicted (true); mistakes in red", ha="center", fontsize=9)
    write_atomically(path, lambda tmp: fig.savefig(tmp, format="png"))
    print("Saved figure to %s" % path)
    if show and (os.environ.get("DISPLAY") or not sys.platform.startswith("linux")):
        plt.show()
    plt.close(fig)


CTRL_C = []   # the Ctrl-Cs received


def ctrl_c(signum, frame):
    """Ctrl-C raises KeyboardInterrupt, as in any Python program, and is remembered: raised inside
    TensorFlow's C++ layer it can come out as another error, be swallowed, or leave a lock held
    (seen while a graph is built). So a second Ctrl-C stops the run at once, whatever its state."""
    CTRL_C.append(signum)
    if len(CTRL_C) > 1:
        print("\nInterrupted.", flush=True)
        os._exit(130)
    raise KeyboardInterrupt


if __name__ == '__main__':
    if "IPython" not in sys.modules:
        signal.signal(signal.SIGINT, ctrl_c)
    try:
        main(FLAGS)
    except (KeyboardInterrupt, Exception):     # outside training's own handler: data, graph building
        if not CTRL_C:
            raise                               # no Ctrl-C: a real error, shown as it is
        print("\nInterrupted.")
        sys.exit(130)

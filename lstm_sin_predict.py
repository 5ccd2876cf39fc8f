"""Predict the next value of a sin curve from the previous TIME_STEPS values with an LSTM.

Pages: tf-lstm-guide-sin-mnist-bilstm.txt, part 二 (Ⅰ one LSTM layer of 1 unit;
Ⅱ two layers 30 -> 1; Ⅱ' the same unrolled by hand with a hand-built initial state), and the TFLearn
sin predictor of tf-rnn-notes-ptb-language-model.txt (2 x 30 LSTM with a linear
head, Adagrad 0.1, 3000 steps), rebuilt as a plain graph because tf.contrib.learn is gone.

    python lstm_sin_predict.py                      # Ⅱ, the page's recommended model (50 epochs)
    python lstm_sin_predict.py --variant single     # Ⅰ (150 epochs)
    python lstm_sin_predict.py --variant manual     # Ⅱ' (hand-unrolled)
    python lstm_sin_predict.py --variant dense      # the TFLearn model (3000 steps)
"""
import argparse
import math
import json
import os
import random
import sys
import time
import warnings

import numpy as np

# Under TF 2.16+ the TF1 rnn_cell classes need Keras 2 (the tf-keras package): set this before
# TensorFlow is imported. The second line hides TensorFlow's C++ start-up chatter.
os.environ["TF_USE_LEGACY_KERAS"] = "1"   # forced: a user's "0" would bring Keras 3's error
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# ------------------------------------------------------- hyperparameters (the guide's, part 二 Ⅱ)
TIME_STEPS = 10
BATCH_SIZE = 128
HIDDEN_UNITS1 = 30
HIDDEN_UNITS = 1
LEARNING_RATE = 0.001
EPOCH = 50

TRAIN_EXAMPLES = 11000
TEST_EXAMPLES = 1100

# Each variant's page values; a flag given on the command line wins.
VARIANTS = {
    # guide Ⅰ: one BasicLSTMCell of 1 unit, its output is the prediction
    "single": dict(hidden_units=1, epochs=150),
    # guide Ⅱ: MultiRNNCell 30 -> 1 with dynamic_rnn
    "multilayer": dict(hidden_units1=30, hidden_units=1, epochs=50),
    # guide Ⅱ': Ⅱ with a hand-built LSTMStateTuple initial state and the loop unrolled by hand
    "manual": dict(hidden_units1=30, hidden_units=1, epochs=50),
    # TFLearn page: HIDDEN_SIZE 30, NUM_LAYERS 2, TIMESTEPS 10, BATCH_SIZE 32, TRAINING_STEPS 3000,
    # TRAINING_EXAMPLES 10000, TESTING_EXAMPLES 1000, SAMPLE_GAP 0.01, Adagrad 0.1
    "dense": dict(hidden_units=30, num_layers=2, batch_size=32, steps=3000, learning_rate=0.1,
                  train_examples=10000, test_examples=1000),
}
COMMON = dict(time_steps=TIME_STEPS, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE,
              train_examples=TRAIN_EXAMPLES, test_examples=TEST_EXAMPLES, hidden_units1=HIDDEN_UNITS1,
              hidden_units=HIDDEN_UNITS, num_layers=2, epochs=EPOCH, steps=None)
SAMPLE_GAP = 0.01    # TFLearn page: sampling interval on the x axis
PLOTTED_EPOCHS = 4   # the page overlays every epoch's predictions; the figure keeps 4, the last included


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
        description="LSTM sin prediction (the LSTM guide, part 二; the TFLearn sin predictor) "
                    "in TF1 graph mode on today's TensorFlow.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--variant", choices=list(VARIANTS), default="multilayer",
                   help="single: guide Ⅰ; multilayer: guide Ⅱ; manual: guide Ⅱ'; dense: TFLearn page")
    p.add_argument("--time_steps", type=positive_int, help="TIME_STEPS (all pages: 10)")
    p.add_argument("--batch_size", type=positive_int, help="BATCH_SIZE (guide: 128; dense: 32)")
    p.add_argument("--hidden_units1", type=positive_int,
                   help="HIDDEN_UNITS1, first layer (guide Ⅱ: 30; unused by single and dense)")
    p.add_argument("--hidden_units", type=positive_int,
                   help="HIDDEN_UNITS, last LSTM layer (guide: 1; dense: HIDDEN_SIZE 30, every layer)")
    p.add_argument("--num_layers", type=positive_int, help="NUM_LAYERS, dense only (page: 2)")
    p.add_argument("--learning_rate", type=positive_float,
                   help="LEARNING_RATE (guide: Adam 0.001; dense: Adagrad 0.1)")
    p.add_argument("--epochs", type=positive_int, help="EPOCH (guide Ⅰ: 150; Ⅱ: 50; not dense)")
    p.add_argument("--steps", type=positive_int, help="TRAINING_STEPS, dense only (page: 3000)")
    p.add_argument("--train_examples", type=positive_int,
                   help="TRAIN_EXAMPLES, points on the training curve (guide: 11000; dense: 10000)")
    p.add_argument("--test_examples", type=positive_int,
                   help="TEST_EXAMPLES, points on the test curve (guide: 1100; dense: 1000)")
    p.add_argument("--dense_input", choices=["window", "sequence"], default="window",
                   help="dense only. window: as the TFLearn page, each window is ONE time step of "
                        "TIME_STEPS features; sequence: TIME_STEPS time steps of one value")
    p.add_argument("--max_steps", type=positive_int, help="stop after this many training steps in total")
    p.add_argument("--seed", type=seed_value, default=1, help="random seed (Python, numpy and the graph)")
    p.add_argument("--logdir", help="write TensorBoard events (graph, training loss, test loss) here")
    p.add_argument("--plot", help="save the figure as this PNG (default outputs/lstm_sin_predict_VARIANT.png)")
    p.add_argument("--show", action="store_true", help="also open the figure in a window at the end")
    p.add_argument("--no_plot", action="store_true", help="do not plot at all")
    p.add_argument("--cpu", action="store_true", help="hide any GPU and run on the CPU")
    p.add_argument("--metrics_json", help="write the run's final figures as JSON to this path")
    args = p.parse_args(argv)
    defaults = dict(COMMON, **VARIANTS[args.variant])
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.plot is None:
        args.plot = os.path.join("outputs", "lstm_sin_predict_%s.png" % args.variant)
    if args.test_examples <= args.time_steps + 1 or args.train_examples <= args.time_steps + 1:
        p.error("--train_examples and --test_examples must exceed --time_steps + 1 (one window and its target)")
    if args.variant != "dense" and args.train_examples // args.batch_size == 0:
        p.error("--train_examples %d makes no batch of --batch_size %d (the page runs TRAIN_EXAMPLES // "
                "BATCH_SIZE batches an epoch): raise --train_examples or lower --batch_size"
                % (args.train_examples, args.batch_size))
    check_outputs(p, args)
    check_keras2(p)
    return args


if __name__ == "__main__":
    FLAGS = parse_args()  # a bad flag exits 2 here, before the slow TensorFlow import

import tensorflow.compat.v1 as tf  # noqa: E402  (TF1: import tensorflow as tf)

tf.disable_eager_execution()       # TF1 graph mode: placeholders and sessions
tf.logging.set_verbosity(tf.logging.ERROR)
warnings.filterwarnings("ignore", message=".*is deprecated", category=UserWarning)
rnn = tf.nn.rnn_cell               # TF1: import tensorflow.contrib.rnn as rnn


# ------------------------------------------------------------------------ Generate Data
def generate(seq, time_steps, tail=0):
    """Windows of `time_steps` values and the value after each, shapes (N, 1, time_steps) and (N, 1).

    tail=1 reproduces the TFLearn page's generate_data, which stops one window earlier.
    """
    X = []
    y = []
    for i in range(len(seq) - time_steps - tail):
        X.append([seq[i:i + time_steps]])
        y.append([seq[i + time_steps]])
    return np.array(X, dtype=np.float32), np.array(y, dtype=np.float32)


def make_data(args):
    """The page's curves: train on sin over [0, 100], test on the sin curve that follows it."""
    if args.variant == "dense":
        test_start = args.train_examples * SAMPLE_GAP
        test_end = (args.train_examples + args.test_examples) * SAMPLE_GAP
        seq_train = np.sin(np.linspace(0, test_start, args.train_examples, dtype=np.float32))
        seq_test = np.sin(np.linspace(test_start, test_end, args.test_examples, dtype=np.float32))
        X_train, y_train = generate(seq_train, args.time_steps, tail=1)
        X_test, y_test = generate(seq_test, args.time_steps, tail=1)
        if args.dense_input == "window":  # the page's shape: (batch, 1 step, TIME_STEPS inputs)
            return X_train, y_train, X_test, y_test
    else:
        seq_train = np.sin(np.linspace(start=0, stop=100, num=args.train_examples, dtype=np.float32))
        seq_test = np.sin(np.linspace(start=100, stop=110, num=args.test_examples, dtype=np.float32))
        X_train, y_train = generate(seq_train, args.time_steps)
        X_test, y_test = generate(seq_test, args.time_steps)
    # reshape to (batch, time_steps, input_size)
    X_train = np.reshape(X_train, (-1, args.time_steps, 1))
    X_test = np.reshape(X_test, (-1, args.time_steps, 1))
    return X_train, y_train, X_test, y_test


# ------------------------------------------------------------------------ Define Graph
def build_graph(args, input_shape):
    """The variant's graph; returns a dict of the tensors the session loop needs."""
    # place holder
    X_p = tf.placeholder(dtype=tf.float32, shape=(None,) + input_shape, name="input_placeholder")
    y_p = tf.placeholder(dtype=tf.float32, shape=(None, 1), name="pred_placeholder")
    # Unlike the pages' zero_state(BATCH_SIZE), the state follows the batch actually fed, so the
    # last, smaller test batch can run too.
    batch = tf.shape(X_p)[0]

    with tf.name_scope("LSTM"):
        if args.variant == "single":
            lstm_cell = rnn.BasicLSTMCell(num_units=args.hidden_units)
            init_state = lstm_cell.zero_state(batch_size=batch, dtype=tf.float32)
            outputs, states = tf.nn.dynamic_rnn(cell=lstm_cell, inputs=X_p, initial_state=init_state,
                                                dtype=tf.float32)
            h = outputs[:, -1, :]
        elif args.variant == "multilayer":
            lstm_cell1 = rnn.BasicLSTMCell(num_units=args.hidden_units1)
            lstm_cell = rnn.BasicLSTMCell(num_units=args.hidden_units)
            multi_lstm = rnn.MultiRNNCell(cells=[lstm_cell1, lstm_cell])
            init_state = multi_lstm.zero_state(batch_size=batch, dtype=tf.float32)
            outputs, states = tf.nn.dynamic_rnn(cell=multi_lstm, inputs=X_p, initial_state=init_state,
                                                dtype=tf.float32)
            h = outputs[:, -1, :]
        elif args.variant == "manual":
            lstm_cell1 = rnn.BasicLSTMCell(num_units=args.hidden_units1)
            lstm_cell = rnn.BasicLSTMCell(num_units=args.hidden_units)
            multi_lstm = rnn.MultiRNNCell(cells=[lstm_cell1, lstm_cell])
            # 自己初始化state: one LSTMStateTuple per layer
            layer1_state = rnn.LSTMStateTuple(c=tf.zeros(tf.stack([batch, args.hidden_units1])),
                                              h=tf.zeros(tf.stack([batch, args.hidden_units1])))
            layer2_state = rnn.LSTMStateTuple(c=tf.zeros(tf.stack([batch, args.hidden_units])),
                                              h=tf.zeros(tf.stack([batch, args.hidden_units])))
            init_state = (layer1_state, layer2_state)
            # 自己展开RNN计算: call the cell once per time step, sharing its variables
            outputs = list()
            state = init_state
            with tf.variable_scope('RNN'):
                for timestep in range(args.time_steps):
                    if timestep > 0:
                        tf.get_variable_scope().reuse_variables()
                    (cell_output, state) = multi_lstm(X_p[:, timestep, :], state)
                    outputs.append(cell_output)
            h = outputs[-1]
        else:  # dense: the TFLearn lstm_model
            cell = rnn.MultiRNNCell([rnn.BasicLSTMCell(args.hidden_units) for _ in range(args.num_layers)])
            output, _ = tf.nn.dynamic_rnn(cell, X_p, dtype=tf.float32)
            # a linear layer on the last output (TF1: tf.contrib.layers.fully_connected(output, 1, None))
            h = tf.layers.dense(output[:, -1, :], 1, activation=None, name="fully_connected")

    # define loss and optimizer
    with tf.name_scope("loss"):
        mse = tf.losses.mean_squared_error(labels=y_p, predictions=h)
    with tf.name_scope("train"):
        if args.variant == "dense":
            # TF1: tf.contrib.layers.optimize_loss(loss, global_step, optimizer='Adagrad', learning_rate=0.1)
            optimizer = tf.train.AdagradOptimizer(args.learning_rate).minimize(loss=mse)
        else:
            optimizer = tf.train.AdamOptimizer(args.learning_rate).minimize(loss=mse)
    return dict(X_p=X_p, y_p=y_p, h=h, mse=mse, optimizer=optimizer)


# ------------------------------------------------------------------------ helpers (not on the pages)
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


def write_atomically(path, write):
    """Call write(tmp_path), then rename tmp_path to path, so a crash never leaves half a file."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def evaluate(sess, g, X, y, batch_size):
    """Predictions for every test window (the last partial batch included) and their mean squared error."""
    results = np.zeros(shape=(len(X), 1), dtype=np.float32)
    for j in range(0, len(X), batch_size):
        results[j:j + batch_size] = sess.run(g["h"], {g["X_p"]: X[j:j + batch_size]})
    return results, float(np.mean((results - y) ** 2))


def save_figure(path, y_test, curves, title, show):
    import matplotlib
    if not show:
        matplotlib.use("Agg")  # draw off-screen: never open a window unless --show
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(10, 5))
    n = min(1000, len(y_test))  # the page plots the first 1000 test points
    plt.plot(range(n), y_test[:n, 0], "r*", markersize=3, label="real sin (test)")
    for label, results in curves:
        plt.plot(range(n), results[:n, 0], label=label)
    plt.legend(loc="best")
    plt.title(title)
    plt.xlabel("test window")
    write_atomically(path, lambda tmp: fig.savefig(tmp, format="png"))
    print("Saved figure to %s" % path)
    if show and (os.environ.get("DISPLAY") or not sys.platform.startswith("linux")):
        plt.show()
    plt.close(fig)


def summary(writer, tag, value, step):
    if writer is not None:
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=value)]), step)


# ------------------------------------------------------------------------ Define Session
def main(args):
    random.seed(args.seed)     # tf-keras draws the unseeded cell initializers from Python's random
    np.random.seed(args.seed)
    config, device = session_config(args.cpu)
    print(device)
    X_train, y_train, X_test, y_test = make_data(args)
    max_steps = args.max_steps or float("inf")

    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(args.seed)
        g = build_graph(args, X_train.shape[1:])
        init = tf.global_variables_initializer()

    writer = tf.summary.FileWriter(args.logdir, graph) if args.logdir else None
    curves = []       # (label, predictions) for the figure
    step = 0
    train_loss = None
    start = time.time()
    with tf.Session(graph=graph, config=config) as sess:
        sess.run(init)
        if args.variant == "dense":
            # TFLearn's fit(batch_size=32, steps=3000) draws random batches from the training set
            rng = np.random.RandomState(args.seed)
            steps = min(args.steps, max_steps)
            losses = []
            while step < steps:
                idx = rng.randint(0, len(X_train), args.batch_size)
                _, train_loss = sess.run((g["optimizer"], g["mse"]),
                                         {g["X_p"]: X_train[idx], g["y_p"]: y_train[idx]})
                losses.append(train_loss)
                summary(writer, "training_loss", float(train_loss), step)
                if step % 100 == 0:
                    print("loss = %g, step = %d" % (train_loss, step + 1))
                step += 1
            train_loss = float(np.mean(losses[-100:]))
            predicted, test_mse = evaluate(sess, g, X_test, y_test, 1024)
            rmse = float(np.sqrt(test_mse))
            # the page prints the root mean squared error under this name
            print("Mean Square Error is: %f" % rmse)
            curves.append(("predicted", predicted))
            epochs_done = None
        else:
            batches = args.train_examples // args.batch_size  # the page's TRAIN_EXAMPLES//BATCH_SIZE
            plotted = set(np.linspace(1, args.epochs, PLOTTED_EPOCHS).round().astype(int))
            for epoch in range(1, args.epochs + 1):
                train_losses = []
                print("epoch:", epoch)
                for j in range(batches):
                    if step >= max_steps:
                        break
                    xb = X_train[j * args.batch_size:(j + 1) * args.batch_size]
                    yb = y_train[j * args.batch_size:(j + 1) * args.batch_size]
                    _, loss = sess.run(fetches=(g["optimizer"], g["mse"]),
                                       feed_dict={g["X_p"]: xb, g["y_p"]: yb})
                    train_losses.append(loss)
                    step += 1
                train_loss = float(sum(train_losses) / len(train_losses))
                print("average training loss:", train_loss)
                # every test window, the last partial batch included (the page dropped it)
                results, test_mse = evaluate(sess, g, X_test, y_test, args.batch_size)
                print("average test loss:", test_mse)
                summary(writer, "average_training_loss", train_loss, epoch)
                summary(writer, "average_test_loss", test_mse, epoch)
                last = epoch == args.epochs or step >= max_steps
                if epoch in plotted or last:
                    curves.append(("epoch %d" % epoch, results))
                if last:
                    break
            epochs_done = epoch
    wall = time.time() - start
    if writer is not None:
        writer.close()
    print("test mse: %.6f (all %d test windows)" % (test_mse, len(X_test)))

    if not args.no_plot:
        save_figure(args.plot, y_test, curves,
                    "lstm_sin_predict.py --variant %s: test curve and predictions" % args.variant,
                    args.show)
    metrics = {
        "script": "lstm_sin_predict.py", "variant": args.variant, "steps": step, "epochs": epochs_done,
        "wall_seconds": round(wall, 3), "final_train_loss": train_loss, "test_mse": test_mse,
        "examples_per_second": round(step * args.batch_size / wall, 1),
        "device": device.replace("Device: ", ""),
    }
    if args.variant == "dense":
        metrics["test_rmse"] = float(np.sqrt(test_mse))
    if args.metrics_json:
        write_atomically(args.metrics_json,
                         lambda tmp: open(tmp, "w").write(json.dumps(metrics, indent=2) + "\n"))
    return metrics


if __name__ == '__main__':
    main(FLAGS)

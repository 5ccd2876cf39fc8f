"""An LSTM reads an MNIST image row by row (28 steps of 28 pixels) and classifies the digit.

Pages:
  --variant stacked    "TensorFlow学习(十三):构造LSTM超长简明教程", 二.Ⅲ: two LSTM
                       layers 30 -> 10, the last output is the logits, Adam 0.001, batch 128, 50 epochs.
  --variant projected  the TensorFlow notes page (Session, 变量, placeholder … RNN), "用来做
                       classification的例子" (Morvan's): 28 -> 128 input layer, BasicLSTMCell(128),
                       output layer, Adam 0.001, batch 128, training_iters 100000.

    python lstm_mnist_classify.py                       # guide Ⅲ, 50 epochs, then the test accuracy
    python lstm_mnist_classify.py --variant projected   # the notes page
"""
import os
import time
from types import SimpleNamespace

import support   # first: it says what to install where numpy or TensorFlow is missing
import numpy as np

from support import fused_lstm   # not on the pages: --rnn_mode block
from support import rnn, tf       # TF1: import tensorflow as tf; import tensorflow.contrib.rnn as rnn
# Copying the page's code into a file of your own? On TF 2.16+ it needs `pip install tf-keras` and
# os.environ["TF_USE_LEGACY_KERAS"] = "1" before `import tensorflow` (support.tf sets it here).

HERE = support.PROJECT   # the folder of the scripts and data/ (in a notebook or an editor's window too)

# %% Ⅲ.MNIST图像分类 (hyperparameters)
TIME_STEPS = 28
BATCH_SIZE = 128
HIDDEN_UNITS1 = 30
HIDDEN_UNITS = 10
LEARNING_RATE = 0.001
EPOCH = 50

# %% 用来做classification的例子 (the notes page's hyperparameters)
lr = 0.001
training_iters = 100000      # examples, not steps: 100000 / 128 = 782 steps
batch_size = 128
n_inputs = 28                # MNIST data input (img shape: 28*28)
n_steps = 28                 # time steps
n_hidden_units = 128         # neurons in hidden layer
n_classes = 10               # MNIST classes (0-9 digits)


# %% Ⅲ: Generate Data
def generate_data(mnist, pixels):
    """The guide's training arrays: images (N, 28, 28) float32 and one-hot labels."""
    X_train = support.to_pixels(mnist.train.images, pixels)  # page: train_frame.astype(np.float32).values
    y_train = mnist.train.labels                      # page: pd.get_dummies(train_labels_frame).values
    # trans the shape to (batch, time_steps, input_size)
    X_train = np.reshape(X_train, (-1, 28, 28))  # page: newshape=, a keyword numpy 2 removed
    return X_train, y_train


# %% Ⅲ: construct LSTM
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


# %% Ⅲ: define loss and optimizer
def loss_and_optimizer(y_p, h, learning_rate):
    """The guide's loss, accuracy and Adam step (the notes page defines the same three; TensorBoard
    scalars and a global step added). Returns (cross_loss, accuracy, optimizer, global_step, summaries)."""
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
        optimizer = tf.train.AdamOptimizer(learning_rate).minimize(loss=cross_loss, global_step=global_step)
    return cross_loss, accuracy, optimizer, global_step, tf.summary.merge_all()


def define_graph(args):
    """Guide Ⅲ's graph, its tensors under the page's names: X_p, y_p, h, cross_loss, accuracy,
    optimizer; and, not on the page, global_step, summaries (TensorBoard), and images and logits: X_p
    and h again, under the names main evaluates the test set with for either page."""
    X_p, y_p, h = build_stacked(args)
    if args.rnn_mode == "block":   # not on the page: the same cells' variables, each layer one fused op
        h = fused_lstm.outputs(X_p, "rnn/")[:, -1, :]
    cross_loss, accuracy, optimizer, global_step, summaries = loss_and_optimizer(y_p, h, args.learning_rate)
    return SimpleNamespace(X_p=X_p, y_p=y_p, h=h, cross_loss=cross_loss, accuracy=accuracy, optimizer=optimizer,
                           global_step=global_step, summaries=summaries, images=X_p, logits=h)


# %% Ⅲ: Define Session
def train_by_epochs(sess, g, mnist, args, ckpt, writer, history):
    """The guide's loop in its session: EPOCH passes over the training images in order, 128 at a time.
    g: define_graph's tensors. Appends (step, loss, accuracy) per epoch to history; returns the step."""
    X_train, y_train = generate_data(mnist, args.pixels)
    TRAIN_EXAMPLES = len(X_train)   # the page's constant (42000, Kaggle's train.csv): here the count read
    batches = TRAIN_EXAMPLES // args.batch_size
    if batches == 0:
        support.stop("%d training images, fewer than one batch of %d; lower --batch_size"
             % (TRAIN_EXAMPLES, args.batch_size))
    step = sess.run(g.global_step)                              # > 0 after --restore
    max_steps = args.max_steps or float("inf")
    for epoch in range(step // batches + 1, args.epochs + 1):
        train_losses = []
        accus = []
        print("epoch:", epoch)
        for j in range(step % batches, batches):
            if step >= max_steps:
                break
            logged = writer is not None and step % 20 == 0     # TensorBoard: steps 1, 21, 41, ...
            _, train_loss, accu, *summ = sess.run(
                fetches=(g.optimizer, g.cross_loss, g.accuracy) + ((g.summaries,) if logged else ()),
                feed_dict={
                    g.X_p: X_train[j * args.batch_size:(j + 1) * args.batch_size],
                    g.y_p: y_train[j * args.batch_size:(j + 1) * args.batch_size]
                })
            step += 1
            support.check_finite(train_loss, step)
            train_losses.append(train_loss)
            accus.append(accu)
            if logged:
                writer.add_summary(summ[0], step)
        if train_losses:
            print("average training loss:", sum(train_losses) / len(train_losses))
            print("accuracy:", sum(accus) / len(accus))
            history.append((step, float(np.mean(train_losses)), float(np.mean(accus))))
        ckpt.save(sess, step)
        if step >= max_steps:
            break
    return step


# %% 用来做classification的例子: RNN(X, weights, biases)
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
    return x, y, pred, weights, biases


def define_projected_graph(args):
    """The notes page's graph, its tensors under the page's names: x, y, pred, cost, train_op, accuracy;
    and, not on the page, global_step, summaries, and images and logits: x and pred again, for the test
    set. Its cost is the guide's cross_loss (docs/deviations.md)."""
    x, y, pred, weights, biases = build_projected(args)
    if args.rnn_mode == "block":   # not on the page: the same variables, the LSTM as one fused op
        pred = fused_RNN(x, weights, biases)
    cost, accuracy, train_op, global_step, summaries = loss_and_optimizer(y, pred, args.learning_rate)
    return SimpleNamespace(x=x, y=y, pred=pred, cost=cost, train_op=train_op, accuracy=accuracy,
                           global_step=global_step, summaries=summaries, images=x, logits=pred)


def train_by_iters(sess, g, mnist, args, ckpt, writer, history):
    """The notes page's loop in its session: next_batch until step * batch_size reaches training_iters.
    g: define_projected_graph's tensors. Appends (step, loss, accuracy) every 20 steps to history."""
    step = sess.run(g.global_step)
    max_steps = args.max_steps or float("inf")
    epochs_seen = mnist.train.epochs_completed
    while step * args.batch_size < args.training_iters and step < max_steps:
        batch_xs, batch_ys = mnist.train.next_batch(args.batch_size)
        batch_xs = support.to_pixels(batch_xs, args.pixels).reshape([-1, n_steps, n_inputs])
        feed = {g.x: batch_xs, g.y: batch_ys}
        _, train_loss = sess.run([g.train_op, g.cost], feed_dict=feed)
        support.check_finite(train_loss, step + 1)
        if step % 20 == 0:
            # the page prints the accuracy on the batch it has just trained on
            train_loss, accu, summ = sess.run([g.cost, g.accuracy, g.summaries], feed_dict=feed)
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


# %% main
def main(args):
    """Apply the flags, read MNIST (input_data.read_data_sets, TF1: tensorflow.examples.tutorials.mnist),
    define the page's graph, open its session, run its loop, then the test set; report and plot."""
    script = "lstm_mnist_classify.py"
    # each page's builder, loop and data; and the faster --rnn_mode on a CPU (docs/performance.md)
    if args.variant == "stacked":    # guide Ⅲ: all labelled training images, in order, EPOCH times
        define, train, validation_size, on_cpu = define_graph, train_by_epochs, 0, "block"
        model = {"script": script, "--variant": "stacked", "--hidden_units1": args.hidden_units1}
    else:                            # the notes page: TF1 read_data_sets (5000 kept for validation)
        define, train, validation_size, on_cpu = define_projected_graph, train_by_iters, 5000, "basic"
        model = {"script": script, "--variant": "projected", "--n_hidden_units": args.n_hidden_units}
    support.start_run(args.seed)
    config, device = support.session_config(args.cpu)
    print("Device:", device)
    args.rnn_mode = support.rnn_mode(args.rnn_mode, device, on_cpu)
    mnist = support.load_mnist(args, validation_size)
    X_test, y_test = support.mnist_test_set(mnist, args.pixels)

    # Define Graph
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(args.seed)
        g = define(args)
        init = tf.global_variables_initializer()
        ckpt = support.Checkpoints(args, model, recorded={"--rnn_mode": args.rnn_mode})   # either restores
    writer = support.summary_writer(args.logdir, graph)
    history = []

    # Define Session
    with tf.Session(graph=graph, config=config) as sess:
        sess.run(init)
        ckpt.restore(sess)                              # --restore: the checkpoint's weights instead
        first_step = sess.run(g.global_step)
        start = time.time()
        with support.training_guard("--learning_rate", args.save_path,
                                    save=lambda: ckpt.save(sess, sess.run(g.global_step))):
            step = train(sess, g, mnist, args, ckpt, writer, history)
            wall = time.time() - start
            # not on the pages: every test image, in batches (support/mnist.py, as the report below)
            test_accuracy, predictions = support.mnist_accuracy(sess, g.images, g.logits, X_test, y_test)
    return support.mnist_report(
        args, device, writer, mnist, (X_test, y_test, test_accuracy, predictions), history, step,
        step - first_step, wall, "%s --variant %s --pixels %s" % (script, args.variant, args.pixels),
        {"script": script, "variant": args.variant, "pixels": args.pixels, "rnn_mode": args.rnn_mode},
        saved=ckpt.latest)


# %% this script's own (not on the pages)
def parse_args(argv=None):
    positive_int = support.positive_int
    p = support.parser(
        "LSTM MNIST classification, row by row (the LSTM guide's Ⅲ; the notes page's "
        "classification example) in TF1 graph mode on today's TensorFlow.", prog="lstm_mnist_classify.py")
    add_page_flags(p)
    support.add_rnn_mode(p, "the faster on a CPU, block for stacked, basic for projected; basic on a GPU")
    p.add_argument("--hidden_units", type=positive_int, default=HIDDEN_UNITS,
                   help="HIDDEN_UNITS, stacked: second LSTM layer = the 10 logits (guide: 10)")
    support.add_run_flags(p, seed_help="random seed (Python, numpy, the graph, the reader)",
                          logdir_help="write TensorBoard events (graph, loss, accuracy) here",
                          plot_default=os.path.join("outputs", "lstm_mnist_classify.png"),
                          plot_help="save the figure (training curves and test digits) as this PNG",
                          checkpoints=True)
    args = support.parse(p, argv)
    if args.variant == "stacked" and args.hidden_units != n_classes:
        p.error("--hidden_units must be 10 for --variant stacked: its last layer's output is the 10 logits")
    if args.pixels is None:
        args.pixels = "raw" if args.variant == "stacked" else "unit"
    support.check_run_args(p, args, memory=(memory_needed, ["--hidden_units1", "--n_hidden_units",
                                                                  "--batch_size"]))
    return args


def add_page_flags(p):
    """The flags that set the page's values (keras3/lstm_mnist_classify.py takes the same: one source for them)."""
    p.add_argument("--variant", choices=["stacked", "projected"], default="stacked",
                   help="stacked: guide Ⅲ (30 -> 10, last output = logits); projected: the notes page "
                        "(28 -> 128 -> LSTM(128) -> 10)")
    p.add_argument("--pixels", choices=["raw", "unit"],
                   help="raw: the pixel values 0-255 as the guide's CSV gives them; unit: scaled to [0, 1] "
                        "as TF1's read_data_sets (default: raw for stacked, unit for projected, as each page)")
    p.add_argument("--epochs", type=support.positive_int, default=EPOCH, help="EPOCH, stacked only (guide: 50)")
    p.add_argument("--hidden_units1", type=support.positive_int, default=HIDDEN_UNITS1,
                   help="HIDDEN_UNITS1, stacked: first LSTM layer (guide: 30)")
    p.add_argument("--learning_rate", type=support.positive_float, default=LEARNING_RATE,
                   help="Adam's learning rate (both pages: 0.001)")
    p.add_argument("--training_iters", type=support.positive_int, default=training_iters,
                   help="projected only: training examples seen, the page's unit (page: 100000)")
    p.add_argument("--n_hidden_units", type=support.positive_int, default=n_hidden_units,
                   help="projected only: input layer and LSTM size (page: 128)")
    p.add_argument("--data_dir", default=os.path.join(HERE, "data", "mnist"),
                   help="MNIST: the four IDX files (.gz or not), mnist.npz or Kaggle's train.csv; "
                        "downloaded here if absent")
    p.add_argument("--batch_size", type=support.positive_int, default=BATCH_SIZE, help="BATCH_SIZE (pages: 128)")
    p.add_argument("--max_steps", type=support.positive_int,
                   help="stop after this many training steps in total (default: no limit)")


def fused_RNN(X, weights, biases):
    """--rnn_mode block: what RNN(X, weights, biases) computes, its BasicLSTMCell's variables run as one
    fused op over the 28 steps (support/fused_lstm.py); the input and output layers as the page wrote them."""
    X_in = tf.matmul(tf.reshape(X, [-1, n_inputs]), weights['in']) + biases['in']
    X_in = tf.reshape(X_in, [-1, n_steps, weights['in'].shape[1]])
    return tf.matmul(fused_lstm.outputs(X_in, "rnn/")[:, -1, :], weights['out']) + biases['out']


def memory_needed(args):
    """Bytes the graph needs (estimated): the layers for a training or an evaluation batch (Adam)."""
    rows, test = args.batch_size * n_steps, support.EVAL_BATCH * n_steps
    if args.variant == "stacked":
        return (support.lstm_memory(n_inputs, args.hidden_units1, rows, 2, test)
                + support.lstm_memory(args.hidden_units1, args.hidden_units, rows, 2, test))
    return (support.dense_memory(n_inputs, args.n_hidden_units, rows, 2, test)
            + support.lstm_memory(args.n_hidden_units, args.n_hidden_units, rows, 2, test)
            + support.dense_memory(args.n_hidden_units, n_classes, args.batch_size, 2, support.EVAL_BATCH))


# %% the command line (in a notebook, the cells below run main instead)
if __name__ == '__main__':
    support.run(main, parse_args)

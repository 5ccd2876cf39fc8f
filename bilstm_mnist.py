"""A bidirectional LSTM reads an MNIST image row by row, forwards and backwards, and classifies it.

Page: "TensorFlow学习(十三):构造LSTM超长简明教程", 二.Ⅳ (one bidirectional layer of
10 units each way) and Ⅴ (forward and backward MultiRNNCell stacks 30 -> 10). The page's Ⅳ and Ⅴ are
Ⅲ's script with another graph; this file stands alone in the same way (lstm_mnist_classify.py is Ⅲ).

    python bilstm_mnist.py                  # guide Ⅴ: two layers each way, 50 epochs
    python bilstm_mnist.py --layers 1       # guide Ⅳ: the single layer that stalls on the page
    python bilstm_mnist.py --layers 1 --bw_output full   # read the backward pass where it is complete
"""
import os
import time
from types import SimpleNamespace

import support   # first: it says what to install where numpy or TensorFlow is missing
import numpy as np

from support import fused_lstm   # not on the page: --rnn_mode block
from support import rnn, tf       # TF1: import tensorflow as tf; import tensorflow.contrib.rnn as rnn
# Copying the page's code into a file of your own? On TF 2.16+ it needs `pip install tf-keras` and
# os.environ["TF_USE_LEGACY_KERAS"] = "1" before `import tensorflow` (support.tf sets it here).

HERE = support.PROJECT   # the folder of the scripts and data/ (in a notebook or an editor's window too)

# %% Ⅳ.双向LSTM做图像分类, Ⅴ.深层双向LSTM做图像分类 (hyperparameters)
TIME_STEPS = 28
BATCH_SIZE = 128
HIDDEN_UNITS1 = 30
HIDDEN_UNITS = 10
LEARNING_RATE = 0.001
EPOCH = 50


# %% Generate Data
def generate_data(mnist, pixels):
    """The guide's training arrays: images (N, 28, 28) float32 and one-hot labels."""
    X_train = support.to_pixels(mnist.train.images, pixels)  # page: train_frame.astype(np.float32).values
    y_train = mnist.train.labels                      # page: pd.get_dummies(train_labels_frame).values
    # trans the shape to (batch, time_steps, input_size)
    X_train = np.reshape(X_train, (-1, 28, 28))  # page: newshape=, a keyword numpy 2 removed
    return X_train, y_train


# %% construct LSTM
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


# %% define loss and optimizer
def define_graph(args):
    """The page's graph (Ⅳ or Ⅴ), its tensors under the page's names: X_p, y_p, h, cross_loss,
    accuracy, optimizer; and, not on the page, global_step and summaries (TensorBoard)."""
    X_p, y_p, h = build_bidirectional(args)
    if args.rnn_mode == "block":   # not on the page: the same cells' variables, each layer one fused op
        outputs_fw = fused_lstm.outputs(X_p, "bidirectional_rnn/fw/")
        outputs_bw = fused_lstm.outputs(X_p, "bidirectional_rnn/bw/", backward=True)
        h = outputs_fw[:, -1, :] + (outputs_bw[:, -1, :] if args.bw_output == "page" else outputs_bw[:, 0, :])
    global_step = tf.train.get_or_create_global_step()  # not on the pages: lets a checkpoint resume
    with tf.name_scope("loss"):
        cross_loss = tf.losses.softmax_cross_entropy(onehot_labels=y_p, logits=h)
        tf.summary.scalar("loss", cross_loss)              # TensorBoard: loss/loss
    with tf.name_scope("accuracy"):
        correct_prediction = tf.equal(tf.argmax(h, 1), tf.argmax(y_p, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, "float"))
        tf.summary.scalar("accuracy", accuracy)            # TensorBoard: accuracy/accuracy
    with tf.name_scope("train"):
        optimizer = tf.train.AdamOptimizer(args.learning_rate).minimize(loss=cross_loss,
                                                                         global_step=global_step)
    return SimpleNamespace(X_p=X_p, y_p=y_p, h=h, cross_loss=cross_loss, accuracy=accuracy, optimizer=optimizer,
                           global_step=global_step, summaries=tf.summary.merge_all())


# %% Define Session
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


# %% main
def main(args):
    """Apply the flags, read MNIST, define Ⅳ's or Ⅴ's graph, open its session, run the page's loop,
    then the test set; report and plot."""
    script = "bilstm_mnist.py"
    model = {"script": script, "--layers": args.layers, "--bw_output": args.bw_output}
    if args.layers == 2:
        model["--hidden_units1"] = args.hidden_units1
    support.start_run(args.seed)
    config, device = support.session_config(args.cpu)
    print("Device:", device)
    args.rnn_mode = support.rnn_mode(args.rnn_mode, device, "block")   # faster on a CPU: performance.md
    mnist = support.load_mnist(args, 0)   # the page trains on every labelled row: no validation split
    X_test, y_test = support.mnist_test_set(mnist, args.pixels)

    # Define Graph
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(args.seed)
        g = define_graph(args)
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
            step = train_by_epochs(sess, g, mnist, args, ckpt, writer, history)
            wall = time.time() - start
            # not on the page: every test image, in batches (support/mnist.py, as the report below)
            test_accuracy, predictions = support.mnist_accuracy(sess, g.X_p, g.h, X_test, y_test)
    variant = "%d layer%s, bw_output %s" % (args.layers, "s" if args.layers > 1 else "", args.bw_output)
    return support.mnist_report(
        args, device, writer, mnist, (X_test, y_test, test_accuracy, predictions), history, step,
        step - first_step, wall,
        "%s --layers %d --bw_output %s --pixels %s" % (script, args.layers, args.bw_output, args.pixels),
        {"script": script, "variant": variant, "pixels": args.pixels, "rnn_mode": args.rnn_mode}, saved=ckpt.latest)


# %% this script's own (not on the page)
def parse_args(argv=None):
    p = support.parser(
        "Bidirectional LSTM MNIST classification (the LSTM guide's Ⅳ and Ⅴ) in TF1 graph "
        "mode on today's TensorFlow.", prog="bilstm_mnist.py")
    add_page_flags(p)
    support.add_rnn_mode(p, "block on a CPU, where it is faster; basic on a GPU")
    support.add_run_flags(p, seed_help="random seed (Python, numpy, the graph, the reader)",
                          logdir_help="write TensorBoard events (graph, loss, accuracy) here",
                          plot_default=None, checkpoints=True,
                          plot_help="save the figure as this PNG (default outputs/bilstm_mnist_<layers>.png)")
    args = support.parse(p, argv)
    if args.plot is None:
        args.plot = os.path.join("outputs", "bilstm_mnist_%dlayer%s.png"
                                 % (args.layers, "" if args.bw_output == "page" else "_bw_full"))
    support.check_run_args(p, args, memory=(memory_needed, ["--hidden_units1", "--batch_size"]))
    return args


def add_page_flags(p):
    """The flags that set the page's values (keras3/bilstm_mnist.py takes the same: one source for them)."""
    p.add_argument("--layers", type=int, choices=[1, 2], default=2,
                   help="2: guide Ⅴ (MultiRNNCell 30 -> 10 each way); 1: guide Ⅳ (10 units each way)")
    p.add_argument("--bw_output", choices=["page", "full"], default="page",
                   help="page: logits = outputs_fw[:, -1] + outputs_bw[:, -1], where the backward pass "
                        "has read only the last row; full: use outputs_bw[:, 0], where it has read "
                        "every row")
    p.add_argument("--pixels", choices=["raw", "unit"], default="raw",
                   help="raw: the pixel values 0-255 as the guide's CSV gives them; unit: scaled to [0, 1] "
                        "as TF1's read_data_sets")
    p.add_argument("--epochs", type=support.positive_int, default=EPOCH, help="EPOCH (guide: 50)")
    p.add_argument("--hidden_units1", type=support.positive_int, default=HIDDEN_UNITS1,
                   help="HIDDEN_UNITS1, first layer each way, --layers 2 only (guide: 30)")
    p.add_argument("--learning_rate", type=support.positive_float, default=LEARNING_RATE,
                   help="Adam's learning rate (guide: 0.001)")
    p.add_argument("--data_dir", default=os.path.join(HERE, "data", "mnist"),
                   help="MNIST: the four IDX files (.gz or not), mnist.npz or Kaggle's train.csv; "
                        "downloaded here if absent")
    p.add_argument("--batch_size", type=support.positive_int, default=BATCH_SIZE, help="BATCH_SIZE (guide: 128)")
    p.add_argument("--max_steps", type=support.positive_int,
                   help="stop after this many training steps in total (default: no limit)")


def memory_needed(args):
    """Bytes the graph needs (estimated): both directions' layers for a training or evaluation batch."""
    rows, test = args.batch_size * TIME_STEPS, support.EVAL_BATCH * TIME_STEPS
    sizes = [28, HIDDEN_UNITS] if args.layers == 1 else [28, args.hidden_units1, HIDDEN_UNITS]
    return 2 * sum(support.lstm_memory(n_in, n_out, rows, 2, test) for n_in, n_out in zip(sizes, sizes[1:]))


# %% the command line (in a notebook, the cells below run main instead)
if __name__ == '__main__':
    support.run(main, parse_args)

"""Predict the next value of a sin curve from the previous TIME_STEPS values with an LSTM.

Pages: "TensorFlow学习(十三):构造LSTM超长简明教程", 二 (Ⅰ one LSTM layer of 1 unit;
Ⅱ two layers 30 -> 1; Ⅱ' the same unrolled by hand with a hand-built initial state), and the TFLearn
sin predictor of "TensorFlow学习笔记(六)循环神经网络" (四.2; 2 x 30 LSTM with a linear
head, Adagrad 0.1, 3000 steps), rebuilt as a plain graph because tf.contrib.learn is gone.

    python lstm_sin_predict.py                      # Ⅱ, the page's recommended model (50 epochs)
    python lstm_sin_predict.py --variant single     # Ⅰ (150 epochs)
    python lstm_sin_predict.py --variant manual     # Ⅱ' (hand-unrolled)
    python lstm_sin_predict.py --variant dense      # the TFLearn model (3000 steps)
"""
import os
import time
from types import SimpleNamespace

import support   # first: it says what to install where numpy or TensorFlow is missing
import numpy as np
from support import rnn, tf   # TF1: import tensorflow as tf; import tensorflow.contrib.rnn as rnn
# Copying the page's code into a file of your own? On TF 2.16+ it needs `pip install tf-keras` and
# os.environ["TF_USE_LEGACY_KERAS"] = "1" before `import tensorflow` (support.tf sets it here).

# %% Ⅱ.预测sin函数多层版 (the guide's hyperparameters; Ⅰ and 手写版 change a few)
TIME_STEPS = 10
BATCH_SIZE = 128
HIDDEN_UNITS1 = 30
HIDDEN_UNITS = 1
LEARNING_RATE = 0.001
EPOCH = 50

TRAIN_EXAMPLES = 11000
TEST_EXAMPLES = 1100

# %% 2、预测正选函数 (the TFLearn page's hyperparameters)
HIDDEN_SIZE = 30             # LSTM隐藏节点个数
NUM_LAYERS = 2               # LSTM层数
TIMESTEPS = 10               # 循环神经网络截断长度
TFLEARN_BATCH_SIZE = 32      # the page's BATCH_SIZE (the guide's, above, is 128)
TRAINING_STEPS = 3000        # 训练轮数
TRAINING_EXAMPLES = 10000    # 训练数据个数
TESTING_EXAMPLES = 1000      # 测试数据个数
SAMPLE_GAP = 0.01            # 采样间隔

# Each variant's page values; a flag given on the command line wins.
VARIANTS = {
    # guide Ⅰ: one BasicLSTMCell of 1 unit, its output is the prediction, 150 epochs
    "single": dict(hidden_units=1, epochs=150),
    # guide Ⅱ: MultiRNNCell 30 -> 1 with dynamic_rnn
    "multilayer": dict(hidden_units1=HIDDEN_UNITS1, hidden_units=HIDDEN_UNITS, epochs=EPOCH),
    # guide Ⅱ': Ⅱ with a hand-built LSTMStateTuple initial state and the loop unrolled by hand
    "manual": dict(hidden_units1=HIDDEN_UNITS1, hidden_units=HIDDEN_UNITS, epochs=EPOCH),
    # the TFLearn page: NUM_LAYERS LSTMs of HIDDEN_SIZE, a linear head, Adagrad 0.1
    "dense": dict(hidden_units=HIDDEN_SIZE, num_layers=NUM_LAYERS, time_steps=TIMESTEPS,
                  batch_size=TFLEARN_BATCH_SIZE, steps=TRAINING_STEPS, learning_rate=0.1,
                  train_examples=TRAINING_EXAMPLES, test_examples=TESTING_EXAMPLES),
}
COMMON = dict(time_steps=TIME_STEPS, batch_size=BATCH_SIZE, learning_rate=LEARNING_RATE,
              train_examples=TRAIN_EXAMPLES, test_examples=TEST_EXAMPLES, hidden_units1=HIDDEN_UNITS1,
              hidden_units=HIDDEN_UNITS, num_layers=NUM_LAYERS, epochs=EPOCH, steps=None)
PLOTTED_EPOCHS = 4   # the page overlays every epoch's predictions; the figure keeps 4, the last included


# %% Generate Data (the guide, part 二: Ⅰ, Ⅱ and Ⅱ')
def generate(seq, time_steps=TIME_STEPS):
    """Windows of TIME_STEPS values and the value after each, shapes (N, 1, TIME_STEPS) and (N, 1)."""
    X = []
    y = []
    for i in range(len(seq) - time_steps):
        X.append([seq[i:i + time_steps]])
        y.append([seq[i + time_steps]])
    return np.array(X, dtype=np.float32), np.array(y, dtype=np.float32)


def make_data(args):
    """The guide's curves: train on sin over [0, 100], test on the sin curve over [100, 110]."""
    seq_train = np.sin(np.linspace(start=0, stop=100, num=args.train_examples, dtype=np.float32))
    seq_test = np.sin(np.linspace(start=100, stop=110, num=args.test_examples, dtype=np.float32))
    X_train, y_train = generate(seq_train, args.time_steps)
    X_test, y_test = generate(seq_test, args.time_steps)
    # reshape to (batch, time_steps, input_size)
    X_train = np.reshape(X_train, (-1, args.time_steps, 1))
    X_test = np.reshape(X_test, (-1, args.time_steps, 1))
    return X_train, y_train, X_test, y_test


# %% Define Graph: construct LSTM
# Unlike the pages' zero_state(BATCH_SIZE), the state follows the batch actually fed, so the last,
# smaller test batch can run too.
def build_single(X_p, args):
    """Ⅰ: one BasicLSTMCell whose output is the prediction."""
    lstm_cell = rnn.BasicLSTMCell(num_units=args.hidden_units)
    init_state = lstm_cell.zero_state(batch_size=tf.shape(X_p)[0], dtype=tf.float32)
    outputs, states = tf.nn.dynamic_rnn(cell=lstm_cell, inputs=X_p, initial_state=init_state,
                                        dtype=tf.float32)
    return outputs[:, -1, :]


def build_multilayer(X_p, args):
    """Ⅱ: MultiRNNCell 30 -> 1 with dynamic_rnn."""
    lstm_cell1 = rnn.BasicLSTMCell(num_units=args.hidden_units1)
    lstm_cell = rnn.BasicLSTMCell(num_units=args.hidden_units)
    multi_lstm = rnn.MultiRNNCell(cells=[lstm_cell1, lstm_cell])
    init_state = multi_lstm.zero_state(batch_size=tf.shape(X_p)[0], dtype=tf.float32)
    outputs, states = tf.nn.dynamic_rnn(cell=multi_lstm, inputs=X_p, initial_state=init_state,
                                        dtype=tf.float32)
    return outputs[:, -1, :]


def build_manual(X_p, args):
    """Ⅱ': Ⅱ with a hand-built initial state and the loop unrolled by hand."""
    batch = tf.shape(X_p)[0]
    lstm_cell1 = rnn.BasicLSTMCell(num_units=args.hidden_units1)
    lstm_cell = rnn.BasicLSTMCell(num_units=args.hidden_units)
    multi_lstm = rnn.MultiRNNCell(cells=[lstm_cell1, lstm_cell])
    # 自己初始化state
    # 第一层state
    lstm_layer1_c = tf.zeros(shape=tf.stack([batch, args.hidden_units1]))
    lstm_layer1_h = tf.zeros(shape=tf.stack([batch, args.hidden_units1]))
    layer1_state = rnn.LSTMStateTuple(c=lstm_layer1_c, h=lstm_layer1_h)
    # 第二层state
    lstm_layer2_c = tf.zeros(shape=tf.stack([batch, args.hidden_units]))
    lstm_layer2_h = tf.zeros(shape=tf.stack([batch, args.hidden_units]))
    layer2_state = rnn.LSTMStateTuple(c=lstm_layer2_c, h=lstm_layer2_h)
    init_state = (layer1_state, layer2_state)
    print(init_state)
    # 自己展开RNN计算: call the cell once per time step, sharing its variables
    outputs = list()
    state = init_state
    with tf.variable_scope('RNN'):
        for timestep in range(args.time_steps):
            if timestep > 0:
                tf.get_variable_scope().reuse_variables()
            # 这里的state保存了每一层 LSTM 的状态
            (cell_output, state) = multi_lstm(X_p[:, timestep, :], state)
            outputs.append(cell_output)
    return outputs[-1]


# %% Define Graph: define loss and optimizer
def build_graph(args, build_lstm):
    """The guide's graph: placeholders, the variant's LSTM, the mean squared error and Adam. Its
    tensors under the page's names: X_p, y_p, h, mse, optimizer."""
    # place holder
    X_p = tf.placeholder(dtype=tf.float32, shape=(None, args.time_steps, 1), name="input_placeholder")
    y_p = tf.placeholder(dtype=tf.float32, shape=(None, 1), name="pred_placeholder")
    with tf.name_scope("LSTM"):
        h = build_lstm(X_p, args)
    with tf.name_scope("loss"):
        mse = tf.losses.mean_squared_error(labels=y_p, predictions=h)
    with tf.name_scope("train"):
        optimizer = tf.train.AdamOptimizer(args.learning_rate).minimize(loss=mse)
    return SimpleNamespace(X_p=X_p, y_p=y_p, h=h, mse=mse, optimizer=optimizer)


# %% Define Session
def train_by_epochs(sess, g, data, args, writer):
    """The guide's loop: EPOCH passes over the training windows in order, then the test windows.
    Returns (steps, last average training loss, last test mse, curves for the figure, epochs done)."""
    X_train, y_train, X_test, y_test = data
    max_steps = args.max_steps or float("inf")
    plotted = set(np.linspace(1, args.epochs, PLOTTED_EPOCHS).round().astype(int))
    curves = []
    step = 0
    for epoch in range(1, args.epochs + 1):
        train_losses = []
        print("epoch:", epoch)
        for j in range(args.train_examples // args.batch_size):  # the page's TRAIN_EXAMPLES//BATCH_SIZE
            if step >= max_steps:
                break
            _, train_loss = sess.run(
                fetches=(g.optimizer, g.mse),
                feed_dict={
                    g.X_p: X_train[j * args.batch_size:(j + 1) * args.batch_size],
                    g.y_p: y_train[j * args.batch_size:(j + 1) * args.batch_size]
                })
            step += 1
            support.check_finite(train_loss, step)
            train_losses.append(train_loss)
        train_loss = float(sum(train_losses) / len(train_losses))
        print("average training loss:", train_loss)
        # every test window, the last partial batch included (the page dropped it)
        results, test_mse = evaluate(sess, g.X_p, g.h, X_test, y_test, args.batch_size)
        print("average test loss:", test_mse)
        support.scalar(writer, "average_training_loss", train_loss, epoch)
        support.scalar(writer, "average_test_loss", test_mse, epoch)
        last = epoch == args.epochs or step >= max_steps
        if epoch in plotted or last:
            curves.append(("epoch %d" % epoch, results))
        if last:
            return step, train_loss, test_mse, curves, epoch


# %% 2、预测正选函数 (the TFLearn page: generate_data, lstm_model, regressor.fit and predict)
def generate_data(seq, timesteps=TIMESTEPS):
    """As generate(), but the page's loop stops one window earlier (len(seq) - TIMESTEPS - 1)."""
    X = []
    y = []
    for i in range(len(seq) - timesteps - 1):
        X.append([seq[i:i + timesteps]])
        y.append([seq[i + timesteps]])
    return np.array(X, dtype=np.float32), np.array(y, dtype=np.float32)


def LstmCell(hidden_size=HIDDEN_SIZE):
    lstm_cell = rnn.BasicLSTMCell(hidden_size)   # TF1: tf.contrib.rnn.BasicLSTMCell
    return lstm_cell


def lstm_model(X, y, args):
    """The page's model_fn for learn.Estimator; returns (predictions, loss, train_op)."""
    # one LstmCell() per layer: [cell] * NUM_LAYERS would share one cell's variables
    cell = rnn.MultiRNNCell([LstmCell(args.hidden_units) for _ in range(args.num_layers)])
    output, _ = tf.nn.dynamic_rnn(cell, X, dtype=tf.float32)
    # the page reshapes output to [-1, HIDDEN_SIZE], which is the last step only for its one-step
    # windows; output[:, -1, :] is that, and stays right for --dense_input sequence
    output = output[:, -1, :]
    # a linear layer (TF1: tf.contrib.layers.fully_connected(output, 1, None))
    predictions = tf.layers.dense(output, 1, activation=None, name="fully_connected")
    y = tf.reshape(y, [-1])
    predictions = tf.reshape(predictions, [-1])
    loss = tf.losses.mean_squared_error(predictions, y)
    # TF1: tf.contrib.layers.optimize_loss(loss, global_step, optimizer='Adagrad', learning_rate=0.1)
    train_op = tf.train.AdagradOptimizer(args.learning_rate).minimize(
        loss, global_step=tf.train.get_or_create_global_step())
    return predictions, loss, train_op


def make_tflearn_data(args):
    """The page's curves: sin sampled every SAMPLE_GAP, TRAINING_EXAMPLES points then TESTING_EXAMPLES."""
    test_start = args.train_examples * SAMPLE_GAP
    test_end = (args.train_examples + args.test_examples) * SAMPLE_GAP
    train_X, train_y = generate_data(np.sin(np.linspace(0, test_start, args.train_examples, dtype=np.float32)),
                                     args.time_steps)
    test_X, test_y = generate_data(np.sin(np.linspace(test_start, test_end, args.test_examples,
                                                      dtype=np.float32)), args.time_steps)
    if args.dense_input == "sequence":   # not the page: TIMESTEPS time steps of one value
        train_X = np.reshape(train_X, (-1, args.time_steps, 1))
        test_X = np.reshape(test_X, (-1, args.time_steps, 1))
    return train_X, train_y, test_X, test_y


def build_tflearn_graph(args):
    """What learn.Estimator(model_fn=lstm_model) built: placeholders for the features and targets, and
    lstm_model's graph. Its tensors under the page's names: X, y, predictions, loss, train_op."""
    X = tf.placeholder(tf.float32, (None,) + ((1, args.time_steps) if args.dense_input == "window"
                                               else (args.time_steps, 1)), name="input_placeholder")
    y = tf.placeholder(tf.float32, (None, 1), name="pred_placeholder")
    with tf.name_scope("LSTM"):
        predictions, loss, train_op = lstm_model(X, y, args)
    return SimpleNamespace(X=X, y=y, predictions=tf.reshape(predictions, [-1, 1]), loss=loss, train_op=train_op)


def tflearn_batches(num_samples, batch_size, seed):
    """The order in which TFLearn's fit() fed the samples (its DataFeeder): a permutation of all of
    them drawn from RandomState(seed), taken batch_size at a time, the last batch of a pass partial
    (9,989 windows: 312 batches of 32, then one of 5), then a new permutation for the next pass, without
    end. Yields the index arrays."""
    rng = np.random.RandomState(seed)
    while True:
        order = rng.permutation(num_samples)
        for start in range(0, num_samples, batch_size):
            yield order[start:start + batch_size]


def fit_and_predict(sess, g, data, args, writer):
    """regressor.fit(train_X, train_y, batch_size=BATCH_SIZE, steps=TRAINING_STEPS), then predict(test_X)
    and the RMSE. fit() takes its batches in tflearn_batches' order. Returns what train_by_epochs returns."""
    train_X, train_y, test_X, test_y = data
    batches = tflearn_batches(len(train_X), args.batch_size, args.seed)   # TFLearn's own seed was 42
    steps = min(args.steps, args.max_steps or args.steps)
    losses = []
    for step in range(steps):
        idx = next(batches)
        _, loss = sess.run((g.train_op, g.loss), {g.X: train_X[idx], g.y: train_y[idx]})
        support.check_finite(loss, step + 1)
        losses.append(loss)
        support.scalar(writer, "training_loss", float(loss), step)
        if step % 100 == 0:
            print("loss = %g, step = %d" % (loss, step + 1))   # as TFLearn's fit() logged (at INFO level)
    predicted, test_mse = evaluate(sess, g.X, g.predictions, test_X, test_y, 1024)
    rmse = np.sqrt(test_mse)
    print('Mean Square Error is: %f' % rmse)   # the page's name for the root mean squared error
    return steps, float(np.mean(losses[-100:])), test_mse, [("predicted", predicted)], None


# %% main
def main(args):
    """Apply the flags, pick the page section's data, graph and loop once, train, plot, report."""
    if args.variant == "dense":
        make, build, train, real = make_tflearn_data, build_tflearn_graph, fit_and_predict, ("real_sin", "-")
    else:
        builder = {"single": build_single, "multilayer": build_multilayer, "manual": build_manual}[args.variant]
        make, build, train = make_data, lambda a: build_graph(a, builder), train_by_epochs
        real = ("real sin (test)", "r*")
    support.start_run(args.seed)
    config, device = support.session_config(args.cpu)
    print("Device:", device)
    data = make(args)

    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(args.seed)
        g = build(args)
        init = tf.global_variables_initializer()

    writer = support.summary_writer(args.logdir, graph)
    start = time.time()
    with tf.Session(graph=graph, config=config) as sess:
        sess.run(init)
        with support.training_guard("--learning_rate"):
            step, train_loss, test_mse, curves, epochs_done = train(sess, g, data, args, writer)
    wall = time.time() - start
    support.close_writer(writer)
    y_test = data[3]
    print("test mse: %.6f (all %d test windows)" % (test_mse, len(y_test)))

    if not args.no_plot:
        support.save_whole_figure(save_figure, args.plot, y_test, curves, real,
                     "lstm_sin_predict.py --variant %s: test curve and predictions" % args.variant, args.show)
    metrics = {
        "script": "lstm_sin_predict.py", "variant": args.variant, "steps": step, "epochs": epochs_done,
        "wall_seconds": round(wall, 3), "final_train_loss": train_loss, "test_mse": test_mse,
        "examples_per_second": round(step * args.batch_size / wall, 1),
        "device": str(device),
    }
    if args.variant == "dense":
        metrics["test_rmse"] = float(np.sqrt(test_mse))
    return support.write_metrics(args.metrics_json, metrics)


# %% this script's own (not on the pages)
def parse_args(argv=None):
    p = support.parser(
        "LSTM sin prediction (the LSTM guide, part 二; the TFLearn sin predictor) "
        "in TF1 graph mode on today's TensorFlow.", prog="lstm_sin_predict.py")
    add_page_flags(p)
    p.add_argument("--dense_input", choices=["window", "sequence"], default="window",
                   help="dense only. window: as the TFLearn page, each window is ONE time step of "
                        "TIME_STEPS features; sequence: TIME_STEPS time steps of one value")
    support.add_run_flags(p, seed_help="random seed (Python, numpy and the graph)",
                          logdir_help="write TensorBoard events (graph, training loss, test loss) here",
                          plot_default=None,
                          plot_help="save the figure as this PNG (default outputs/lstm_sin_predict_VARIANT.png; "
                                    "dense: outputs/sin.png, the page's name)")
    args = support.parse(p, argv, page_values=lambda args: dict(COMMON, **VARIANTS[args.variant]))
    if args.plot is None:   # the TFLearn page saves sin.png
        args.plot = os.path.join("outputs", "sin.png" if args.variant == "dense"
                                 else "lstm_sin_predict_%s.png" % args.variant)
    if args.test_examples <= args.time_steps + 1 or args.train_examples <= args.time_steps + 1:
        p.error("--train_examples and --test_examples must exceed --time_steps + 1 (one window and its target)")
    if args.variant != "dense" and args.train_examples // args.batch_size == 0:
        p.error("--train_examples %d makes no batch of --batch_size %d (the page runs TRAIN_EXAMPLES // "
                "BATCH_SIZE batches an epoch): raise --train_examples or lower --batch_size"
                % (args.train_examples, args.batch_size))
    support.check_run_args(p, args, memory=(memory_needed, ["--hidden_units1", "--hidden_units",
                                                                  "--num_layers", "--batch_size", "--time_steps"]))
    return args


def add_page_flags(p):
    """The flags that set the page's values (keras3/lstm_sin_predict.py takes the same: one source for them)."""
    p.add_argument("--variant", choices=list(VARIANTS), default="multilayer",
                   help="single: guide Ⅰ; multilayer: guide Ⅱ; manual: guide Ⅱ'; dense: TFLearn page")
    p.add_argument("--time_steps", type=support.positive_int, help="TIME_STEPS (all pages: 10)")
    p.add_argument("--batch_size", type=support.positive_int, help="BATCH_SIZE (guide: 128; dense: 32)")
    p.add_argument("--hidden_units1", type=support.positive_int,
                   help="HIDDEN_UNITS1, first layer (guide Ⅱ: 30; unused by single and dense)")
    p.add_argument("--hidden_units", type=support.positive_int,
                   help="HIDDEN_UNITS, last LSTM layer (guide: 1; dense: HIDDEN_SIZE 30, every layer)")
    p.add_argument("--num_layers", type=support.positive_int, help="NUM_LAYERS, dense only (page: 2)")
    p.add_argument("--learning_rate", type=support.positive_float,
                   help="LEARNING_RATE (guide: Adam 0.001; dense: Adagrad 0.1)")
    p.add_argument("--epochs", type=support.positive_int, help="EPOCH (guide Ⅰ: 150; Ⅱ: 50; not dense)")
    p.add_argument("--steps", type=support.positive_int, help="TRAINING_STEPS, dense only (page: 3000)")
    p.add_argument("--train_examples", type=support.positive_int,
                   help="TRAIN_EXAMPLES, points on the training curve (guide: 11000; dense: 10000)")
    p.add_argument("--test_examples", type=support.positive_int,
                   help="TEST_EXAMPLES, points on the test curve (guide: 1100; dense: 1000)")
    p.add_argument("--max_steps", type=support.positive_int,
                   help="stop after this many training steps in total (default: no limit)")


def memory_needed(args):
    """Bytes the graph and the data need (estimated): the LSTM layers (Adam: 2 slots; Adagrad: 1), the
    head, the windows."""
    data = 4 * (args.train_examples + args.test_examples) * (args.time_steps + 1)
    if args.variant == "dense":
        window = args.dense_input == "window"
        rows = (args.batch_size + 1024) * (1 if window else args.time_steps)   # training + evaluation
        sizes = [args.time_steps if window else 1] + [args.hidden_units] * args.num_layers
        slots = 1
    else:
        rows = args.batch_size * args.time_steps
        sizes = [1] + ([args.hidden_units] if args.variant == "single" else [args.hidden_units1, args.hidden_units])
        slots = 2
    return data + support.dense_memory(sizes[-1], 1, rows, slots) + sum(
        support.lstm_memory(n_in, n_out, rows, slots) for n_in, n_out in zip(sizes, sizes[1:]))


def evaluate(sess, inputs, outputs, X, y, batch_size):
    """Predictions for every test window (the last partial batch included) and their mean squared error."""
    results = np.zeros(shape=(len(X), 1), dtype=np.float32)
    for j in range(0, len(X), batch_size):
        results[j:j + batch_size] = sess.run(outputs, {inputs: X[j:j + batch_size]})
    return results, float(np.mean((results - y) ** 2))


def save_figure(path, y_test, curves, real, title, show):
    plt = support.pyplot(show)
    fig = plt.figure(figsize=(10, 5))
    n = min(1000, len(y_test))  # the page plots the first 1000 test points
    plt.plot(range(n), y_test[:n, 0], real[1], markersize=3, label=real[0])
    for label, results in curves:
        plt.plot(range(n), results[:n, 0], label=label)
    plt.legend(loc="best")
    plt.title(title)
    plt.xlabel("test window")
    support.write_figure(fig, path, show)


# %% the command line (in a notebook, the cells below run main instead)
if __name__ == '__main__':
    support.run(main, parse_args)

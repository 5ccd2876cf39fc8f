"""Morvan's "RNN LSTM (回归例子)": an LSTM reads a sin curve and predicts the cos curve.

Page: 莫烦 (Morvan), "RNN LSTM (回归例子)" (TF 1.x), run here on TensorFlow 2.21 in
graph mode through tf.compat.v1. `--cell rnn` is the BasicRNNCell version of the same idea from the
TF notes page ("CNN做regression的例子", really an RNN); `--cell rnn --steps 100` is the TF counterpart
of Morvan's PyTorch RNN regression page.

    python lstm_regression.py                    # the page: 200 steps, `cost:` every 20 steps
    python lstm_regression.py --cell rnn --show  # the notes page, with its live plot
"""
import os
import sys
import time

import support   # first: it says what to install where numpy or TensorFlow is missing
import numpy as np
from support import tf   # TF1: import tensorflow as tf (tensorflow.compat.v1, loaded after the flags)
# Copying the page's code into a file of your own? On TF 2.16+ it needs `pip install tf-keras` and
# os.environ["TF_USE_LEGACY_KERAS"] = "1" before `import tensorflow` (support.tf sets it here).

# %% 设置 RNN 的参数 (hyperparameters)
BATCH_START = 0      # where the next get_batch() starts on the x axis
TIME_STEPS = 20      # backpropagation through time 的 time_steps
BATCH_SIZE = 50
INPUT_SIZE = 1       # sin 数据输入 size
OUTPUT_SIZE = 1      # cos 数据输出 size
CELL_SIZE = 10       # RNN 的 hidden unit size
LR = 0.006           # learning rate
STEPS = 200          # 训练 200 次

# `--cell rnn`: the notes page's BasicRNNCell regression (TIME_STEP=10, CELL_SIZE=32, LR=0.02, 60 steps,
# batch 1, each step one window [k*pi, (k+1)*pi]).
PAGE_DEFAULTS = {
    "lstm": dict(time_steps=20, batch_size=50, cell_size=10, lr=0.006, steps=200),
    "rnn": dict(time_steps=10, batch_size=1, cell_size=32, lr=0.02, steps=60),
}
TEST_BATCHES = 10    # not on the page: batches after training that are predicted, not trained on
PLOT_WINDOWS = 10    # the saved figure shows the last 10 windows the model was trained on


# %% 数据生成 (data)
def get_batch():
    """Next batch: (seq, res, xs) with seq=sin(xs), res=cos(xs), shapes (batch, steps, 1) and (batch, steps).

    Row i of the next batch continues row i of this one, which is why the final state can be fed back.
    """
    global BATCH_START, TIME_STEPS
    # xs shape (50batch, 20steps)
    xs = np.arange(BATCH_START, BATCH_START + TIME_STEPS * BATCH_SIZE).reshape((BATCH_SIZE, TIME_STEPS)) / (10 * np.pi)
    seq = np.sin(xs)
    res = np.cos(xs)
    BATCH_START += TIME_STEPS
    # returned seq, res and xs: shape (batch, step, input)
    return [seq[:, :, np.newaxis], res[:, :, np.newaxis], xs]


# %% 定义 LSTMRNN 的主体结构 (the model)
class LSTMRNN(object):
    def __init__(self, n_steps, input_size, output_size, cell_size, batch_size):
        self.n_steps = n_steps
        self.input_size = input_size
        self.output_size = output_size
        self.cell_size = cell_size
        self.batch_size = batch_size
        with tf.name_scope('inputs'):
            self.xs = tf.placeholder(tf.float32, [None, n_steps, input_size], name='xs')
            self.ys = tf.placeholder(tf.float32, [None, n_steps, output_size], name='ys')
        with tf.variable_scope('in_hidden'):
            self.add_input_layer()
        with tf.variable_scope('LSTM_cell'):
            self.add_cell()
        with tf.variable_scope('out_hidden'):
            self.add_output_layer()
        with tf.name_scope('cost'):
            self.compute_cost()
        with tf.name_scope('train'):
            self.train_op = tf.train.AdamOptimizer(LR).minimize(self.cost)

    def add_input_layer(self,):
        l_in_x = tf.reshape(self.xs, [-1, self.input_size], name='2_2D')  # (batch*n_step, in_size)
        # Ws (in_size, cell_size)
        Ws_in = self._weight_variable([self.input_size, self.cell_size])
        # bs (cell_size, )
        bs_in = self._bias_variable([self.cell_size, ])
        # l_in_y = (batch * n_steps, cell_size)
        with tf.name_scope('Wx_plus_b'):
            l_in_y = tf.matmul(l_in_x, Ws_in) + bs_in
        # reshape l_in_y ==> (batch, n_steps, cell_size)
        self.l_in_y = tf.reshape(l_in_y, [-1, self.n_steps, self.cell_size], name='2_3D')

    def add_cell(self):
        # TF1: tf.contrib.rnn.BasicLSTMCell
        lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(self.cell_size, forget_bias=1.0, state_is_tuple=True)
        with tf.name_scope('initial_state'):
            self.cell_init_state = lstm_cell.zero_state(self.batch_size, dtype=tf.float32)
        self.cell_outputs, self.cell_final_state = tf.nn.dynamic_rnn(
            lstm_cell, self.l_in_y, initial_state=self.cell_init_state, time_major=False)

    def add_output_layer(self):
        # shape = (batch * steps, cell_size)
        l_out_x = tf.reshape(self.cell_outputs, [-1, self.cell_size], name='2_2D')
        Ws_out = self._weight_variable([self.cell_size, self.output_size])
        bs_out = self._bias_variable([self.output_size, ])
        # shape = (batch * steps, output_size)
        with tf.name_scope('Wx_plus_b'):
            self.pred = tf.matmul(l_out_x, Ws_out) + bs_out

    def compute_cost(self):
        # TF1: tf.contrib.legacy_seq2seq.sequence_loss_by_example with one flattened "time step",
        # unit weights and average_across_timesteps=True: each example's loss is its squared error
        # (its division by the sum of the weights divides by 1), so the sum is the squared error.
        pred = tf.reshape(self.pred, [-1], name='reshape_pred')
        target = tf.reshape(self.ys, [-1], name='reshape_target')
        with tf.name_scope('losses'):
            losses = self.ms_error(target, pred)
        with tf.name_scope('average_cost'):
            self.cost = tf.div(
                tf.reduce_sum(losses, name='losses_sum'),
                self.batch_size,
                name='average_cost')
        tf.summary.scalar('cost', self.cost)

    def ms_error(self, y_target, y_pre):
        return tf.square(tf.subtract(y_target, y_pre))  # TF1: tf.sub

    def _weight_variable(self, shape, name='weights'):
        initializer = tf.random_normal_initializer(mean=0., stddev=1.,)
        return tf.get_variable(shape=shape, initializer=initializer, name=name)

    def _bias_variable(self, shape, name='biases'):
        initializer = tf.constant_initializer(0.1)
        return tf.get_variable(name=name, shape=shape, initializer=initializer)


# %% CNN做regression的例子 (the notes page's BasicRNNCell: --cell rnn)
def show_data():
    """The notes page's first figure: the input sin and the target cos over [0, 2*pi]."""
    import matplotlib.pyplot as plt
    steps = np.linspace(0, np.pi * 2, 100, dtype=np.float32)
    x_np = np.sin(steps)
    y_np = np.cos(steps)
    plt.plot(steps, y_np, 'r-', label='target (cos)')
    plt.plot(steps, x_np, 'b-', label='input (sin)')
    plt.legend(loc='best')
    print("--show: close the data window to start training (as on the page)")
    plt.show()


def get_window_batch():
    """The notes page's data: step k is the window [k*pi, (k+1)*pi] sampled at TIME_STEP points
    (row i of a batch of more than one is window k+i). Same return values as get_batch()."""
    global BATCH_START
    starts = (BATCH_START + np.arange(BATCH_SIZE))[:, np.newaxis] * np.pi   # start, end = step*pi, (step+1)*pi
    xs = starts + np.linspace(0, np.pi, TIME_STEPS)[np.newaxis, :]
    BATCH_START += 1
    return [np.sin(xs)[:, :, np.newaxis], np.cos(xs)[:, :, np.newaxis], xs]


class RNNRegression(LSTMRNN):
    """The notes page's model in LSTMRNN's shape: no input layer, a BasicRNNCell, tf.layers.dense,
    and tf.losses.mean_squared_error over every step. Only what differs is overridden."""

    def add_input_layer(self):
        self.l_in_y = self.xs          # the page feeds the sin values straight into the cell

    def add_cell(self):
        rnn_cell = tf.nn.rnn_cell.BasicRNNCell(num_units=self.cell_size)  # TF1: tf.contrib.rnn
        self.cell_init_state = rnn_cell.zero_state(batch_size=self.batch_size, dtype=tf.float32)
        self.cell_outputs, self.cell_final_state = tf.nn.dynamic_rnn(
            rnn_cell, self.l_in_y, initial_state=self.cell_init_state, time_major=False)

    def add_output_layer(self):
        outs2D = tf.reshape(self.cell_outputs, [-1, self.cell_size])
        self.pred = tf.layers.dense(outs2D, self.output_size)   # Glorot weights, zero bias

    def compute_cost(self):
        self.cost = tf.losses.mean_squared_error(labels=tf.reshape(self.ys, [-1, 1]), predictions=self.pred)
        tf.summary.scalar('cost', self.cost)


# %% 训练 LSTMRNN (training)
def apply_flags(args):
    """Set the page's constants from the flags (the page's code reads them as globals) and start the
    data at x = 0. main() calls it once; the tests call it too."""
    global BATCH_START, TIME_STEPS, BATCH_SIZE, CELL_SIZE, LR, STEPS
    BATCH_START = 0
    TIME_STEPS, BATCH_SIZE, CELL_SIZE, LR = args.time_steps, args.batch_size, args.cell_size, args.lr
    STEPS = min(args.steps, args.max_steps) if args.max_steps else args.steps


def main(args):
    apply_flags(args)
    if args.cell == "rnn":    # the notes page: its own model, data windows and line style
        Model, next_batch, pred_style = RNNRegression, get_window_batch, 'b-'
    else:                     # Morvan's page
        Model, next_batch, pred_style = LSTMRNN, get_batch, 'b--'
    support.start_run(args.seed)
    config, device = support.session_config(args.cpu)
    print("Device:", device)

    with tf.Graph().as_default():
        tf.set_random_seed(args.seed)
        # 搭建 LSTMRNN 模型
        model = Model(TIME_STEPS, INPUT_SIZE, OUTPUT_SIZE, CELL_SIZE, BATCH_SIZE)
        merged = tf.summary.merge_all()
        sess = tf.Session(config=config)
        writer = support.summary_writer(args.logdir, sess.graph)
        sess.run(tf.global_variables_initializer())  # TF1: tf.initialize_all_variables()
        plt = live_plot(show_data if args.cell == "rnn" else None) if args.show and not args.no_plot else None

        costs, windows = [], []  # windows: row 0 of each batch (x, cos, prediction), for the figure
        start = time.time()
        try:
            with support.training_guard("--lr"):
                for i in range(STEPS):
                    seq, res, xs = next_batch()  # 提取 batch data
                    if i == 0:
                        feed_dict = {model.xs: seq, model.ys: res}
                    else:
                        feed_dict = {model.xs: seq, model.ys: res,
                                     model.cell_init_state: state}  # 保持 state 的连续性
                    # 训练 (the `cost` summary comes from the same run)
                    _, cost, state, pred, summary = sess.run(
                        [model.train_op, model.cost, model.cell_final_state, model.pred, merged],
                        feed_dict=feed_dict)
                    support.check_finite(cost, i + 1, "cost")
                    costs.append(float(cost))
                    windows.append((xs[0, :], res[0].flatten(), pred.flatten()[:TIME_STEPS]))
                    if writer is not None:
                        writer.add_summary(summary, i)
                    if plt is not None:
                        plt.plot(xs[0, :], res[0].flatten(), 'r', xs[0, :], pred.flatten()[:TIME_STEPS],
                                 pred_style)
                        plt.ylim((-1.2, 1.2))
                        plt.draw()
                        plt.pause(0.05)
                    # 打印 cost 结果
                    if i % 20 == 0:
                        print('cost: ', round(cost, 4))
                wall = time.time() - start

                # Not on the page: predict the next TEST_BATCHES batches (state carried on, no training).
                sq_errors = []
                for _ in range(TEST_BATCHES):
                    seq, res, _ = next_batch()
                    pred, state = sess.run([model.pred, model.cell_final_state],
                                           {model.xs: seq, model.cell_init_state: state})
                    sq_errors.append((pred.reshape(-1) - res.reshape(-1)) ** 2)
                test_mse = float(np.mean(sq_errors))
                print('test mse (next %d batches, not trained on): %.4f' % (TEST_BATCHES, test_mse))
                if not args.no_plot:
                    if plt is not None:
                        plt.ioff()
                    save_figure(args.plot, windows[-PLOT_WINDOWS:], costs, pred_style, args.cell == "rnn",
                                live=plt is not None)
                    if plt is not None and args.cell == "rnn":
                        plt.show()         # the notes page's plt.ioff(); plt.show(): open until you close it
        finally:
            sess.close()
            support.close_writer(writer)

    return support.write_metrics(args.metrics_json, {
        "script": "lstm_regression.py", "variant": args.cell, "steps": STEPS,
        "wall_seconds": round(wall, 3), "final_train_loss": costs[-1], "test_mse": test_mse,
        "examples_per_second": round(STEPS * BATCH_SIZE / wall, 1),
        "device": str(device),
    })


# %% this script's own (not on the pages)
def parse_args(argv=None):
    p = support.parser(
        "Morvan's LSTM regression (sin -> cos) in TF1 graph mode on today's TensorFlow.", prog="lstm_regression.py")
    add_page_flags(p)
    support.add_run_flags(p, seed_help="random seed (Python, numpy and the graph)",
                          logdir_help="write TensorBoard events (graph and the `cost` scalar) here",
                          plot_default=os.path.join("outputs", "lstm_regression.png"),
                          plot_help="save the figure (last windows and cost curve) as this PNG",
                          show_help="draw the live plot while training: the notes page's (--cell rnn, its "
                                    "window left open at the end); Morvan's TF page has none, his published "
                                    "code draws the same")
    args = support.parse(p, argv, page_values=lambda args: PAGE_DEFAULTS[args.cell])
    support.check_run_args(p, args, memory=(memory_needed,
                                            ["--cell_size", "--batch_size", "--time_steps"]))
    return args


def add_page_flags(p):
    """The flags that set the page's values (keras3/lstm_regression.py takes the same: one source for them)."""
    p.add_argument("--cell", choices=sorted(PAGE_DEFAULTS), default="lstm",
                   help="lstm: Morvan's BasicLSTMCell page; rnn: the notes page's BasicRNNCell")
    p.add_argument("--time_steps", type=support.positive_int, help="TIME_STEPS (page: 20; rnn page: 10)")
    p.add_argument("--batch_size", type=support.positive_int, help="BATCH_SIZE (page: 50; rnn page: 1)")
    p.add_argument("--cell_size", type=support.positive_int, help="CELL_SIZE (page: 10; rnn page: 32)")
    p.add_argument("--lr", type=support.positive_float,
                   help="LR, Adam's learning rate (page: 0.006; rnn page: 0.02)")
    p.add_argument("--steps", type=support.positive_int, help="training steps (page: 200; rnn page: 60)")
    p.add_argument("--max_steps", type=support.positive_int,
                   help="stop after this many training steps in total (default: no limit)")


def memory_needed(args):
    """Bytes the graph needs (estimated): input layer, LSTM (Adam: 2 slots), output layer."""
    rows = args.batch_size * args.time_steps
    return (support.dense_memory(INPUT_SIZE, args.cell_size, rows, 2)
            + support.lstm_memory(args.cell_size, args.cell_size, rows, 2)
            + support.dense_memory(args.cell_size, OUTPUT_SIZE, rows, 2) + 3 * 8 * rows)


def save_figure(path, windows, costs, pred_style, data_panel, live):
    """The last training windows and the cost curve; data_panel adds the notes page's first figure."""
    plt = support.pyplot(live)
    fig, axes = plt.subplots(1, 3 if data_panel else 2, figsize=(18 if data_panel else 12, 4.5))
    if data_panel:
        steps = np.linspace(0, np.pi * 2, 100, dtype=np.float32)
        axes[0].plot(steps, np.cos(steps), 'r-', label='target (cos)')
        axes[0].plot(steps, np.sin(steps), 'b-', label='input (sin)')
        axes[0].legend(loc='best')
        axes[0].set_title('the data (the page\'s first figure)')
    ax1, ax2 = axes[-2:]
    for k, (xs, res, pred) in enumerate(windows):
        ax1.plot(xs, res, 'r', label='target (cos)' if k == 0 else None)
        ax1.plot(xs, pred, pred_style, label='prediction' if k == 0 else None)
    ax1.set_ylim((-1.2, 1.2))
    ax1.set_title('last %d training windows (row 0 of each batch)' % len(windows))
    ax1.set_xlabel('x')
    ax1.legend(loc='best')
    ax2.plot(np.arange(1, len(costs) + 1), costs)
    ax2.set_yscale('log')
    ax2.set_title('cost')
    ax2.set_xlabel('step')
    fig.tight_layout()
    support.write_figure(fig, path)


def live_plot(first_figure=None):
    """The page's live plot (after first_figure, if any), or None where no window can open."""
    if not support.can_show():
        print("--show: no display here, so no live plot (the PNG is still saved)", file=sys.stderr)
        return None
    import matplotlib.pyplot as plt
    if first_figure is not None:
        first_figure()
    plt.ion()
    plt.figure(1, figsize=(12, 5))
    plt.show()
    return plt


# %% the command line (in a notebook, the cells below run main instead)
if __name__ == '__main__':
    support.run(main, parse_args)

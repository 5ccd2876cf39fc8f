"""The PTB notes page's section 三.2, 循环神经网络的dropout, run on today's TensorFlow.

The page wraps one BasicLSTMCell in a DropoutWrapper (input_keep_prob=0.5, output_keep_prob=0.5) and
stacks it as MultiRNNCell([dropout_lstm] * 5). See what that does (python -m pytest <this file> -s):
the same cell object five times is one set of weights shared by all five layers (and an error as soon
as the input width differs from lstm_size), where five layers need five cells:
[DropoutWrapper(BasicLSTMCell(...)) for _ in range(5)]. And dropout acts where the page says it should:
between layers (on a cell's input and output), never on the state carried from t-1 to t.
"""
import numpy as np
import pytest

LSTM_SIZE = 4
BATCH, TIME = 8, 6


def run_stack(tf, stacked_lstm, width):
    inputs = tf.constant(np.random.RandomState(0).randn(BATCH, TIME, width).astype(np.float32))
    outputs, state = tf.nn.dynamic_rnn(stacked_lstm, inputs, dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(outputs)


def test_the_pages_stack_is_one_cell_five_times(tf):
    # 定义LSTM结构, then DropoutWrapper, then the deep RNN exactly as the page writes it
    lstm = tf.nn.rnn_cell.BasicLSTMCell(LSTM_SIZE)
    dropout_lstm = tf.nn.rnn_cell.DropoutWrapper(lstm, input_keep_prob=0.5, output_keep_prob=0.5)
    stacked_lstm = tf.nn.rnn_cell.MultiRNNCell([dropout_lstm] * 5)
    # inputs as wide as lstm_size: it runs, but all five layers read and train the same weights
    outputs = run_stack(tf, stacked_lstm, LSTM_SIZE)
    names = [v.name for v in tf.trainable_variables()]
    print("\n[dropout_lstm] * 5:", len(names), "variables:", names)
    assert outputs.shape == (BATCH, TIME, LSTM_SIZE)
    assert len(set(map(id, stacked_lstm._cells))) == 1          # the same Python object five times
    assert len(names) == 2                                       # one kernel, one bias for 5 layers


def test_the_pages_stack_fails_when_the_input_width_differs(tf):
    lstm = tf.nn.rnn_cell.BasicLSTMCell(LSTM_SIZE)
    dropout_lstm = tf.nn.rnn_cell.DropoutWrapper(lstm, input_keep_prob=0.5, output_keep_prob=0.5)
    stacked_lstm = tf.nn.rnn_cell.MultiRNNCell([dropout_lstm] * 5)
    # layer 1 reads 7 values, layers 2-5 read LSTM_SIZE: one shared kernel cannot take both
    with pytest.raises(ValueError) as error:
        run_stack(tf, stacked_lstm, 7)
    print("\n[dropout_lstm] * 5 on 7-wide inputs:", str(error.value).splitlines()[0][:120])


def test_five_distinct_cells_have_five_sets_of_weights(tf):
    def dropout_lstm():
        return tf.nn.rnn_cell.DropoutWrapper(tf.nn.rnn_cell.BasicLSTMCell(LSTM_SIZE),
                                             input_keep_prob=0.5, output_keep_prob=0.5)
    stacked_lstm = tf.nn.rnn_cell.MultiRNNCell([dropout_lstm() for _ in range(5)])
    outputs = run_stack(tf, stacked_lstm, 7)               # any input width works
    kernels = [v for v in tf.trainable_variables() if v.name.endswith("kernel:0")]
    print("\n[DropoutWrapper(BasicLSTMCell(...)) for _ in range(5)]:", len(tf.trainable_variables()),
          "variables; kernels", [tuple(k.shape) for k in kernels])
    assert outputs.shape == (BATCH, TIME, LSTM_SIZE)
    assert len(tf.trainable_variables()) == 10
    assert [tuple(k.shape) for k in kernels] == [(7 + LSTM_SIZE, 4 * LSTM_SIZE)] + \
        [(2 * LSTM_SIZE, 4 * LSTM_SIZE)] * 4


def test_dropout_acts_between_layers_not_on_the_state_carried_in_time(tf):
    lstm = tf.nn.rnn_cell.BasicLSTMCell(LSTM_SIZE)
    dropout_lstm = tf.nn.rnn_cell.DropoutWrapper(lstm, input_keep_prob=0.5, output_keep_prob=0.5)
    inputs = tf.constant(np.random.RandomState(1).randn(BATCH, TIME, 3).astype(np.float32))
    outputs, state = tf.nn.dynamic_rnn(dropout_lstm, inputs, dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, h = sess.run([outputs[:, -1, :], state.h])        # one run: the same dropout masks
        out_again = sess.run(outputs)[:, -1, :]
    dropped = out == 0
    print("\noutput (to the next layer), last step:", out[0], "\nstate h (to the next time step):", h[0])
    # the output going up to the next layer: about half its units zeroed, the rest scaled by 1 / 0.5
    assert 0.2 < dropped.mean() < 0.8
    np.testing.assert_allclose(out[~dropped], h[~dropped] / 0.5, rtol=1e-5)
    # the state going on to t+1 keeps every unit: where the output was dropped, h was not
    assert (h[dropped] != 0).all()
    # dropout is random at each run (training); the page builds it only when is_training
    assert not np.array_equal(out, out_again)

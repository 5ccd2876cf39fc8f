"""The cell math: numpy forward passes equal what TF1's BasicRNNCell and BasicLSTMCell compute."""
import numpy as np


def assign_weights(cell, kernel, bias):
    """Ops that set a built TF1 cell's kernel and bias variables."""
    by_name = {v.name.split("/")[-1].split(":")[0]: v for v in cell.trainable_variables}
    return [by_name["kernel"].assign(kernel), by_name["bias"].assign(bias)]


def test_two_step_rnn_of_the_notes_page_matches_basic_rnn_cell(tf):
    # The PTB notes page's numpy example: X=[1,2], a 2-unit tanh RNN and a linear output layer.
    X = [1, 2]
    w_cell_state = np.asarray([[0.1, 0.2], [0.3, 0.4]])
    w_cell_input = np.asarray([0.5, 0.6])
    b_cell = np.asarray([0.1, -0.1])
    w_output = np.asarray([[0.1], [0.2]])
    b_output = 0.1
    state = [0.0, 0.0]
    numpy_before, numpy_states, numpy_outputs = [], [], []
    # 按照时间顺序执行循环神经网络的前向传播过程, printing each step as the page does (pytest -s)
    for i in range(len(X)):
        before_activetion = np.dot(state, w_cell_state) + X[i] * w_cell_input + b_cell   # the page's spelling
        state = np.tanh(before_activetion)
        final_output = np.dot(state, w_output) + b_output
        print("before_activation", before_activetion)
        print("state", state)
        print("final_output", final_output)
        numpy_before.append(before_activetion)
        numpy_states.append(state)
        numpy_outputs.append(final_output)
    # the values the page's loop prints (and the book quotes)
    np.testing.assert_allclose(numpy_before, [[0.6, 0.5], [1.2923, 1.3922]], atol=1e-4)
    np.testing.assert_allclose(numpy_states, [[0.537, 0.462], [0.860, 0.884]], atol=1e-3)
    np.testing.assert_allclose(np.ravel(numpy_outputs), [0.2461, 0.3628], atol=1e-4)

    # BasicRNNCell computes tanh([x, state] @ kernel + bias): the kernel stacks input and state weights.
    kernel = np.vstack([w_cell_input[np.newaxis, :], w_cell_state])
    cell = tf.nn.rnn_cell.BasicRNNCell(2)
    inputs = tf.constant(np.array(X, dtype=np.float32).reshape(1, 2, 1))
    outputs, _ = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    final_output = tf.matmul(tf.reshape(outputs, [-1, 2]), tf.constant(w_output, tf.float32)) + b_output
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(assign_weights(cell, kernel, b_cell))
        tf_states, tf_outputs = sess.run([outputs, final_output])
    np.testing.assert_allclose(tf_states[0], numpy_states, rtol=1e-5)
    np.testing.assert_allclose(tf_outputs.ravel(), np.ravel(numpy_outputs), rtol=1e-5)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_one_lstm_step_in_numpy_matches_basic_lstm_cell(tf):
    rng = np.random.RandomState(0)
    batch, n_in, units = 3, 4, 5
    x = rng.randn(batch, n_in).astype(np.float32)
    c = rng.randn(batch, units).astype(np.float32)
    h = rng.randn(batch, units).astype(np.float32)
    kernel = rng.randn(n_in + units, 4 * units).astype(np.float32) * 0.5
    bias = rng.randn(4 * units).astype(np.float32) * 0.1

    # BasicLSTMCell: gates i, j, f, o from [x, h]; forget_bias is added to f before the sigmoid
    gates = np.concatenate([x, h], axis=1) @ kernel + bias
    i, j, f, o = np.split(gates, 4, axis=1)
    new_c = c * sigmoid(f + 1.0) + sigmoid(i) * np.tanh(j)
    new_h = np.tanh(new_c) * sigmoid(o)

    cell = tf.nn.rnn_cell.BasicLSTMCell(units, forget_bias=1.0, state_is_tuple=True)
    state = tf.nn.rnn_cell.LSTMStateTuple(tf.constant(c), tf.constant(h))
    out, (tf_c, tf_h) = cell(tf.constant(x), state)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(assign_weights(cell, kernel, bias))
        out_v, c_v, h_v = sess.run([out, tf_c, tf_h])
    np.testing.assert_allclose(c_v, new_c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h_v, new_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out_v, new_h, rtol=1e-5, atol=1e-6)
    # and forget_bias matters: without it the new cell state would differ
    assert not np.allclose(c * sigmoid(f) + sigmoid(i) * np.tanh(j), c_v, atol=1e-3)

"""The LSTM guide's part 一 (重要函数和类), one test per example, in the page's order.

Each test builds the page's graph, prints what the page prints, then asserts it:

    python -m pytest tests/test_guide_api.py -s -v

Page: "TensorFlow学习(十三):构造LSTM超长简明教程". TF1: `tf.contrib.rnn.X` is `tf.nn.rnn_cell.X` here (with
tf-keras and TF_USE_LEGACY_KERAS=1, set by conftest.py as each script sets it).
"""
import numpy as np



# ------------------------------------------------------------------ Ⅰ. BasicLSTMCell
def test_1_basic_lstm_cell_constructor(tf):
    # cell = rnn.BasicLSTMCell(num_units=128, forget_bias=1.0, state_is_tuple=True)
    cell = tf.nn.rnn_cell.BasicLSTMCell(num_units=128, forget_bias=1.0, state_is_tuple=True)
    print("\ncell:", type(cell).__name__, cell.output_size)
    assert cell.output_size == 128 and isinstance(cell.state_size, tf.nn.rnn_cell.LSTMStateTuple)


def test_1_example_1_output_size_and_state_size(tf):
    lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(num_units=128)
    print("\noutput_size:", lstm_cell.output_size)
    print("state_size:", lstm_cell.state_size)
    print(lstm_cell.state_size.h)
    print(lstm_cell.state_size.c)
    assert lstm_cell.output_size == 128
    assert str(lstm_cell.state_size) == "LSTMStateTuple(c=128, h=128)"   # c first, then h
    assert (lstm_cell.state_size.h, lstm_cell.state_size.c) == (128, 128)


def test_1_zero_state_is_a_tuple_of_zero_matrices(tf):
    lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(num_units=128)
    state = lstm_cell.zero_state(32, tf.float32)     # zero_state(batch_size, dtype)
    with tf.Session() as sess:
        c, h = sess.run(state)
    print("\nzero_state:", type(state).__name__, "c", c.shape, "h", h.shape)
    assert isinstance(state, tf.nn.rnn_cell.LSTMStateTuple)
    assert c.shape == h.shape == (32, 128) and not c.any() and not h.any()


def test_1_call_runs_one_time_step(tf):
    # __call__(inputs, state): inputs [batch_size x input_size] (the [:, i, :] of a sequence)
    lstm_cell = tf.nn.rnn_cell.BasicLSTMCell(num_units=128)
    sequence = tf.constant(np.random.RandomState(0).randn(32, 40, 5).astype(np.float32))
    state = lstm_cell.zero_state(32, tf.float32)
    output, new_state = lstm_cell(sequence[:, 0, :], state)
    print("\nOutput:", output.shape, "New state:", type(new_state).__name__, new_state.c.shape, new_state.h.shape)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, (c, h) = sess.run([output, new_state])
    assert out.shape == (32, 128) and isinstance(new_state, tf.nn.rnn_cell.LSTMStateTuple)
    np.testing.assert_array_equal(out, h)            # a BasicLSTMCell's output is its new h
    assert c.any()


# ------------------------------------------------------------------ Ⅱ. MultiRNNCell
def test_2_multi_rnn_cell_sizes(tf):
    lstm_cell_1 = tf.nn.rnn_cell.BasicLSTMCell(num_units=128)
    lstm_cell_2 = tf.nn.rnn_cell.BasicLSTMCell(num_units=256)
    lstm_cell_3 = tf.nn.rnn_cell.BasicLSTMCell(num_units=512)
    # 多层lstm_cell
    lstm_cell = tf.nn.rnn_cell.MultiRNNCell(cells=[lstm_cell_1, lstm_cell_2, lstm_cell_3])
    print("\noutput_size:", lstm_cell.output_size)
    print("state_size:", lstm_cell.state_size)
    assert lstm_cell.output_size == 512                       # the last layer's units
    assert isinstance(lstm_cell.state_size, tuple) and len(lstm_cell.state_size) == 3
    assert all(isinstance(s, tf.nn.rnn_cell.LSTMStateTuple) for s in lstm_cell.state_size)
    assert [tuple(s) for s in lstm_cell.state_size] == [(128, 128), (256, 256), (512, 512)]


# ------------------------------------------------------------------ Ⅲ. tf.nn.dynamic_rnn
def test_3_dynamic_rnn_example_1_one_layer(tf):
    inputs = tf.placeholder(np.float32, shape=(32, 40, 5))   # 32 是 batch_size
    lstm_cell_1 = tf.nn.rnn_cell.BasicLSTMCell(num_units=128)
    print("\noutput_size:", lstm_cell_1.output_size)
    print("state_size:", lstm_cell_1.state_size)
    output, state = tf.nn.dynamic_rnn(cell=lstm_cell_1, inputs=inputs, dtype=tf.float32)
    print("output.shape:", output.shape)
    print("len of state tuple", len(state))
    print("state.h.shape:", state.h.shape)
    print("state.c.shape:", state.c.shape)
    # today's shapes are TensorShape objects; they print as (32, 40, 128) and equal the tuple
    assert output.shape == (32, 40, 128) and str(output.shape) == "(32, 40, 128)"
    assert len(state) == 2 and state.h.shape == (32, 128) and state.c.shape == (32, 128)


def test_3_dynamic_rnn_example_2_three_layers(tf):
    inputs = tf.placeholder(np.float32, shape=(32, 40, 5))
    lstm_cell_1 = tf.nn.rnn_cell.BasicLSTMCell(num_units=128)
    lstm_cell_2 = tf.nn.rnn_cell.BasicLSTMCell(num_units=256)
    lstm_cell_3 = tf.nn.rnn_cell.BasicLSTMCell(num_units=512)
    lstm_cell = tf.nn.rnn_cell.MultiRNNCell(cells=[lstm_cell_1, lstm_cell_2, lstm_cell_3])
    print("\noutput_size:", lstm_cell.output_size)
    print("state_size:", lstm_cell.state_size)
    output, state = tf.nn.dynamic_rnn(cell=lstm_cell, inputs=inputs, dtype=tf.float32)
    print("output.shape:", output.shape)
    print("len of state tuple", len(state))
    assert output.shape == (32, 40, 512)            # only the last layer's outputs
    assert len(state) == 3                          # 多层的state就是一个tuple: one state per layer
    assert [s.h.shape for s in state] == [(32, 128), (32, 256), (32, 512)]


# ------------------------------------------------------------------ Ⅳ. tf.nn.bidirectional_dynamic_rnn
def test_4_bidirectional_dynamic_rnn(tf):
    inputs = tf.placeholder(np.float32, shape=(32, 40, 5))
    lstm_cell_fw = tf.nn.rnn_cell.BasicLSTMCell(num_units=128)
    lstm_cell_bw = tf.nn.rnn_cell.BasicLSTMCell(num_units=128)
    print("\noutput_fw_size:", lstm_cell_fw.output_size)
    print("state_fw_size:", lstm_cell_fw.state_size)
    print("output_bw_size:", lstm_cell_bw.output_size)
    print("state_bw_size:", lstm_cell_bw.state_size)
    output, state = tf.nn.bidirectional_dynamic_rnn(cell_fw=lstm_cell_fw, cell_bw=lstm_cell_bw, inputs=inputs,
                                                    dtype=tf.float32)
    output_fw = output[0]
    output_bw = output[1]
    state_fw = state[0]
    state_bw = state[1]
    print("output_fw.shape:", output_fw.shape)
    print("output_bw.shape:", output_bw.shape)
    print("len of state tuple", len(state_fw))
    print("state_fw:", state_fw)
    print("state_bw:", state_bw)
    state_h_concat = tf.concat(values=[state_fw.h, state_bw.h], axis=1)
    print("state_fw_h_concat.shape", state_h_concat.shape)
    state_c_concat = tf.concat(values=[state_fw.c, state_bw.c], axis=1)
    print("state_fw_h_concat.shape", state_c_concat.shape)     # the page's label, though it is c
    state_concat = tf.nn.rnn_cell.LSTMStateTuple(c=state_c_concat, h=state_h_concat)
    print(state_concat)

    assert str(lstm_cell_fw.state_size) == str(lstm_cell_bw.state_size) == "LSTMStateTuple(c=128, h=128)"
    assert output_fw.shape == output_bw.shape == (32, 40, 128)
    assert len(state_fw) == 2
    # The page's tensors are named '.../fw/fw/while/Exit_2:0'; today's while loop (control flow v2)
    # names them '.../fw/fw/while/Identity_4:0'. The meaning is the same: the final c and h of each direction.
    assert state_fw.c.name.startswith("bidirectional_rnn/fw/fw/while")
    assert state_bw.h.name.startswith("bidirectional_rnn/bw/bw/while")
    assert state_fw.c.shape == state_fw.h.shape == state_bw.c.shape == (32, 128)
    assert state_h_concat.shape == state_c_concat.shape == (32, 256)
    assert isinstance(state_concat, tf.nn.rnn_cell.LSTMStateTuple)
    assert state_concat.c is state_c_concat and state_concat.h is state_h_concat
    assert str(state_concat) == ("LSTMStateTuple(c=<tf.Tensor 'concat_1:0' shape=(32, 256) dtype=float32>, "
                                 "h=<tf.Tensor 'concat:0' shape=(32, 256) dtype=float32>)")   # as the page
    # and the concatenation really is [forward, backward]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fw_h, bw_h, both = sess.run([state_fw.h, state_bw.h, state_h_concat],
                                    {inputs: np.random.RandomState(0).randn(32, 40, 5)})
    np.testing.assert_array_equal(both, np.concatenate([fw_h, bw_h], axis=1))


# ------------------------------------------------------------------ Ⅴ. tf.nn.embedding_lookup
def test_5_embedding_lookup_maps_ids_to_rows(tf):
    # the page gives no example: a 5-word vocabulary of 3-dimensional vectors, two sentences of two words
    params = np.arange(15, dtype=np.float32).reshape(5, 3)
    ids = np.array([[0, 2], [4, 1]])
    embedding = tf.Variable(params)                    # trainable: the vectors learn with the task
    vectors = tf.nn.embedding_lookup(embedding, ids)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(vectors)
    print("\nembedding_lookup shape:", value.shape)
    print(value)
    assert vectors.shape == (2, 2, 3)
    np.testing.assert_array_equal(value, params[ids])   # row i of params for id i


# ------------------------------------------------------------------ Ⅵ. tf.sequence_mask
def test_6_sequence_mask_examples(tf):
    mask_1 = tf.sequence_mask([1, 3, 2], 5)
    mask_2 = tf.sequence_mask([[1, 3], [2, 0]])
    with tf.Session() as sess:
        value_1, value_2 = sess.run([mask_1, mask_2])
    print()
    print(value_1.tolist())
    print(value_2.tolist())
    assert value_1.tolist() == [[True, False, False, False, False],
                                [True, True, True, False, False],
                                [True, True, False, False, False]]
    # maxlen defaults to the largest length, 3
    assert value_2.tolist() == [[[True, False, False], [True, True, True]],
                                [[True, True, False], [False, False, False]]]


# ------------------------------------------------------------------ Ⅶ. tf.boolean_mask
def test_7_boolean_mask_drops_the_padded_steps(tf):
    # three sequences padded to 5 steps, real lengths 1, 3, 2: run an LSTM over them, then keep only
    # the outputs of real steps, as the guide uses sequence_mask + boolean_mask to remove the padding
    lengths = [1, 3, 2]
    inputs = tf.constant(np.random.RandomState(0).randn(3, 5, 4).astype(np.float32))
    cell = tf.nn.rnn_cell.BasicLSTMCell(num_units=6)
    outputs, _ = tf.nn.dynamic_rnn(cell, inputs, sequence_length=lengths, dtype=tf.float32)
    mask = tf.sequence_mask(lengths, 5)
    real = tf.boolean_mask(outputs, mask)        # (N-K+1)-D: [3, 5, 6] with a [3, 5] mask -> [6, 6]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        all_steps, kept, mask_value = sess.run([outputs, real, mask])
    print("\noutputs:", all_steps.shape, "-> boolean_mask:", kept.shape)
    assert kept.shape == (sum(lengths), 6)
    np.testing.assert_array_equal(kept, all_steps[mask_value])   # numpy's tensor[mask]
    # what was dropped is the padding: dynamic_rnn gives zeros after each sequence's length
    assert not all_steps[~mask_value].any() and np.abs(kept).min() > 0


def test_part_one_is_in_the_page_order():
    """The tests above run in the page's order (pytest runs a file top to bottom)."""
    import inspect
    import sys
    module = sys.modules[__name__]
    names = [name for name, f in inspect.getmembers(module, inspect.isfunction) if name.startswith("test_")]
    numbered = sorted((f.__code__.co_firstlineno, name) for name, f in
                      ((n, getattr(module, n)) for n in names) if name[5].isdigit())
    sections = [int(name[5]) for _, name in numbered]
    assert sections == sorted(sections) and set(sections) == set(range(1, 8))

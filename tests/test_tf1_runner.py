"""The TF1 runner (`python -m tf1 FILE.py`, `%load_ext tf1`): TF1 snippets written here (never a page's code), one
per family of old names, run unmodified in this process as the command runs them; how runs end; that nothing
else sees TF1; %load_ext tf1 in a real kernel. The command in a real process: test_command_lines.py."""
import os
import sys
import textwrap

import numpy as np
import pytest

from helpers import ROOT, write_ptb
from mnist_files import write_idx
from tf1 import mapping, names, runner


@pytest.fixture
def run(tmp_path, monkeypatch, capsys, signal_handlers):
    """run(code, *flags) writes code to a file and runs it as `python -m tf1 FILE [flags]` does, in this
    process; returns (exit status, stdout, stderr). sys.argv, sys.path and the import hook are put back."""
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.chdir(tmp_path)

    def go(code, *flags, report=True, name="page.py"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(code), encoding="utf-8")
        try:
            status = runner.run_file(str(path), list(flags), report=report)
        finally:
            mapping.turn_off()
        out, err = capsys.readouterr()
        return status, out, err
    return go


def used(out):
    """The old names the report printed (its lines after the heading)."""
    block = out.split("TF1 names this code used")[-1].splitlines()[1:] if "TF1 names this code used" in out else []
    return {line.split(" -> ")[0].strip() for line in block}


# ---------------------------------------------------------------------------------- the families
def test_graph_mode_and_the_pre_1_0_names(run):
    status, out, err = run("""
        import numpy as np
        import tensorflow as tf
        a = tf.placeholder(tf.float32, [None, 2])
        b = tf.constant([[1.0, 1.0]])
        parts = tf.split(1, 2, tf.concat(1, [a, b + a]))        # (axis, ...) as before TF 1.0
        packed = tf.pack([tf.sub(a, b), tf.mul(a, b), tf.neg(a)])
        first, second, third = tf.unpack(packed)
        tf.scalar_summary("a", tf.reduce_sum(a))
        merged = tf.merge_all_summaries()
        writer = tf.train.SummaryWriter("logs")
        with tf.Session() as sess:
            sess.run(tf.initialize_all_variables())
            feed = {a: np.array([[3.0, 4.0]])}
            print(sess.run([first, second, third, tf.arg_max(a, 1)], feed))
            print([p.shape for p in sess.run(parts, feed)])
            writer.add_summary(sess.run(merged, feed), 0)
            writer.close()
        print(type(sess).__name__, tf.executing_eagerly())
        """)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "[array([[2., 3.]], dtype=float32), array([[3., 4.]], dtype=float32), " \
                       "array([[-3., -4.]], dtype=float32), array([1])]"
    assert lines[1:3] == ["[(1, 2), (1, 2)]", "Session False"]
    assert used(out) == {"import tensorflow as tf", "tf.split(axis, num, value)", "tf.concat(axis, values)",
                         "tf.pack", "tf.sub", "tf.mul", "tf.neg", "tf.unpack", "tf.scalar_summary",
                         "tf.merge_all_summaries", "tf.train.SummaryWriter", "tf.initialize_all_variables",
                         "tf.arg_max"}
    assert os.listdir("logs")                      # the summary was written


def test_contrib_rnn_cells_static_rnn_and_the_old_nn_names(run):
    status, out, err = run("""
        import numpy as np
        import tensorflow as tf
        import tensorflow.contrib.rnn as rnn
        from tensorflow.contrib.rnn import LSTMBlockCell, LSTMStateTuple
        x = tf.placeholder(tf.float32, [2, 3, 4])
        steps = tf.unstack(x, axis=1)
        with tf.variable_scope("static"):
            cell = rnn.MultiRNNCell([rnn.DropoutWrapper(rnn.BasicLSTMCell(5), output_keep_prob=1.0),
                                     rnn.GRUCell(6)])
            outputs, state = rnn.static_rnn(cell, steps, dtype=tf.float32)
        with tf.variable_scope("old"):
            old_outputs, _ = tf.nn.rnn(rnn.BasicRNNCell(3), steps, dtype=tf.float32)
        with tf.variable_scope("bi"):
            bi, _, _ = rnn.static_bidirectional_rnn(LSTMBlockCell(2), rnn.LSTMCell(2), steps, dtype=tf.float32)
        labels = tf.constant([0, 1])
        logits = outputs[-1]
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(logits, labels)   # logits, labels: before 1.0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            o, s, b, l = sess.run([outputs[-1], state, bi[-1], loss], {x: np.ones((2, 3, 4))})
        print(o.shape, isinstance(s[0], LSTMStateTuple), b.shape, l.shape, len(old_outputs))
        """)
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == "(2, 6) True (2, 4) (2,) 3"
    assert {"tf.contrib.rnn", "tf.contrib.rnn.LSTMBlockCell", "tf.nn.rnn",
            "tf.nn.sparse_softmax_cross_entropy_with_logits(logits, labels)"} <= used(out)


def test_the_tf_0_x_rnn_modules_and_legacy_rnn_decoder(run):
    status, out, err = run("""
        import numpy as np
        import tensorflow as tf
        from tensorflow.models.rnn import rnn, rnn_cell
        from tensorflow.contrib import legacy_seq2seq
        steps = [tf.ones([2, 3]) for _ in range(4)]
        with tf.variable_scope("bi"):
            outputs, _, _ = rnn.bidirectional_rnn(rnn_cell.BasicLSTMCell(2), rnn_cell.BasicLSTMCell(2), steps,
                                                  dtype=tf.float32)
        cell = rnn_cell.GRUCell(3)
        decoded, state = legacy_seq2seq.rnn_decoder(steps, cell.zero_state(2, tf.float32), cell,
                                                    loop_function=lambda prev, i: tf.identity(prev))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            bi, dec = sess.run([outputs[-1], decoded])
        print(bi.shape, len(dec), dec[0].shape, bool(np.all(dec[1] != dec[2])))
        """)
    assert (status, err, out.splitlines()[0]) == (0, "", "(2, 4) 4 (2, 3) True")
    assert {"tensorflow.models.rnn.rnn", "tensorflow.models.rnn.rnn_cell",
            "tf.contrib.legacy_seq2seq.rnn_decoder"} <= used(out)


def test_the_sequence_losses_compute_what_tf1_computed(run):
    """sequence_loss_by_example: each example's weighted sum over the steps, over the sum of the weights;
    softmax_loss_function called by name, or by position as Morvan's ms_error(y_target, y_pre) was;
    seq2seq.sequence_loss: the weighted mean cross-entropy."""
    status, out, err = run("""
        import numpy as np
        import tensorflow as tf
        from tensorflow.contrib.legacy_seq2seq import sequence_loss_by_example
        logits = [tf.constant([[2.0, 0.0], [0.0, 1.0]]), tf.constant([[0.5, 0.5], [1.0, -1.0]])]
        targets = [tf.constant([0, 1]), tf.constant([1, 0])]
        weights = [tf.constant([1.0, 1.0]), tf.constant([1.0, 0.0])]
        by_example = sequence_loss_by_example(logits, targets, weights)
        def ms_error(y_target, y_pre):
            return tf.square(tf.sub(y_target, y_pre))
        squared = tf.contrib.legacy_seq2seq.sequence_loss_by_example(
            [tf.constant([1.0, 2.0])], [tf.constant([0.0, 0.0])], [tf.ones([2])], softmax_loss_function=ms_error)
        mean = tf.contrib.seq2seq.sequence_loss(tf.stack(logits, 1), tf.stack(targets, 1), tf.stack(weights, 1))
        with tf.Session() as sess:
            print([np.round(v, 5).tolist() for v in sess.run([by_example, squared, mean])])
        """)
    assert (status, err) == (0, "")
    ce = lambda logits, k: np.log(np.exp(logits).sum()) - logits[k]            # noqa: E731
    ex0 = (ce(np.array([2.0, 0.0]), 0) + ce(np.array([0.5, 0.5]), 1)) / 2
    ex1 = (ce(np.array([0.0, 1.0]), 1) + 0.0) / 1
    expected = [[ex0, ex1], [1.0, 4.0], (2 * ex0 + ex1) / 3]
    got = eval(out.splitlines()[0])
    np.testing.assert_allclose(got[0], expected[0], rtol=1e-4)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-4)
    assert abs(got[2] - expected[2]) < 1e-4


def test_contrib_layers_and_framework(run):
    status, out, err = run("""
        import numpy as np
        import tensorflow as tf
        from tensorflow.contrib import layers, framework
        x = tf.placeholder(tf.float32, [None, 3])
        hidden = layers.fully_connected(x, 4, weights_initializer=layers.xavier_initializer(),
                                        weights_regularizer=layers.l2_regularizer(0.1))
        out = layers.fully_connected(hidden, 1, None, scope="out")
        dense = tf.layers.dense(x, 2, name="dense")                      # tf.layers (tf-keras underneath)
        loss = tf.reduce_mean(tf.square(out - 1.0)) + tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
        step = tf.train.get_or_create_global_step()
        train = layers.optimize_loss(loss, framework.get_global_step(), learning_rate=0.1, optimizer="Adagrad",
                                     clip_gradients=5.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run(train, {x: np.ones((8, 3))}) for _ in range(30)]
            lowest = sess.run(tf.reduce_min(hidden), {x: np.random.RandomState(0).normal(size=(64, 3))})
            print(losses[-1] < losses[0], sess.run(step), lowest, sess.run(dense, {x: np.ones((5, 3))}).shape)
        print(sorted(v.name for v in tf.trainable_variables() if not v.name.startswith("dense")))
        """)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "True 30 0.0 (5, 2)"                            # it learns; ReLU by default: no negative
    assert lines[1] == "['fully_connected/biases:0', 'fully_connected/weights:0', 'out/biases:0', 'out/weights:0']"
    assert {"tf.contrib.layers.fully_connected", "tf.contrib.layers.xavier_initializer",
            "tf.contrib.layers.l2_regularizer", "tf.contrib.layers.optimize_loss",
            "tf.contrib.framework.get_global_step"} <= used(out)


def test_contrib_learn_estimator_with_skcompat_fits_saves_and_predicts(run):
    status, out, err = run("""
        import numpy as np
        import tensorflow as tf
        from tensorflow.contrib.learn.python.learn.estimators.estimator import SKCompat
        learn = tf.contrib.learn
        def model(X, y):
            predictions = tf.reshape(tf.contrib.layers.fully_connected(X, 1, None), [-1])
            loss = tf.losses.mean_squared_error(predictions, tf.reshape(y, [-1]))
            train_op = tf.contrib.layers.optimize_loss(loss, tf.train.get_global_step(), optimizer="SGD",
                                                       learning_rate=0.3)
            return predictions, loss, train_op
        X = np.linspace(-1, 1, 50, dtype=np.float32).reshape(-1, 1)
        y = 2 * X + 1
        regressor = SKCompat(learn.Estimator(model_fn=model, model_dir="model/"))
        regressor.fit(X, y, batch_size=10, steps=80)
        print(np.round(regressor.predict(np.array([[0.0], [1.0]], dtype=np.float32)), 2).tolist())
        regressor.fit(X, y, batch_size=10, steps=2)
        print(sorted(f for f in __import__("os").listdir("model") if f.endswith(".index")))
        """)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "[1.0, 3.0]"                                            # y = 2x + 1, learnt
    assert lines[1] == "['model.ckpt-80.index', 'model.ckpt-82.index']"        # the second fit goes on
    assert {"tf.contrib.learn.Estimator", "tf.contrib.learn.SKCompat"} <= used(out)


def test_the_mnist_and_ptb_helper_modules_are_the_projects_readers(run, tmp_path):
    write_idx(str(tmp_path / "MNIST_data"), n_train=12, n_test=7)
    write_ptb(tmp_path / "ptb", train="a b c d\n" * 10, test="a b\n")
    status, out, err = run("""
        import tensorflow as tf
        from tensorflow.examples.tutorials.mnist import input_data
        from tensorflow.models.rnn.ptb import reader
        mnist = input_data.read_data_sets("MNIST_data/", one_hot=True, validation_size=2)
        xs, ys = mnist.train.next_batch(5)
        print(xs.shape, ys.shape, mnist.test.num_examples)
        train, valid, test, vocabulary = reader.ptb_raw_data("ptb")
        x, y = next(reader.ptb_iterator(train, 2, 3))
        print(len(train), vocabulary, x.shape)
        """)
    assert (status, err) == (0, "")
    lines = [line for line in out.splitlines() if not line.startswith("Extracting ")]   # as TF 1.x printed
    assert lines[:2] == ["(5, 784) (5, 10) 7", "50 5 (2, 3)"]
    assert {"tensorflow.examples.tutorials.mnist.input_data", "tensorflow.models.rnn.ptb.reader"} <= used(out)


def test_flags_app_run_logging_and_queue_runners(run):
    status, out, err = run("""
        import tensorflow as tf
        flags = tf.flags
        flags.DEFINE_integer("steps", 2, "how many")
        FLAGS = flags.FLAGS
        def main(_):
            tf.logging.set_verbosity(tf.logging.ERROR)
            queue = tf.train.range_input_producer(10, shuffle=False)
            item = queue.dequeue()
            with tf.Session() as sess:
                coord = tf.train.Coordinator()
                threads = tf.train.start_queue_runners(sess=sess, coord=coord)
                print([int(sess.run(item)) for _ in range(FLAGS.steps)])
                coord.request_stop()
                coord.join(threads)
        if __name__ == "__main__":
            tf.app.run()
        """, "--steps", "3")
    assert (status, err, out.splitlines()[0]) == (0, "", "[0, 1, 2]")


def test_numpy_takes_the_pages_newshape_during_the_run_only(run):
    status, out, err = run("""
        import numpy as np
        import tensorflow as tf
        print(np.reshape(np.arange(6), newshape=(2, 3)).shape, np.reshape(np.arange(6), (3, 2)).shape)
        """)
    assert (status, err, out.splitlines()[0]) == (0, "", "(2, 3) (3, 2)")
    assert "np.reshape(a, newshape=...)" in used(out)
    assert not hasattr(np.reshape, "tf1_runner")                    # numpy as it was, after the run


# ---------------------------------------------------------------------------------- how runs end
def test_a_name_not_put_back_is_one_line_and_exit_2(run):
    status, out, err = run("""
        import tensorflow as tf
        x = tf.contrib.slim.fully_connected
        """)
    assert status == 2 and err == ("error: tf.contrib.slim is not in TensorFlow 2, and this runner does not put it "
                                   "back: use tf.layers / tf.keras.layers (at `x = tf.contrib.slim.fully_connected`)\n")
    status, _, err = run("from tensorflow.contrib import cudnn_rnn\n")
    assert status == 2 and err.startswith("error: tensorflow.contrib.cudnn_rnn is not in TensorFlow 2") \
        and "use tf.keras.layers.LSTM" in err and len(err.splitlines()) == 1


def test_the_learners_own_bug_keeps_its_traceback_from_their_file(run, tmp_path):
    status, out, err = run("""
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 2])
        y = tf.matmul(x, tf.ones([3, 1]))
        """)
    assert status == 1 and err.startswith("Traceback (most recent call last):\n  File \"%s\", line 4, in <module>"
                                          % (tmp_path / "page.py"))
    assert "ValueError" in err.splitlines()[-1] and "runpy" not in err and "tf1" + os.sep not in err


def test_python_2_code_is_pythons_own_syntax_error(run, tmp_path):
    status, out, err = run("import tensorflow as tf\nprint tf.sub(1, 2)\n")
    assert status == 1 and err.startswith('  File "%s", line 2\n' % (tmp_path / "page.py"))
    assert err.splitlines()[-1].startswith("SyntaxError: Missing parentheses in call to 'print'")


def test_a_pages_known_defect_is_named_with_its_fix(run):
    status, out, err = run("""
        import tensorflow as tf
        cell = tf.nn.rnn_cell.BasicLSTMCell(4)
        stacked = tf.nn.rnn_cell.MultiRNNCell(cell)
        """)
    assert status == 1 and len(err.splitlines()) == 1
    assert "a known defect of the page's own code stops it at `stacked = tf.nn.rnn_cell.MultiRNNCell(cell)`" in err
    assert "MultiRNNCell([" in err and "docs/deviations.md" in err


def test_missing_data_ctrl_c_and_a_full_disk_end_as_the_scripts_do(run, tmp_path, monkeypatch):
    from data import input_data
    monkeypatch.setattr(input_data, "MIRRORS", [(tmp_path / "nowhere").as_uri() + "/"])
    status, out, err = run("""
        from tensorflow.examples.tutorials.mnist import input_data
        input_data.read_data_sets("absent/")
        """)
    assert status == 2 and err.startswith("error: MNIST not found in absent/") and len(err.splitlines()) == 1
    status, out, err = run("""
        import signal
        import tensorflow as tf
        signal.raise_signal(signal.SIGINT)
        """, report=False)
    assert (status, out, err) == (130, "\\nInterrupted.\\n".replace("\\n", "\n"), "")
    status, out, err = run("""
        import errno
        raise OSError(errno.ENOSPC, "No space left on device", "model/model.ckpt-3.index")
        """)
    assert (status, err) == (2, "error: cannot write model/model.ckpt-3.index: No space left on device\n")


def test_the_report_is_off_with_no_report_and_a_file_without_tensorflow_reports_nothing(run):
    assert run("import tensorflow as tf\nprint(tf.sub(1, 2) is not None)\n", report=False)[1] == "True\n"
    assert run("print('no TF here')\n") == (0, "no TF here\n", "")


# ---------------------------------------------------------------------------------- no effect elsewhere
def test_only_the_learners_code_sees_tf1(run, tmp_path):
    """Inside a run, a library's `import tensorflow` is TensorFlow 2; importing tf1, support or data turns
    nothing on; after the run, `import tensorflow` is TensorFlow 2 again."""
    import importlib
    import tf1  # noqa: F401
    import support  # noqa: F401
    assert not mapping.on()
    status, out, err = run("""
        import tensorflow as tf
        import json, sys
        lib = sys.modules["tests_library_stand_in"] = type(sys)("tests_library_stand_in")
        lib.__file__ = json.__file__                      # a module of the standard library's folder
        exec("import tensorflow as tf", lib.__dict__)
        print(hasattr(tf, "contrib"), hasattr(lib.tf, "contrib"), lib.tf.__name__)
        """)
    assert (status, out.splitlines()[0]) == (0, "True False tensorflow")
    import tensorflow
    assert not mapping.on() and not hasattr(tensorflow, "contrib") and tensorflow.executing_eagerly() is False
    assert importlib.import_module("tensorflow") is tensorflow


def test_the_docs_table_is_the_runners_table():
    with open(os.path.join(ROOT, names.DOCS), encoding="utf-8") as f:
        text = f.read()
    assert text.split(names.START)[1].split(names.END)[0].strip() == names.docs_table(), "run python -m tf1.names"
    assert names.report({"tf.sub"}).endswith("tf.sub -> tf.subtract")


# ---------------------------------------------------------------------------------- the command
def test_a_mistaken_command_line_is_one_line_and_exit_2(capsys, tmp_path):
    from tf1.__main__ import main
    assert main(["absent.py"]) == 2 and capsys.readouterr().err.splitlines()[-1] == "error: absent.py is not a file"
    assert main([str(tmp_path)]) == 2 and "(a folder: name the .py file in it)" in capsys.readouterr().err
    assert main(["--quiet", "x.py"]) == 2 and "unknown option --quiet" in capsys.readouterr().err
    assert main([]) == 2 and capsys.readouterr().err.endswith("error: name the TF1 file to run\n")


@pytest.mark.kernel
def test_the_notebook_line_makes_the_next_cells_tf1(tmp_path):
    """%load_ext tf1 in a real Jupyter kernel started in a learner's folder: the cells after it are pasted TF1, and
    each cell that used old names shows them under it."""
    import nbformat
    from nbclient import NotebookClient
    cells = ["%load_ext tf1",
             "import tensorflow as tf\nfrom tensorflow.contrib import rnn\ncell = rnn.BasicLSTMCell(3)",
             "x = tf.placeholder(tf.float32, [1, 2, 4])\nout, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)\n"
             "sess = tf.Session()\nsess.run(tf.initialize_all_variables())\n"
             "print(sess.run(out, {x: [[[1] * 4] * 2]}).shape)",
             "stacked = tf.nn.rnn_cell.MultiRNNCell(cell)",                 # a page's known defect
             "tf.contrib.slim",                                              # a name not put back
             "1 / 0"]                                                        # a bug: IPython's own traceback
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    env = dict(os.environ)
    os.environ["PYTHONPATH"] = ROOT          # as `pip install -e .` makes tf1 importable from any folder
    for name in ("TF_USE_LEGACY_KERAS", "PYTEST_CURRENT_TEST"):
        os.environ.pop(name, None)
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env)
    text = lambda cell: "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")   # noqa: E731
    err = lambda cell: "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stderr")   # noqa: E731
    assert not any(err(c) for c in nb.cells[:3])
    assert err(nb.cells[3]).startswith("error: a known defect of the page's own code stops it at `stacked = ")
    assert err(nb.cells[4]).startswith("error: tf.contrib.slim is not in TensorFlow 2")
    assert len(err(nb.cells[3]).splitlines()) == len(err(nb.cells[4]).splitlines()) == 1
    assert [o.get("ename") for o in nb.cells[5].outputs] == ["ZeroDivisionError"]
    assert "import tensorflow as tf" in text(nb.cells[1]) and "tf.contrib.rnn" in text(nb.cells[1])
    assert text(nb.cells[2]).startswith("(1, 2, 3)\n") and "tf.initialize_all_variables" in text(nb.cells[2])
    assert "tf.contrib.rnn" not in text(nb.cells[2])           # each old name once, under the cell that used it


def test_without_keras_2_one_line_says_what_to_install(run, monkeypatch):
    from importlib import metadata
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "2.99.0" if name == "tf-keras" else real(name))
    status, out, err = run("import tensorflow as tf\n")
    assert (status, out) == (2, "") and err.startswith("error: tf-keras 2.99.0 does not match TensorFlow ")
    assert len(err.splitlines()) == 1 and "pip install" in err


def test_output_into_a_closed_pipe_ends_as_the_scripts_do(run, monkeypatch):
    """`python -m tf1 page.py | head`: the reader gone, the run ends with a broken pipe's status and no traceback."""
    import support
    monkeypatch.setattr(support.running, "output_closed", lambda: None)   # this process's stdout stays as it is
    with pytest.raises(SystemExit) as e:
        run("raise BrokenPipeError(32, 'Broken pipe')\n")
    assert e.value.code == support.running.PIPE_CLOSED

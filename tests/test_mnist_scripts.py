"""lstm_mnist_classify.py and bilstm_mnist.py end to end on tiny MNIST files written by the tests."""
import numpy as np
import pytest

import bilstm_mnist as bi
import lstm_mnist_classify as cls
import support
from helpers import tensorboard_scalars
from mnist_files import NAMES, idx_bytes, learnable_idx


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    """200 training images: the guide's scripts train on all of them (no validation split)."""
    return learnable_idx(str(tmp_path_factory.mktemp("mnist")), n_train=200)


@pytest.fixture(scope="module")
def mnist_dir_5200(tmp_path_factory):
    """The notes page's read_data_sets keeps 5000 for validation: 200 remain for training."""
    return learnable_idx(str(tmp_path_factory.mktemp("mnist5200")))


def test_page_defaults():
    a = cls.parse_args([])
    assert (a.variant, a.epochs, a.batch_size, a.hidden_units1, a.hidden_units, a.learning_rate) == \
        ("stacked", 50, 128, 30, 10, 0.001)
    a = cls.parse_args(["--variant", "projected"])
    assert (a.training_iters, a.n_hidden_units, a.batch_size) == (100000, 128, 128)
    a = bi.parse_args([])
    assert (a.layers, a.bw_output, a.epochs, a.hidden_units1) == (2, "page", 50, 30)


def test_each_page_feeds_its_own_pixel_scale(mnist_dir):
    """The guide (Ⅲ, Ⅳ, Ⅴ) feeds the CSV's 0-255 values; the notes page TF1's [0, 1] images."""
    from data import input_data
    assert cls.parse_args([]).pixels == "raw" and bi.parse_args(["--layers", "1"]).pixels == "raw"
    assert cls.parse_args(["--variant", "projected"]).pixels == "unit"
    assert cls.parse_args(["--variant", "projected", "--pixels", "raw"]).pixels == "raw"
    mnist = input_data.read_data_sets(mnist_dir, one_hot=True, dtype=np.uint8, validation_size=0)
    for module in (cls, bi):
        X_train, y_train = module.generate_data(mnist, "raw")
        assert X_train.shape == (200, 28, 28) and X_train.dtype == np.float32 and X_train.max() == 255.0
        np.testing.assert_array_equal(X_train.reshape(200, -1), mnist.train.images)   # the values, unscaled
        unit, _ = module.generate_data(mnist, "unit")
        np.testing.assert_allclose(unit * 255, X_train, rtol=1e-6)
        assert unit.max() == 1.0


@pytest.mark.parametrize("variant", ["stacked", "projected"])
def test_lstm_mnist_classify_end_to_end(variant, mnist_dir, mnist_dir_5200, tmp_path, capsys):
    data_dir = mnist_dir if variant == "stacked" else mnist_dir_5200
    m = cls.main(cls.parse_args(["--variant", variant, "--data_dir", data_dir, "--max_steps", "2",
                                 "--plot", str(tmp_path / "p.png"), "--logdir", str(tmp_path / "logs")]))
    out = capsys.readouterr().out
    assert m["steps"] == 2 and 0.0 <= m["test_accuracy"] <= 1.0
    assert m["rnn_mode"] == {"stacked": "block", "projected": "basic"}[variant]   # the faster on a CPU
    assert "test accuracy:" in out and "(all 203 test images)" in out
    assert "TRAIN_EXAMPLES = 200, TEST_EXAMPLES = 203" in out and m["train_examples"] == 200
    if variant == "stacked":
        assert "epoch: 1" in out and "average training loss:" in out and "accuracy:" in out
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    scalars = tensorboard_scalars(tmp_path / "logs")      # the names docs/running.md gives
    assert len(scalars["loss/loss"]) == len(scalars["accuracy/accuracy"]) == 1
    assert scalars["test_accuracy"] == [pytest.approx(m["test_accuracy"])]


@pytest.mark.parametrize("layers,bw_output", [(2, "page"), (1, "page"), (1, "full")])
def test_bilstm_end_to_end(layers, bw_output, mnist_dir, tmp_path, capsys):
    m = bi.main(bi.parse_args(["--layers", str(layers), "--bw_output", bw_output, "--data_dir", mnist_dir,
                               "--max_steps", "2", "--no_plot", "--logdir", str(tmp_path / "logs")]))
    assert {"loss/loss", "accuracy/accuracy", "test_accuracy"} <= set(tensorboard_scalars(tmp_path / "logs"))
    assert m["steps"] == 2 and m["script"] == "bilstm_mnist.py" and m["rnn_mode"] == "block"   # on a CPU
    assert "test accuracy:" in capsys.readouterr().out


def test_bw_output_reads_the_backward_pass_where_it_has_seen_every_row(tf, mnist_dir):
    """The page's logits change when only row 0 changes? Not through the backward term; `full` does."""
    sums = {}
    for bw in ("page", "full"):
        with tf.Graph().as_default():
            X_p, _, h = bi.build_bidirectional(bi.parse_args(["--layers", "1", "--bw_output", bw]))
            outputs_bw = [t for t in tf.get_default_graph().get_operations() if "bw/bw/" in t.name]
            assert outputs_bw
            x = np.random.RandomState(0).rand(2, 28, 28).astype(np.float32)
            x2 = x.copy()
            x2[:, 0, :] += 1.0                     # change row 0 only
            fw_only = tf.get_default_graph().get_tensor_by_name(
                "bidirectional_rnn/fw/fw/transpose_1:0")[:, -1, :]
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                d_h = sess.run(h, {X_p: x2}) - sess.run(h, {X_p: x})
                d_fw = sess.run(fw_only, {X_p: x2}) - sess.run(fw_only, {X_p: x})
            sums[bw] = np.abs(d_h - d_fw).max()     # the backward term's response to row 0
    assert sums["page"] < 1e-6 < 1e-3 < sums["full"]


def test_evaluation_covers_a_test_set_not_a_multiple_of_the_batch(tf, mnist_dir):
    from data import input_data
    mnist = input_data.read_data_sets(mnist_dir, one_hot=True, validation_size=0)
    args = cls.parse_args([])
    g = cls.define_graph(args)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        acc, pred = support.mnist_accuracy(sess, g.X_p, g.h, mnist.test.images, mnist.test.labels, batch=64)  # 64*3 + 11
        whole = sess.run(g.h, {g.X_p: mnist.test.images.reshape(-1, 28, 28)})
    assert len(pred) == 203
    np.testing.assert_array_equal(pred, whole.argmax(1))
    assert acc == pytest.approx(np.mean(whole.argmax(1) == mnist.test.labels.argmax(1)))


@pytest.mark.parametrize("script, flags, names", [
    (cls, [], "X_p y_p h cross_loss accuracy optimizer"),                          # guide Ⅲ
    (cls, ["--variant", "projected"], "x y pred cost accuracy train_op"),          # the notes page
    (bi, [], "X_p y_p h cross_loss accuracy optimizer"),                           # guide Ⅳ, Ⅴ
])
def test_each_graph_keeps_its_pages_names(tf, script, flags, names):
    """The loops read the page's tensors by the page's names (attributes, not dictionary keys), each
    what the page's name says: the placeholders, the logits, the loss, the accuracy, the Adam step."""
    args = script.parse_args(flags)
    g = (script.define_projected_graph if flags else script.define_graph)(args)
    inputs, labels, logits, loss, accuracy, train = (getattr(g, n) for n in names.split())
    assert inputs.op.type == labels.op.type == "Placeholder" and logits.shape.as_list() == [None, 10]
    assert loss.op.name.startswith("loss/") and accuracy.op.name.startswith("accuracy/")
    assert train.name.startswith("train/") and loss.shape.as_list() == accuracy.shape.as_list() == []
    assert any(op.type.startswith("ApplyAdam") or op.type == "ResourceApplyAdam"
               for op in tf.get_default_graph().get_operations())
    if script is cls:     # what main evaluates the test set with: the same placeholder and logits
        assert (g.images, g.logits) == (inputs, logits)


def test_training_learns_the_tiny_pattern(mnist_dir, capsys):
    m = cls.main(cls.parse_args(["--data_dir", mnist_dir, "--epochs", "4", "--no_plot", "--batch_size", "20",
                                 "--learning_rate", "0.01", "--pixels", "unit"]))
    assert m["steps"] == 4 * (200 // 20)
    assert m["test_accuracy"] > 0.5           # chance is 0.1


def test_checkpoint_round_trip_resumes_where_it_stopped(mnist_dir, tmp_path, capsys):
    ckpt = str(tmp_path / "ckpt")
    first = cls.main(cls.parse_args(["--data_dir", mnist_dir, "--batch_size", "50", "--epochs", "1",
                                     "--save_path", ckpt, "--no_plot"]))
    assert first["steps"] == 4 and "Saved checkpoint" in capsys.readouterr().out
    resumed = cls.main(cls.parse_args(["--data_dir", mnist_dir, "--batch_size", "50", "--epochs", "2",
                                       "--save_path", ckpt, "--restore", "--no_plot"]))
    out = capsys.readouterr().out
    assert "Restored" in out and "epoch: 1\n" not in out and "epoch: 2" in out
    assert resumed["steps"] == 8
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(["--data_dir", mnist_dir, "--save_path", str(tmp_path / "empty"),
                                 "--restore", "--no_plot"]))
    assert e.value.code == 2 and "no checkpoint" in capsys.readouterr().err


def test_bad_data_is_one_line_and_exit_2(tmp_path, capsys):
    learnable_idx(str(tmp_path), n_train=5010, n_test=5)
    (tmp_path / NAMES[0]).write_bytes(idx_bytes(np.zeros((3, 28, 28)), 2049))   # a label magic number
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(["--data_dir", str(tmp_path), "--no_plot"]))
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.startswith("error: ") and "magic number" in err
    assert err.count("\n") == 1


def test_missing_data_offline(tmp_path, monkeypatch, capsys):
    # an empty directory and an unreachable mirror: the four files are named, exit 2, no traceback
    # (in-process; the command lines: test_command_lines.py)
    from data import input_data
    monkeypatch.setattr(input_data, "MIRRORS", [(tmp_path / "nowhere").as_uri() + "/"])
    with pytest.raises(SystemExit) as e:
        bi.main(bi.parse_args(["--data_dir", str(tmp_path / "none"), "--max_steps", "1"]))
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.count("\n") == 1 and err.startswith("error: MNIST not found")
    assert "train-images-idx3-ubyte" in err and "Traceback" not in err

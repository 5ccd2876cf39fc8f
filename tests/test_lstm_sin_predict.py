"""lstm_sin_predict.py: the guide's sin predictors (Ⅰ, Ⅱ, Ⅱ') and the TFLearn one."""

import numpy as np
import pytest

import lstm_sin_predict as sp
from helpers import tensorboard_scalars


def test_generate_makes_the_pages_windows():
    X, y = sp.generate(np.arange(15, dtype=np.float32), 10)
    assert X.shape == (5, 1, 10) and y.shape == (5, 1)
    np.testing.assert_array_equal(X[2, 0], np.arange(2, 12))
    assert y[2, 0] == 12
    X, y = sp.generate_data(np.arange(15, dtype=np.float32))  # the TFLearn page's: one window fewer
    assert X.shape == (4, 1, 10) and y[3, 0] == 13


def test_data_shapes_follow_each_page():
    X_train, y_train, X_test, y_test = sp.make_data(sp.parse_args([]))
    assert X_train.shape == (10990, 10, 1) and X_test.shape == (1090, 10, 1)
    X_train, _, X_test, _ = sp.make_tflearn_data(sp.parse_args(["--variant", "dense"]))
    assert X_train.shape == (9989, 1, 10) and X_test.shape == (989, 1, 10)  # one step of 10 inputs
    X_train, _, _, _ = sp.make_tflearn_data(sp.parse_args(["--variant", "dense", "--dense_input", "sequence"]))
    assert X_train.shape == (9989, 10, 1)


def test_variant_defaults_are_the_pages():
    a = sp.parse_args(["--variant", "single"])
    assert (a.hidden_units, a.epochs, a.batch_size, a.learning_rate) == (1, 150, 128, 0.001)
    a = sp.parse_args([])
    assert (a.variant, a.hidden_units1, a.hidden_units, a.epochs) == ("multilayer", 30, 1, 50)
    a = sp.parse_args(["--variant", "dense"])
    assert (a.hidden_units, a.num_layers, a.batch_size, a.steps, a.learning_rate) == (30, 2, 32, 3000, 0.1)
    assert (a.time_steps, a.train_examples, a.test_examples) == (10, 10000, 1000)
    assert a.plot.endswith("sin.png")                                  # the TFLearn page's file name
    # the TFLearn page's names, with its values
    assert (sp.HIDDEN_SIZE, sp.NUM_LAYERS, sp.TIMESTEPS, sp.TRAINING_STEPS, sp.TRAINING_EXAMPLES,
            sp.TESTING_EXAMPLES) == (30, 2, 10, 3000, 10000, 1000)


@pytest.mark.parametrize("variant", ["single", "multilayer", "manual", "dense"])
def test_every_variant_end_to_end(variant, tmp_path, capsys):
    """Each variant runs its own page section (data, graph, loop) end to end."""
    m = sp.main(sp.parse_args(["--variant", variant, "--max_steps", "2", "--plot", str(tmp_path / "p.png"),
                               "--train_examples", "400", "--test_examples", "150",
                               "--logdir", str(tmp_path / "logs")]))
    out = capsys.readouterr().out
    scalars = tensorboard_scalars(tmp_path / "logs")      # the names docs/running.md gives
    if variant == "dense":
        assert len(scalars["training_loss"]) == 2                 # every step
    else:
        assert len(scalars["average_training_loss"]) == len(scalars["average_test_loss"]) == 1   # every epoch
    assert m["steps"] == 2 and m["variant"] == variant and np.isfinite(m["test_mse"])
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    assert m["examples_per_second"] > 0
    if variant == "dense":
        assert "Mean Square Error is:" in out and m["test_rmse"] == pytest.approx(np.sqrt(m["test_mse"]))
    else:
        assert "epoch: 1" in out and "average training loss:" in out and "average test loss:" in out


def test_manual_variant_unrolls_by_hand_with_a_hand_built_state(tf, capsys):
    args = sp.parse_args(["--variant", "manual"])
    g = sp.build_graph(args, sp.build_manual)
    # the page prints init_state: a tuple of two LSTMStateTuples, 30 then 1 units
    out = capsys.readouterr().out
    assert out.startswith("(LSTMStateTuple(c=<tf.Tensor") and out.count("LSTMStateTuple") == 2
    assert "shape=(None, 30)" in out and "shape=(None, 1)" in out
    ops = [op.name for op in tf.get_default_graph().get_operations()]
    assert not any("while" in n for n in ops)          # no dynamic_rnn loop
    kernels = [v.name for v in tf.trainable_variables() if "kernel" in v.name]
    assert len(kernels) == 2 and all(k.startswith("RNN/") for k in kernels)  # shared across 10 steps
    assert g.h.shape.as_list() == [None, 1]


def test_the_whole_test_set_is_evaluated_with_a_last_partial_batch(tf):
    args = sp.parse_args(["--variant", "multilayer"])
    g = sp.build_graph(args, sp.build_multilayer)
    X = np.random.RandomState(0).rand(45, 10, 1).astype(np.float32)
    y = np.random.RandomState(1).rand(45, 1).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        results, mse = sp.evaluate(sess, g.X_p, g.h, X, y, batch_size=16)   # 16 + 16 + 13
        whole = sess.run(g.h, {g.X_p: X})
    np.testing.assert_allclose(results, whole, rtol=1e-5, atol=1e-6)
    assert mse == pytest.approx(float(np.mean((whole - y) ** 2)), rel=1e-5)


def test_training_lowers_the_test_loss_and_seed_repeats(capsys):
    flags = ["--max_steps", "60", "--no_plot", "--train_examples", "2000", "--epochs", "3",
             "--batch_size", "64", "--learning_rate", "0.01"]
    first = sp.main(sp.parse_args(flags))
    out1 = capsys.readouterr().out
    second = sp.main(sp.parse_args(flags))
    out2 = capsys.readouterr().out
    losses = [float(l.split()[-1]) for l in out1.splitlines() if l.startswith("average test loss:")]
    assert len(losses) == 2 and losses[-1] < losses[0]
    assert out1 == out2 and first["test_mse"] == second["test_mse"]


def test_tflearn_batches_come_in_the_datafeeders_order():
    """TFLearn's fit(): a seeded permutation of all windows, 32 at a time, the last batch of a pass
    partial, a new permutation every pass."""
    batches = sp.tflearn_batches(9989, 32, seed=42)
    first = [next(batches) for _ in range(313)]
    assert [len(b) for b in first] == [32] * 312 + [5]
    order = np.concatenate(first)
    assert sorted(order) == list(range(9989))                      # every window once a pass
    np.testing.assert_array_equal(order, np.random.RandomState(42).permutation(9989))
    second = np.concatenate([next(batches) for _ in range(313)])
    assert sorted(second) == list(range(9989)) and not np.array_equal(second, order)   # a new order
    again = sp.tflearn_batches(9989, 32, seed=42)
    np.testing.assert_array_equal(next(again), first[0])              # the same seed, the same order
    assert not np.array_equal(next(sp.tflearn_batches(9989, 32, seed=1)), first[0])


def test_the_tflearn_loop_feeds_the_datafeeders_batches(monkeypatch, capsys):
    fed = []
    real = sp.tflearn_batches

    def spy(num_samples, batch_size, seed):
        for idx in real(num_samples, batch_size, seed):
            fed.append(idx)
            yield idx
    monkeypatch.setattr(sp, "tflearn_batches", spy)
    sp.main(sp.parse_args(["--variant", "dense", "--max_steps", "3", "--no_plot", "--train_examples", "100",
                           "--test_examples", "50", "--seed", "7"]))
    expected = real(100 - 10 - 1, 32, 7)          # generate_data gives len - TIMESTEPS - 1 windows
    assert [list(b) for b in fed] == [list(next(expected)) for _ in range(3)]

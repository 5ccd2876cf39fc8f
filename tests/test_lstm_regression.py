"""lstm_regression.py: Morvan's sin -> cos LSTM (and the BasicRNNCell page)."""

import numpy as np
import pytest

import lstm_regression as reg
from helpers import tensorboard_scalars


def set_page_constants(cell="lstm"):
    reg.apply_flags(reg.parse_args(["--cell", cell]))     # what main() does first


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_get_batch_rows_continue_from_one_batch_to_the_next(cell):
    set_page_constants(cell)
    next_batch = reg.get_window_batch if cell == "rnn" else reg.get_batch
    seq1, res1, xs1 = next_batch()
    seq2, res2, xs2 = next_batch()
    assert seq1.shape == (reg.BATCH_SIZE, reg.TIME_STEPS, 1) and res1.shape == seq1.shape
    np.testing.assert_allclose(seq1[:, :, 0], np.sin(xs1))
    np.testing.assert_allclose(res2[:, :, 0], np.cos(xs2))
    spacing = xs1[0, 1] - xs1[0, 0]
    # row i of the next batch starts where row i of this one ended (one sample further on;
    # the notes page's windows share their end point [k*pi, (k+1)*pi])
    gap = 0.0 if cell == "rnn" else spacing
    np.testing.assert_allclose(xs2[:, 0], xs1[:, -1] + gap, rtol=1e-12)


def test_page_defaults_and_cost_are_the_pages():
    args = reg.parse_args([])
    assert (args.time_steps, args.batch_size, args.cell_size, args.lr, args.steps) == (20, 50, 10, 0.006, 200)
    args = reg.parse_args(["--cell", "rnn"])
    assert (args.time_steps, args.batch_size, args.cell_size, args.lr, args.steps) == (10, 1, 32, 0.02, 60)


def test_cost_is_summed_squared_error_over_batch_size_and_final_state_matters(tf):
    set_page_constants("lstm")
    tf.set_random_seed(3)
    model = reg.LSTMRNN(reg.TIME_STEPS, 1, 1, reg.CELL_SIZE, reg.BATCH_SIZE)
    seq, res, _ = reg.get_batch()
    seq2, res2, _ = reg.get_batch()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        cost, pred, state = sess.run([model.cost, model.pred, model.cell_final_state],
                                     {model.xs: seq, model.ys: res})
        expected = np.sum((pred.reshape(-1) - res.reshape(-1)) ** 2) / reg.BATCH_SIZE
        assert cost == pytest.approx(expected, rel=1e-5)
        from_zero = sess.run(model.pred, {model.xs: seq2})
        from_state = sess.run(model.pred, {model.xs: seq2, model.cell_init_state: state})
    assert np.abs(from_zero - from_state).max() > 1e-3


def printed_costs(text):
    return [float(line.split()[-1]) for line in text.splitlines() if line.startswith("cost:")]


def test_cost_falls_and_the_same_seed_prints_the_same_costs(capsys):
    args = reg.parse_args(["--max_steps", "41", "--no_plot", "--cpu"])
    first = reg.main(args)
    out1 = capsys.readouterr().out
    reg.main(args)
    out2 = capsys.readouterr().out
    costs = printed_costs(out1)
    assert len(costs) == 3                       # steps 0, 20 and 40, as on the page
    assert costs[-1] < costs[0] / 3
    assert out1.splitlines()[0] == "Device: CPU (--cpu given)"
    assert printed_costs(out2) == costs          # same seed, same numbers
    assert first["steps"] == 41 and first["test_mse"] > 0
    reg.main(reg.parse_args(["--max_steps", "1", "--no_plot", "--seed", "2"]))
    assert printed_costs(capsys.readouterr().out) != costs[:1]     # another seed, another first cost


def test_rnn_cell_runs_the_notes_page_model(tmp_path, capsys):
    m = reg.main(reg.parse_args(["--cell", "rnn", "--max_steps", "3", "--plot", str(tmp_path / "r.png"),
                                 "--logdir", str(tmp_path / "logs")]))
    assert m["variant"] == "rnn" and m["steps"] == 3
    assert (tmp_path / "r.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(tensorboard_scalars(tmp_path / "logs")["cost/cost"]) == 3    # docs/running.md: `cost/cost`
    names = [n.name for n in reg.tf.get_default_graph().get_operations()]  # built in its own graph
    assert not any(n.startswith("in_hidden/") for n in names)


def test_the_notes_page_model_is_its_own_class_with_the_pages_layers(tf):
    set_page_constants("rnn")
    model = reg.RNNRegression(reg.TIME_STEPS, 1, 1, reg.CELL_SIZE, reg.BATCH_SIZE)
    assert isinstance(model, reg.LSTMRNN) and "__init__" not in vars(reg.RNNRegression)  # only the layers differ
    variables = {v.name: v for v in tf.global_variables()}
    assert not any(name.startswith("in_hidden/") for name in variables)     # no input layer
    assert any("basic_rnn_cell" in name for name in variables)
    bias = [v for name, v in variables.items() if name.startswith("out_hidden/") and "bias" in name]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(bias[0]).tolist() == [0.0]      # tf.layers.dense starts its bias at 0 (Morvan's: 0.1)
    # Morvan's class is untouched by it: its own input layer and a 0.1 bias
    with tf.Graph().as_default():
        set_page_constants("lstm")
        reg.LSTMRNN(reg.TIME_STEPS, 1, 1, reg.CELL_SIZE, reg.BATCH_SIZE)
        assert any(v.name == "in_hidden/weights:0" for v in tf.global_variables())

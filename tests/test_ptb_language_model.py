"""ptb_language_model.py: the book's PTB model, on tiny corpora written by the tests."""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import ptb_language_model as ptb
import support
from helpers import ROOT, tensorboard_scalars, write_ptb

SENTENCES = ["the cat sat on the mat", "the dog ate the bone", "a bird sang"]
WORDS = " ".join(SENTENCES).split()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    rng = np.random.RandomState(0)

    def text(n_lines):  # the three sentences in a random order: easy to learn, hard to memorise
        return "".join(rng.choice(SENTENCES) + "\n" for _ in range(n_lines))
    return write_ptb(tmp_path_factory.mktemp("ptb"), train=text(200), valid=text(40), test=text(40))


def build(tf, config, vocab, batch, steps, training=False, unroll="static", scale=0.1):
    with tf.variable_scope("language_model", initializer=tf.random_uniform_initializer(-scale, scale)):
        return ptb.PTBMODEL(batch, steps, training, config, vocab, unroll)


def test_page_defaults():
    c = ptb.get_config(ptb.parse_args([]))
    assert (c.hidden_size, c.num_layers, c.learning_rate, c.batch_size, c.num_steps, c.max_max_epoch,
            c.keep_prob, c.max_grad_norm, c.init_scale) == (200, 2, 1.0, 20, 35, 2, 0.5, 5, 0.05)
    assert (ptb.EVAL_BATCH_SIZE, ptb.EVAL_NUM_STEP) == (1, 1)
    s = ptb.get_config(ptb.parse_args(["--model", "small"]))
    assert (s.num_steps, s.max_epoch, s.max_max_epoch, s.lr_decay, s.keep_prob) == (20, 4, 13, 0.5, 1.0)


def test_uniform_model_perplexity_equals_the_vocabulary_size(tf):
    config = ptb.get_config(ptb.parse_args(["--model", "test"]))
    model = build(tf, config, vocab=37, batch=2, steps=3)
    data = list(np.random.RandomState(0).randint(0, 37, 200))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for v in tf.global_variables():
            if v.name.endswith(("weight:0", "bias:0")) and "RNN" not in v.name:
                sess.run(v.assign(tf.zeros_like(v)))      # equal scores for every word
        perplexity, words, _ = ptb.run_epoch(sess, model, data, tf.no_op(), False)
    assert perplexity == pytest.approx(37, rel=1e-5)


def test_the_final_state_feeds_the_next_batch(tf):
    config = ptb.get_config(ptb.parse_args(["--model", "test", "--hidden_size", "8"]))
    model = build(tf, config, vocab=20, batch=2, steps=4, scale=1.0)  # a state that matters
    data = list(np.random.RandomState(1).randint(0, 20, 60))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        carried, _, _ = ptb.run_epoch(sess, model, data, tf.no_op(), False)
        # the same batches, each from the zero state: a different perplexity
        zero = sess.run(model.initial_state)
        costs = [sess.run(model.cost, {model.input_data: x, model.targets: y, model.initial_state: zero})
                 for x, y in ptb.reader.ptb_iterator(data, 2, 4)]
        reset = np.exp(sum(costs) / (4 * len(costs)))
        # and carrying by hand gives run_epoch's number
        state, total = zero, 0.0
        for x, y in ptb.reader.ptb_iterator(data, 2, 4):
            cost, state = sess.run([model.cost, model.final_state],
                                   {model.input_data: x, model.targets: y, model.initial_state: state})
            total += cost
    assert abs(carried - reset) > 1e-4
    assert carried == pytest.approx(np.exp(total / (4 * len(costs))), rel=1e-6)


def test_cost_is_the_summed_cross_entropy_over_batch_size(tf):
    config = ptb.get_config(ptb.parse_args(["--model", "test"]))
    model = build(tf, config, vocab=11, batch=3, steps=2, unroll="dynamic")
    x = np.array([[1, 2], [3, 4], [5, 6]])
    y = np.array([[2, 3], [4, 5], [6, 7]])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        cost, probs = sess.run([model.cost, model.probs], {model.input_data: x, model.targets: y})
    expected = -np.log(probs[np.arange(6), y.reshape(-1)]).sum() / 3
    assert cost == pytest.approx(expected, rel=1e-5)


def test_training_and_evaluation_models_share_variables_and_static_unroll(tf):
    config = ptb.get_config(ptb.parse_args(["--model", "test"]))
    init = tf.random_uniform_initializer(-0.1, 0.1)
    with tf.variable_scope("language_model", reuse=None, initializer=init):
        ptb.PTBMODEL(4, 3, True, config, 10)
    n = len(tf.trainable_variables())
    with tf.variable_scope("language_model", reuse=True, initializer=init):
        ptb.PTBMODEL(1, 1, False, config, 10)
    assert len(tf.trainable_variables()) == n
    names = [v.name for v in tf.trainable_variables()]
    assert any(name.startswith("language_model/RNN/") for name in names)
    assert not any("while" in op.name for op in tf.get_default_graph().get_operations())


def test_test_model_end_to_end_with_checkpoint_and_resume(corpus, tmp_path, capsys):
    ckpt = str(tmp_path / "ckpt")
    flags = ["--model", "test", "--data_path", corpus, "--no_plot", "--save_path", ckpt]
    m = ptb.main(ptb.parse_args(flags + ["--max_steps", "2"]))
    out = capsys.readouterr().out
    assert m["steps"] == 2 and m["epochs"] == 1
    assert "In iteration:1\n" in out and "After 0 steps ,perplexity is " in out
    assert "Epoch 1 ,Validation perplexity :" in out and "TEST perplexity :" in out
    assert "Saved checkpoint" in out
    # small config decays from its 5th epoch: a run of 6 epochs resumed after 1
    resumed = ptb.main(ptb.parse_args(["--model", "small", "--hidden_size", "4", "--num_steps", "3",
                                       "--data_path", corpus, "--no_plot", "--save_path",
                                       str(tmp_path / "small"), "--epochs", "5"]))
    out = capsys.readouterr().out
    assert "Epoch: 5 Learning rate: 0.500" in out and resumed["epochs"] == 5
    again = ptb.main(ptb.parse_args(["--model", "small", "--hidden_size", "4", "--num_steps", "3",
                                     "--data_path", corpus, "--no_plot", "--save_path", str(tmp_path / "small"),
                                     "--restore", "--epochs", "6", "--sample", "5"]))
    out = capsys.readouterr().out
    assert "(5 epochs done)" in out and "Epoch: 5 " not in out
    assert "Epoch: 6 Learning rate: 0.250" in out and again["epochs"] == 1
    sample = [l for l in out.splitlines() if l.startswith("Sample: ")][0].split()[1:]
    assert len(sample) == 5 and set(sample) <= set(WORDS) | {"<eos>"}


def test_the_model_learns_the_tiny_corpus(corpus, tmp_path, monkeypatch, capsys):
    # the official small config (init +-0.1); the page's +-0.05 sits on a plateau this short run
    drawn = []
    monkeypatch.setattr(ptb, "save_figure", lambda *args: drawn.append(args))
    m = ptb.main(ptb.parse_args(["--model", "small", "--data_path", corpus, "--plot", str(tmp_path / "p.png"),
                                 "--hidden_size", "32", "--batch_size", "4", "--num_steps", "2", "--epochs", "4"]))
    assert m["vocab_size"] == 12
    assert m["valid_perplexity"] < 12 / 3      # well below a uniform model's 12
    assert m["test_perplexity"] < 12 / 3 and m["words_per_second"] > 0
    # the figure's training curve is what the run printed: each epoch's "After N steps" lines, then its
    # "Train perplexity", at their places within the epoch
    out = capsys.readouterr().out
    curves = drawn[0][2]
    assert len(curves) == 4
    for epoch, points in enumerate(curves):
        printed = out.split("In iteration:%d\n" % (epoch + 1))[1].split("Epoch %d ," % (epoch + 1))[0]
        values = [float(v) for v in re.findall(r"(?:perplexity is|Train perplexity:) (\S+)", printed)]
        assert len(values) >= 3 and [round(p, 3) for _, p in points] == values
        assert points[0][0] == epoch and points[-1][0] == epoch + 1
        assert all(epoch < x < epoch + 1 for x, _ in points[1:-1])


def test_logdir_scalars(corpus, tmp_path, tf, capsys):
    ptb.main(ptb.parse_args(["--model", "test", "--data_path", corpus, "--max_steps", "3",
                             "--logdir", str(tmp_path / "logs"), "--plot", str(tmp_path / "p.png")]))
    scalars = tensorboard_scalars(tmp_path / "logs")      # TensorBoard's reader; the names docs/running.md gives
    assert len(scalars["training_loss"]) == 3
    assert len(scalars["learning_rate"]) == len(scalars["validation_perplexity"]) == 1
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"


def test_bad_data_exits_2_with_one_line(tmp_path, capsys):
    folder = write_ptb(tmp_path)           # far too short for 20 x 35
    with pytest.raises(SystemExit) as e:
        ptb.main(ptb.parse_args(["--data_path", folder, "--no_plot"]))
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.startswith("error: ") and "too few" in err and err.count("\n") == 1


def test_missing_data_offline(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(ptb.reader, "MIRRORS", [(tmp_path / "nowhere.tgz").as_uri()])
    with pytest.raises(SystemExit) as e:
        ptb.main(ptb.parse_args(["--data_path", str(tmp_path / "none")]))
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.count("\n") == 1 and err.startswith("error: PTB not found")
    assert "ptb.train.txt" in err and "Traceback" not in err


def test_mirrors_from_the_environment():
    """MNIST_MIRRORS / PTB_MIRRORS (docs/running.md, Data) replace the download lists: read as the readers load."""
    code = "from data import input_data, reader; print(input_data.MIRRORS, reader.MIRRORS)"
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       env=dict(os.environ, MNIST_MIRRORS="file:///m1/ file:///m2/", PTB_MIRRORS="file:///p.tgz"))
    assert r.stdout.strip() == "['file:///m1/', 'file:///m2/'] ['file:///p.tgz']", r.stderr


@pytest.mark.parametrize("length", [60, 61, 30])   # 30: no full chunk of 35, only the tail
def test_chunked_evaluation_equals_one_word_per_call(tf, length, capsys):
    config = ptb.get_config(ptb.parse_args(["--model", "test", "--hidden_size", "8"]))
    tf.set_random_seed(length)                               # the same weights on every run
    init = tf.random_uniform_initializer(-1.0, 1.0)          # weights large enough for the state to matter
    with tf.variable_scope("language_model", initializer=init):
        step_model = ptb.PTBMODEL(1, 1, False, config, 20)
    with tf.variable_scope("language_model", reuse=True, initializer=init):
        chunked = {n: ptb.PTBMODEL(1, n, False, config, 20) for n in (7, 35)}
    data = list(np.random.RandomState(length).randint(0, 20, length))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        page, page_words, _ = ptb.run_epoch(sess, step_model, data, tf.no_op(), False)
        results = {n: ptb.run_epoch(sess, m, data, tf.no_op(), False, tail_model=step_model, progress_every=0)
                   for n, m in chunked.items()}
        # chunk by chunk: the cost with the state carried against the cost from the zero state, so the
        # equalities above would fail if the state were not carried between chunks
        m = chunked[7]
        state = zero = sess.run(m.initial_state)
        gaps = []
        for x, y in ptb.reader.ptb_iterator(data, 1, 7):
            feed = {m.input_data: x, m.targets: y}
            carried, state = sess.run([m.cost, m.final_state], {**feed, m.initial_state: state})
            gaps.append(abs(carried - sess.run(m.cost, {**feed, m.initial_state: zero})))
    assert page_words == length - 1                    # the page's loop predicts every word but the first
    for n, (perplexity, words, _) in results.items():
        assert words == length - 1
        assert perplexity == pytest.approx(page, rel=1e-4)
    if length >= 14:                                   # a second chunk exists
        assert gaps[0] == 0 and max(gaps[1:]) > 0.1    # cost per chunk is a sum of 7 cross-entropies
    assert "evaluating: %d / %d words" % (length - 1, length - 1) in capsys.readouterr().out


@pytest.mark.parametrize("unroll,layers,forget_bias", [("static", 2, 1.0), ("dynamic", 2, 0.0),
                                                       ("static", 1, 0.0)])
def test_fused_evaluation_computes_what_the_pages_cells_compute(tf, unroll, layers, forget_bias):
    """fused_lstm.run_cells runs the training cells' variables through one BlockLSTM op per layer: the
    same outputs and final states as the page's BasicLSTMCells, chunk after chunk (the state carried)."""
    config = ptb.get_config(ptb.parse_args(["--model", "test", "--hidden_size", "6", "--num_layers", str(layers)]))
    config.forget_bias = forget_bias
    init = tf.random_uniform_initializer(-1.0, 1.0)
    with tf.variable_scope("language_model", initializer=init):
        ptb.PTBMODEL(4, 5, True, config, 20, unroll)                  # creates the variables
    with tf.variable_scope("language_model", reuse=True):
        cells = ptb.PTBMODEL(1, 9, False, config, 20, unroll)
        fused = ptb.PTBMODEL(1, 9, False, config, 20, fused=True)
    assert len(tf.trainable_variables()) == 2 * layers + 3           # no variable of its own
    data = np.random.RandomState(layers).randint(0, 20, size=(3, 1, 10))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        states = [sess.run(cells.initial_state)] * 2
        for chunk in data:
            feed = [{m.input_data: chunk[:, :9], m.targets: chunk[:, 1:], m.initial_state: s}
                    for m, s in zip((cells, fused), states)]
            (cost_c, probs_c, state_c), (cost_f, probs_f, state_f) = [
                sess.run([m.cost, m.probs, m.final_state], f) for m, f in zip((cells, fused), feed)]
            assert cost_f == pytest.approx(cost_c, rel=1e-6)
            np.testing.assert_allclose(probs_f, probs_c, rtol=1e-5, atol=1e-7)
            np.testing.assert_allclose(np.array(state_f), np.array(state_c), rtol=1e-5, atol=1e-6)
            states = [state_c, state_f]


def test_eval_num_steps_gives_the_same_test_perplexity_end_to_end(corpus):
    flags = ["--model", "test", "--data_path", corpus, "--no_plot", "--max_steps", "3"]
    one = ptb.main(ptb.parse_args(flags + ["--eval_num_steps", "1"]))
    seven = ptb.main(ptb.parse_args(flags + ["--eval_num_steps", "7"]))
    assert (one["eval_num_steps"], seven["eval_num_steps"]) == (1, 7)
    assert seven["test_perplexity"] == pytest.approx(one["test_perplexity"], rel=1e-4)
    assert seven["valid_perplexity"] == pytest.approx(one["valid_perplexity"], rel=1e-4)
    assert one["eval_seconds"] > 0 and one["train_seconds"] > 0
    assert one["wall_seconds"] >= one["train_seconds"] + one["eval_seconds"]
    cells = ptb.main(ptb.parse_args(flags + ["--eval_num_steps", "7", "--eval_lstm", "cells"]))
    assert (seven["eval_lstm"], cells["eval_lstm"]) == ("fused", "cells")   # fused: the default on a CPU
    assert cells["test_perplexity"] == pytest.approx(seven["test_perplexity"], rel=1e-5)


def test_progress_prints_on_its_timer_or_when_forced(capsys):
    quiet = support.Progress(100, "evaluating", every=3600)
    quiet.update(10)
    assert capsys.readouterr().out == ""
    quiet.update(50, force=True)
    assert "evaluating: 50 / 100 words" in capsys.readouterr().out
    chatty = support.Progress(100, "sampling", every=0)
    chatty.update(20)
    line = capsys.readouterr().out
    assert "sampling: 20 / 100 words" in line and "words/s, ETA" in line


def test_a_diverging_run_stops_at_the_first_non_finite_loss(corpus, tmp_path, capsys):
    ckpt = tmp_path / "ckpt"
    flags = ["--model", "test", "--data_path", corpus, "--no_plot", "--save_path", str(ckpt), "--epochs", "1"]
    ptb.main(ptb.parse_args(flags))
    before = {p.name: p.read_bytes() for p in ckpt.iterdir()}
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        ptb.main(ptb.parse_args(flags + ["--restore", "--epochs", "3", "--learning_rate", "1e38"]))
    captured = capsys.readouterr()
    assert e.value.code == 2 and captured.err.count("\n") == 1
    assert captured.err.startswith("error: the training loss is ") and "lower the learning rate" in captured.err
    assert "Epoch 2 ,Validation" not in captured.out
    assert {p.name: p.read_bytes() for p in ckpt.iterdir()} == before    # the good checkpoint is untouched


def test_the_same_seed_gives_the_same_numbers_with_dynamic_unroll(corpus):
    """--unroll dynamic with dropout: dynamic_rnn ran up to 32 steps at once, so which step drew which
    dropout mask changed from run to run (the PTB page run printed 1,116 or 1,166); one step at a time,
    the same seed prints the same perplexities."""
    flags = ["--unroll", "dynamic", "--data_path", corpus, "--no_plot", "--max_steps", "2", "--batch_size", "4",
             "--hidden_size", "64"]        # the page's config (dropout 0.5, 35 steps), smaller
    first, second = (ptb.main(ptb.parse_args(flags)) for _ in range(2))
    assert (first["train_perplexity"], first["test_perplexity"]) == (second["train_perplexity"], second["test_perplexity"])

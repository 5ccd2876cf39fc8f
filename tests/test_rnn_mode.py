"""--rnn_mode block runs the pages' LSTM variables through one fused op per layer (support/fused_lstm.py): from
the same weights the same outputs and gradients as the pages' cells (basic), the same losses over a few
training steps, the same initial weights for the same seed, and a checkpoint of either mode restores in
the other."""
import json

import numpy as np
import pytest

import bilstm_mnist as bi
import lstm_mnist_classify as cls
import support
from mnist_files import learnable_idx

MODELS = [(cls, []), (cls, ["--variant", "projected", "--n_hidden_units", "16"]), (bi, ["--layers", "1"]),
          (bi, ["--layers", "2"]), (bi, ["--layers", "2", "--bw_output", "full"])]
IDS = ["stacked", "projected", "bilstm_1", "bilstm_2", "bilstm_2_full"]


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    return learnable_idx(str(tmp_path_factory.mktemp("mnist")), n_train=5100, n_test=30)


def graph_of(tf, module, flags, mode, seed=1):
    """The script's graph in one mode (its own tf.Graph, the script's seed), its tensors, and the
    gradients its optimizer applies (each variable's Adam update reads its gradient: none built twice)."""
    args = module.parse_args(flags + ["--rnn_mode", mode])
    support.start_run(seed)        # as main: tf-keras draws the cells' initial weights from Python's random
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        g = (module.define_projected_graph if "projected" in flags else module.define_graph)(args)
        applied = {op.inputs[0].op.name: op.inputs[9]                    # (var, m, v, ..., grad)
                   for op in graph.get_operations() if op.type == "ResourceApplyAdam"}
        grads = [applied[v.op.name] for v in tf.trainable_variables()]
        init = tf.global_variables_initializer()
    return graph, g, grads, init


@pytest.mark.parametrize("module,flags", MODELS, ids=IDS)
def test_both_modes_compute_the_same_function_and_gradients(tf, module, flags):
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(8, 28, 28)).astype(np.float32)
    if "projected" in flags:
        images /= 255.0
    labels = np.eye(10, dtype=np.float32)[rng.randint(0, 10, 8)]
    found = {}
    for mode in ("basic", "block"):
        graph, g, grads, init = graph_of(tf, module, flags, mode)
        with graph.as_default(), tf.Session(graph=graph) as sess:
            sess.run(init)                            # the same seed: the same initial weights
            names = [v.op.name for v in tf.trainable_variables()]
            weights = sess.run(tf.trainable_variables())
            inputs, targets = (g.x, g.y) if "projected" in flags else (g.X_p, g.y_p)
            logits = g.logits if module is cls else g.h
            train, loss = (g.train_op, g.cost) if "projected" in flags else (g.optimizer, g.cross_loss)
            outputs, gradients = sess.run([logits, grads], {inputs: images, targets: labels})
            losses = [sess.run([train, loss], {inputs: images, targets: labels})[1] for _ in range(5)]
        found[mode] = names, weights, outputs, gradients, losses
    (names_b, w_b, out_b, grad_b, loss_b), (names_f, w_f, out_f, grad_f, loss_f) = found["basic"], found["block"]
    assert names_b == names_f and all(np.array_equal(a, b) for a, b in zip(w_b, w_f))   # the cells' variables
    np.testing.assert_allclose(out_f, out_b, rtol=1e-5, atol=1e-6)
    for a, b in zip(grad_f, grad_b):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * np.abs(b).max())
    np.testing.assert_allclose(loss_f, loss_b, rtol=1e-5)
    assert loss_b[-1] < loss_b[0]                     # and it trains


@pytest.mark.parametrize("module,flags", [MODELS[0], MODELS[2]], ids=["stacked", "bilstm_1"])
def test_a_checkpoint_restores_in_the_other_mode(module, flags, mnist_dir, tmp_path, capsys):
    """Saved in basic, restored in block (and back): the same test accuracy from the same weights;
    checkpoint.json and the metrics say the mode; --help explains it."""
    ckpt = str(tmp_path / "ckpt")
    common = flags + ["--data_dir", mnist_dir, "--no_plot", "--batch_size", "50", "--save_path", ckpt]
    saved = module.main(module.parse_args(common + ["--max_steps", "3", "--rnn_mode", "basic"]))
    assert json.load(open(tmp_path / "ckpt" / "checkpoint.json"))["--rnn_mode"] == "basic"
    restored = {mode: module.main(module.parse_args(common + ["--max_steps", "3", "--restore", "--rnn_mode", mode]))
                for mode in ("block", "basic")}
    assert "Restored %s/model.ckpt-3" % ckpt in capsys.readouterr().out
    assert restored["block"]["rnn_mode"] == "block" and restored["basic"]["rnn_mode"] == "basic"
    assert restored["block"]["test_accuracy"] == restored["basic"]["test_accuracy"] == saved["test_accuracy"]
    with pytest.raises(SystemExit):
        module.parse_args(["--help"])
    assert "--rnn_mode {basic,block}" in capsys.readouterr().out


def test_the_default_mode_is_the_faster_on_a_cpu_and_the_pages_on_a_gpu():
    cpu, gpu = support.Device("CPU", "no GPU visible to TensorFlow"), support.Device("GPU", "NVIDIA T4")
    assert support.rnn_mode(None, cpu, "block") == "block"
    assert support.rnn_mode(None, gpu, "block") == "basic"      # not measured there
    assert support.rnn_mode("block", gpu, "basic") == "block"   # as asked
    assert "Device: %s" % gpu == "Device: GPU (NVIDIA T4)"      # the run's first line


def test_ptb_both_modes_compute_the_same_function_gradients_and_losses(tf):
    """PTBMODEL trained through the page's cells (static loop) or through one BlockLSTM op per layer
    (--rnn_mode block): the same initial weights for the same seed, cost, final state and gradients,
    and the same costs over 5 SGD steps (no dropout: dropout draws other masks in each mode)."""
    import ptb_language_model as ptb
    config = ptb.get_config(ptb.parse_args(["--model", "small", "--hidden_size", "8", "--num_steps", "6"]))
    data = np.random.RandomState(0).randint(0, 30, size=(6, 4, 7))
    found = {}
    for fused in (False, True):
        support.start_run(1)
        graph = tf.Graph()
        with graph.as_default():
            tf.set_random_seed(1)
            with tf.variable_scope("language_model", initializer=tf.random_uniform_initializer(-0.5, 0.5)):
                m = ptb.PTBMODEL(4, 6, True, config, 30, "static", fused)
            variables = tf.trainable_variables()
            grads = tf.gradients(m.cost, variables)
            with tf.Session(graph=graph) as sess:
                sess.run(tf.global_variables_initializer())
                m.assign_lr(sess, 1.0)
                weights = sess.run(variables)
                feed = {m.input_data: data[0, :, :6], m.targets: data[0, :, 1:]}
                first = sess.run([m.cost, m.final_state, grads], feed)
                state, costs = sess.run(m.initial_state), []
                for chunk in data[1:]:
                    cost, state, _ = sess.run([m.cost, m.final_state, m.train_op],
                                              {m.input_data: chunk[:, :6], m.targets: chunk[:, 1:], m.initial_state: state})
                    costs.append(cost)
                trained = sess.run(variables)
        found[fused] = [v.op.name for v in variables], weights, first, costs, trained
    (names_b, w_b, first_b, costs_b, t_b), (names_f, w_f, first_f, costs_f, t_f) = found[False], found[True]
    assert names_b == names_f and all(np.array_equal(a, b) for a, b in zip(w_b, w_f))
    assert first_f[0] == pytest.approx(first_b[0], rel=1e-6)
    np.testing.assert_allclose(np.array(first_f[1]), np.array(first_b[1]), rtol=1e-5, atol=1e-6)
    for a, b in zip(first_f[2], first_b[2]):
        a, b = (np.asarray(x.values if hasattr(x, "values") else x) for x in (a, b))
        np.testing.assert_allclose(np.sort(a.ravel()), np.sort(b.ravel()), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(costs_f, costs_b, rtol=1e-5)
    for start, a, b in zip(w_b, t_f, t_b):            # the same SGD steps, which moved every variable
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
        assert not np.allclose(b, start)


def test_ptb_a_checkpoint_restores_in_the_other_mode(tmp_path, capsys):
    import ptb_language_model as ptb
    from helpers import write_ptb
    corpus = write_ptb(tmp_path / "ptb", train="the cat sat on the mat\na dog ate the cat\n" * 30,
                       valid="the dog sat on the cat\n" * 10, test="a cat ate the dog\n" * 10)
    ckpt = str(tmp_path / "ckpt")
    common = ["--model", "test", "--data_path", corpus, "--no_plot", "--save_path", ckpt]
    saved = ptb.main(ptb.parse_args(common + ["--rnn_mode", "block"]))
    assert saved["rnn_mode"] == "block" and json.load(open(tmp_path / "ckpt" / "checkpoint.json"))["--rnn_mode"] == "block"
    again = ptb.main(ptb.parse_args(common + ["--rnn_mode", "basic", "--restore"]))   # 1 epoch done: tests only
    assert "Restored %s/model.ckpt-1" % ckpt in capsys.readouterr().out
    assert again["test_perplexity"] == pytest.approx(saved["test_perplexity"], rel=1e-5)
    with pytest.raises(SystemExit) as e:
        ptb.parse_args(["--rnn_mode", "block", "--unroll", "dynamic"])
    assert e.value.code == 2 and "--rnn_mode block runs each layer as one fused op" in capsys.readouterr().err

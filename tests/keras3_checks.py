"""Run by tests/test_keras3.py in a process of its own: Keras 3 runs eagerly, and the TF1 scripts' graphs
are built here inside explicit tf.Graph()s (the test process itself runs TF1 in graph mode everywhere).

For every model: random TF1 weights, the TF1 graph's outputs; the same weights copied into the keras3/
model (keras3/tf1_weights.py), its outputs. For the regression and PTB models, a few training steps
from the same weights on the same batches. Then each keras3/ script's --from_tf1 on the checkpoints the
test made. Prints one JSON object: {check: figure}.
"""
import json
import os
import sys

os.environ["TF_USE_LEGACY_KERAS"] = "1"   # the TF1 cells (tf-keras); `import keras` stays Keras 3
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "keras3")]

import numpy as np                                    # noqa: E402
import command_line                                   # noqa: E402  (keras3/)
keras = command_line.load_keras()
import tensorflow as tf2                              # noqa: E402
tf = tf2.compat.v1
tf.logging.set_verbosity(tf.logging.ERROR)
__import__("quick_tensorflow").quicken()   # as the test process does (tests/quick_tensorflow.py)
__import__("warnings").filterwarnings("ignore")

import tf1_weights                                    # noqa: E402
import lstm_regression as reg                         # noqa: E402
import lstm_sin_predict as sp                         # noqa: E402
import lstm_mnist_classify as cls                     # noqa: E402
import bilstm_mnist as bi                             # noqa: E402
import ptb_language_model as ptb                      # noqa: E402
from helpers import load_module                       # noqa: E402


def keras_script(name):
    return load_module("k3_" + name, os.path.join("keras3", name + ".py"))


RESULTS = {}


def tf1_session(build, seed=0):
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(seed)
        with tf.variable_scope("", initializer=tf.random_uniform_initializer(-0.5, 0.5)):
            out = build()
        sess = tf.Session(graph=graph)
        sess.run(tf.variables_initializer(graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)))
    return graph, sess, out


def values(graph, sess):
    with graph.as_default():
        return {v.op.name: sess.run(v) for v in tf.trainable_variables()}


def diff(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


# -------------------------------------------------------------------------------- regression
def regression(cell):
    argv = ["--cell", cell, "--no_plot"] + (["--batch_size", "4"] if cell == "lstm" else [])
    args = reg.parse_args(argv)
    reg.apply_flags(args)
    Model = reg.RNNRegression if cell == "rnn" else reg.LSTMRNN
    graph, sess, m = tf1_session(lambda: Model(reg.TIME_STEPS, 1, 1, reg.CELL_SIZE, reg.BATCH_SIZE))
    w = values(graph, sess)
    kargs = keras_script("lstm_regression").parse_args(argv[:2] + argv[3:])
    model = keras_script("lstm_regression").build_model(kargs, keras)
    if cell == "lstm":
        model.get_layer("in_hidden").set_weights([w["in_hidden/weights"], w["in_hidden/biases"]])
        model.get_layer("LSTM_cell").set_weights(tf1_weights.lstm(w["LSTM_cell/rnn/basic_lstm_cell/kernel"],
                                                                  w["LSTM_cell/rnn/basic_lstm_cell/bias"]))
        model.get_layer("out_hidden").set_weights([w["out_hidden/weights"], w["out_hidden/biases"]])
        next_batch = reg.get_batch
    else:
        model.get_layer("rnn").set_weights(tf1_weights.rnn(w["LSTM_cell/rnn/basic_rnn_cell/kernel"],
                                                           w["LSTM_cell/rnn/basic_rnn_cell/bias"]))
        model.get_layer("dense").set_weights(tf1_weights.dense(w["out_hidden/dense/kernel"],
                                                               w["out_hidden/dense/bias"]))
        next_batch = reg.get_window_batch
    batches = [next_batch()[:2] for _ in range(8)]
    # the same function, the state carried across 3 batches
    state, tf1_preds = None, []
    with graph.as_default():
        for seq, _ in batches[:3]:
            feed = {m.xs: seq} if state is None else {m.xs: seq, m.cell_init_state: state}
            pred, state = sess.run([m.pred, m.cell_final_state], feed)
            tf1_preds.append(pred.reshape(-1))
    RESULTS["regression_%s_outputs" % cell] = max(
        diff(p, np.asarray(model(seq)).reshape(-1)) for p, (seq, _) in zip(tf1_preds, batches))
    # training: 5 steps from the same weights on the same batches (the states carried on)
    tf1_losses, k3_losses = [], []
    with graph.as_default():
        for seq, res in batches[3:]:
            _, cost, state = sess.run([m.train_op, m.cost, m.cell_final_state],
                                      {m.xs: seq, m.ys: res, m.cell_init_state: state})
            tf1_losses.append(float(cost))
    for seq, res in batches[3:]:
        k3_losses.append(float(model.train_on_batch(seq, res)))
    RESULTS["regression_%s_training" % cell] = max(abs(a - b) / abs(a) for a, b in zip(tf1_losses, k3_losses))


# -------------------------------------------------------------------------------- sin
def sin(variant):
    argv = ["--variant", variant, "--no_plot", "--train_examples", "400", "--test_examples", "150"]
    args = sp.parse_args(argv)
    builder = {"single": sp.build_single, "multilayer": sp.build_multilayer}.get(variant)

    def forward():          # the page's placeholders and LSTM (no optimizer: only outputs are compared)
        if variant == "dense":
            g = sp.build_tflearn_graph(args)
            return {"X_p": g.X, "h": g.predictions}
        X_p = tf.placeholder(tf.float32, (None, args.time_steps, 1))
        return {"X_p": X_p, "h": builder(X_p, args)}
    graph, sess, g = tf1_session(forward)
    w = values(graph, sess)
    data = sp.make_tflearn_data(args) if variant == "dense" else sp.make_data(args)
    X = data[2][:64]
    with graph.as_default():
        tf1_out = sess.run(g["h"], {g["X_p"]: X})
    module = keras_script("lstm_sin_predict")
    model = module.build_model(module.parse_args([a for a in argv if a != "--no_plot"]), keras, X.shape[1:])
    for k, weights in enumerate(tf1_weights.lstm_cells(w, "rnn/")):
        model.get_layer("lstm_%d" % k).set_weights(weights)
    if variant == "dense":
        model.get_layer("fully_connected").set_weights(tf1_weights.dense(w["fully_connected/kernel"],
                                                                         w["fully_connected/bias"]))
    RESULTS["sin_%s_outputs" % variant] = diff(tf1_out, model(X))


# -------------------------------------------------------------------------------- MNIST
def mnist(variant=None, layers=None, bw_output="page"):
    images = np.random.RandomState(0).randint(0, 256, size=(16, 28, 28)).astype(np.float32) / 255.0
    if variant:
        argv = ["--variant", variant, "--no_plot", "--n_hidden_units", "12"]
        args = cls.parse_args(argv)
        build = cls.build_stacked if variant == "stacked" else cls.build_projected
        graph, sess, g = tf1_session(lambda: dict(zip(["X_p", "y_p", "h"], build(args))))
        module, name = keras_script("lstm_mnist_classify"), "mnist_%s" % variant
    else:
        argv = ["--layers", str(layers), "--bw_output", bw_output, "--no_plot"]
        args = bi.parse_args(argv)
        graph, sess, g = tf1_session(lambda: dict(zip(["X_p", "y_p", "h"], bi.build_bidirectional(args))))
        module, name = keras_script("bilstm_mnist"), "bilstm_%d_%s" % (layers, bw_output)
    with graph.as_default():
        variables = {v.op.name: sess.run(v) for v in tf.trainable_variables()}
        tf1_out = sess.run(g["h"], {g["X_p"]: images})
    kargs = module.parse_args([a for a in argv if a != "--no_plot"])
    model = module.build_model(kargs, keras)
    module.set_tf1_weights(model, variables, kargs)
    RESULTS[name + "_outputs"] = diff(tf1_out, model(images))


# -------------------------------------------------------------------------------- PTB
def ptb_model():
    config = ptb.get_config(ptb.parse_args(["--model", "test", "--hidden_size", "8", "--num_layers", "2"]))
    config.forget_bias, config.max_grad_norm = 1.0, 0.5    # the page's forget bias; clipping that acts
    vocab, data = 30, np.random.RandomState(1).randint(0, 30, size=200)

    def build():
        train = ptb.PTBMODEL(4, 5, True, config, vocab, "static")
        tf.get_variable_scope().reuse_variables()
        return train, ptb.PTBMODEL(1, 7, False, config, vocab, "static")
    graph, sess, (train, evaluate) = tf1_session(build)
    w = values(graph, sess)
    module = keras_script("ptb_language_model")
    c = dict(module.CONFIGS["test"], hidden_size=8, num_layers=2, forget_bias=1.0, max_grad_norm=0.5,
             batch_size=4, num_steps=5)
    k_train = module.build_model(c, vocab, 4, keras, training=True)
    k_eval = module.build_model(c, vocab, 1, keras, training=False)
    for model in (k_train, k_eval):
        model.get_layer("embedding").set_weights([w["embedding"]])
        for k, weights in enumerate(tf1_weights.lstm_cells(w, "RNN/", 1.0)):
            model.get_layer("lstm_%d" % k).set_weights(weights)
        model.get_layer("softmax").set_weights(tf1_weights.dense(w["weight"], w["bias"]))
    # evaluation: chunks of 7 at batch 1, the state carried: the same cost chunk after chunk
    chunks, costs = list(ptb.reader.ptb_iterator(data, 1, 7)), []
    with graph.as_default():
        state = sess.run(evaluate.initial_state)
        for x, y in chunks:
            cost, state = sess.run([evaluate.cost, evaluate.final_state],
                                   {evaluate.input_data: x, evaluate.targets: y, evaluate.initial_state: state})
            costs.append(float(cost))
    RESULTS["ptb_evaluation_outputs"] = max(abs(cost - float(k_eval.test_on_batch(x, y))) / cost
                                            for cost, (x, y) in zip(costs, chunks))
    # training: 6 SGD steps (lr 1.0, global-norm clipping 0.5) on the same batches, the state carried
    tf1_losses = []
    with graph.as_default():
        train.assign_lr(sess, 1.0)
        state = sess.run(train.initial_state)
        for step, (x, y) in enumerate(ptb.reader.ptb_iterator(data, 4, 5)):
            if step == 6:
                break
            cost, state, _ = sess.run([train.cost, train.final_state, train.train_op],
                                      {train.input_data: x, train.targets: y, train.initial_state: state})
            tf1_losses.append(float(cost))
    k_losses = [float(k_train.train_on_batch(x, y)) for _, (x, y) in zip(range(6),
                                                                         ptb.reader.ptb_iterator(data, 4, 5))]
    RESULTS["ptb_training"] = max(abs(a - b) / a for a, b in zip(tf1_losses, k_losses))
    RESULTS["ptb_training_losses"] = [tf1_losses, k_losses]


# -------------------------------------------------------------------------------- --from_tf1
def from_tf1(requests):
    """requests: [script, argv] pairs; the keras3 script's main with --from_tf1, its test figure."""
    import io
    for name, argv in requests:
        module = keras_script(name)
        err, sys.stderr = sys.stderr, io.StringIO()
        try:
            m = module.main(module.parse_args(argv), keras)
            result = m.get("test_accuracy", m.get("test_perplexity"))
        except SystemExit as e:                   # a refused checkpoint: its exit status and line
            result = [e.code, sys.stderr.getvalue()]
        finally:
            sys.stderr = err
        RESULTS["from_tf1 %s %s" % (name, " ".join(argv))] = result


if __name__ == "__main__":
    sys.stdout = sys.stderr            # the scripts' prints; the results go to the real stdout at the end
    for cell in ("lstm", "rnn"):
        regression(cell)
    for variant in ("single", "multilayer", "dense"):
        sin(variant)
    for variant in ("stacked", "projected"):
        mnist(variant=variant)
    for layers, bw in ((1, "page"), (2, "page"), (2, "full")):
        mnist(layers=layers, bw_output=bw)
    ptb_model()
    from_tf1(json.loads(sys.argv[1]) if len(sys.argv) > 1 else [])
    sys.__stdout__.write(json.dumps(RESULTS) + "\n")

"""A bidirectional LSTM reads an MNIST image row by row, forwards and backwards: the guide's Ⅳ (one layer
of 10 each way) and Ⅴ (30 -> 10 each way), in today's Keras 3.

Read it beside ../bilstm_mnist.py. TF1's bidirectional_dynamic_rnn gives the backward outputs back in
input order; a Keras LSTM with go_backwards=True gives them in the order it read them (last row first).
So the page's outputs_bw[:, -1] (the backward pass after only the last row) is backward[:, 0] here, and
--bw_output full's outputs_bw[:, 0] (after every row) is backward[:, -1].

    python keras3/bilstm_mnist.py                    # guide Ⅴ
    python keras3/bilstm_mnist.py --layers 1         # guide Ⅳ
    python keras3/bilstm_mnist.py --from_tf1 ckpt    # the TF1 model's test accuracy, here
"""
import os
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
import support             # noqa: E402  (flags, errors, metrics; no TensorFlow)
import numpy as np         # noqa: E402  (after support: it says what to install)
import command_line        # noqa: E402  (keras3/: their flags and start)
import tf1_weights         # noqa: E402  (keras3/: TF1 variables -> Keras weights)

# the pages' values and flags, from ../bilstm_mnist.py (importing it loads no TensorFlow)
import bilstm_mnist as page  # noqa: E402
from bilstm_mnist import HIDDEN_UNITS, TIME_STEPS  # noqa: E402


def build_model(args, keras):
    """Two stacks of LSTMs, one reading the rows forwards, one backwards; logits = their sum."""
    layers = keras.layers
    inputs = keras.Input(shape=(TIME_STEPS, 28))
    sizes = [HIDDEN_UNITS] if args.layers == 1 else [args.hidden_units1, HIDDEN_UNITS]
    forward, backward = inputs, inputs
    for k, units in enumerate(sizes):
        forward = layers.LSTM(units, return_sequences=True, unit_forget_bias=True, name="fw_%d" % k)(forward)
        backward = layers.LSTM(units, return_sequences=True, unit_forget_bias=True, go_backwards=k == 0,
                               name="bw_%d" % k)(backward)      # the second layer reads the reversed rows on
    last_bw = backward[:, 0, :] if args.bw_output == "page" else backward[:, -1, :]
    model = keras.Model(inputs, forward[:, -1, :] + last_bw)
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate, epsilon=1e-8),   # TF1's epsilon
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def set_tf1_weights(model, variables, args):
    for way in ("fw", "bw"):
        for k, weights in enumerate(tf1_weights.lstm_cells(variables, "bidirectional_rnn/%s/" % way)):
            model.get_layer("%s_%d" % (way, k)).set_weights(weights)


def main(args, keras):
    support.start_run(args.seed)
    keras.utils.set_random_seed(args.seed)
    mnist = support.load_mnist(args, 0)
    X_test, y_test = support.mnist_test_set(mnist, args.pixels)
    model = build_model(args, keras)
    steps, start = 0, time.time()
    if args.from_tf1:
        model_flags = {"script": "bilstm_mnist.py", "--layers": args.layers, "--bw_output": args.bw_output}
        if args.layers == 2:
            model_flags["--hidden_units1"] = args.hidden_units1
        set_tf1_weights(model, tf1_weights.checked_checkpoint(args.from_tf1, model_flags), args)
    else:   # the guide's loop: every epoch, the training images in order, 128 at a time
        X_train = support.to_pixels(mnist.train.images, args.pixels).reshape(-1, 28, 28)
        batches = len(X_train) // args.batch_size
        for epoch in range(1, args.epochs + 1):
            print("epoch:", epoch)
            n = min(batches, (args.max_steps or batches * args.epochs) - steps)
            if n <= 0:
                break
            history = model.fit(X_train[:n * args.batch_size], mnist.train.labels[:n * args.batch_size],
                                batch_size=args.batch_size, epochs=1, shuffle=False, verbose=0)
            steps += n
            print("average training loss:", history.history["loss"][0])
            print("accuracy:", history.history["accuracy"][0])
    wall = time.time() - start
    logits = model.predict(X_test, batch_size=support.EVAL_BATCH, verbose=0)
    accuracy = float(np.mean(np.argmax(logits, 1) == np.argmax(y_test, 1)))
    print("test accuracy: %.4f (all %d test images)" % (accuracy, len(X_test)))
    return support.write_metrics(args.metrics_json, {
        "script": "keras3/bilstm_mnist.py", "variant": "%d layers, bw_output %s" % (args.layers, args.bw_output),
        "pixels": args.pixels, "steps": steps, "wall_seconds": round(wall, 3), "test_accuracy": accuracy,
        "examples_per_second": round(steps * args.batch_size / max(wall, 1e-9), 1)})


def parse_args(argv=None):
    p = support.parser("Bidirectional LSTM MNIST classification (guide Ⅳ and Ⅴ) in Keras 3.")
    page.add_page_flags(p)              # the TF1 script's flags of the page's values, their help included
    command_line.add_keras_flags(p, from_tf1="bilstm_mnist.py")
    return command_line.parse_keras(p, argv)


if __name__ == "__main__":
    command_line.run_keras(main, parse_args, "--learning_rate")

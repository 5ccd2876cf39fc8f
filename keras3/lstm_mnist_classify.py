"""An LSTM reads an MNIST image row by row and classifies it: the guide's Ⅲ (stacked 30 -> 10) and the
notes page's projected model (28 -> 128 -> LSTM(128) -> 10), in today's Keras 3.

Read it beside ../lstm_mnist_classify.py: the same data reader, pixel scales, batches, flags and printed
lines. `--from_tf1 DIR` evaluates a checkpoint saved by ../lstm_mnist_classify.py --save_path DIR.

    python keras3/lstm_mnist_classify.py                        # guide Ⅲ, 50 epochs
    python keras3/lstm_mnist_classify.py --variant projected    # the notes page
    python keras3/lstm_mnist_classify.py --from_tf1 ckpt        # the TF1 model's test accuracy, here
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

# the pages' values and flags, from ../lstm_mnist_classify.py (importing it loads no TensorFlow)
import lstm_mnist_classify as page  # noqa: E402
from lstm_mnist_classify import HIDDEN_UNITS, TIME_STEPS, n_classes  # noqa: E402


def build_model(args, keras, batch=None):
    """Guide Ⅲ: two LSTMs, the last one's 10 outputs are the logits; notes page: Dense -> LSTM -> Dense."""
    layers = keras.layers
    x = inputs = keras.Input(batch_shape=(batch, TIME_STEPS, 28))
    if args.variant == "stacked":
        x = layers.LSTM(args.hidden_units1, return_sequences=True, unit_forget_bias=True, name="lstm_1")(x)
        logits = layers.LSTM(HIDDEN_UNITS, unit_forget_bias=True, name="lstm_2")(x)   # outputs[:, -1, :]
    else:
        normal, point_one = keras.initializers.RandomNormal(0.0, 1.0), keras.initializers.Constant(0.1)
        x = layers.Dense(args.n_hidden_units, kernel_initializer=normal, bias_initializer=point_one,
                         name="in")(x)
        x = layers.LSTM(args.n_hidden_units, unit_forget_bias=True, name="lstm")(x)
        logits = layers.Dense(n_classes, kernel_initializer=normal, bias_initializer=point_one, name="out")(x)
    model = keras.Model(inputs, logits)
    model.compile(optimizer=keras.optimizers.Adam(args.learning_rate, epsilon=1e-8),   # TF1's epsilon
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def set_tf1_weights(model, variables, args):
    """The TF1 script's variables (a checkpoint's {name: value}) into this model."""
    if args.variant == "stacked":
        first, second = tf1_weights.lstm_cells(variables, "rnn/")
        model.get_layer("lstm_1").set_weights(first)
        model.get_layer("lstm_2").set_weights(second)
    else:   # the page's weights/biases dicts: tf.Variable, named Variable, Variable_1, ... in order
        model.get_layer("in").set_weights(tf1_weights.dense(variables["Variable"], variables["Variable_2"]))
        model.get_layer("lstm").set_weights(tf1_weights.lstm_cells(variables, "rnn/")[0])
        model.get_layer("out").set_weights(tf1_weights.dense(variables["Variable_1"], variables["Variable_3"]))


def main(args, keras):
    support.start_run(args.seed)
    keras.utils.set_random_seed(args.seed)
    mnist = support.load_mnist(args, 0 if args.variant == "stacked" else 5000)
    X_test, y_test = support.mnist_test_set(mnist, args.pixels)
    model = build_model(args, keras)
    steps, start = 0, time.time()
    if args.from_tf1:
        set_tf1_weights(model, checked_checkpoint(args), args)
    elif args.variant == "stacked":   # the guide: every epoch, the training images in order, 128 at a time
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
    else:                              # the notes page: next_batch until training_iters examples
        while steps * args.batch_size < args.training_iters and steps < (args.max_steps or float("inf")):
            batch_xs, batch_ys = mnist.train.next_batch(args.batch_size)
            batch_xs = support.to_pixels(batch_xs, args.pixels).reshape(-1, 28, 28)
            model.train_on_batch(batch_xs, batch_ys)
            if steps % 20 == 0:
                print(model.evaluate(batch_xs, batch_ys, verbose=0)[1])
            steps += 1
    wall = time.time() - start
    logits = model.predict(X_test, batch_size=support.EVAL_BATCH, verbose=0)
    accuracy = float(np.mean(np.argmax(logits, 1) == np.argmax(y_test, 1)))
    print("test accuracy: %.4f (all %d test images)" % (accuracy, len(X_test)))
    return support.write_metrics(args.metrics_json, {
        "script": "keras3/lstm_mnist_classify.py", "variant": args.variant, "pixels": args.pixels,
        "steps": steps, "wall_seconds": round(wall, 3), "test_accuracy": accuracy,
        "examples_per_second": round(steps * args.batch_size / max(wall, 1e-9), 1)})


def checked_checkpoint(args):
    """The variables of the TF1 checkpoint in --from_tf1, refused in one line if another script or other
    flags built it (its checkpoint.json, as --restore checks)."""
    model = {"script": "lstm_mnist_classify.py", "--variant": args.variant}
    model.update({"--hidden_units1": args.hidden_units1} if args.variant == "stacked"
                 else {"--n_hidden_units": args.n_hidden_units})
    return tf1_weights.checked_checkpoint(args.from_tf1, model)


def parse_args(argv=None):
    p = support.parser("LSTM MNIST classification, row by row (guide Ⅲ; the notes page) in Keras 3.")
    page.add_page_flags(p)              # the TF1 script's flags of the page's values, their help included
    command_line.add_keras_flags(p, from_tf1="lstm_mnist_classify.py")
    args = command_line.parse_keras(p, argv)
    args.pixels = args.pixels or ("raw" if args.variant == "stacked" else "unit")
    return args


if __name__ == "__main__":
    command_line.run_keras(main, parse_args, "--learning_rate")

"""Predict the next value of a sin curve with an LSTM: the guide's Ⅰ (one LSTM of 1 unit), Ⅱ and Ⅱ' (30 -> 1;
Ⅱ' only unrolled Ⅱ by hand, which Keras does for you) and the TFLearn page's 2 x 30 LSTM with a linear
head, in today's Keras 3.

Read it beside ../lstm_sin_predict.py: the same data, batches, flags and printed lines.

    python keras3/lstm_sin_predict.py                     # guide Ⅱ, 50 epochs
    python keras3/lstm_sin_predict.py --variant dense     # the TFLearn page, 3000 steps
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import support   # noqa: E402  (flags, errors, metrics; no TensorFlow)
import numpy as np  # noqa: E402  (after support: it says what to install)
import command_line  # noqa: E402  (keras3/: their flags and start)
# the pages' values and TFLearn's batch order, from ../lstm_sin_predict.py (importing it loads no TensorFlow)
import lstm_sin_predict as page  # noqa: E402
from lstm_sin_predict import COMMON, SAMPLE_GAP, VARIANTS, tflearn_batches  # noqa: E402


def windows(seq, time_steps, last):
    """Windows of time_steps values and the value after each; the TFLearn page stops one window early."""
    n = len(seq) - time_steps - (1 if last else 0)
    X = np.array([seq[i:i + time_steps] for i in range(n)], dtype=np.float32)
    return X, np.array([[seq[i + time_steps]] for i in range(n)], dtype=np.float32)


def make_data(args):
    if args.variant == "dense":   # sin every SAMPLE_GAP; windows as ONE step of time_steps values
        end = args.train_examples * SAMPLE_GAP
        train = np.sin(np.linspace(0, end, args.train_examples, dtype=np.float32))
        test = np.sin(np.linspace(end, end + args.test_examples * SAMPLE_GAP, args.test_examples,
                                  dtype=np.float32))
        (X, y), (Xt, yt) = windows(train, args.time_steps, True), windows(test, args.time_steps, True)
        return X[:, np.newaxis, :], y, Xt[:, np.newaxis, :], yt
    train = np.sin(np.linspace(0, 100, args.train_examples, dtype=np.float32))
    test = np.sin(np.linspace(100, 110, args.test_examples, dtype=np.float32))
    (X, y), (Xt, yt) = windows(train, args.time_steps, False), windows(test, args.time_steps, False)
    return X[:, :, np.newaxis], y, Xt[:, :, np.newaxis], yt


def build_model(args, keras, input_shape):
    layers = keras.layers
    x = inputs = keras.Input(shape=input_shape)
    if args.variant == "single":      # Ⅰ: the LSTM's own output is the prediction
        prediction = layers.LSTM(args.hidden_units, unit_forget_bias=True, name="lstm_0")(x)
    elif args.variant == "dense":     # TFLearn: NUM_LAYERS LSTMs of HIDDEN_SIZE, then fully_connected(1)
        for k in range(args.num_layers):
            x = layers.LSTM(args.hidden_units, return_sequences=k < args.num_layers - 1,
                            unit_forget_bias=True, name="lstm_%d" % k)(x)
        prediction = layers.Dense(1, name="fully_connected")(x)
    else:                             # Ⅱ, Ⅱ': MultiRNNCell 30 -> 1, the last step's output
        x = layers.LSTM(args.hidden_units1, return_sequences=True, unit_forget_bias=True, name="lstm_0")(x)
        prediction = layers.LSTM(args.hidden_units, unit_forget_bias=True, name="lstm_1")(x)
    model = keras.Model(inputs, prediction)
    if args.variant == "dense":       # TF1's Adagrad: accumulators from 0.1, no epsilon
        optimizer = keras.optimizers.Adagrad(args.learning_rate, initial_accumulator_value=0.1, epsilon=1e-12)
    else:
        optimizer = keras.optimizers.Adam(args.learning_rate, epsilon=1e-8)
    model.compile(optimizer=optimizer, loss="mean_squared_error")
    return model


def main(args, keras):
    support.start_run(args.seed)
    keras.utils.set_random_seed(args.seed)
    X, y, X_test, y_test = make_data(args)
    model = build_model(args, keras, X.shape[1:])
    start, step = time.time(), 0
    if args.variant == "dense":       # regressor.fit(train_X, train_y, batch_size=32, steps=3000)
        batches = tflearn_batches(len(X), args.batch_size, args.seed)
        for step in range(1, min(args.steps, args.max_steps or args.steps) + 1):
            idx = next(batches)
            loss = float(model.train_on_batch(X[idx], y[idx]))
            support.check_finite(loss, step)
            if step % 100 == 1:
                print("loss = %g, step = %d" % (loss, step))
        test_mse = float(model.evaluate(X_test, y_test, batch_size=1024, verbose=0))
        print('Mean Square Error is: %f' % np.sqrt(test_mse))   # the page's name for the RMSE
    else:                             # the guide: EPOCH passes over the windows in order
        batches = args.train_examples // args.batch_size
        for epoch in range(1, args.epochs + 1):
            n = min(batches, (args.max_steps or batches * args.epochs) - step)
            if n <= 0:
                break
            print("epoch:", epoch)
            history = model.fit(X[:n * args.batch_size], y[:n * args.batch_size], batch_size=args.batch_size,
                                epochs=1, shuffle=False, verbose=0)
            step += n
            print("average training loss:", history.history["loss"][0])
            test_mse = float(model.evaluate(X_test, y_test, batch_size=args.batch_size, verbose=0))
            print("average test loss:", test_mse)
    wall = time.time() - start
    print("test mse: %.6f (all %d test windows)" % (test_mse, len(y_test)))
    return support.write_metrics(args.metrics_json, {
        "script": "keras3/lstm_sin_predict.py", "variant": args.variant, "steps": step,
        "wall_seconds": round(wall, 3), "test_mse": test_mse,
        "examples_per_second": round(step * args.batch_size / wall, 1)})


def parse_args(argv=None):
    p = support.parser("LSTM sin prediction (the guide's part 二; the TFLearn page) in Keras 3.")
    page.add_page_flags(p)              # the TF1 script's flags of the page's values, their help included
    command_line.add_keras_flags(p)
    return command_line.parse_keras(p, argv, lambda args: dict(COMMON, **VARIANTS[args.variant]))


if __name__ == "__main__":
    command_line.run_keras(main, parse_args, "--learning_rate")

"""Morvan's LSTM regression (sin -> cos), and the notes page's BasicRNNCell version, in today's Keras 3.

Read it beside ../lstm_regression.py (the page's TF1 code): the same constants, data, flags and printed
lines. Today a stateful Keras layer carries the state from batch to batch, where the page fed the final
state back through a placeholder; train_on_batch is one session.run of the train op.

    python keras3/lstm_regression.py               # Morvan's page: 200 steps, `cost:` every 20
    python keras3/lstm_regression.py --cell rnn    # the notes page's BasicRNNCell
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import support   # noqa: E402  (flags, errors, metrics; no TensorFlow)
import numpy as np  # noqa: E402  (after support: it says what to install)
import command_line  # noqa: E402  (keras3/: their flags and start)
# the pages' values and flags, from ../lstm_regression.py (importing it loads no TensorFlow)
import lstm_regression as page  # noqa: E402
from lstm_regression import INPUT_SIZE, OUTPUT_SIZE, PAGE_DEFAULTS, TEST_BATCHES  # noqa: E402


# ------------------------------------------------------------------------------ data
def get_batch(start, time_steps, batch_size):
    """Morvan's batch from x = start / (10 pi): row i of the next batch continues row i of this one."""
    xs = np.arange(start, start + time_steps * batch_size).reshape((batch_size, time_steps)) / (10 * np.pi)
    return np.sin(xs)[:, :, np.newaxis], np.cos(xs)[:, :, np.newaxis], start + time_steps


def get_window_batch(step, time_steps, batch_size):
    """The notes page's windows [k pi, (k+1) pi], sampled at time_steps points."""
    starts = (step + np.arange(batch_size))[:, np.newaxis] * np.pi
    xs = starts + np.linspace(0, np.pi, time_steps)[np.newaxis, :]
    return np.sin(xs)[:, :, np.newaxis], np.cos(xs)[:, :, np.newaxis], step + 1


# ------------------------------------------------------------------------------ the model
def build_model(args, keras):
    """Morvan's in_hidden -> LSTM_cell -> out_hidden, or the notes page's BasicRNNCell + dense."""
    layers, ops = keras.layers, keras.ops
    inputs = keras.Input(batch_shape=(args.batch_size, args.time_steps, INPUT_SIZE))
    if args.cell == "lstm":
        normal, point_one = keras.initializers.RandomNormal(0.0, 1.0), keras.initializers.Constant(0.1)
        x = layers.Dense(args.cell_size, kernel_initializer=normal, bias_initializer=point_one,
                         name="in_hidden")(inputs)
        # TF1: BasicLSTMCell(forget_bias=1.0) + dynamic_rnn, state fed back; here stateful=True
        x = layers.LSTM(args.cell_size, return_sequences=True, stateful=True, unit_forget_bias=True,
                        name="LSTM_cell")(x)
        pred = layers.Dense(OUTPUT_SIZE, kernel_initializer=normal, bias_initializer=point_one,
                            name="out_hidden")(x)

        def cost(ys, pred):    # the page: summed squared error over the batch, divided by BATCH_SIZE
            return ops.sum(ops.square(ys - pred), axis=[1, 2])
    else:
        x = layers.SimpleRNN(args.cell_size, return_sequences=True, stateful=True, name="rnn")(inputs)
        pred = layers.Dense(OUTPUT_SIZE, name="dense")(x)
        cost = "mean_squared_error"   # tf.losses.mean_squared_error over every step
    model = keras.Model(inputs, pred)
    # TF1's AdamOptimizer: epsilon 1e-8 (Keras' default is 1e-7)
    model.compile(optimizer=keras.optimizers.Adam(args.lr, epsilon=1e-8), loss=cost)
    return model


# ------------------------------------------------------------------------------ training
def main(args, keras):
    next_batch = get_window_batch if args.cell == "rnn" else get_batch
    support.start_run(args.seed)
    keras.utils.set_random_seed(args.seed)
    model = build_model(args, keras)
    steps = min(args.steps, args.max_steps or args.steps)
    where, costs = 0, []
    start = time.time()
    for i in range(steps):
        seq, res, where = next_batch(where, args.time_steps, args.batch_size)
        cost = float(model.train_on_batch(seq, res))   # the layer keeps its final state for the next batch
        support.check_finite(cost, i + 1, "cost")
        costs.append(cost)
        if i % 20 == 0:
            print('cost: ', round(cost, 4))
    wall = time.time() - start
    errors = []
    for _ in range(TEST_BATCHES):
        seq, res, where = next_batch(where, args.time_steps, args.batch_size)
        errors.append((np.asarray(model.predict_on_batch(seq)).reshape(-1) - res.reshape(-1)) ** 2)
    test_mse = float(np.mean(errors))
    print('test mse (next %d batches, not trained on): %.4f' % (TEST_BATCHES, test_mse))
    return support.write_metrics(args.metrics_json, {
        "script": "keras3/lstm_regression.py", "variant": args.cell, "steps": steps,
        "wall_seconds": round(wall, 3), "final_train_loss": costs[-1], "test_mse": test_mse,
        "examples_per_second": round(steps * args.batch_size / wall, 1)})


def parse_args(argv=None):
    p = support.parser("Morvan's LSTM regression (sin -> cos) in Keras 3.")
    page.add_page_flags(p)              # the TF1 script's flags of the page's values, their help included
    command_line.add_keras_flags(p)
    return command_line.parse_keras(p, argv, lambda args: PAGE_DEFAULTS[args.cell])


if __name__ == "__main__":
    command_line.run_keras(main, parse_args, "--lr")

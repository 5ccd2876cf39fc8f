"""The PTB word-level LSTM language model of the TensorFlow book's page (and the official configs), in
today's Keras 3.

Read it beside ../ptb_language_model.py: the same reader, configs, flags and printed lines. Stateful
LSTM layers carry the state from batch to batch (the page fed final_state back as initial_state), the
optimizer's global_clipnorm is the page's clip_by_global_norm, and the loss is the page's: each
sequence's summed cross-entropy, averaged over the batch.

    python keras3/ptb_language_model.py --data_path data/ptb          # the page: 2 epochs
    python keras3/ptb_language_model.py --from_tf1 ckpt              # the TF1 model's test perplexity
"""
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HERE)
import support                      # noqa: E402  (flags, errors, metrics; no TensorFlow)
import numpy as np                  # noqa: E402  (after support: it says what to install)
import command_line                 # noqa: E402  (keras3/: their flags and start)
import tf1_weights                  # noqa: E402  (keras3/: TF1 variables -> Keras weights)
from data import reader             # noqa: E402

# the page's values and the official configs, from ../ptb_language_model.py (importing it loads no TensorFlow)
import ptb_language_model as page   # noqa: E402
CONFIGS = {name: {k: v for k, v in vars(config).items() if not k.startswith("_")}
           for name, config in page.CONFIGS.items()}


def build_model(c, vocab_size, batch_size, keras, training):
    """Embedding -> [Dropout] -> num_layers x (stateful LSTM -> [Dropout]) -> Dense to word scores."""
    layers, ops = keras.layers, keras.ops
    init = keras.initializers.RandomUniform(-c["init_scale"], c["init_scale"])
    units = c["hidden_size"]

    def lstm_bias(shape, dtype=None):   # BasicLSTMCell: a zero bias, forget_bias added at run time
        return ops.convert_to_tensor(np.concatenate([np.zeros(units), np.full(units, c["forget_bias"]),
                                                     np.zeros(2 * units)]), dtype=dtype)
    dropout = training and c["keep_prob"] < 1
    x = inputs = keras.Input(batch_shape=(batch_size, None), dtype="int32")
    x = layers.Embedding(vocab_size, units, embeddings_initializer=init, name="embedding")(x)
    if dropout:
        x = layers.Dropout(1 - c["keep_prob"])(x)
    for k in range(c["num_layers"]):
        x = layers.LSTM(units, return_sequences=True, stateful=True, kernel_initializer=init,
                        recurrent_initializer=init, bias_initializer=lstm_bias, unit_forget_bias=False,
                        name="lstm_%d" % k)(x)
        if dropout:   # TF1: DropoutWrapper(output_keep_prob=keep_prob)
            x = layers.Dropout(1 - c["keep_prob"])(x)
    logits = layers.Dense(vocab_size, kernel_initializer=init, bias_initializer=init, name="softmax")(x)
    model = keras.Model(inputs, logits)

    def cost(targets, logits):      # per sequence: the summed cross-entropy; Keras averages over the batch
        return ops.sum(keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True), axis=-1)
    model.compile(optimizer=keras.optimizers.SGD(c["learning_rate"], global_clipnorm=c["max_grad_norm"]),
                  loss=cost)
    return model


def reset_states(model):
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_state()


def run_epoch(model, data, batch_size, num_steps, train, max_steps=None):
    """Perplexity over data: training batches of batch_size x num_steps (the reader's), or at batch 1
    the whole text in chunks of num_steps words, the state carried, every word predicted."""
    reset_states(model)
    total, words = 0.0, 0
    if train:
        for step, (x, y) in enumerate(reader.ptb_iterator(data, batch_size, num_steps)):
            if max_steps is not None and step >= max_steps:
                break
            cost = float(model.train_on_batch(x, y))
            support.check_finite(cost, step)
            total, words = total + cost, words + num_steps
            if step % 100 == 0:
                print("After %s steps ,perplexity is %.3f" % (step, np.exp(total / words)))
        return np.exp(total / max(words, 1)), words * batch_size
    data = np.asarray(data, dtype=np.int32)
    for i in range(0, len(data) - 1, num_steps):
        x, y = data[i:min(i + num_steps, len(data) - 1)], data[i + 1:i + num_steps + 1]
        total += float(model.test_on_batch(x[np.newaxis], y[np.newaxis]))
        words += len(x)
    return np.exp(total / words), words


def main(args, keras):
    support.start_run(args.seed)
    keras.utils.set_random_seed(args.seed)
    c = dict(CONFIGS[args.model])
    c.update({k: v for k, v in [("hidden_size", args.hidden_size), ("num_layers", args.num_layers),
                                ("batch_size", args.batch_size), ("num_steps", args.num_steps),
                                ("keep_prob", args.keep_prob), ("learning_rate", args.learning_rate),
                                ("max_max_epoch", args.epochs)] if v is not None})
    if args.model == "tutorial":
        c["max_epoch"] = c["max_max_epoch"]
    try:
        train_data, valid_data, test_data, vocab_size, _ = reader.ptb_raw_data(args.data_path, return_vocab=True)
    except reader.PTBDataError as e:
        support.stop(e)
    eval_steps = args.eval_num_steps or c["num_steps"]
    train_model = build_model(c, vocab_size, c["batch_size"], keras, training=True)
    eval_model = build_model(c, vocab_size, 1, keras, training=False)
    start, steps, train_seconds, history = time.time(), 0, 0.0, []
    if args.from_tf1:
        variables = tf1_weights.checked_checkpoint(args.from_tf1, {
            "script": "ptb_language_model.py", "--model": args.model, "--hidden_size": c["hidden_size"],
            "--num_layers": c["num_layers"], "vocabulary": vocab_size})
        eval_model.get_layer("embedding").set_weights([variables["language_model/embedding"]])
        for k, weights in enumerate(tf1_weights.lstm_cells(variables, "language_model/RNN/", c["forget_bias"])):
            eval_model.get_layer("lstm_%d" % k).set_weights(weights)
        eval_model.get_layer("softmax").set_weights(tf1_weights.dense(variables["language_model/weight"],
                                                                      variables["language_model/bias"]))
    for i in range(0 if args.from_tf1 else c["max_max_epoch"]):
        if args.max_steps is not None and steps >= args.max_steps:
            break
        lr = c["learning_rate"] * c["lr_decay"] ** max(i + 1 - c["max_epoch"], 0.0)
        train_model.optimizer.learning_rate.assign(lr)
        print("In iteration:%s" % (i + 1))
        print("Epoch: %d Learning rate: %.3f" % (i + 1, lr))
        t = time.time()
        train_perplexity, words = run_epoch(train_model, train_data, c["batch_size"], c["num_steps"], True,
                                            None if args.max_steps is None else args.max_steps - steps)
        train_seconds += time.time() - t
        steps += words // (c["batch_size"] * c["num_steps"])
        print("Epoch: %d Train perplexity: %.3f" % (i + 1, train_perplexity))
        eval_model.set_weights(train_model.get_weights())
        valid_perplexity, _ = run_epoch(eval_model, valid_data, 1, eval_steps, False)
        print("Epoch %s ,Validation perplexity :%.3f" % (i + 1, valid_perplexity))
        history.append((float(train_perplexity), float(valid_perplexity)))
    test_perplexity, _ = run_epoch(eval_model, test_data, 1, eval_steps, False)
    print("TEST perplexity :%.3f" % test_perplexity)
    return support.write_metrics(args.metrics_json, {
        "script": "keras3/ptb_language_model.py", "variant": args.model, "steps": steps,
        "epochs": len(history), "wall_seconds": round(time.time() - start, 3),
        "train_seconds": round(train_seconds, 3),
        "final_train_loss": math.log(history[-1][0]) if history else None,
        "train_perplexity": history[-1][0] if history else None,
        "valid_perplexity": history[-1][1] if history else None,
        "test_perplexity": float(test_perplexity), "vocab_size": vocab_size,
        "words_per_second": round(steps * c["batch_size"] * c["num_steps"] / train_seconds, 1)
        if train_seconds else None})


def parse_args(argv=None):
    p = support.parser("PTB LSTM language model (the TensorFlow book's page; official configs) in Keras 3.")
    page.add_page_flags(p)              # the TF1 script's flags of the page's values, their help included
    command_line.add_keras_flags(p, from_tf1="ptb_language_model.py")
    return command_line.parse_keras(p, argv)


if __name__ == "__main__":
    command_line.run_keras(main, parse_args, "--learning_rate")

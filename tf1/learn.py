"""tf.contrib.learn as the TF1 pages use it: Estimator(model_fn=..., model_dir=...) wrapped in SKCompat, whose
fit(x, y, batch_size, steps) trains in a session of its own and saves a checkpoint in model_dir, and whose
predict(x) restores it and returns the predictions. model_fn(features, targets) returns (predictions, loss,
train_op), as on the pages. Batches come as TF 1.x's DataFeeder gave them: a seeded permutation a pass."""
import inspect
import os
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

INFO = 20   # tf.logging's INFO: TF 1.x logged "loss = ..., step = ..." at it


class ModeKeys(object):
    TRAIN, EVAL, INFER = "train", "eval", "infer"


class Estimator(object):
    def __init__(self, model_fn, model_dir=None, config=None, params=None, feature_engineering_fn=None):
        self._model_fn, self._params = model_fn, params
        if model_dir is None:                                       # as TF 1.x: a temporary folder, said so
            model_dir = tempfile.mkdtemp()
            tf.logging.warning("Using temporary folder as model directory: %s", model_dir)
        self.model_dir = model_dir
        self._signature = None                                      # (x's, y's dtype and shape), from fit

    def _build(self, x_like, y_like, mode):
        """Placeholders shaped as a batch of x and y, the global step, and model_fn's (predictions, loss, op)."""
        features = tf.placeholder(tf.as_dtype(x_like[0]), (None,) + tuple(x_like[1]), name="input")
        targets = None if y_like is None else tf.placeholder(tf.as_dtype(y_like[0]), (None,) + tuple(y_like[1]),
                                                             name="output")
        global_step = tf.train.get_or_create_global_step()
        names = inspect.signature(self._model_fn).parameters
        extra = {k: v for k, v in (("mode", mode), ("params", self._params)) if k in names}
        out = self._model_fn(features, targets, **extra)
        predictions, loss, train_op = (tuple(out) + (None, None))[:3]
        return features, targets, global_step, predictions, loss, train_op

    def _session(self, graph):
        sess = tf.Session(graph=graph)
        with graph.as_default():
            saver = tf.train.Saver()
            latest = tf.train.latest_checkpoint(self.model_dir)
            if latest:
                saver.restore(sess, latest)
            else:
                sess.run(tf.global_variables_initializer())
        return sess, saver

    def fit(self, x, y, steps=None, batch_size=None, max_steps=None, monitors=None):
        x, y = np.asarray(x), np.asarray(y)
        self._signature = ((x.dtype, x.shape[1:]), (y.dtype, y.shape[1:]))
        graph = tf.Graph()
        with graph.as_default():
            features, targets, global_step, _, loss, train_op = self._build(*self._signature, ModeKeys.TRAIN)
            sess, saver = self._session(graph)
        with sess:
            start = sess.run(global_step)
            end = start + steps if steps is not None else max_steps
            order = batches(len(x), batch_size or 32)
            step = start
            while end is None or step < end:
                idx = next(order)
                _, loss_value = sess.run([train_op, loss], {features: x[idx], targets: y[idx]})
                step += 1
                if tf.logging.get_verbosity() <= INFO and (step == start + 1 or step % 100 == 0):
                    print("INFO:tensorflow:loss = %g, step = %d" % (loss_value, step))
            os.makedirs(self.model_dir, exist_ok=True)
            saver.save(sess, os.path.join(self.model_dir, "model.ckpt"), global_step=step)
        return self

    def predict(self, x, batch_size=None, outputs=None, as_iterable=False):
        x = np.asarray(x)
        graph = tf.Graph()
        with graph.as_default():
            y_like = self._signature[1] if self._signature else None
            features, _, _, predictions, _, _ = self._build((x.dtype, x.shape[1:]), y_like, ModeKeys.INFER)
            sess, _ = self._session(graph)
        with sess:
            size = batch_size or 128
            parts = [sess.run(predictions, {features: x[i:i + size]}) for i in range(0, len(x), size)]
        if isinstance(parts[0], dict):
            return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
        return np.concatenate(parts)


class SKCompat(object):
    """scikit-learn's fit(x, y) and predict(x) on an Estimator."""

    def __init__(self, estimator):
        self._estimator = estimator

    def fit(self, x, y, batch_size=128, steps=None, max_steps=None, monitors=None):
        self._estimator.fit(x, y, steps=steps, batch_size=batch_size, max_steps=max_steps)
        return self

    def predict(self, x, batch_size=128, outputs=None):
        return self._estimator.predict(x, batch_size=batch_size)


def batches(n, batch_size, seed=42):
    """Index arrays of batch_size, a new permutation of range(n) each pass (the last batch of a pass partial),
    as TF 1.x's DataFeeder drew them (its RandomState(42))."""
    rng = np.random.RandomState(seed)
    while True:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]

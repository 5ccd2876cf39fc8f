"""The parts of tf.contrib that the pages and the classic RNN tutorials use, written on tensorflow.compat.v1:
the sequence losses, fully_connected and its initializers and regularizer, optimize_loss, LSTMBlockCell.
Each computes what TF 1.x's did (its variables keep TF 1.x's names where a checkpoint would read them)."""
import inspect

import tensorflow.compat.v1 as tf


# ------------------------------------------------------------------ legacy_seq2seq, seq2seq
def _loss(function, logit, target):
    """softmax_loss_function as TF 1.x called it: by name (labels=, logits=) since 1.0, or by position
    (logit, target) as 0.12 did, for a function whose arguments have other names (Morvan's ms_error)."""
    names = inspect.signature(function).parameters
    if "labels" in names and "logits" in names:
        return function(labels=target, logits=logit)
    return function(logit, target)


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
    """Per example: the sum over the time steps of each step's loss times its weight (divided by the sum of
    the weights where average_across_timesteps)."""
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError("Lengths of logits, weights, and targets must be the same %d, %d, %d."
                         % (len(logits), len(weights), len(targets)))
    with tf.name_scope(name, "sequence_loss_by_example", logits + targets + weights):
        crossents = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                target = tf.reshape(target, [-1])
                crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=logit)
            else:
                crossent = _loss(softmax_loss_function, logit, target)
            crossents.append(crossent * weight)
        log_perps = tf.add_n(crossents)
        if average_across_timesteps:
            log_perps /= tf.add_n(weights) + 1e-12
    return log_perps


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """cell over the inputs in turn from initial_state (with loop_function, each input after the first made from the
    previous output); returns (outputs, state)."""
    with tf.variable_scope(scope or "rnn_decoder"):
        state, outputs, prev = initial_state, [], None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with tf.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                tf.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                  softmax_loss_function=None, name=None):
    """tf.contrib.seq2seq.sequence_loss: logits [batch, steps, classes], targets and weights [batch, steps];
    the weighted cross-entropy, averaged over the steps and/or the batch (by the sum of the weights)."""
    with tf.name_scope(name, "sequence_loss", [logits, targets, weights]):
        flat_logits = tf.reshape(logits, [-1, tf.shape(logits)[2]])
        flat_targets = tf.reshape(targets, [-1])
        if softmax_loss_function is None:
            crossent = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=flat_targets, logits=flat_logits)
        else:
            crossent = _loss(softmax_loss_function, flat_logits, flat_targets)
        crossent = tf.reshape(crossent * tf.reshape(weights, [-1]), tf.shape(logits)[:2])
        if average_across_timesteps and average_across_batch:
            return tf.reduce_sum(crossent) / (tf.reduce_sum(weights) + 1e-12)
        if average_across_timesteps:
            return tf.reduce_sum(crossent, axis=1) / (tf.reduce_sum(weights, axis=1) + 1e-12)
        if average_across_batch:
            return tf.reduce_sum(crossent, axis=0) / (tf.reduce_sum(weights, axis=0) + 1e-12)
        return crossent


# ------------------------------------------------------------------------------- layers
def xavier_initializer(uniform=True, seed=None, dtype=tf.float32):
    if uniform:
        return tf.glorot_uniform_initializer(seed=seed, dtype=dtype)
    return tf.variance_scaling_initializer(1.0, "fan_avg", "truncated_normal", seed=seed, dtype=dtype)


def l2_regularizer(scale, scope=None):
    def l2(weights):
        with tf.name_scope(scope, "l2_regularizer", [weights]) as name:
            return tf.multiply(scale, tf.nn.l2_loss(weights), name=name)
    return l2


def fully_connected(inputs, num_outputs, activation_fn=tf.nn.relu, normalizer_fn=None, normalizer_params=None,
                    weights_initializer=None, weights_regularizer=None, biases_initializer=tf.zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None, outputs_collections=None,
                    trainable=True, scope=None):
    """activation_fn(inputs @ weights + biases), its variables `fully_connected/weights` and `.../biases` as
    TF 1.x named them; ReLU unless activation_fn is given (None: linear)."""
    with tf.variable_scope(scope, "fully_connected", [inputs], reuse=reuse):
        inputs = tf.convert_to_tensor(inputs)
        weights = tf.get_variable("weights", [int(inputs.shape[-1]), num_outputs], inputs.dtype.base_dtype,
                                  weights_initializer or xavier_initializer(), weights_regularizer,
                                  trainable=trainable)
        outputs = tf.tensordot(inputs, weights, [[inputs.shape.ndims - 1], [0]]) if inputs.shape.ndims > 2 \
            else tf.matmul(inputs, weights)
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        elif biases_initializer is not None:
            biases = tf.get_variable("biases", [num_outputs], inputs.dtype.base_dtype, biases_initializer,
                                     biases_regularizer, trainable=trainable)
            outputs = tf.nn.bias_add(outputs, biases)
        return activation_fn(outputs) if activation_fn is not None else outputs


OPTIMIZERS = {"Adagrad": tf.train.AdagradOptimizer, "Adam": tf.train.AdamOptimizer,
              "SGD": tf.train.GradientDescentOptimizer, "RMSProp": tf.train.RMSPropOptimizer,
              "Ftrl": tf.train.FtrlOptimizer, "Adadelta": tf.train.AdadeltaOptimizer,
              "Momentum": lambda lr: tf.train.MomentumOptimizer(lr, momentum=0.9)}


def optimize_loss(loss, global_step, learning_rate, optimizer, gradient_noise_scale=None, gradient_multipliers=None,
                  clip_gradients=None, learning_rate_decay_fn=None, update_ops=None, variables=None, name=None,
                  summaries=None, colocate_gradients_with_ops=False, increment_global_step=True):
    """One training step of optimizer (a name of OPTIMIZERS, a class, or an instance) on loss, gradients clipped
    to a global norm where clip_gradients is a number; running it returns the loss, as TF 1.x's did."""
    if global_step is None:
        global_step = tf.train.get_global_step()
    with tf.variable_scope(name, "OptimizeLoss", [loss, global_step]):
        lr = None
        if learning_rate is not None:
            lr = tf.get_variable("learning_rate", [], trainable=False,
                                 initializer=tf.constant_initializer(learning_rate))
            if learning_rate_decay_fn is not None:
                lr = learning_rate_decay_fn(lr, global_step)
        if isinstance(optimizer, str):
            if optimizer not in OPTIMIZERS:
                raise ValueError("Optimizer name should be one of [%s], you provided %s."
                                 % (", ".join(OPTIMIZERS), optimizer))
            opt = OPTIMIZERS[optimizer](lr)
        elif isinstance(optimizer, type) and issubclass(optimizer, tf.train.Optimizer):
            opt = optimizer(learning_rate=lr)
        elif callable(optimizer) and not isinstance(optimizer, tf.train.Optimizer):
            opt = optimizer(lr)
        else:
            opt = optimizer
        variables = variables if variables is not None else tf.trainable_variables()
        gradients = opt.compute_gradients(loss, variables,
                                          colocate_gradients_with_ops=colocate_gradients_with_ops)
        if gradient_multipliers:
            gradients = [(g * gradient_multipliers.get(v, 1.0) if g is not None else g, v) for g, v in gradients]
        if isinstance(clip_gradients, (int, float)) and clip_gradients > 0:
            grads, variables = zip(*gradients)
            grads, _ = tf.clip_by_global_norm(grads, clip_gradients)
            gradients = list(zip(grads, variables))
        elif callable(clip_gradients):
            gradients = clip_gradients(gradients)
        update_ops = set(update_ops if update_ops is not None else tf.get_collection(tf.GraphKeys.UPDATE_OPS))
        with tf.control_dependencies(list(update_ops)):
            grad_updates = opt.apply_gradients(gradients, global_step=global_step if increment_global_step
                                               else None, name="train")
        with tf.control_dependencies([grad_updates]):
            return tf.identity(loss)


# ------------------------------------------------------------------------------- rnn
def LSTMBlockCell(num_units, forget_bias=1.0, cell_clip=None, use_peephole=False, dtype=None, reuse=None,
                  name="lstm_cell"):
    """The fused LSTM cell of TF 1.x: BasicLSTMCell computes the same (LSTMCell where it clips or peeks)."""
    if cell_clip is None and not use_peephole:
        return tf.nn.rnn_cell.BasicLSTMCell(num_units, forget_bias=forget_bias, reuse=reuse, name=name,
                                            dtype=dtype)
    return tf.nn.rnn_cell.LSTMCell(num_units, use_peepholes=use_peephole, cell_clip=cell_clip,
                                   forget_bias=forget_bias, reuse=reuse, name=name, dtype=dtype)


# ------------------------------------------------------------------------------- learn.models
def logistic_regression(x, y, class_weight=None, init_mean=None, init_stddev=1.0):
    """tf.contrib.learn.models.logistic_regression: (softmax probabilities, mean cross-entropy) of a linear layer."""
    with tf.variable_scope("logistic_regression"):
        initializer = tf.random_normal_initializer(init_mean, init_stddev) if init_mean is not None else None
        weights = tf.get_variable("weights", [int(x.shape[1]), int(y.shape[-1])], initializer=initializer)
        bias = tf.get_variable("bias", [int(y.shape[-1])], initializer=initializer)
        logits = tf.nn.xw_plus_b(tf.cast(x, weights.dtype), weights, bias)
        labels = tf.cast(y, logits.dtype)
        if class_weight is not None:
            logits = tf.multiply(logits, class_weight)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits))
        return tf.nn.softmax(logits), loss

"""The PTB word-level LSTM language model of the TensorFlow book (TensorFlow学习笔记(六), 自然语言建模).

Page: tf-rnn-notes-ptb-language-model.txt. `--model tutorial` (the default) is the
page's model; `--model small|medium|large|test` are the official TensorFlow PTB tutorial's configs
(Zaremba et al. 2014: 115.9 / 82.1 / 78.3 test perplexity on full PTB), with its learning-rate decay.

    python ptb_language_model.py --data_path data/ptb              # the page: 2 epochs
    python ptb_language_model.py --model small --sample 30         # official small config, then 30 words
"""
import argparse
import json
import math
import os
import random
import signal
import sys
import time
import warnings

import numpy as np

# Under TF 2.16+ the TF1 rnn_cell classes need Keras 2 (the tf-keras package): set this before
# TensorFlow is imported. The second line hides TensorFlow's C++ start-up chatter.
os.environ["TF_USE_LEGACY_KERAS"] = "1"   # forced: a user's "0" would bring Keras 3's error
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = os.path.dirname(os.path.abspath(__file__))

# ------------------------------------------------------------- the page's parameters
DATA_PATH = os.path.join(HERE, "data", "ptb")
HIDDEN_SIZE = 200           # 隐藏层的规模
NUM_LAYERS = 2              # 深层循环神经网络中 LSTM 结构的层数
VOCAB_SIZE = 10000          # 词典规模 (here: the size of the vocabulary read from ptb.train.txt)
LEARNING_RATE = 1.0
TRAIN_BATCH_SIZE = 20       # 训练数据 batch 的大小
TRAIN_NUM_STEPS = 35        # 训练数据截断长度
EVAL_BATCH_SIZE = 1         # 测试时不需要截断
EVAL_NUM_STEP = 1
NUM_EPOCH = 2               # 使用训练数据的轮数
KEEP_DROP = 0.5             # 节点不被 dropout 的概率 (the page's name for a keep probability)
MAX_GRAD_NORM = 5           # 用于控制梯度膨胀的参数
INIT_SCALE = 0.05           # tf.random_uniform_initializer(-0.05, 0.05)


# ------------------------------------------------------------- configs (the official tutorial's style)
class TutorialConfig(object):
    """The book's page."""
    init_scale = INIT_SCALE
    learning_rate = LEARNING_RATE
    max_grad_norm = MAX_GRAD_NORM
    num_layers = NUM_LAYERS
    num_steps = TRAIN_NUM_STEPS
    hidden_size = HIDDEN_SIZE
    max_epoch = NUM_EPOCH       # no decay within the page's 2 epochs
    max_max_epoch = NUM_EPOCH
    keep_prob = KEEP_DROP
    lr_decay = 1.0
    forget_bias = 1.0           # BasicLSTMCell's default, as the page left it
    batch_size = TRAIN_BATCH_SIZE
    valid_batch_size, valid_num_steps = EVAL_BATCH_SIZE, EVAL_NUM_STEP   # the page: 1 x 1


class SmallConfig(object):
    """Official small config."""
    init_scale = 0.1
    learning_rate = 1.0
    max_grad_norm = 5
    num_layers = 2
    num_steps = 20
    hidden_size = 200
    max_epoch = 4
    max_max_epoch = 13
    keep_prob = 1.0
    lr_decay = 0.5
    forget_bias = 0.0
    batch_size = 20
    valid_batch_size, valid_num_steps = None, None   # None: validate with the training shape


class MediumConfig(object):
    """Official medium config."""
    init_scale = 0.05
    learning_rate = 1.0
    max_grad_norm = 5
    num_layers = 2
    num_steps = 35
    hidden_size = 650
    max_epoch = 6
    max_max_epoch = 39
    keep_prob = 0.5
    lr_decay = 0.8
    forget_bias = 0.0
    batch_size = 20
    valid_batch_size, valid_num_steps = None, None


class LargeConfig(object):
    """Official large config."""
    init_scale = 0.04
    learning_rate = 1.0
    max_grad_norm = 10
    num_layers = 2
    num_steps = 35
    hidden_size = 1500
    max_epoch = 14
    max_max_epoch = 55
    keep_prob = 0.35
    lr_decay = 1 / 1.15
    forget_bias = 0.0
    batch_size = 20
    valid_batch_size, valid_num_steps = None, None


class TestConfig(object):
    """Official tiny config, for testing."""
    init_scale = 0.1
    learning_rate = 1.0
    max_grad_norm = 1
    num_layers = 1
    num_steps = 2
    hidden_size = 2
    max_epoch = 1
    max_max_epoch = 1
    keep_prob = 1.0
    lr_decay = 0.5
    forget_bias = 0.0
    batch_size = 20
    valid_batch_size, valid_num_steps = None, None


CONFIGS = {"tutorial": TutorialConfig, "small": SmallConfig, "medium": MediumConfig,
           "large": LargeConfig, "test": TestConfig}


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer, got %s" % text)
    return value


def non_negative_int(text):
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more, got %s" % text)
    return value


def keep_prob_value(text):
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("must be in (0, 1], got %s" % text)
    return value


def positive_float(text):
    value = float(text)
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError("must be a positive finite number, got %s" % text)
    return value

def seed_value(text):
    value = int(text)
    if not 0 <= value < 2 ** 32:
        raise argparse.ArgumentTypeError("must be between 0 and 2**32 - 1 (numpy's range), got %s" % text)
    return value


def check_outputs(p, args):
    """Refuse, before any training, an output path the run could not write at its end."""
    paths = [("--metrics_json", args.metrics_json, False), ("--logdir", args.logdir, True),
             ("--save_path", getattr(args, "save_path", None), True)]
    if not args.no_plot:
        paths.append(("--plot", args.plot, False))
    for flag, path, is_folder in paths:
        problem = path and unwritable(path, is_folder)
        if problem:
            p.error("%s %s: %s" % (flag, path, problem))


def unwritable(path, is_folder):
    """Why path cannot be written as a file (or created as a folder), or None if it can."""
    if os.path.isdir(path):
        if not is_folder:
            return "is a folder; give a file name"
        return None if os.access(path, os.W_OK) else "is a folder you cannot write to"
    if os.path.exists(path):
        if is_folder:
            return "is a file; give a folder"
        return None if os.access(path, os.W_OK) else "is a file you cannot overwrite"
    parent = os.path.dirname(os.path.abspath(path))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        return "%s is a file, so no folder can be made inside it" % parent
    return None if os.access(parent, os.W_OK) else "cannot be created: %s is not writable" % parent


def check_keras2(p):
    """The TF1 cells need Keras 2: the tf-keras package of TensorFlow's own minor version."""
    from importlib import metadata, util
    if util.find_spec("tf_keras") is None:
        p.error("tf-keras is not installed and the TF1 RNN cells need it: pip install -r requirements.txt")
    try:
        tf_version, keras_version = metadata.version("tensorflow"), metadata.version("tf-keras")
    except metadata.PackageNotFoundError:
        return      # another TensorFlow build (tensorflow-cpu, a nightly): its import will tell
    if tf_version.split(".")[:2] != keras_version.split(".")[:2]:
        p.error("tf-keras %s does not match TensorFlow %s: pip install \"tf-keras==%s.*\""
                % (keras_version, tf_version, ".".join(tf_version.split(".")[:2])))


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description="PTB LSTM language model (the TensorFlow book's page; the official configs) in TF1 "
                    "graph mode on today's TensorFlow.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model", choices=list(CONFIGS), default="tutorial",
                   help="tutorial: the page; small/medium/large/test: the official PTB tutorial's configs")
    p.add_argument("--data_path", default=DATA_PATH,
                   help="folder with ptb.train.txt, ptb.valid.txt, ptb.test.txt (or simple-examples/data/); "
                        "downloaded there if absent")
    p.add_argument("--unroll", choices=["static", "dynamic"], default="static",
                   help="static: the page's loop calling the cell once per step under variable_scope('RNN'); "
                        "dynamic: tf.nn.dynamic_rnn")
    p.add_argument("--epochs", type=positive_int, help="epochs (tutorial: NUM_EPOCH 2; else max_max_epoch)")
    p.add_argument("--hidden_size", type=positive_int, help="HIDDEN_SIZE (tutorial: 200)")
    p.add_argument("--num_layers", type=positive_int, help="NUM_LAYERS (tutorial: 2)")
    p.add_argument("--batch_size", type=positive_int, help="TRAIN_BATCH_SIZE (tutorial: 20)")
    p.add_argument("--num_steps", type=positive_int, help="TRAIN_NUM_STEPS (tutorial: 35)")
    p.add_argument("--learning_rate", type=positive_float, help="LEARNING_RATE (tutorial: 1.0)")
    p.add_argument("--keep_prob", type=keep_prob_value, help="KEEP_DROP, the keep probability (tutorial: 0.5)")
    p.add_argument("--eval_num_steps", type=positive_int,
                   help="evaluate batch 1 in chunks of this many words, the state carried from chunk to "
                        "chunk: the page's perplexity, fewer session calls (default: the training num_steps, "
                        "35 for the page; 1 feeds one word per call as the page did)")
    p.add_argument("--max_steps", type=positive_int, help="stop after this many training steps in total")
    p.add_argument("--sample", type=non_negative_int, default=0,
                   help="after training, print this many words generated by the model")
    p.add_argument("--seed", type=seed_value, default=1, help="random seed (Python, numpy, the graph)")
    p.add_argument("--logdir", help="write TensorBoard events (training loss, learning rate, validation "
                                    "perplexity) here")
    p.add_argument("--plot", default=os.path.join("outputs", "ptb_language_model.png"),
                   help="save the perplexity curves as this PNG")
    p.add_argument("--show", action="store_true", help="also open the figure in a window at the end")
    p.add_argument("--no_plot", action="store_true", help="do not plot at all")
    p.add_argument("--save_path", help="checkpoint directory: saved after every epoch and on Ctrl-C")
    p.add_argument("--restore", action="store_true", help="resume from the checkpoint in --save_path")
    p.add_argument("--cpu", action="store_true", help="hide any GPU and run on the CPU")
    p.add_argument("--metrics_json", help="write the run's final figures as JSON to this path")
    args = p.parse_args(argv)
    if args.restore and not args.save_path:
        p.error("--restore needs --save_path DIR (the checkpoint directory to resume from)")
    check_outputs(p, args)
    check_keras2(p)
    return args


def get_config(args):
    """The chosen config with the command line's overrides applied."""
    config = CONFIGS[args.model]()
    for flag, attr in [("hidden_size", "hidden_size"), ("num_layers", "num_layers"),
                       ("batch_size", "batch_size"), ("num_steps", "num_steps"),
                       ("learning_rate", "learning_rate"), ("keep_prob", "keep_prob"),
                       ("epochs", "max_max_epoch")]:
        if getattr(args, flag) is not None:
            setattr(config, attr, getattr(args, flag))
    if args.model == "tutorial":
        config.max_epoch = config.max_max_epoch
    return config


if __name__ == "__main__":
    FLAGS = parse_args()  # a bad flag exits 2 here, before the slow TensorFlow import
    if "IPython" not in sys.modules:                  # (%run in a notebook keeps the notebook's Ctrl-C)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C while TensorFlow loads: just stop

import tensorflow.compat.v1 as tf  # noqa: E402  (TF1: import tensorflow as tf)

from data import reader            # noqa: E402  (TF1: from tensorflow.models.rnn.ptb import reader)

tf.disable_eager_execution()       # TF1 graph mode: placeholders and sessions
tf.logging.set_verbosity(tf.logging.ERROR)
warnings.filterwarnings("ignore", message=".*is deprecated", category=UserWarning)


# ------------------------------------------------------------- 定义 PTBMODEL 类 (the model)
class PTBMODEL(object):
    # the page's arguments first; config, vocab_size and unroll carry what the page read from its constants
    def __init__(self, batch_size, num_steps, is_training=True, config=TutorialConfig, vocab_size=VOCAB_SIZE,
                 unroll="static"):
        self.batch_size = batch_size
        self.num_steps = num_steps
        hidden_size = config.hidden_size
        # 定义输入层与预期输出, both [batch_size, num_steps]
        self.input_data = tf.placeholder(tf.int32, [batch_size, num_steps], name="input_data")
        self.targets = tf.placeholder(tf.int32, [batch_size, num_steps], name="targets")

        # 深层循环神经网络: NUM_LAYERS LSTM cells, with dropout on their outputs while training
        def lstm_cell():
            cell = tf.nn.rnn_cell.BasicLSTMCell(hidden_size, forget_bias=config.forget_bias,
                                                state_is_tuple=True)
            if is_training and config.keep_prob < 1:
                cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=config.keep_prob)
            return cell
        # the page wrote MultiRNNCell(lstm_cell): it must be a list of NUM_LAYERS distinct cells
        cell = tf.nn.rnn_cell.MultiRNNCell([lstm_cell() for _ in range(config.num_layers)],
                                           state_is_tuple=True)
        # 初始化最初的状态, 全零
        self.initial_state = cell.zero_state(batch_size, tf.float32)

        # 将单词 ID 转换成为单词向量: embedding is VOCAB_SIZE x HIDDEN_SIZE
        embedding = tf.get_variable("embedding", [vocab_size, hidden_size])
        inputs = tf.nn.embedding_lookup(embedding, self.input_data)
        # 只在训练时使用 dropout
        if is_training and config.keep_prob < 1:
            inputs = tf.nn.dropout(inputs, rate=1 - config.keep_prob)  # TF1: tf.nn.dropout(x, KEEP_DROP)

        # 收集 LSTM 不同时刻的输出, then one fully connected layer turns them into word scores
        outputs = []
        state = self.initial_state
        if unroll == "static":
            with tf.variable_scope("RNN"):
                for time_step in range(num_steps):
                    if time_step > 0:
                        tf.get_variable_scope().reuse_variables()
                    cell_output, state = cell(inputs[:, time_step, :], state)
                    outputs.append(cell_output)
            # [batch, hidden * num_steps] -> [batch * num_steps, hidden]
            output = tf.reshape(tf.concat(outputs, 1), [-1, hidden_size])
        else:
            with tf.variable_scope("RNN"):
                dyn_outputs, state = tf.nn.dynamic_rnn(cell, inputs, initial_state=state)
            output = tf.reshape(dyn_outputs, [-1, hidden_size])

        weight = tf.get_variable("weight", [hidden_size, vocab_size])
        bias = tf.get_variable("bias", [vocab_size])
        logits = tf.matmul(output, weight) + bias
        self.probs = tf.nn.softmax(logits)   # for --sample

        # 定义交叉熵损失函数. TF1: tf.contrib.legacy_seq2seq.sequence_loss_by_example([logits],
        # [targets], [ones]) gave each word's cross-entropy; the same written directly:
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=tf.reshape(self.targets, [-1]), logits=logits)
        # 计算得到每个 batch 的平均损失
        self.cost = tf.reduce_sum(loss) / batch_size
        self.final_state = state             # the page wrote final_output here

        # 只在训练模型时定义反向传播操作
        if not is_training:
            return
        self.lr = tf.Variable(0.0, trainable=False, name="learning_rate")
        self.new_lr = tf.placeholder(tf.float32, shape=[], name="new_learning_rate")
        self.lr_update = tf.assign(self.lr, self.new_lr)
        trainable_variables = tf.trainable_variables()
        # 通过 clip_by_global_norm 函数控制梯度的大小, 避免梯度膨胀的问题
        grads, _ = tf.clip_by_global_norm(tf.gradients(self.cost, trainable_variables), config.max_grad_norm)
        optimizer = tf.train.GradientDescentOptimizer(self.lr)
        self.train_op = optimizer.apply_gradients(zip(grads, trainable_variables))

    def assign_lr(self, session, lr_value):
        session.run(self.lr_update, feed_dict={self.new_lr: lr_value})


# ------------------------------------------------------------- run_epoch
def run_epoch(session, model, data, train_op, output_log, max_steps=None, on_step=None, tail_model=None,
              progress_every=10.0):
    """Run model over data once (training it when train_op is model.train_op).

    Returns (perplexity, words, seconds); the page returned the perplexity alone.
    max_steps: stop after that many batches. on_step(step, cost): called after each batch.
    tail_model: a batch-1, one-step model sharing model's variables. The text is then read as one row
    (model.batch_size must be 1) in chunks of model.num_steps words, and the words after the last full
    chunk go through tail_model one at a time, the state carried on: every word of data is predicted,
    exactly the states and the perplexity of the page's one-word-per-call loop.
    """
    # 计算 perplexity 的辅助变量
    total_costs = 0.0
    iters = 0
    state = session.run(model.initial_state)
    n_batches = reader.epoch_size(data, model.batch_size, model.num_steps)
    words = len(data) - 1 if tail_model is not None else max(n_batches, 0) * model.batch_size * model.num_steps
    progress = Progress(words, "training" if output_log else "evaluating", progress_every)
    # 使用当前数据训练或者测试模型
    batches = reader.ptb_iterator(data, model.batch_size, model.num_steps) if n_batches > 0 else []
    for step, (x, y) in enumerate(batches):
        if max_steps is not None and step >= max_steps:
            break
        # the final state of this batch is the initial state of the next one
        cost, state, _ = session.run([model.cost, model.final_state, train_op],
                                     {model.input_data: x, model.targets: y, model.initial_state: state})
        if output_log and not np.isfinite(cost):      # training: stop at the first inf or nan
            raise Diverged(step, cost)
        total_costs += cost
        iters += model.num_steps
        if on_step is not None:
            on_step(step, cost)
        # 只在训练时输出日志
        log_now = output_log and step % 100 == 0
        if log_now:
            print("After %s steps ,perplexity is %.3f" % (step, np.exp(total_costs / iters)))
        progress.update(iters * model.batch_size, force=log_now)
    if tail_model is not None:   # the last words, fewer than num_steps: one per call, as the page fed them
        for i in range(iters, len(data) - 1):
            cost, state = session.run([tail_model.cost, tail_model.final_state],
                                      {tail_model.input_data: [[data[i]]], tail_model.targets: [[data[i + 1]]],
                                       tail_model.initial_state: state})
            total_costs += cost
            iters += 1
        progress.update(iters)
    # 返回给定模型在给定数据上的 perplexity 值
    return np.exp(total_costs / max(iters, 1)), iters * model.batch_size, progress.seconds()


# ------------------------------------------------------------- main
def main(args):
    start = time.time()
    random.seed(args.seed)     # tf-keras draws the unseeded cell initializers from Python's random
    np.random.seed(args.seed)
    config = get_config(args)
    session_conf, device = session_config(args.cpu)
    print(device)
    # 获取原始数据
    try:
        train_data, valid_data, test_data, vocab_size, word_to_id = reader.ptb_raw_data(
            args.data_path, return_vocab=True)
        for name, data, b, n in [("training", train_data, config.batch_size, config.num_steps),
                                 ("validation", valid_data, config.valid_batch_size or config.batch_size,
                                  config.valid_num_steps or config.num_steps),
                                 ("test", test_data, EVAL_BATCH_SIZE, EVAL_NUM_STEP)]:
            if reader.epoch_size(data, b, n) <= 0:
                raise reader.PTBDataError("the %s split has %d words, too few for one batch of %d x %d; "
                                          "lower --batch_size or --num_steps" % (name, len(data), b, n))
    except reader.PTBDataError as e:
        stop(e)
    print("Vocabulary: %d words; %d / %d / %d words in train / valid / test"
          % (vocab_size, len(train_data), len(valid_data), len(test_data)))

    eval_num_steps = args.eval_num_steps or config.num_steps
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(args.seed)
        # 定义初始化函数
        initializer = tf.random_uniform_initializer(-config.init_scale, config.init_scale)
        # 定义训练用的循环神经网络模型 (it creates the variables; the page's reuse=True here was a bug)
        with tf.variable_scope("language_model", reuse=None, initializer=initializer):
            train_model = PTBMODEL(config.batch_size, config.num_steps, True, config, vocab_size, args.unroll)
        # 定义评测用的循环神经网络模型 (it reuses the training model's variables). The page fed it one
        # word per call (EVAL_NUM_STEP = 1); eval_model reads batch 1 in chunks of eval_num_steps words
        # and step_model, the page's 1 x 1 model, takes the last few words and draws --sample.
        with tf.variable_scope("language_model", reuse=True, initializer=initializer):
            step_model = PTBMODEL(EVAL_BATCH_SIZE, EVAL_NUM_STEP, False, config, vocab_size, args.unroll)
            eval_model = step_model if eval_num_steps == EVAL_NUM_STEP else \
                PTBMODEL(EVAL_BATCH_SIZE, eval_num_steps, False, config, vocab_size, args.unroll)
            if config.valid_batch_size is None:   # official configs validate with the training shape
                valid_model, valid_tail = PTBMODEL(config.batch_size, config.num_steps, False, config,
                                                   vocab_size, args.unroll), None
            else:
                valid_model, valid_tail = eval_model, step_model
        epoch_var = tf.Variable(0, trainable=False, name="epochs_done")   # lets --restore resume
        epoch_update = tf.assign_add(epoch_var, 1)
        init = tf.global_variables_initializer()
        ckpt = Checkpoints(args, {"script": "ptb_language_model.py", "--model": args.model,
                                  "--hidden_size": config.hidden_size, "--num_layers": config.num_layers,
                                  "--unroll": args.unroll, "vocabulary": vocab_size})

    writer = tf.summary.FileWriter(args.logdir, graph) if args.logdir else None
    history = []
    steps_done = 0
    max_steps = args.max_steps
    train_words = train_seconds = eval_seconds = 0.0
    with tf.Session(graph=graph, config=session_conf) as sess:
        sess.run(init)
        ckpt.restore(sess)
        if args.restore:
            print("(%d epochs done)" % sess.run(epoch_var))

        def log_loss(step, cost):
            scalar(writer, "training_loss", float(cost / config.num_steps), steps_done + step)

        try:
            # 使用训练数据训练模型
            for i in range(sess.run(epoch_var), config.max_max_epoch):
                if max_steps is not None and steps_done >= max_steps:
                    break
                lr_decay = config.lr_decay ** max(i + 1 - config.max_epoch, 0.0)
                train_model.assign_lr(sess, config.learning_rate * lr_decay)
                lr = sess.run(train_model.lr)
                print("In iteration:%s" % (i + 1))
                print("Epoch: %d Learning rate: %.3f" % (i + 1, lr))
                scalar(writer, "learning_rate", float(lr), i + 1)
                # 在所有训练数据上训练循环神经网络
                train_perplexity, words, seconds = run_epoch(
                    sess, train_model, train_data, train_model.train_op, True,
                    None if max_steps is None else max_steps - steps_done, log_loss)
                steps_done += words // (config.batch_size * config.num_steps)
                train_words += words
                train_seconds += seconds
                print("Epoch: %d Train perplexity: %.3f" % (i + 1, train_perplexity))
                # 使用验证数据评测模型效果
                valid_perplexity, _, seconds = run_epoch(sess, valid_model, valid_data, tf.no_op(), False,
                                                         tail_model=valid_tail)
                eval_seconds += seconds
                print("Epoch %s ,Validation perplexity :%.3f" % (i + 1, valid_perplexity))
                scalar(writer, "validation_perplexity", float(valid_perplexity), i + 1)
                history.append((i + 1, float(lr), float(train_perplexity), float(valid_perplexity)))
                sess.run(epoch_update)
                ckpt.save(sess, sess.run(epoch_var))

            # 最后使用测试数据测试模型效果 (the page measured the validation data here)
            test_perplexity, _, seconds = run_epoch(sess, eval_model, test_data, tf.no_op(), False,
                                                    tail_model=step_model)
            eval_seconds += seconds
            print("TEST perplexity :%.3f" % test_perplexity)
            if args.sample:
                id_to_word = {i: w for w, i in word_to_id.items()}
                print("Sample: %s" % sample_words(sess, step_model, id_to_word, args.sample,
                                                  np.random.RandomState(args.seed)))
        except Diverged as e:
            stop("%s; lower the learning rate (--learning_rate)%s"
                 % (e, ", the last checkpoint is kept" if args.save_path else ""))
        except KeyboardInterrupt:
            print("\nInterrupted%s." % ("; the checkpoint resumes at the start of this epoch"
                                        if args.save_path else ""))
            ckpt.save(sess, sess.run(epoch_var))
            raise SystemExit(130)
    wall = time.time() - start
    if writer is not None:
        writer.close()
    if not args.no_plot and history:
        try:
            save_figure(args.plot, history, test_perplexity, "ptb_language_model.py --model %s" % args.model,
                        args.show)
        except KeyboardInterrupt:
            print("\nInterrupted; no figure saved.")
            raise SystemExit(130)
    metrics = {
        "script": "ptb_language_model.py", "variant": args.model, "unroll": args.unroll,
        "steps": steps_done, "epochs": len(history), "wall_seconds": round(wall, 3),
        "train_seconds": round(train_seconds, 3), "eval_seconds": round(eval_seconds, 3),
        "eval_num_steps": eval_num_steps,
        "final_train_loss": math.log(history[-1][2]) if history else None,
        "train_perplexity": history[-1][2] if history else None,
        "valid_perplexity": history[-1][3] if history else None,
        "test_perplexity": float(test_perplexity), "vocab_size": vocab_size,
        "words_per_second": round(train_words / train_seconds, 1) if train_seconds else None,
        "device": device.replace("Device: ", ""),
    }
    if args.metrics_json:
        write_atomically(args.metrics_json,
                         lambda tmp: open(tmp, "w").write(json.dumps(metrics, indent=2) + "\n"))
    return metrics


# ------------------------------------------------------------- helpers (not on the page)
def session_config(cpu):
    """Session options, and one line saying which device TensorFlow will use."""
    gpus = [] if cpu else tf.config.list_physical_devices('GPU')
    if gpus:
        names = [tf.config.experimental.get_device_details(g).get('device_name', g.name) for g in gpus]
        line = "Device: GPU (%s)" % ", ".join(names)
    else:
        line = "Device: CPU (%s)" % ("--cpu given" if cpu else "no GPU visible to TensorFlow")
    config = tf.ConfigProto(device_count={'GPU': 0} if cpu else None)
    config.gpu_options.allow_growth = True
    return config, line


def write_atomically(path, write):
    """Call write(tmp_path), then rename tmp_path to path, so a crash never leaves half a file."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def save_figure(path, history, test_perplexity, title, show):
    import matplotlib
    if not show:
        matplotlib.use("Agg")  # draw off-screen: never open a window unless --show
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(7, 4.5))
    epochs = [h[0] for h in history]
    plt.plot(epochs, [h[2] for h in history], "b.-", label="train perplexity")
    plt.plot(epochs, [h[3] for h in history], "g.-", label="validation perplexity")
    if test_perplexity is not None and epochs:
        plt.plot([epochs[-1]], [test_perplexity], "r*", markersize=12, label="test perplexity")
    plt.yscale("log")
    plt.xlabel("epoch")
    plt.legend(loc="best")
    plt.title(title, fontsize=9)
    write_atomically(path, lambda tmp: fig.savefig(tmp, format="png"))
    print("Saved figure to %s" % path)
    if show and (os.environ.get("DISPLAY") or not sys.platform.startswith("linux")):
        plt.show()
    plt.close(fig)


class Progress(object):
    """Prints 'label: done / total words, words/s, ETA' when `every` seconds have passed since the last
    print (or when forced), so a long pass never looks hung."""

    def __init__(self, total, label, every=10.0):
        self.total, self.label, self.every = total, label, every
        self.start = self.last = time.time()

    def seconds(self):
        return time.time() - self.start

    def update(self, done, force=False):
        now = time.time()
        if not force and now - self.last < self.every:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        print("  %s: %d / %d words, %.0f words/s, ETA %.0f s" % (self.label, done, self.total, rate, eta))
        sys.stdout.flush()


class Checkpoints(object):
    """--save_path / --restore: a tf.train.Saver over every variable, and beside it checkpoint.json,
    what built the model (the script, the flags that shape it), which --restore checks first."""

    def __init__(self, args, model):
        self.args, self.model = args, model
        self.saver = tf.train.Saver(max_to_keep=2) if args.save_path else None

    def restore(self, sess):
        if not self.args.restore:
            return
        folder = self.args.save_path
        latest = tf.train.latest_checkpoint(folder)
        if latest is None:
            stop("no checkpoint in %s to --restore; train once with --save_path %s first" % (folder, folder))
        try:
            with open(os.path.join(folder, "checkpoint.json")) as f:
                saved = json.load(f)
        except (OSError, ValueError):
            saved = {}              # an older or hand-made checkpoint: the restore below checks it
        if saved.get("script", self.model["script"]) != self.model["script"]:
            stop("the checkpoint in %s was saved by %s, not %s: give another --save_path"
                 % (folder, saved["script"], self.model["script"]))
        differ = [k for k in self.model if k in saved and saved[k] != self.model[k]]
        if differ:
            flags = " ".join("%s %s" % (k, saved[k]) for k in differ if k.startswith("--"))
            stop("the checkpoint in %s was saved with %s (this run: %s): %s, or give another --save_path"
                 % (folder, ", ".join("%s %s" % (k, saved[k]) for k in differ),
                    ", ".join("%s %s" % (k, self.model[k]) for k in differ),
                    "add %s to resume it" % flags if flags else "resume it with the data it was trained on"))
        try:
            saved_shapes = dict(tf.train.list_variables(latest))
            if any(saved_shapes.get(v.op.name) != v.shape.as_list()     # Saver.restore checks names only
                   for v in sess.graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)):
                stop("the checkpoint %s was saved by another model (its variables differ from this run's); "
                     "give another --save_path" % latest)
            self.saver.restore(sess, latest)
        except (tf.errors.OpError, ValueError) as e:
            stop("cannot read the checkpoint %s (%s): it is damaged; give another --save_path, or delete %s "
                 "to start over" % (latest, type(e).__name__, folder))
        print("Restored %s" % latest)

    def save(self, sess, global_step):
        """Save; only ever called after finite losses, so it never replaces a good checkpoint by a
        diverged one (max_to_keep=2 keeps the one before too)."""
        if self.saver is not None:
            os.makedirs(self.args.save_path, exist_ok=True)
            path = self.saver.save(sess, os.path.join(self.args.save_path, "model.ckpt"),
                                   global_step=global_step)
            write_atomically(os.path.join(self.args.save_path, "checkpoint.json"),
                             lambda tmp: open(tmp, "w").write(json.dumps(self.model, indent=2) + "\n"))
            print("Saved checkpoint %s" % path)


def stop(message):
    """A user's problem: one line on stderr, exit status 2."""
    print("error: %s" % message, file=sys.stderr)
    sys.exit(2)


class Diverged(Exception):
    """A training batch gave a loss that is not a finite number."""

    def __init__(self, step, cost):
        super(Diverged, self).__init__("the training loss is %s at step %d" % (cost, step))


def scalar(writer, tag, value, step):
    if writer is not None:
        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag=tag, simple_value=value)]), step)


def sample_words(session, model, id_to_word, n, rng, first="<eos>", progress_every=10.0):
    """n words drawn one at a time from a batch-1, one-step model's softmax, starting after `first`."""
    word_to_id = {w: i for i, w in id_to_word.items()}
    state = session.run(model.initial_state)
    word = word_to_id.get(first, 0)
    words = []
    progress = Progress(n, "sampling", progress_every)
    for _ in range(n):
        probs, state = session.run([model.probs, model.final_state],
                                   {model.input_data: [[word]], model.initial_state: state})
        p = probs[0].astype(np.float64)
        word = int(rng.choice(len(p), p=p / p.sum()))
        words.append(id_to_word[word])
        progress.update(len(words))
    return " ".join(words)


CTRL_C = []   # the Ctrl-Cs received


def ctrl_c(signum, frame):
    """Ctrl-C raises KeyboardInterrupt, as in any Python program, and is remembered: raised inside
    TensorFlow's C++ layer it can come out as another error, be swallowed, or leave a lock held
    (seen while a graph is built). So a second Ctrl-C stops the run at once, whatever its state."""
    CTRL_C.append(signum)
    if len(CTRL_C) > 1:
        print("\nInterrupted.", flush=True)
        os._exit(130)
    raise KeyboardInterrupt


if __name__ == '__main__':
    if "IPython" not in sys.modules:
        signal.signal(signal.SIGINT, ctrl_c)
    try:
        main(FLAGS)
    except (KeyboardInterrupt, Exception):     # outside training's own handler: data, graph building
        if not CTRL_C:
            raise                               # no Ctrl-C: a real error, shown as it is
        print("\nInterrupted.")
        sys.exit(130)

"""The PTB word-level LSTM language model of the TensorFlow book (TensorFlow学习笔记(六), 自然语言建模).

Page: "TensorFlow学习笔记(六)循环神经网络", 四.1 自然语言建模. `--model tutorial` (the default) is the page's
model; `--model small|medium|large|test` are the official TensorFlow PTB tutorial's configs
(Zaremba et al. 2014: 115.9 / 82.1 / 78.3 test perplexity on full PTB), with its learning-rate decay.

    python ptb_language_model.py --data_path data/ptb              # the page: 2 epochs
    python ptb_language_model.py --model small --sample 30         # official small config, then 30 words
"""
import math
import os
import time

import support   # first: it says what to install where numpy or TensorFlow is missing
import numpy as np

from support import fused_lstm   # not on the page: the same LSTM in fused kernels (--eval_lstm fused)
from data import reader       # TF1: from tensorflow.models.rnn.ptb import reader
from support import tf        # TF1: import tensorflow as tf (tensorflow.compat.v1, loaded after the flags)
# Copying the page's code into a file of your own? On TF 2.16+ it needs `pip install tf-keras` and
# os.environ["TF_USE_LEGACY_KERAS"] = "1" before `import tensorflow` (support.tf sets it here).

HERE = support.PROJECT   # the folder of the scripts and data/ (in a notebook or an editor's window too)

# %% 1、自然语言建模 (the page's parameters)
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


# %% configs (the official tutorial's style)
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
    rnn_mode = "basic"          # not on the page: the faster on a CPU here (docs/performance.md)


# %% 定义 PTBMODEL 类 (the model)
class PTBMODEL(object):
    # the page's arguments first; config, vocab_size and unroll carry what the page read from its constants;
    # fused (not on the page): each LSTM layer one fused op on the cells' variables (--rnn_mode block, --eval_lstm)
    def __init__(self, batch_size, num_steps, is_training=True, config=TutorialConfig, vocab_size=VOCAB_SIZE,
                 unroll="static", fused=False):
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
        if fused:   # not on the page: the cells' variables, each layer one fused op; dropout on its outputs
            with tf.variable_scope("RNN"):
                if not tf.get_variable_scope().reuse:
                    cell(inputs[:, 0, :], state)   # the page's cells create the variables, as in its loop
                    tf.get_variable_scope().reuse_variables()
                output, state = fused_lstm.run_cells(
                    inputs, state, config.forget_bias, config.keep_prob if is_training else 1.0)
        elif unroll == "static":
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
                # one step at a time: with more in flight, which step drew which dropout mask varied
                dyn_outputs, state = tf.nn.dynamic_rnn(cell, inputs, initial_state=state, parallel_iterations=1)
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


# %% run_epoch
def run_epoch(session, model, data, train_op, output_log, max_steps=None, on_step=None, tail_model=None,
              progress_every=10.0, on_log=None):
    """Run model over data once (training it when train_op is model.train_op).

    Returns (perplexity, words, seconds); the page returned the perplexity alone.
    max_steps: stop after that many batches. on_step(step, cost): called after each batch; on_log(step,
    perplexity): called with each "After N steps" line printed.
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
    progress = support.Progress(words, "training" if output_log else "evaluating", progress_every)
    # 使用当前数据训练或者测试模型
    batches = reader.ptb_iterator(data, model.batch_size, model.num_steps) if n_batches > 0 else []
    for step, (x, y) in enumerate(batches):
        if max_steps is not None and step >= max_steps:
            break
        # the final state of this batch is the initial state of the next one
        cost, state, _ = session.run([model.cost, model.final_state, train_op],
                                     {model.input_data: x, model.targets: y, model.initial_state: state})
        if output_log:                                # training: stop at the first inf or nan
            support.check_finite(cost, step)
        total_costs += cost
        iters += model.num_steps
        if on_step is not None:
            on_step(step, cost)
        # 只在训练时输出日志
        log_now = output_log and step % 100 == 0
        if log_now:
            print("After %s steps ,perplexity is %.3f" % (step, np.exp(total_costs / iters)))
            if on_log is not None:
                on_log(step, np.exp(total_costs / iters))
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


# %% main
def main(args):
    start = time.time()
    support.start_run(args.seed)
    config = get_config(args)
    session_conf, device = support.session_config(args.cpu)
    print("Device:", device)
    # 获取原始数据
    train_data, valid_data, test_data, vocab_size, word_to_id = read_data(args.data_path, config)

    eval_num_steps = args.eval_num_steps or config.num_steps
    # not on the page: on a CPU, training (config.rnn_mode) and evaluation run each LSTM layer as one
    # fused op on the cells' variables (support/fused_lstm.py, docs/performance.md)
    rnn_mode = support.rnn_mode(args.rnn_mode, device, "basic" if args.unroll == "dynamic" else config.rnn_mode)
    eval_lstm = args.eval_lstm or ("cells" if device.kind == "GPU" else "fused")
    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(args.seed)
        # 定义初始化函数
        initializer = tf.random_uniform_initializer(-config.init_scale, config.init_scale)
        train_model, eval_model, step_model, valid_model, valid_tail = build_models(
            config, vocab_size, initializer, args.unroll, rnn_mode == "block", eval_lstm == "fused", eval_num_steps)
        epoch_var = tf.Variable(0, trainable=False, name="epochs_done")   # lets --restore resume
        epoch_update = tf.assign_add(epoch_var, 1)
        init = tf.global_variables_initializer()
        ckpt = support.Checkpoints(args, {"script": "ptb_language_model.py", "--model": args.model,
                                  "--hidden_size": config.hidden_size, "--num_layers": config.num_layers,
                                  "--unroll": args.unroll, "vocabulary": vocab_size},
                                  recorded={"--rnn_mode": rnn_mode})   # either mode restores

    writer = support.summary_writer(args.logdir, graph)
    history = []      # per epoch: (epoch, learning rate, train perplexity, validation perplexity)
    curves = []       # per epoch, for the figure: the training perplexity as printed, (epochs done, perplexity)
    epoch_batches = reader.epoch_size(train_data, config.batch_size, config.num_steps)
    totals = Totals()
    with tf.Session(graph=graph, config=session_conf) as sess:
        sess.run(init)
        ckpt.restore(sess)
        if args.restore:
            print("(%d epochs done)" % sess.run(epoch_var))
        resumes = "; the checkpoint resumes at the start of this epoch" if args.save_path else ""
        with support.training_guard("--learning_rate", args.save_path, interrupted=resumes,
                                    save=lambda: ckpt.save(sess, sess.run(epoch_var))):
            # 使用训练数据训练模型
            for i in range(sess.run(epoch_var), config.max_max_epoch):
                if args.max_steps is not None and totals.steps >= args.max_steps:
                    break
                lr = set_learning_rate(sess, train_model, config, i, writer)
                curves.append([])
                # 在所有训练数据上训练循环神经网络
                train_perplexity, words, seconds = run_epoch(
                    sess, train_model, train_data, train_model.train_op, True,
                    None if args.max_steps is None else args.max_steps - totals.steps,
                    lambda step, cost: support.scalar(writer, "training_loss", float(cost / config.num_steps),
                                                      totals.steps + step),
                    on_log=lambda step, perplexity: curves[-1].append((i + step / epoch_batches, float(perplexity))))
                totals.trained(words, seconds, config)
                print("Epoch: %d Train perplexity: %.3f" % (i + 1, train_perplexity))
                curves[-1].append((i + 1.0, float(train_perplexity)))
                # 使用验证数据评测模型效果
                valid_perplexity, _, seconds = run_epoch(sess, valid_model, valid_data, tf.no_op(), False,
                                                         tail_model=valid_tail)
                totals.eval_seconds += seconds
                print("Epoch %s ,Validation perplexity :%.3f" % (i + 1, valid_perplexity))
                support.scalar(writer, "validation_perplexity", float(valid_perplexity), i + 1)
                history.append((i + 1, float(lr), float(train_perplexity), float(valid_perplexity)))
                sess.run(epoch_update)
                ckpt.save(sess, sess.run(epoch_var))

            # 最后使用测试数据测试模型效果 (the page measured the validation data here)
            test_perplexity, _, seconds = run_epoch(sess, eval_model, test_data, tf.no_op(), False,
                                                    tail_model=step_model)
            totals.eval_seconds += seconds
            print("TEST perplexity :%.3f" % test_perplexity)
            if args.sample:
                id_to_word = {i: w for w, i in word_to_id.items()}
                print("Sample: %s" % sample_words(sess, step_model, id_to_word, args.sample,
                                                  np.random.RandomState(args.seed)))
    wall = time.time() - start
    support.close_writer(writer, saved=ckpt.latest)
    return report(args, device, history, curves, test_perplexity, totals, wall, eval_num_steps, eval_lstm, vocab_size,
                  rnn_mode, saved=ckpt.latest)


# %% this script's own (not on the page): main's helpers, its command line and figure
def read_data(data_path, config):
    """reader.ptb_raw_data, and each split checked to hold one batch at least; a problem is one line."""
    try:
        train_data, valid_data, test_data, vocab_size, word_to_id = reader.ptb_raw_data(
            data_path, return_vocab=True)
        for name, data, b, n in [("training", train_data, config.batch_size, config.num_steps),
                                 ("validation", valid_data, config.valid_batch_size or config.batch_size,
                                  config.valid_num_steps or config.num_steps),
                                 ("test", test_data, EVAL_BATCH_SIZE, EVAL_NUM_STEP)]:
            if reader.epoch_size(data, b, n) <= 0:
                raise reader.PTBDataError("the %s split has %d words, too few for one batch of %d x %d; "
                                          "lower --batch_size or --num_steps" % (name, len(data), b, n))
    except reader.PTBDataError as e:
        support.stop(e)
    print("Vocabulary: %d words; %d / %d / %d words in train / valid / test"
          % (vocab_size, len(train_data), len(valid_data), len(test_data)))
    return train_data, valid_data, test_data, vocab_size, word_to_id


def build_models(config, vocab_size, initializer, unroll, fused, eval_fused, eval_num_steps):
    """The models of main, on one set of variables: (train, eval, step, valid, valid_tail). fused, eval_fused:
    training, evaluation through fused LSTM ops."""
    # 定义训练用的循环神经网络模型 (it creates the variables; the page's reuse=True here was a bug)
    with tf.variable_scope("language_model", reuse=None, initializer=initializer):
        train_model = PTBMODEL(config.batch_size, config.num_steps, True, config, vocab_size, unroll, fused)
    # 定义评测用的循环神经网络模型 (it reuses the training model's variables). The page fed it one
    # word per call (EVAL_NUM_STEP = 1); eval_model reads batch 1 in chunks of eval_num_steps words
    # and step_model, the page's 1 x 1 model, takes the last few words and draws --sample.
    with tf.variable_scope("language_model", reuse=True, initializer=initializer):
        step_model = PTBMODEL(EVAL_BATCH_SIZE, EVAL_NUM_STEP, False, config, vocab_size, unroll, eval_fused)
        eval_model = step_model if eval_num_steps == EVAL_NUM_STEP else \
            PTBMODEL(EVAL_BATCH_SIZE, eval_num_steps, False, config, vocab_size, unroll, eval_fused)
        if config.valid_batch_size is None:   # official configs validate with the training shape
            valid_model, valid_tail = PTBMODEL(config.batch_size, config.num_steps, False, config,
                                               vocab_size, unroll, eval_fused), None
        else:
            valid_model, valid_tail = eval_model, step_model
    return train_model, eval_model, step_model, valid_model, valid_tail


def set_learning_rate(sess, train_model, config, i, writer):
    """Epoch i + 1's learning rate (the official configs decay it after max_epoch), printed and logged."""
    lr_decay = config.lr_decay ** max(i + 1 - config.max_epoch, 0.0)
    train_model.assign_lr(sess, config.learning_rate * lr_decay)
    lr = sess.run(train_model.lr)
    print("In iteration:%s" % (i + 1))
    print("Epoch: %d Learning rate: %.3f" % (i + 1, lr))
    support.scalar(writer, "learning_rate", float(lr), i + 1)
    return lr


class Totals(object):
    """What the run has done so far: training steps and words, and seconds spent training and evaluating."""

    def __init__(self):
        self.steps = 0
        self.train_words = self.train_seconds = self.eval_seconds = 0.0

    def trained(self, words, seconds, config):
        """A training pass of run_epoch: its words and seconds."""
        self.steps += words // (config.batch_size * config.num_steps)
        self.train_words += words
        self.train_seconds += seconds


def report(args, device, history, curves, test_perplexity, totals, wall, eval_num_steps, eval_lstm, vocab_size,
           rnn_mode, saved):
    """After the session: the figure and the metrics JSON (saved: this run's last checkpoint, named if a
    write fails)."""
    if not args.no_plot and history:
        support.save_whole_figure(save_figure, args.plot, history, curves, test_perplexity,
                     "ptb_language_model.py --model %s" % args.model, args.show, saved)
    return support.write_metrics(args.metrics_json, {
        "script": "ptb_language_model.py", "variant": args.model, "unroll": args.unroll, "rnn_mode": rnn_mode,
        "steps": totals.steps, "epochs": len(history), "wall_seconds": round(wall, 3),
        "train_seconds": round(totals.train_seconds, 3), "eval_seconds": round(totals.eval_seconds, 3),
        "eval_num_steps": eval_num_steps, "eval_lstm": eval_lstm,
        "final_train_loss": math.log(history[-1][2]) if history else None,
        "train_perplexity": history[-1][2] if history else None,
        "valid_perplexity": history[-1][3] if history else None,
        "test_perplexity": float(test_perplexity), "vocab_size": vocab_size,
        "words_per_second": round(totals.train_words / totals.train_seconds, 1) if totals.train_seconds else None,
        "device": str(device),
    }, saved)


def parse_args(argv=None):
    p = support.parser(
        "PTB LSTM language model (the TensorFlow book's page; the official configs) in TF1 "
        "graph mode on today's TensorFlow.", prog="ptb_language_model.py")
    add_page_flags(p)
    support.add_rnn_mode(p, "basic, the faster here for the page's and the small config; the official "
                            "tutorial used block. With dropout, block draws other masks")
    p.add_argument("--unroll", choices=["static", "dynamic"], default="static",
                   help="static: the page's loop calling the cell once per step under variable_scope('RNN'); "
                        "dynamic: tf.nn.dynamic_rnn")
    p.add_argument("--eval_lstm", choices=["fused", "cells"],
                   help="fused: evaluate with each LSTM layer as one fused op on the same weights (the same "
                        "perplexity, faster at batch 1 on a CPU); cells: the page's BasicLSTMCells "
                        "(default: fused on a CPU, cells on a GPU)")
    p.add_argument("--sample", type=support.non_negative_int, default=0,
                   help="after training, print this many words generated by the model")
    support.add_run_flags(p, seed_help="random seed (Python, numpy, the graph)",
                          logdir_help="write TensorBoard events (training loss, learning rate, validation "
                                      "perplexity) here",
                          plot_default=os.path.join("outputs", "ptb_language_model.png"),
                          plot_help="save the perplexity curves as this PNG", checkpoints=True)
    args = support.parse(p, argv)
    if args.rnn_mode == "block" and args.unroll == "dynamic":
        p.error("--rnn_mode block runs each layer as one fused op, not unrolled: drop --unroll dynamic, "
                "or give --rnn_mode basic")
    support.check_run_args(p, args, memory=(memory_needed, ["--hidden_size", "--num_layers",
                                                                  "--batch_size", "--num_steps",
                                                                  "--eval_num_steps"]))
    return args


def add_page_flags(p):
    """The flags that set the page's values (keras3/ptb_language_model.py takes the same: one source for them)."""
    p.add_argument("--model", choices=list(CONFIGS), default="tutorial",
                   help="tutorial: the page; small/medium/large/test: the official PTB tutorial's configs")
    p.add_argument("--data_path", default=DATA_PATH,
                   help="folder with ptb.train.txt, ptb.valid.txt, ptb.test.txt (or simple-examples/data/); "
                        "downloaded there if absent")
    p.add_argument("--epochs", type=support.positive_int,
                   help="epochs (default: tutorial: NUM_EPOCH 2; the official configs: their max_max_epoch)")
    p.add_argument("--hidden_size", type=support.positive_int,
                   help="HIDDEN_SIZE (default: the --model config's; tutorial: 200)")
    p.add_argument("--num_layers", type=support.positive_int,
                   help="NUM_LAYERS (default: the --model config's; tutorial: 2)")
    p.add_argument("--batch_size", type=support.positive_int,
                   help="TRAIN_BATCH_SIZE (default: the --model config's; tutorial: 20)")
    p.add_argument("--num_steps", type=support.positive_int,
                   help="TRAIN_NUM_STEPS (default: the --model config's; tutorial: 35)")
    p.add_argument("--learning_rate", type=support.positive_float,
                   help="LEARNING_RATE (default: the --model config's; tutorial: 1.0)")
    p.add_argument("--keep_prob", type=support.keep_prob_value,
                   help="KEEP_DROP, the keep probability (default: the --model config's; tutorial: 0.5)")
    p.add_argument("--eval_num_steps", type=support.positive_int,
                   help="evaluate batch 1 in chunks of this many words, the state carried from chunk to "
                        "chunk: the page's perplexity, fewer session calls (default: the training num_steps, "
                        "35 for the page; 1 feeds one word per call as the page did)")
    p.add_argument("--max_steps", type=support.positive_int,
                   help="stop after this many training steps in total (default: no limit)")


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


def memory_needed(args):
    """Bytes the graph needs (estimated, for the page's 10,000 words): the embedding, the LSTM layers and
    the softmax (SGD: no optimizer slots) for a training batch. Unrolled by hand (static), each step's
    share of a kernel's gradient is held until they are summed, and the graph itself grows with the
    steps: measured here, 0.36 MB a layer and training step, 0.09 MB a layer and evaluation step."""
    config = get_config(args)
    rows, size = config.batch_size * config.num_steps, config.hidden_size
    per_layer = 0
    if args.unroll == "static":
        per_layer = (config.num_steps * (4 * 4 * size * (2 * size + 1) + 360e3)
                     + (args.eval_num_steps or config.num_steps) * 90e3)
    return (4 * (VOCAB_SIZE * size * 2 + rows * size * 2)
            + config.num_layers * (support.lstm_memory(size, size, rows, 0) + per_layer)
            + support.dense_memory(size, VOCAB_SIZE, rows, 0))


def save_figure(path, history, curves, test_perplexity, title, show, saved):
    """The training perplexity as the page prints it (each "After N steps" line and the epoch's "Train
    perplexity", the running perplexity of its epoch), the validation perplexity at the end of each epoch,
    and the test perplexity (the star)."""
    plt = support.pyplot(show)
    fig = plt.figure(figsize=(7, 4.5))
    epochs = [h[0] for h in history]
    for k, points in enumerate(curves):   # one line an epoch: each epoch restarts its running perplexity
        plt.plot([x for x, _ in points], [p for _, p in points], "b.-",
                 label="training perplexity (After N steps, Train perplexity)" if k == 0 else None)
    plt.plot(epochs, [h[3] for h in history], "gs-", label="validation perplexity (end of epoch)")
    if test_perplexity is not None and epochs:
        plt.plot([epochs[-1]], [test_perplexity], "r*", markersize=12, label="test perplexity")
    plt.yscale("log")
    plt.xlabel("epochs of training")
    plt.legend(loc="best")
    plt.title(title, fontsize=9)
    support.write_figure(fig, path, show, saved)


def sample_words(session, model, id_to_word, n, rng, first="<eos>", progress_every=10.0):
    """n words drawn one at a time from a batch-1, one-step model's softmax, starting after `first`."""
    word_to_id = {w: i for i, w in id_to_word.items()}
    state = session.run(model.initial_state)
    word = word_to_id.get(first, 0)
    words = []
    progress = support.Progress(n, "sampling", progress_every)
    for _ in range(n):
        probs, state = session.run([model.probs, model.final_state],
                                   {model.input_data: [[word]], model.initial_state: state})
        p = probs[0].astype(np.float64)
        word = int(rng.choice(len(p), p=p / p.sum()))
        words.append(id_to_word[word])
        progress.update(len(words))
    return " ".join(words)


# %% the official tutorial's other configs
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
    rnn_mode = "basic"          # the official tutorial's was "block": slower here (docs/performance.md)


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
    rnn_mode = "basic"          # the official tutorial's was "block": slower here (docs/performance.md)


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
    rnn_mode = "basic"          # the official tutorial's was "block": slower here (docs/performance.md)


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
    rnn_mode = "basic"          # the official tutorial's was "block": slower here (docs/performance.md)


CONFIGS = {"tutorial": TutorialConfig, "small": SmallConfig, "medium": MediumConfig,
           "large": LargeConfig, "test": TestConfig}


# %% the command line (in a notebook, the cells below run main instead)
if __name__ == '__main__':
    support.run(main, parse_args)

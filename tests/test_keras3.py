"""keras3/: each page's model written in today's Keras 3 computes what the TF1 script computes.

tests/keras3_checks.py runs in a process of its own (Keras 3 is eager; this process runs TF1 in graph
mode): random TF1 weights copied into each Keras model give the same outputs, the states carried across
batches and the bidirectional indices included; the regression and PTB models follow the TF1 losses
over a few training steps; and each --from_tf1 script evaluates a checkpoint the TF1 script saved here
to the same test figure, or refuses another model's in one line."""
import json
import os
import shutil
import sys

import pytest

import bilstm_mnist as bi
import lstm_mnist_classify as cls
import ptb_language_model as ptb
from helpers import ROOT, load_module, run_script, write_ptb
from mnist_files import learnable_idx

pytestmark = pytest.mark.xdist_group("keras3")   # pytest.ini: --dist loadgroup: one worker sets `checks` up
SAME_FUNCTION = 1e-5    # max abs difference of outputs (PTB: relative, per chunk)


@pytest.fixture(scope="session")     # once, whatever order a worker runs the tests in
def checks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("keras3")
    mnist = learnable_idx(str(tmp / "mnist"), n_train=5200, n_test=30)   # projected keeps 5,000 aside
    corpus = write_ptb(tmp / "ptb", train="the cat sat on the mat\na dog ate the cat\n" * 40,
                       valid="the dog sat on the cat\n" * 12, test="a cat ate the dog\n" * 12)
    tf1, requests = {}, []
    for name, module, flags in [("lstm_mnist_classify", cls, ["--variant", "stacked"]),
                                ("lstm_mnist_classify", cls, ["--variant", "projected", "--n_hidden_units", "16"]),
                                ("bilstm_mnist", bi, ["--layers", "2", "--bw_output", "full"]),
                                ("ptb_language_model", ptb, ["--model", "test"])]:
        ckpt = str(tmp / ("ckpt_%d" % len(requests)))
        data = ["--data_path", corpus] if module is ptb else ["--data_dir", mnist]
        m = module.main(module.parse_args(flags + data + ["--max_steps", "3", "--no_plot", "--save_path", ckpt]))
        tf1[name + " " + flags[1]] = m.get("test_accuracy", m.get("test_perplexity"))
        requests.append([name, flags + data + ["--from_tf1", ckpt]])
    # another model's checkpoint, and other flags: refused in one line
    requests.append(["bilstm_mnist", ["--data_dir", mnist, "--from_tf1", requests[0][1][-1]]])
    requests.append(["lstm_mnist_classify", ["--data_dir", mnist, "--hidden_units1", "20", "--from_tf1",
                                             requests[0][1][-1]]])
    # a copy whose data file was cut short (a copy broken off half-way): refused in one line
    damaged = tmp / "damaged"
    shutil.copytree(requests[3][1][-1], damaged)
    for data in damaged.glob("model.ckpt-*.data-*"):
        data.write_bytes(data.read_bytes()[:len(data.read_bytes()) // 2])
    requests.append(["ptb_language_model", ["--model", "test", "--data_path", corpus, "--from_tf1", str(damaged)]])
    r = run_script(os.path.join("tests", "keras3_checks.py"), json.dumps(requests))
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout.splitlines()[-1]), tf1, requests


@pytest.mark.parametrize("model", ["regression_lstm", "regression_rnn", "sin_single", "sin_multilayer",
                                   "sin_dense", "mnist_stacked", "mnist_projected", "bilstm_1_page",
                                   "bilstm_2_page", "bilstm_2_full", "ptb_evaluation"])
def test_the_same_weights_give_the_same_outputs(checks, model):
    assert checks[0][model + "_outputs"] <= SAME_FUNCTION


@pytest.mark.parametrize("model", ["regression_lstm", "regression_rnn", "ptb"])
def test_training_follows_the_tf1_losses(checks, model):
    """Adam with TF1's epsilon (1e-8); SGD with global-norm clipping; the same batches, states carried."""
    assert checks[0][model + "_training"] <= 1e-4


def test_from_tf1_gives_the_tf1_scripts_test_figures(checks):
    results, tf1, requests = checks
    for (name, argv), key in zip(requests, tf1):
        figure = results["from_tf1 %s %s" % (name, " ".join(argv))]
        assert figure == pytest.approx(tf1[key], rel=1e-5), (key, figure, tf1[key])


def test_from_tf1_refuses_another_models_checkpoint_in_one_line(checks):
    results, _, requests = checks
    (code, err), (code2, err2), (code3, err3) = [results["from_tf1 %s %s" % (n, " ".join(a))]
                                                 for n, a in requests[-3:]]
    assert code == 2 and err.count("\n") == 1 and "was saved by lstm_mnist_classify.py, not bilstm_mnist.py" in err
    assert code2 == 2 and "was saved with --hidden_units1 30 (this run: --hidden_units1 20)" in err2
    assert code3 == 2 and err3.count("\n") == 1 and err3.startswith("error: cannot read the checkpoint ")
    assert "damaged" in err3 and "Traceback" not in err3       # before: IndexError, Read less bytes than requested


def test_the_keras3_ptb_configs_are_the_tf1_scripts():
    sys.path.insert(0, os.path.join(ROOT, "keras3"))
    k3_ptb = load_module("k3_ptb", os.path.join("keras3", "ptb_language_model.py"))  # no TensorFlow, no Keras
    assert sorted(k3_ptb.CONFIGS) == sorted(ptb.CONFIGS)
    for name, config in ptb.CONFIGS.items():
        for key, value in k3_ptb.CONFIGS[name].items():
            assert getattr(config, key) == value, (name, key)

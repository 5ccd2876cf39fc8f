"""What a notebook brings with it (and a command line sometimes too): paths written as a learner types
them, with no shell to expand "~"; data another well-known tool already downloaded; a plotting library
that fails to import. Each run works, or one line says what to do; nothing is made where nobody asked."""
import hashlib
import io
import os
import runpy
import sys
import tarfile

import pytest

import lstm_mnist_classify as cls
import lstm_regression as reg
import ptb_language_model as ptb
import support
from helpers import ROOT, refused
from data import input_data, reader
from mnist_files import NAMES, learnable_idx


def test_a_tilde_in_a_path_is_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    args = cls.parse_args(["--data_dir", "~/mnist", "--plot", "~/figs/p.png", "--metrics_json", "~/m.json",
                           "--logdir", "~/logs", "--save_path", "~/ck"])
    for value, where in [(args.data_dir, "mnist"), (args.plot, "figs/p.png"), (args.metrics_json, "m.json"),
                         (args.logdir, "logs"), (args.save_path, "ck")]:
        assert value == str(tmp_path / where)
    assert ptb.parse_args(["--data_path", "~/ptb"]).data_path == str(tmp_path / "ptb")
    monkeypatch.syspath_prepend(os.path.join(ROOT, "keras3"))                          # as `python keras3/...`
    keras3 = runpy.run_path(os.path.join(ROOT, "keras3", "lstm_mnist_classify.py"))      # (not __main__: no run)
    k = keras3["parse_args"](["--data_dir", "~/mnist", "--from_tf1", "~/ck", "--metrics_json", "~/k.json"])
    assert (k.data_dir, k.from_tf1, k.metrics_json) == tuple(str(tmp_path / n) for n in ("mnist", "ck", "k.json"))
    assert not os.path.exists("~")                  # no folder named "~" made where the run started


def test_mnist_where_torchvision_put_it(tmp_path, capsys):
    """torchvision.datasets.MNIST(root="data", download=True) leaves data/MNIST/raw/*-ubyte(.gz)."""
    learnable_idx(str(tmp_path / "MNIST" / "raw"), n_train=20, n_test=5)
    mnist = input_data.read_data_sets(str(tmp_path), validation_size=0)
    assert mnist.train.num_examples == 20 and mnist.test.num_examples == 5
    assert os.path.join("MNIST", "raw", NAMES[0]) in capsys.readouterr().out
    assert sorted(os.listdir(tmp_path)) == ["MNIST"]         # nothing downloaded, nothing made beside it


def test_mnist_from_keras_cache_creates_no_data_folder(tmp_path, monkeypatch, capsys):
    """keras.datasets.mnist.load_data() left ~/.keras/datasets/mnist.npz: read there, the default data
    folder not made."""
    import numpy as np
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    cache = tmp_path / "home" / ".keras" / "datasets"
    cache.mkdir(parents=True)
    x, y = np.zeros((12, 28, 28), np.uint8), np.arange(12, dtype=np.uint8) % 10
    np.savez(cache / "mnist.npz", x_train=x, y_train=y, x_test=x[:3], y_test=y[:3])
    mnist = input_data.read_data_sets(str(tmp_path / "data" / "mnist"), validation_size=0)
    assert mnist.train.num_examples == 12 and not (tmp_path / "data").exists()


def test_ptb_from_the_archive_downloaded_by_hand(tmp_path, monkeypatch):
    """The official tutorial says: download simple-examples.tgz and extract it. A folder that holds only
    the archive is read from it; a damaged archive is one line."""
    texts = {"ptb.train.txt": b"the cat sat\n" * 5, "ptb.valid.txt": b"the cat\n", "ptb.test.txt": b"cat sat\n"}
    monkeypatch.setattr(reader, "MD5", {name: hashlib.md5(text).hexdigest() for name, text in texts.items()})
    with tarfile.open(tmp_path / "simple-examples.tgz", "w:gz") as tar:
        for name, text in texts.items():
            info = tarfile.TarInfo("./simple-examples/data/" + name)
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text))
    train, valid, test, vocab = reader.ptb_raw_data(str(tmp_path), download=False)
    assert vocab == 4 and len(train) == 20 and (tmp_path / "ptb.train.txt").exists()
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "simple-examples.tgz").write_bytes(b"not a gzip file")
    with pytest.raises(reader.PTBDataError) as e:
        reader.ptb_raw_data(str(damaged), download=False)
    assert "simple-examples.tgz cannot be read" in str(e.value) and "\n" not in str(e.value)


def test_a_plotting_library_that_fails_to_import_is_one_line(monkeypatch, capsys):
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)        # `import matplotlib` raises ImportError
    line = refused(reg.parse_args, capsys, "--max_steps", "2")
    assert "matplotlib cannot be imported" in line and "--no_plot" in line
    reg.parse_args(["--max_steps", "2", "--no_plot"])           # without a figure the run goes on
    with pytest.raises(SystemExit) as e:
        support.pyplot(False)                                   # and drawing later is one line too
    assert e.value.code == 2 and "matplotlib cannot draw here" in capsys.readouterr().err

"""data/input_data.py: TF1's MNIST reader, back. Tiny files only, no network."""
import gzip
import hashlib
import os
import pathlib
import stat

import numpy as np
import pytest

from data import download, input_data
from data.input_data import MnistDataError
from mnist_files import NAMES, idx_bytes, tiny_images, write_csv, write_idx


@pytest.mark.parametrize("gz", [True, False])
def test_idx_files_parse_exactly(tmp_path, gz):
    tr_x, tr_y, te_x, te_y = write_idx(str(tmp_path), gz=gz)
    m = input_data.read_data_sets(str(tmp_path), validation_size=2, download=False)
    assert m.train.num_examples == 10 and m.validation.num_examples == 2 and m.test.num_examples == 7
    assert m.train.images.shape == (10, 784) and m.train.images.dtype == np.float32
    np.testing.assert_allclose(m.train.images[:, 0], tr_x[2:, 0, 0] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(m.train.labels, tr_y[2:])
    np.testing.assert_array_equal(m.validation.labels, tr_y[:2])
    np.testing.assert_array_equal(m.test.labels, te_y)
    assert 0.0 <= m.test.images.min() and m.test.images.max() <= 1.0


def test_uint8_unreshaped_and_one_hot(tmp_path):
    tr_x, tr_y, _, _ = write_idx(str(tmp_path))
    m = input_data.read_data_sets(str(tmp_path), one_hot=True, dtype=np.uint8, reshape=False,
                                  validation_size=0, download=False)
    assert m.train.images.shape == (12, 28, 28, 1) and m.train.images.dtype == np.uint8
    np.testing.assert_array_equal(m.train.images[:, :, :, 0], tr_x)
    assert m.train.labels.shape == (12, 10)
    np.testing.assert_array_equal(m.train.labels.argmax(1), tr_y)
    assert (m.train.labels.sum(1) == 1).all()


def test_next_batch_wraps_around_epochs_without_shuffle():
    images = np.arange(5, dtype=np.uint8).reshape(5, 1, 1, 1)
    ds = input_data.DataSet(images, np.arange(5), dtype=np.uint8)
    x, y = ds.next_batch(3, shuffle=False)
    assert list(y) == [0, 1, 2] and ds.epochs_completed == 0
    x, y = ds.next_batch(3, shuffle=False)
    assert list(y) == [3, 4, 0] and ds.epochs_completed == 1
    assert list(x.ravel()) == [3, 4, 0]
    _, y = ds.next_batch(3, shuffle=False)
    assert list(y) == [1, 2, 3]


def test_next_batch_shuffles_each_epoch_deterministically_under_a_seed():
    images = np.arange(10, dtype=np.uint8).reshape(10, 1, 1, 1)

    def batches(seed):
        ds = input_data.DataSet(images, np.arange(10), dtype=np.uint8, seed=seed)
        return [list(ds.next_batch(5)[1]) for _ in range(4)]

    a = batches(7)
    assert a == batches(7)
    assert a != batches(8)
    assert sorted(a[0] + a[1]) == list(range(10)) and sorted(a[2] + a[3]) == list(range(10))
    assert a[0] + a[1] != list(range(10)) and a[0] + a[1] != a[2] + a[3]  # shuffled, anew each epoch


def test_validation_split_sizes(tmp_path):
    write_idx(str(tmp_path), n_train=12)
    for size in (0, 5, 12):
        m = input_data.read_data_sets(str(tmp_path), validation_size=size, download=False)
        assert (m.train.num_examples, m.validation.num_examples) == (12 - size, size)
    with pytest.raises(MnistDataError, match="validation_size"):
        input_data.read_data_sets(str(tmp_path), validation_size=13, download=False)


def test_keras_npz_cache(tmp_path):
    tr_x, tr_y = tiny_images(9)
    te_x, te_y = tiny_images(4, offset=3)
    np.savez(tmp_path / "mnist.npz", x_train=tr_x, y_train=tr_y, x_test=te_x, y_test=te_y)
    m = input_data.read_data_sets(str(tmp_path), one_hot=True, validation_size=1, download=False)
    assert m.train.num_examples == 8 and m.test.num_examples == 4
    np.testing.assert_array_equal(m.test.labels.argmax(1), te_y)


def test_npz_with_pickled_objects_is_refused(tmp_path):
    objects = np.empty(2, dtype=object)
    np.savez(tmp_path / "mnist.npz", x_train=objects, y_train=objects, x_test=objects, y_test=objects)
    with pytest.raises(MnistDataError, match="mnist.npz"):
        input_data.read_data_sets(str(tmp_path), download=False)


def test_kaggle_csv_holds_out_a_fixed_test_split(tmp_path, capsys):
    write_csv(tmp_path / "train.csv", n=60)
    m1 = input_data.read_data_sets(str(tmp_path), one_hot=True, validation_size=5, download=False)
    assert "held out" in capsys.readouterr().err
    assert (m1.train.num_examples, m1.validation.num_examples, m1.test.num_examples) == (45, 5, 10)
    # pixel value k identifies row k; labels follow k % 10
    ks = np.round(m1.test.images[:, 0] * 255).astype(int)
    np.testing.assert_array_equal(m1.test.labels.argmax(1), ks % 10)
    m2 = input_data.read_data_sets(str(tmp_path), validation_size=5, download=False, seed=99)
    np.testing.assert_array_equal(m2.test.images, m1.test.images)   # the split does not move


def test_kaggle_csv_holds_out_exactly_kaggle_test_size_and_says_so(tmp_path, capsys, monkeypatch):
    # Kaggle's 42,000 rows give 10,000 test and 32,000 training images; scaled down here to 20 of 60
    monkeypatch.setattr(input_data, "KAGGLE_TEST_SIZE", 20)
    write_csv(tmp_path / "train.csv", n=60)
    m = input_data.read_data_sets(str(tmp_path), validation_size=0, download=False)
    assert (m.train.num_examples, m.validation.num_examples, m.test.num_examples) == (40, 0, 20)
    err = capsys.readouterr().err
    assert "20 of its 60 images" in err and "40 remain for training" in err


def write_bad(folder, which, data):
    write_idx(folder, gz=False)
    with open(os.path.join(folder, which), "wb") as f:
        f.write(data)


BAD_IDX = {
    "wrong magic": ("train-images-idx3-ubyte", idx_bytes(np.zeros((12, 28, 28)), 2049), "magic number"),
    "truncated": ("t10k-images-idx3-ubyte", idx_bytes(np.zeros((7, 28, 28)), 2051)[:-100], "truncated"),
    "short header": ("t10k-labels-idx1-ubyte", b"\x00\x00", "truncated"),
    "counts differ": ("train-labels-idx1-ubyte", idx_bytes(np.zeros(11), 2049), "differ in number"),
    "label 10": ("train-labels-idx1-ubyte", idx_bytes(np.full(12, 10), 2049), "labels must be 0-9"),
}


@pytest.mark.parametrize("case", sorted(BAD_IDX))
def test_bad_idx_files_raise_clear_errors(tmp_path, case):
    which, data, message = BAD_IDX[case]
    write_bad(str(tmp_path), which, data)
    with pytest.raises(MnistDataError, match=message):
        input_data.read_data_sets(str(tmp_path), validation_size=0, download=False)


def test_corrupt_gzip_and_missing_files(tmp_path):
    write_idx(str(tmp_path))
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(MnistDataError, match="cannot be read"):
        input_data.read_data_sets(str(tmp_path), validation_size=0, download=False)
    os.remove(tmp_path / "t10k-images-idx3-ubyte.gz")
    with pytest.raises(MnistDataError, match="t10k-images-idx3-ubyte missing"):
        input_data.read_data_sets(str(tmp_path), validation_size=0, download=False)


BAD_CSV = {
    "header": (dict(header=["id"] + ["p%d" % i for i in range(784)]), "header"),
    "width": (dict(width=700), "header"),
    "row width": (dict(), "columns, expected 785"),
    "label": (dict(label_of=lambda k: 12), "labels must be 0-9"),
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_bad_kaggle_csv_raises_clear_errors(tmp_path, case):
    kwargs, message = BAD_CSV[case]
    if case == "width":
        kwargs = dict(header=["label"] + ["pixel%d" % i for i in range(699)], width=700)
    write_csv(tmp_path / "train.csv", n=12, **kwargs)
    if case == "row width":
        with open(tmp_path / "train.csv", "a") as f:
            f.write("3,1,2\n")
    with pytest.raises(MnistDataError, match=message):
        input_data.read_data_sets(str(tmp_path), validation_size=0, download=False)


def file_mirror(folder):
    return pathlib.Path(folder).absolute().as_uri() + "/"


def test_download_checks_sha256_and_tries_the_next_mirror(tmp_path, monkeypatch, capsys):
    good, bad, target = tmp_path / "good", tmp_path / "bad", tmp_path / "mnist"
    arrays = write_idx(str(good))
    write_idx(str(bad), images=tiny_images(12, offset=1))          # same names, other content
    sums = {}
    for name in NAMES:
        with gzip.open(good / (name + ".gz"), "rb") as f:
            sums[name] = hashlib.sha256(f.read()).hexdigest()
    monkeypatch.setattr(input_data, "FILES", sums)
    monkeypatch.setattr(input_data, "MIRRORS", [file_mirror(tmp_path / "absent"), file_mirror(bad),
                                                file_mirror(good)])
    umask = os.umask(0o022)       # a teacher's usual umask: the class may read what is downloaded
    try:
        m = input_data.read_data_sets(str(target), validation_size=0)
    finally:
        os.umask(umask)
    np.testing.assert_array_equal(m.train.labels, arrays[1])
    assert sorted(os.listdir(target)) == sorted(n + ".gz" for n in NAMES)   # no temporary left over
    if os.name == "posix":        # Windows has no file modes to check
        assert {oct(stat.S_IMODE(os.stat(target / (n + ".gz")).st_mode)) for n in NAMES} == {"0o644"}
    out = capsys.readouterr().out             # what it fetches, from where, and what it verified
    assert "Downloading %strain-images-idx3-ubyte.gz" % file_mirror(bad) in out
    assert "failed (SHA-256 mismatch); trying the next mirror" in out
    assert "Successfully downloaded t10k-labels-idx1-ubyte.gz, " in out and "SHA-256 verified" in out
    assert "Extracting %s" % (target / "train-images-idx3-ubyte.gz") in out   # as TF1 printed


def test_download_progress_in_tenths(tmp_path, capsys):
    (tmp_path / "big.bin").write_bytes(bytes(range(256)) * 4000)     # 1.02 MB
    with open(tmp_path / "copy.bin", "wb") as out:
        size = download.fetch(file_mirror(tmp_path) + "big.bin", out, timeout=5)
    assert size == 1024000 and (tmp_path / "copy.bin").read_bytes() == (tmp_path / "big.bin").read_bytes()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Downloading %sbig.bin" % file_mirror(tmp_path)
    percents = [int(l.split("(")[1].rstrip("%)")) for l in lines[1:]]   # about every tenth, never 100%
    assert 5 <= len(percents) <= 10 and percents == sorted(percents) and 0 < percents[0] <= 20 < 80 <= percents[-1] < 100
    assert lines[1].startswith("  0.1 MB of 1.0 MB (")


def test_absent_data_offline_names_the_four_files(tmp_path, monkeypatch):
    monkeypatch.setattr(input_data, "MIRRORS", [file_mirror(tmp_path / "nowhere")])
    with pytest.raises(MnistDataError) as e:
        input_data.read_data_sets(str(tmp_path / "mnist"))
    for name in NAMES:
        assert name in str(e.value)
    assert "--data_dir" in str(e.value) and "\n" not in str(e.value)
    assert os.listdir(tmp_path / "mnist") == []


def test_a_file_given_as_the_directory(tmp_path):
    (tmp_path / "mnist.gz").write_bytes(b"x")
    with pytest.raises(MnistDataError, match="is a file"):
        input_data.read_data_sets(str(tmp_path / "mnist.gz"))


def test_ctrl_c_during_the_download_leaves_no_partial_file(tmp_path, monkeypatch):
    def half_then_ctrl_c(url, out, timeout):
        out.write(b"\x1f\x8b half a file")
        raise KeyboardInterrupt
    monkeypatch.setattr(download, "fetch", half_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):      # not taken for a failed mirror: the user asked to stop
        input_data.read_data_sets(str(tmp_path / "mnist"))
    assert os.listdir(tmp_path / "mnist") == []


@pytest.mark.parametrize("layout", ["idx", "csv", "npz"])
def test_a_data_file_this_user_may_not_read_is_one_line(tmp_path, monkeypatch, layout):
    """Made by another user with mode 0600 (as downloads were before): the file and the cause. (The
    tests may run as root, whom no mode stops: the refusal is the operating system's, simulated.)"""
    if layout == "idx":
        write_idx(str(tmp_path))
        path = str(tmp_path / "train-images-idx3-ubyte.gz")
    elif layout == "csv":
        path = str(tmp_path / "train.csv")
        with open(path, "w") as f:
            f.write("label," + ",".join("pixel%d" % i for i in range(784)) + "\n")
    else:
        path = str(tmp_path / "mnist.npz")
        np.savez(path, x_train=np.zeros((2, 28, 28), np.uint8), y_train=np.zeros(2, np.uint8),
                 x_test=np.zeros((1, 28, 28), np.uint8), y_test=np.zeros(1, np.uint8))
    real_open, real_gzip, real_load = open, gzip.open, np.load

    def refuse(opener):
        def opened(name, *args, **kwargs):
            if str(name) == path:
                raise PermissionError(13, "Permission denied", path)
            return opener(name, *args, **kwargs)
        return opened
    monkeypatch.setattr(input_data, "open", refuse(real_open), raising=False)
    monkeypatch.setattr(input_data.gzip, "open", refuse(real_gzip))
    monkeypatch.setattr(input_data.np, "load", refuse(real_load))
    with pytest.raises(MnistDataError) as e:
        input_data.read_data_sets(str(tmp_path), validation_size=0, download=False)
    assert str(e.value).startswith("cannot read %s: Permission denied; " % path) and "chmod a+r" in str(e.value)

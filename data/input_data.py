"""MNIST reader with the API of TF1's `tensorflow.examples.tutorials.mnist.input_data` (gone since TF 2).

    from data import input_data
    mnist = input_data.read_data_sets('data/mnist', one_hot=True)
    batch_xs, batch_ys = mnist.train.next_batch(128)
    mnist.test.images, mnist.test.labels

Sources, tried in this order, in `train_dir`:
  1. the four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
     t10k-labels-idx1-ubyte), gzipped (.gz) or not;
  2. a Keras cache `mnist.npz` (there, or in ~/.keras/datasets/), loaded with allow_pickle=False;
  3. the Kaggle "Digit Recognizer" `train.csv` (a `label` column and 784 pixel columns) that the LSTM
     guide reads; it has no labelled test set, so a fixed, seeded split is held out as the test set;
  4. otherwise the IDX files are downloaded into `train_dir`, each checked against its SHA-256, written
     under a temporary name and renamed, trying each mirror in turn.
Every problem with the data raises MnistDataError with a one-line message saying how to fix it.
"""
import collections
import gzip
import hashlib
import os
import sys

import numpy as np

from .download import AllFailed, CannotCreate, WriteFailed, from_mirrors

FILES = {  # name -> SHA-256 of the uncompressed file (the same whichever mirror gzipped it)
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
# MNIST_MIRRORS="URL1 URL2" in the environment replaces this list (e.g. a local mirror)
MIRRORS = os.environ.get("MNIST_MIRRORS", "").split() or [
    "https://storage.googleapis.com/cvdf-datasets/mnist/",   # the one TF1's input_data used
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
]
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049
KAGGLE_TEST_SIZE = 10000   # held out of a Kaggle train.csv as the test set (fixed seed below)
KAGGLE_SPLIT_SEED = 0

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


class MnistDataError(ValueError):
    """The MNIST data is missing or malformed; the message says what and how to fix it."""


# ---------------------------------------------------------------------------------- the DataSet
class DataSet(object):
    """Images and labels with TF1's next_batch(): shuffles each epoch and stitches epoch boundaries."""

    def __init__(self, images, labels, dtype=np.float32, reshape=True, seed=None):
        if images.shape[0] != labels.shape[0]:
            raise MnistDataError("images and labels differ in number: %d images, %d labels"
                                 % (images.shape[0], labels.shape[0]))
        if reshape:
            images = images.reshape(images.shape[0], int(np.prod(images.shape[1:])))
        if np.dtype(dtype) == np.float32:
            images = images.astype(np.float32) * (1.0 / 255.0)  # [0, 255] -> [0.0, 1.0]
        elif np.dtype(dtype) != np.uint8:
            raise TypeError("dtype must be float32 or uint8, got %s" % dtype)
        self._images = images
        self._labels = labels
        self._num_examples = images.shape[0]
        self._epochs_completed = 0
        self._index_in_epoch = 0
        self._rng = np.random.RandomState(seed)

    images = property(lambda self: self._images)
    labels = property(lambda self: self._labels)
    num_examples = property(lambda self: self._num_examples)
    epochs_completed = property(lambda self: self._epochs_completed)

    def _shuffle(self):
        perm = self._rng.permutation(self._num_examples)
        self._images = self._images[perm]
        self._labels = self._labels[perm]

    def next_batch(self, batch_size, shuffle=True):
        """The next `batch_size` examples; the first call of an epoch shuffles when shuffle=True."""
        if batch_size <= 0:
            raise ValueError("batch_size must be positive, got %d" % batch_size)
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size <= self._num_examples:
            self._index_in_epoch += batch_size
            end = self._index_in_epoch
            return self._images[start:end], self._labels[start:end]
        # the epoch ends inside this batch: take its rest, then start the next epoch
        self._epochs_completed += 1
        rest = self._num_examples - start
        images_rest, labels_rest = self._images[start:], self._labels[start:]
        if shuffle:
            self._shuffle()
        need = min(batch_size - rest, self._num_examples)
        self._index_in_epoch = need
        return (np.concatenate((images_rest, self._images[:need]), axis=0),
                np.concatenate((labels_rest, self._labels[:need]), axis=0))


# ---------------------------------------------------------------------------------- IDX files
def _read_idx(path, magic, ndim):
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            data = f.read()
    except PermissionError as e:           # the file is fine, this user may not read it
        raise MnistDataError(unreadable(path, e))
    except (OSError, EOFError) as e:
        raise MnistDataError("%s cannot be read (%s); delete it and download it again" % (path, e))
    name = os.path.basename(path)
    if len(data) < 4 + 4 * ndim:
        raise MnistDataError("%s is truncated (%d bytes); delete it and download it again" % (path, len(data)))
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise MnistDataError("%s: wrong magic number %d (expected %d): not an MNIST %s file"
                             % (path, found, magic, "image" if magic == IMAGE_MAGIC else "label"))
    dims = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(ndim)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise MnistDataError("%s is truncated: header says %s values, file has %d; download it again"
                             % (name, "x".join(map(str, dims)), body.size))
    return body.reshape(dims)


def extract_images(path):
    """uint8 array (N, 28, 28, 1) from an IDX3 image file (as TF1's extract_images)."""
    images = _read_idx(path, IMAGE_MAGIC, 3)
    return images.reshape(images.shape + (1,))


def extract_labels(path, one_hot=False, num_classes=10):
    """uint8 labels (N,) from an IDX1 label file, or (N, 10) one-hot float arrays."""
    return _labels(_read_idx(path, LABEL_MAGIC, 1), one_hot, num_classes, path)


def _labels(labels, one_hot, num_classes, where):
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise MnistDataError("%s: labels must be 0-%d, found %d..%d"
                             % (where, num_classes - 1, labels.min(), labels.max()))
    labels = labels.astype(np.uint8)
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


def dense_to_one_hot(labels_dense, num_classes=10):
    one_hot = np.zeros((labels_dense.shape[0], num_classes), dtype=np.float32)
    one_hot[np.arange(labels_dense.shape[0]), labels_dense] = 1.0
    return one_hot


def _find(train_dir, name):
    """The file, .gz or not, in train_dir or where torchvision's MNIST(root=train_dir) put it."""
    for folder in (train_dir, os.path.join(train_dir, "MNIST", "raw")):
        for candidate in (name + ".gz", name):
            path = os.path.join(folder, candidate)
            if os.path.isfile(path):
                return path
    return None


# ---------------------------------------------------------------------------------- other layouts
def _from_npz(path, one_hot):
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    except KeyError as e:
        raise MnistDataError("%s has no array %s: expected x_train, y_train, x_test, y_test" % (path, e))
    except PermissionError as e:
        raise MnistDataError(unreadable(path, e))
    except (OSError, ValueError) as e:
        raise MnistDataError("%s is not a readable .npz file (%s)" % (path, e))
    for split in ("train", "test"):
        x = arrays["x_" + split]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise MnistDataError("%s: x_%s has shape %s, expected (N, 28, 28)" % (path, split, x.shape))
    return (arrays["x_train"][..., np.newaxis], _labels(arrays["y_train"], one_hot, 10, path),
            arrays["x_test"][..., np.newaxis], _labels(arrays["y_test"], one_hot, 10, path))


def unreadable(path, error):
    """The one line for a data file this user may not read (made by another user, mode 0600)."""
    return ("cannot read %s: %s; its owner can make it readable (chmod a+r), or use a copy of your own"
            % (path, error.strerror or error))


def _open_csv(path):
    try:
        return open(path)
    except OSError as e:
        raise MnistDataError(unreadable(path, e))


def _from_kaggle_csv(path, one_hot):
    """Kaggle's train.csv: header `label,pixel0,...,pixel783`, then one image per line (no pandas)."""
    with _open_csv(path) as f:
        header = f.readline().strip().split(",")
        if len(header) != 785 or header[0] != "label":
            raise MnistDataError("%s: expected a header `label,pixel0,...,pixel783` (785 columns), got %d "
                                 "columns starting with %r" % (path, len(header), header[0]))
        rows = []
        for number, line in enumerate(f, start=2):
            if not line.strip():
                continue
            fields = line.split(",")
            if len(fields) != 785:
                raise MnistDataError("%s line %d: %d columns, expected 785" % (path, number, len(fields)))
            try:
                rows.append([int(v) for v in fields])
            except ValueError:
                raise MnistDataError("%s line %d: a value is not an integer" % (path, number))
    if not rows:
        raise MnistDataError("%s has a header but no images" % path)
    table = np.array(rows, dtype=np.int64)
    pixels = table[:, 1:]
    if pixels.min() < 0 or pixels.max() > 255:
        raise MnistDataError("%s: pixel values must be 0-255" % path)
    labels = _labels(table[:, 0], False, 10, path)
    images = pixels.astype(np.uint8).reshape(-1, 28, 28, 1)
    # No labelled test file on Kaggle: hold out a fixed, seeded part of train.csv as the test set.
    # 10,000 like MNIST's own test set; a file too small for that (a test's) gives a sixth.
    n_test = KAGGLE_TEST_SIZE if len(images) >= 2 * KAGGLE_TEST_SIZE else len(images) // 6
    perm = np.random.RandomState(KAGGLE_SPLIT_SEED).permutation(len(images))
    test, train = perm[:n_test], perm[n_test:]
    print("Note: %s has no labelled test set; %d of its %d images (a fixed split, seed %d) are held "
          "out as the test set, %d remain for training." % (path, n_test, len(images), KAGGLE_SPLIT_SEED,
                                                           len(train)), file=sys.stderr)
    return (images[train], _labels(labels[train], one_hot, 10, path),
            images[test], _labels(labels[test], one_hot, 10, path))


# ---------------------------------------------------------------------------------- download
def _sha256_of_gunzipped(path):
    digest = hashlib.sha256()
    with gzip.open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def maybe_download(name, train_dir, mirrors=None, timeout=30):
    """Download NAME.gz into train_dir (if absent), verified; returns its path."""
    path = os.path.join(train_dir, name + ".gz")
    if os.path.isfile(path):
        return path
    def verified(tmp, size):
        if _sha256_of_gunzipped(tmp) != FILES[name]:
            raise ValueError("SHA-256 mismatch")
        os.replace(tmp, path)
        print("Successfully downloaded %s.gz, %d bytes, SHA-256 verified." % (name, size))
        return path
    try:
        return from_mirrors([m + name + ".gz" for m in mirrors or MIRRORS], train_dir, ".gz.part", timeout, verified)
    except CannotCreate as e:
        raise MnistDataError("MNIST is not in %s and cannot be downloaded there (%s): put the four files "
                             "%s there, or give --data_dir a folder you can write to"
                             % (os.path.abspath(train_dir), e.args[0].strerror or e.args[0], ", ".join(FILES)))
    except WriteFailed as e:
        raise MnistDataError("cannot write %s: %s" % (path, e.args[0].strerror or e.args[0]))
    except AllFailed as e:
        errors = e.args[0]
    raise MnistDataError(
        "MNIST not found in %s and could not be downloaded (%s). Put the four files %s (.gz or "
        "unzipped) in %s, or pass --data_dir DIR where they are."
        % (train_dir, "; ".join(errors), ", ".join(FILES), os.path.abspath(train_dir)))


# ---------------------------------------------------------------------------------- read_data_sets
def read_data_sets(train_dir, one_hot=False, dtype=np.float32, reshape=True, validation_size=5000,
                   seed=None, download=True):
    """train (55000 by default) / validation (5000) / test (10000) DataSets, as TF1's function."""
    if os.path.exists(train_dir) and not os.path.isdir(train_dir):
        raise MnistDataError("%s is a file: --data_dir must be the folder that holds the MNIST files" % train_dir)
    found = {name: _find(train_dir, name) for name in FILES}
    npz = [p for p in (os.path.join(train_dir, "mnist.npz"),
                       os.path.join(os.path.expanduser("~"), ".keras", "datasets", "mnist.npz"))
           if os.path.isfile(p)]
    csv = os.path.join(train_dir, "train.csv")
    if all(found.values()):
        for name in FILES:
            print("Extracting %s" % found[name])    # as TF1's read_data_sets printed
        train_images = extract_images(found["train-images-idx3-ubyte"])
        train_labels = extract_labels(found["train-labels-idx1-ubyte"], one_hot)
        test_images = extract_images(found["t10k-images-idx3-ubyte"])
        test_labels = extract_labels(found["t10k-labels-idx1-ubyte"], one_hot)
    elif any(found.values()):
        missing = [n for n, p in found.items() if p is None]
        raise MnistDataError("%s has only some of the MNIST files: %s missing (.gz or unzipped)"
                             % (train_dir, ", ".join(missing)))
    elif npz:
        train_images, train_labels, test_images, test_labels = _from_npz(npz[0], one_hot)
    elif os.path.isfile(csv):
        train_images, train_labels, test_images, test_labels = _from_kaggle_csv(csv, one_hot)
    elif download:
        for name in FILES:
            maybe_download(name, train_dir)
        return read_data_sets(train_dir, one_hot, dtype, reshape, validation_size, seed, download=False)
    else:
        raise MnistDataError("MNIST not found in %s: put %s there" % (train_dir, ", ".join(FILES)))

    if not 0 <= validation_size <= len(train_images):
        raise MnistDataError("validation_size should be between 0 and %d, got %d"
                             % (len(train_images), validation_size))
    validation = DataSet(train_images[:validation_size], train_labels[:validation_size], dtype, reshape,
                         seed=seed)
    train = DataSet(train_images[validation_size:], train_labels[validation_size:], dtype, reshape, seed=seed)
    test = DataSet(test_images, test_labels, dtype, reshape, seed=seed)
    return Datasets(train=train, validation=validation, test=test)

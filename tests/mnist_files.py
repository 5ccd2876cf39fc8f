"""Tiny MNIST files written by the tests: IDX (gz or raw), Keras npz and Kaggle CSV."""
import gzip
import os

import numpy as np

NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
         "t10k-labels-idx1-ubyte"]


def idx_bytes(array, magic):
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def tiny_images(n, offset=0):
    """Image k has every pixel equal to (k + offset) % 256, and its label is (k + offset) % 10."""
    values = (np.arange(n) + offset) % 256
    images = np.repeat(values, 28 * 28).reshape(n, 28, 28).astype(np.uint8)
    return images, ((np.arange(n) + offset) % 10).astype(np.uint8)


def write_idx(folder, n_train=12, n_test=7, gz=True, images=None):
    """Write the four IDX files; returns (train_images, train_labels, test_images, test_labels)."""
    os.makedirs(folder, exist_ok=True)
    tr_x, tr_y = images if images else tiny_images(n_train)
    te_x, te_y = tiny_images(n_test, offset=100)
    for name, array, magic in zip(NAMES, [tr_x, tr_y, te_x, te_y], [2051, 2049, 2051, 2049]):
        data = idx_bytes(array, magic)
        path = os.path.join(folder, name + (".gz" if gz else ""))
        with (gzip.open if gz else open)(path, "wb") as f:
            f.write(data)
    return tr_x, tr_y, te_x, te_y


def learnable_idx(folder, n_train=5200, n_test=203, seed=0):
    """Enough images for read_data_sets' default 5000-image validation split; a learnable pattern:
    digit d lights up row 2*d + 3."""
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 10, n_train + n_test).astype(np.uint8)
    images = (rng.rand(n_train + n_test, 28, 28) * 40).astype(np.uint8)
    images[np.arange(len(labels)), 2 * labels + 3, :] = 255
    os.makedirs(folder, exist_ok=True)
    parts = [images[:n_train], labels[:n_train], images[n_train:], labels[n_train:]]
    for name, array, magic in zip(NAMES, parts, [2051, 2049, 2051, 2049]):
        with open(os.path.join(folder, name), "wb") as f:   # unzipped: quick to write
            f.write(idx_bytes(array, magic))
    return folder


def write_csv(path, n=60, header=None, width=785, label_of=lambda k: k % 10):
    with open(path, "w") as f:
        f.write(",".join(header or (["label"] + ["pixel%d" % i for i in range(784)])) + "\n")
        for k in range(n):
            f.write(",".join([str(label_of(k))] + [str(k % 256)] * (width - 1)) + "\n")

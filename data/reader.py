"""PTB reader with the API of TF1's `tensorflow.models.rnn.ptb.reader` (gone since TF 1.0's models split).

    from data import reader
    train_data, valid_data, test_data, vocab_size = reader.ptb_raw_data('data/ptb')
    for step, (x, y) in enumerate(reader.ptb_iterator(train_data, 20, 35)): ...   # the book's numpy way
    x, y = reader.ptb_producer(train_data, 20, 35)                                # the official tensors

`ptb_raw_data` reads ptb.train.txt, ptb.valid.txt and ptb.test.txt from the directory, or from its
simple-examples/data/ folder. If they are absent it downloads simple-examples.tgz, extracts only those
three files (no path in the archive is trusted), checks each against its MD5 and writes each under a
temporary name before renaming. Every problem with the data raises PTBDataError, one line.
"""
import collections
import hashlib
import os
import tarfile

import numpy as np

from .download import AllFailed, CannotCreate, WriteFailed, from_mirrors, new_file

SPLITS = ("ptb.train.txt", "ptb.valid.txt", "ptb.test.txt")
MD5 = {  # of the files in simple-examples/data/ (the same files torchtext and others check)
    "ptb.train.txt": "f26c4b92c5fdc7b3f8c7cdcb991d8420",
    "ptb.valid.txt": "aa0affc06ff7c36e977d7cd49e3839bf",
    "ptb.test.txt": "8b80168b89c18661a38ef683c0dc3721",
}
# PTB_MIRRORS="URL ..." in the environment replaces this list (each URL is a simple-examples.tgz)
MIRRORS = os.environ.get("PTB_MIRRORS", "").split() or [
    "http://www.fit.vutbr.cz/~imikolov/rnnlm/simple-examples.tgz",
]
EOS = "<eos>"
UNK = "<unk>"


class PTBDataError(ValueError):
    """The PTB text is missing or unusable; the message says what and how to fix it."""


def _read_words(filename):
    try:
        with open(filename, "rb") as f:
            raw = f.read()
    except OSError as e:     # made by another user with mode 0600, say: one line, not a traceback
        raise PTBDataError("cannot read %s: %s; its owner can make it readable (chmod a+r), or use a copy "
                           "of your own" % (filename, e.strerror or e))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise PTBDataError("%s is not UTF-8 text (byte %d is 0x%02x): is it a PTB text file?"
                           % (filename, e.start, raw[e.start]))
    return text.replace("\n", " %s " % EOS).split()


def _build_vocab(filename):
    """word -> id, the most frequent word first, ties broken alphabetically (as TF's reader)."""
    counter = collections.Counter(_read_words(filename))
    count_pairs = sorted(counter.items(), key=lambda x: (-x[1], x[0]))
    words, _ = list(zip(*count_pairs)) if count_pairs else ((), ())
    return dict(zip(words, range(len(words))))


def _file_to_word_ids(filename, word_to_id):
    """Ids of the file's words, and how many of them are not in the vocabulary.

    Not TF's reader: it always dropped a word that is not in the vocabulary. Here such a word is read
    as <unk> when the vocabulary has <unk> (PTB's always does), so a perplexity counts every word of the
    split; only without <unk> is it dropped. On full PTB nothing differs: every word of its validation
    and test splits is in the vocabulary of its training split."""
    unk = word_to_id.get(UNK)
    words = _read_words(filename)
    ids = [word_to_id.get(word, unk) for word in words]
    unknown = sum(1 for word in words if word not in word_to_id)
    return [i for i in ids if i is not None], unknown


def _known_words(filename, word_to_id):
    return sum(1 for word in _read_words(filename) if word in word_to_id and word not in (EOS, UNK))


def _split_paths(data_path):
    for folder in (data_path, os.path.join(data_path, "simple-examples", "data")):
        paths = [os.path.join(folder, name) for name in SPLITS]
        if any(os.path.isfile(p) for p in paths):
            return paths
    return None


def ptb_raw_data(data_path=None, return_vocab=False, download=True):
    """(train_ids, valid_ids, test_ids, vocab_size), plus word_to_id when return_vocab=True (TF's reader
    returned the four; the script also needs the words, to print --sample). A split with words that are
    not in the vocabulary gets one printed line saying how many and what became of them."""
    data_path = data_path or os.path.join(os.path.dirname(os.path.abspath(__file__)), "ptb")
    if os.path.exists(data_path) and not os.path.isdir(data_path):
        raise PTBDataError("%s is a file: --data_path must be the folder that holds %s"
                           % (data_path, ", ".join(SPLITS)))
    paths = _split_paths(data_path)
    archive = os.path.join(data_path, "simple-examples.tgz")
    if paths is None and os.path.isfile(archive):      # downloaded by hand, as the official tutorial says
        try:
            _extract_splits(archive, data_path)
        except WriteFailed as e:
            raise PTBDataError("cannot write %s: %s" % (e.args[0].filename, e.args[0].strerror or e.args[0]))
        except (OSError, ValueError, EOFError, tarfile.TarError) as e:
            raise PTBDataError("%s cannot be read (%s): download it again, or put %s in %s"
                               % (archive, e, ", ".join(SPLITS), data_path))
        paths = _split_paths(data_path)
    if paths is None:
        if not download:
            raise PTBDataError("PTB not found in %s: put %s there" % (data_path, ", ".join(SPLITS)))
        maybe_download(data_path)
        paths = _split_paths(data_path)
    missing = [os.path.basename(p) for p in paths if not os.path.isfile(p)]
    if missing:
        raise PTBDataError("%s is missing from %s: PTB needs %s" % (", ".join(missing),
                                                                   os.path.dirname(paths[0]), ", ".join(SPLITS)))
    train_path, valid_path, test_path = paths
    word_to_id = _build_vocab(train_path)
    if not word_to_id:
        raise PTBDataError("%s is empty: the vocabulary is built from it" % train_path)
    data = []
    for path in paths:
        if not _read_words(path):
            raise PTBDataError("%s is empty" % path)
        if _known_words(path, word_to_id) == 0:
            raise PTBDataError("%s has no word of the vocabulary built from ptb.train.txt: is it PTB text?"
                               % path)
        ids, unknown = _file_to_word_ids(path, word_to_id)
        if unknown:
            print("%s: %s words not in the vocabulary, %s" % (os.path.basename(path), format(unknown, ","),
                  "read as %s" % UNK if UNK in word_to_id else "dropped (the vocabulary has no %s)" % UNK))
        data.append(ids)
    result = (data[0], data[1], data[2], len(word_to_id))
    return result + (word_to_id,) if return_vocab else result


def ptb_iterator(raw_data, batch_size, num_steps):
    """Yield (x, y) batches of shape [batch_size, num_steps], y being x shifted by one word.

    The data is cut into batch_size rows read left to right, so row i of one batch continues row i
    of the previous batch: the reason the final state can be fed back as the next initial state.
    """
    raw_data = np.array(raw_data, dtype=np.int32)
    data_len = len(raw_data)
    batch_len = data_len // batch_size
    data = np.zeros([batch_size, batch_len], dtype=np.int32)
    for i in range(batch_size):
        data[i] = raw_data[batch_len * i:batch_len * (i + 1)]
    epoch_size = (batch_len - 1) // num_steps
    if epoch_size <= 0:
        raise PTBDataError("%d words are too few for one batch of %d x %d (+1); decrease batch_size or "
                           "num_steps" % (data_len, batch_size, num_steps))
    for i in range(epoch_size):
        x = data[:, i * num_steps:(i + 1) * num_steps]
        y = data[:, i * num_steps + 1:(i + 1) * num_steps + 1]
        yield (x, y)


def epoch_size(raw_data, batch_size, num_steps):
    """Number of batches ptb_iterator / ptb_producer give for one pass over raw_data."""
    return ((len(raw_data) // batch_size) - 1) // num_steps


def ptb_producer(raw_data, batch_size, num_steps, name=None):
    """The official tutorial's reader: tensors x, y of shape [batch_size, num_steps], fed by a queue
    runner (start it with tf.train.start_queue_runners or use a MonitoredSession)."""
    import tensorflow.compat.v1 as tf
    if epoch_size(raw_data, batch_size, num_steps) <= 0:
        raise PTBDataError("%d words are too few for one batch of %d x %d (+1); decrease batch_size or "
                           "num_steps" % (len(raw_data), batch_size, num_steps))
    with tf.name_scope(name, "PTBProducer", [raw_data, batch_size, num_steps]):
        raw_data = tf.convert_to_tensor(raw_data, name="raw_data", dtype=tf.int32)
        data_len = tf.size(raw_data)
        batch_len = data_len // batch_size
        data = tf.reshape(raw_data[0: batch_size * batch_len], [batch_size, batch_len])
        epoch = (batch_len - 1) // num_steps
        i = tf.train.range_input_producer(epoch, shuffle=False).dequeue()
        x = tf.strided_slice(data, [0, i * num_steps], [batch_size, (i + 1) * num_steps])
        x.set_shape([batch_size, num_steps])
        y = tf.strided_slice(data, [0, i * num_steps + 1], [batch_size, (i + 1) * num_steps + 1])
        y.set_shape([batch_size, num_steps])
        return x, y


# ---------------------------------------------------------------------------------- download
def _md5(path):
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def maybe_download(data_path, mirrors=None, timeout=60):
    """Fetch simple-examples.tgz and put its three PTB text files, verified, in data_path."""
    def extracted(archive, size):
        print("Successfully downloaded simple-examples.tgz, %d bytes." % size)
        _extract_splits(archive, data_path)
    try:
        return from_mirrors(list(mirrors or MIRRORS), data_path, ".tgz.part", timeout, extracted)
    except CannotCreate as e:
        raise PTBDataError("PTB is not in %s and cannot be downloaded there (%s): put %s there, or give "
                           "--data_path a folder you can write to"
                           % (os.path.abspath(data_path), e.args[0].strerror or e.args[0], ", ".join(SPLITS)))
    except WriteFailed as e:
        error, = e.args
        raise PTBDataError("cannot write %s: %s" % (getattr(error, "filename", None) or
                                                    os.path.join(data_path, "simple-examples.tgz"),
                                                    error.strerror or error))
    except AllFailed as e:
        errors = e.args[0]
    raise PTBDataError(
        "PTB not found in %s and could not be downloaded (%s). Put %s there (from simple-examples/data/ "
        "of simple-examples.tgz), or pass --data_path DIR where they are."
        % (os.path.abspath(data_path), "; ".join(errors), ", ".join(SPLITS)))


def _extract_splits(archive, data_path):
    """Copy only simple-examples/data/ptb.{train,valid,test}.txt out of the archive, each verified."""
    with tarfile.open(archive, "r:gz") as tar:
        members = {}
        for m in tar.getmembers():
            parts = m.name.replace("\\", "/").lstrip("./").split("/")
            if m.isfile() and parts[-3:-1] == ["simple-examples", "data"] and parts[-1] in SPLITS \
                    and len(parts) == 3:
                members[parts[-1]] = m
        missing = [name for name in SPLITS if name not in members]
        if missing:
            raise ValueError("the archive lacks simple-examples/data/%s" % ", ".join(missing))
        written = []
        try:
            for name in SPLITS:
                fd, tmp = new_file(data_path, ".part")
                written.append(tmp)
                with os.fdopen(fd, "wb") as out:
                    try:
                        out.write(tar.extractfile(members[name]).read())
                        out.flush()
                        os.fsync(out.fileno())
                    except OSError as e:
                        e.filename = os.path.join(data_path, name)
                        raise WriteFailed(e)
                if _md5(tmp) != MD5[name]:
                    raise ValueError("%s: MD5 mismatch" % name)
            for tmp, name in zip(written, SPLITS):
                os.replace(tmp, os.path.join(data_path, name))
                print("Extracting %s (MD5 verified)" % os.path.join(data_path, name))
        finally:
            for tmp in written:
                if os.path.exists(tmp):
                    os.remove(tmp)

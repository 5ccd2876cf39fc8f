"""data/reader.py: TF1's PTB reader, back. Tiny corpora written by the tests, no network."""
import hashlib
import io
import os
import stat
import tarfile

import numpy as np
import pytest

from data import download, reader
from data.reader import PTBDataError
from helpers import write_ptb

RAW = [4, 3, 2, 1, 0, 5, 6, 1, 1, 1, 1, 0, 3, 4, 1]
FIRST = ([[4, 3], [5, 6], [1, 0]], [[3, 2], [6, 1], [0, 3]])
SECOND = ([[2, 1], [1, 1], [3, 4]], [[1, 0], [1, 1], [4, 1]])


def test_ptb_iterator_gives_the_exact_batches():
    batches = list(reader.ptb_iterator(RAW, 3, 2))
    assert len(batches) == 2 == reader.epoch_size(RAW, 3, 2)
    for (x, y), (ex, ey) in zip(batches, [FIRST, SECOND]):
        np.testing.assert_array_equal(x, ex)
        np.testing.assert_array_equal(y, ey)


def test_ptb_producer_gives_the_same_batches(tf):
    x, y = reader.ptb_producer(RAW, 3, 2)
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord=coord)
        try:
            for ex, ey in [FIRST, SECOND, FIRST]:     # and it wraps around to the first batch
                xv, yv = sess.run([x, y])
                np.testing.assert_array_equal(xv, ex)
                np.testing.assert_array_equal(yv, ey)
        finally:
            coord.request_stop()
            coord.join(threads)


def test_too_little_data_for_one_batch():
    with pytest.raises(PTBDataError, match="too few"):
        list(reader.ptb_iterator(RAW, 3, 5))
    with pytest.raises(PTBDataError, match="too few"):
        reader.ptb_producer(RAW, 8, 2)


def test_vocabulary_order_eos_and_unknown_words(tmp_path):
    folder = write_ptb(tmp_path, train="a b c\nb c <unk>\nc\n")
    train, valid, test, size, vocab = reader.ptb_raw_data(folder, return_vocab=True, download=False)
    # counts: c 3, <eos> 3, b 2, a 1, <unk> 1 -> by count, then alphabetically
    assert vocab == {"<eos>": 0, "c": 1, "b": 2, "<unk>": 3, "a": 4} and size == 5
    assert train == [4, 2, 1, 0, 2, 1, 3, 0, 1, 0]
    assert valid == [1, 2, 0]
    assert test == [4, 3, 3, 0]                       # "zzz" is not in the vocabulary: <unk>
    assert reader.ptb_raw_data(folder, download=False) == (train, valid, test, 5)


def test_unknown_words_are_dropped_when_there_is_no_unk(tmp_path, capsys):
    folder = write_ptb(tmp_path, test="a zzz b\n")
    _, _, test, _ = reader.ptb_raw_data(folder, download=False)
    assert test == [3, 2, 0]          # a, b, <eos>: zzz dropped, as TF's reader did
    assert capsys.readouterr().out == "ptb.test.txt: 1 words not in the vocabulary, dropped (the vocabulary " \
                                      "has no <unk>)\n"


def test_words_not_in_the_vocabulary_are_counted_and_read_as_unk(tmp_path, capsys):
    """TF's reader kept only the words of the vocabulary ([word_to_id[w] for w in data if w in
    word_to_id]); this one reads the others as <unk>, so that every word counts, and says how many."""
    folder = write_ptb(tmp_path, train="a b c <unk>\n" * 2, valid="a b c\n", test="a x b y y c\n")
    train, valid, test, size, vocab = reader.ptb_raw_data(folder, return_vocab=True, download=False)
    out = capsys.readouterr().out
    assert out == "ptb.test.txt: 3 words not in the vocabulary, read as <unk>\n"   # none for train, valid
    words = "a x b y y c <eos>".split()
    tf_reader = [vocab[w] for w in words if w in vocab]
    assert len(tf_reader) == 4 and len(test) == 7
    assert test == [vocab.get(w, vocab["<unk>"]) for w in words]
    assert [i for i in test if i != vocab["<unk>"]] == tf_reader


def test_simple_examples_layout(tmp_path):
    write_ptb(tmp_path / "simple-examples" / "data")
    assert reader.ptb_raw_data(str(tmp_path), download=False)[3] == 4


@pytest.mark.parametrize("case,message", [("missing", "ptb.valid.txt is missing"),
                                          ("empty", "ptb.test.txt is empty"),
                                          ("empty train", "is empty"),
                                          ("no known word", "no word of the vocabulary")])
def test_bad_splits_raise_clear_errors(tmp_path, case, message):
    folder = write_ptb(tmp_path)
    if case == "missing":
        os.remove(os.path.join(folder, "ptb.valid.txt"))
    elif case == "empty":
        open(os.path.join(folder, "ptb.test.txt"), "w").close()
    elif case == "empty train":
        open(os.path.join(folder, "ptb.train.txt"), "w").close()
    else:
        write_ptb(tmp_path, valid="x y z\n")
    with pytest.raises(PTBDataError, match=message):
        reader.ptb_raw_data(folder, download=False)


def make_tgz(path, files, evil=True):
    with tarfile.open(path, "w:gz") as tar:
        entries = dict(("./simple-examples/data/" + name, text) for name, text in files.items())
        if evil:
            entries["../evil.txt"] = "outside"
            entries["./simple-examples/data/../../ptb.train.txt"] = "not this one"
        for name, text in entries.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_download_extracts_only_the_three_verified_files(tmp_path, monkeypatch, capsys):
    files = {"ptb.train.txt": "a b\n", "ptb.valid.txt": "a\n", "ptb.test.txt": "b\n"}
    make_tgz(tmp_path / "good.tgz", files)
    make_tgz(tmp_path / "bad.tgz", dict(files, **{"ptb.test.txt": "tampered\n"}), evil=False)
    monkeypatch.setattr(reader, "MD5", {n: hashlib.md5(t.encode()).hexdigest() for n, t in files.items()})
    monkeypatch.setattr(reader, "MIRRORS", [(tmp_path / "bad.tgz").as_uri(), (tmp_path / "good.tgz").as_uri()])
    target = tmp_path / "ptb"
    umask = os.umask(0o022)       # a teacher's usual umask: the class may read what is extracted
    try:
        train, valid, test, size = reader.ptb_raw_data(str(target))
    finally:
        os.umask(umask)
    assert size == 3 and len(train) == 3
    assert sorted(os.listdir(target)) == sorted(files)        # nothing else, no temporary left
    if os.name == "posix":        # Windows has no file modes to check
        assert {oct(stat.S_IMODE(os.stat(target / n).st_mode)) for n in files} == {"0o644"}
    assert not (tmp_path / "evil.txt").exists()
    assert (target / "ptb.test.txt").read_text() == "b\n"
    out = capsys.readouterr().out
    assert "Downloading %s" % (tmp_path / "bad.tgz").as_uri() in out and "MD5 mismatch); trying the next" in out
    assert "Successfully downloaded simple-examples.tgz" in out
    assert "Extracting %s (MD5 verified)" % (target / "ptb.valid.txt") in out


def test_absent_and_offline_names_the_files(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MIRRORS", [(tmp_path / "nowhere.tgz").as_uri()])
    with pytest.raises(PTBDataError) as e:
        reader.ptb_raw_data(str(tmp_path / "ptb"))
    for name in reader.SPLITS:
        assert name in str(e.value)
    assert "--data_path" in str(e.value) and os.listdir(tmp_path / "ptb") == []


def test_a_file_given_as_the_directory(tmp_path):
    (tmp_path / "ptb.train.txt").write_text("a b\n")
    with pytest.raises(PTBDataError, match="is a file"):
        reader.ptb_raw_data(str(tmp_path / "ptb.train.txt"))


def test_text_that_is_not_utf8_names_the_file_and_byte(tmp_path):
    folder = write_ptb(tmp_path)
    with open(os.path.join(folder, "ptb.valid.txt"), "wb") as f:
        f.write(b"the cat \xff sat\n")
    with pytest.raises(PTBDataError) as e:
        reader.ptb_raw_data(folder, download=False)
    assert "ptb.valid.txt is not UTF-8 text (byte 8 is 0xff)" in str(e.value)


def test_ctrl_c_during_the_download_leaves_no_partial_file(tmp_path, monkeypatch):
    def half_then_ctrl_c(url, out, timeout):
        out.write(b"\x1f\x8b half an archive")
        raise KeyboardInterrupt
    monkeypatch.setattr(download, "fetch", half_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):      # not taken for a failed mirror: the user asked to stop
        reader.ptb_raw_data(str(tmp_path / "ptb"))
    assert os.listdir(tmp_path / "ptb") == []


def test_a_split_this_user_may_not_read_is_one_line(tmp_path, monkeypatch):
    """Made by another user with mode 0600: the file and the cause (simulated: root reads any mode)."""
    write_ptb(tmp_path, train="a b c\n", valid="a b\n", test="b c\n")
    path = os.path.join(str(tmp_path), "ptb.valid.txt")
    real_open = open

    def opened(name, *args, **kwargs):
        if str(name) == path:
            raise PermissionError(13, "Permission denied", path)
        return real_open(name, *args, **kwargs)
    monkeypatch.setattr(reader, "open", opened, raising=False)
    with pytest.raises(reader.PTBDataError) as e:
        reader.ptb_raw_data(str(tmp_path), download=False)
    assert str(e.value).startswith("cannot read %s: Permission denied; " % path) and "chmod a+r" in str(e.value)

"""No run is lost to a write that fails (a full disk, a quota, permissions): every file a run writes
(checkpoint, checkpoint.json, figure, metrics JSON, TensorBoard events, downloads) fails with one
`error:` line naming it and the cause, exit status 2, no temporary file left, the previous checkpoint
untouched and still restoring, the figures printed to stdout kept, the checkpoint that holds the trained
model named. The disk is made full by raising ENOSPC where the bytes are written."""
import errno
import io
import os

import pytest

import lstm_mnist_classify as cls
import lstm_regression as reg
import support
from data import download, input_data, reader
from mnist_files import learnable_idx

FULL = OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    return learnable_idx(str(tmp_path_factory.mktemp("mnist")), n_train=200, n_test=30)


def error_line(capsys):
    captured = capsys.readouterr()
    lines = [l for l in captured.err.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in captured.err, captured.err
    return lines[0], captured.out


def disk_full_at_fsync(monkeypatch, after=0):
    """fsync (which write_atomically calls before renaming) fails after `after` successful calls."""
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) > after:
            raise FULL
        real(fd)
    monkeypatch.setattr(support.output_files.os, "fsync", fsync)


def test_the_metrics_json_on_a_full_disk(tmp_path, monkeypatch, capsys):
    """Before: exit 0 and an empty JSON file (the file was never closed, its write error lost)."""
    disk_full_at_fsync(monkeypatch)
    with pytest.raises(SystemExit) as e:
        reg.main(reg.parse_args(["--max_steps", "2", "--no_plot", "--metrics_json", str(tmp_path / "m.json")]))
    line, out = error_line(capsys)
    assert e.value.code == 2
    assert line == "error: cannot write %s: No space left on device" % (tmp_path / "m.json")
    assert "test mse" in out                       # the figures printed are kept
    assert os.listdir(tmp_path) == []             # no m.json, no temporary file


def test_the_figure_on_a_full_disk_names_the_saved_checkpoint(mnist_dir, tmp_path, monkeypatch, capsys):
    ckpt = tmp_path / "ckpt"
    real_savefig = __import__("matplotlib.figure", fromlist=["Figure"]).Figure.savefig

    def half_then_full(fig, f, **kw):
        f.write(b"\x89PNG half")
        raise FULL
    monkeypatch.setattr(real_savefig.__globals__["Figure"], "savefig", half_then_full)
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(["--data_dir", mnist_dir, "--max_steps", "2", "--save_path", str(ckpt),
                                 "--plot", str(tmp_path / "figs" / "p.png")]))
    line, out = error_line(capsys)
    assert e.value.code == 2 and "test accuracy:" in out
    assert line == ("error: cannot write %s: No space left on device; the trained model is saved: %s"
                    % (tmp_path / "figs" / "p.png", ckpt / "model.ckpt-2"))
    assert os.listdir(tmp_path / "figs") == []


def test_a_checkpoint_on_a_full_disk_keeps_the_previous_one(mnist_dir, tmp_path, monkeypatch, capsys):
    """Before: a ResourceExhaustedError traceback and model.ckpt-N.meta.tmp... left in the folder."""
    ckpt = tmp_path / "ckpt"
    common = ["--data_dir", mnist_dir, "--batch_size", "20", "--no_plot", "--save_path", str(ckpt)]
    cls.main(cls.parse_args(common + ["--max_steps", "3"]))
    before = {name: (ckpt / name).read_bytes() for name in os.listdir(ckpt)}
    capsys.readouterr()
    saver_class = support.tf.train.Saver
    real_save = saver_class.save

    def full_disk(self, sess, prefix, global_step=None, **kw):
        path = real_save(self, sess, prefix, global_step=global_step, **kw)   # TensorFlow wrote it all...
        open(path + ".meta.tmp1234", "wb").write(b"half")                  # ...then the meta graph failed
        raise support.tf.errors.ResourceExhaustedError(None, None, path + ".meta.tmp1234; No space left on "
                                                                          "device")
    monkeypatch.setattr(saver_class, "save", full_disk)
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(common + ["--max_steps", "6", "--restore"]))
    line, _ = error_line(capsys)
    assert e.value.code == 2
    assert line == ("error: cannot write %s: No space left on device; the previous checkpoint is kept: %s"
                    % (ckpt / "model.ckpt-6", ckpt / "model.ckpt-3"))
    after = {name: (ckpt / name).read_bytes() for name in os.listdir(ckpt)}
    assert after == before                         # not one byte of the folder changed
    monkeypatch.setattr(saver_class, "save", real_save)
    cls.main(cls.parse_args(common + ["--max_steps", "4", "--restore"]))
    assert "Restored %s" % (ckpt / "model.ckpt-3") in capsys.readouterr().out


def test_checkpoint_json_on_a_full_disk(mnist_dir, tmp_path, monkeypatch, capsys):
    disk_full_at_fsync(monkeypatch)
    with pytest.raises(SystemExit) as e:
        cls.main(cls.parse_args(["--data_dir", mnist_dir, "--max_steps", "2", "--no_plot",
                                 "--save_path", str(tmp_path / "ckpt")]))
    line, _ = error_line(capsys)
    assert e.value.code == 2
    assert line == "error: cannot write %s: No space left on device" % (tmp_path / "ckpt" / "checkpoint.json")
    assert os.listdir(tmp_path / "ckpt") == []


def test_tensorboard_events_on_a_full_disk(tmp_path, monkeypatch, capsys):
    """TensorFlow's writer thread fails and raises on the next write or on close: one line, not its
    thread's traceback and log."""
    real_add_summary = support.tf.summary.FileWriter.add_summary

    def add_summary(self, summary, step=None):
        real_add_summary(self, summary, step)
        raise RuntimeError("%s/events.out.tfevents.1; No space left on device\n\tFailed to flush 3 events"
                           % tmp_path)
    monkeypatch.setattr(support.tf.summary.FileWriter, "add_summary", add_summary)
    with pytest.raises(SystemExit) as e:
        reg.main(reg.parse_args(["--max_steps", "2", "--no_plot", "--logdir", str(tmp_path / "logs")]))
    line, _ = error_line(capsys)
    assert e.value.code == 2 and line == "error: cannot write %s: No space left on device" % (tmp_path / "logs")


class FullDisk(io.RawIOBase):
    """A file whose disk fills up after `room` bytes."""

    def __init__(self, out, room):
        self.out, self.room = out, room

    def write(self, data):
        if len(data) > self.room:
            raise FULL
        self.room -= len(data)
        return self.out.write(data)

    def flush(self):
        self.out.flush()

    def fileno(self):
        return self.out.fileno()


class Response(io.BytesIO):
    headers = {}


@pytest.mark.parametrize("module", [input_data, reader])
def test_a_download_on_a_full_disk_is_one_error_and_leaves_nothing(module, tmp_path, monkeypatch, capsys):
    """The disk, not the network: no other mirror is tried, no partial file is left."""
    urls = []

    def urlopen(url, timeout):
        urls.append(url)
        return Response(b"\x1f\x8b" + b"x" * 300000)
    monkeypatch.setattr(download.urllib.request, "urlopen", urlopen)
    real_fetch = download.fetch
    monkeypatch.setattr(download, "fetch", lambda url, out, timeout: real_fetch(url, FullDisk(out, 70000), timeout))
    monkeypatch.setattr(module, "MIRRORS", ["http://one/", "http://two/"])
    folder = tmp_path / "data"
    with pytest.raises((input_data.MnistDataError, reader.PTBDataError)) as e:
        if module is input_data:
            input_data.read_data_sets(str(folder))
        else:
            reader.ptb_raw_data(str(folder))
    name = "train-images-idx3-ubyte.gz" if module is input_data else "simple-examples.tgz"
    assert str(e.value) == "cannot write %s: No space left on device" % (folder / name)
    assert len(urls) == 1 and os.listdir(folder) == []

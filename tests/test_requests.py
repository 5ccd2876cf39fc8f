"""What the user asks for is what they get, or one line before any training: a figure in the format its
name says, every output path tried for real, a data folder that cannot be written, a size the machine
cannot hold (estimated before the graph is built; TensorFlow's own out-of-memory error as one line)."""
import errno
import importlib
import os

import pytest

import lstm_regression as reg
import support
from helpers import refused
from data import input_data, reader

SIZES = [("lstm_regression.py", ["--cell_size", "100000"], "--cell_size (100000)"),
         ("lstm_regression.py", ["--batch_size", "100000000"], "--batch_size (100000000)"),
         ("lstm_sin_predict.py", ["--hidden_units1", "200000"], "--hidden_units1 (200000)"),
         ("lstm_mnist_classify.py", ["--variant", "projected", "--n_hidden_units", "100000"],
          "--n_hidden_units (100000)"),
         ("bilstm_mnist.py", ["--hidden_units1", "60000"], "--hidden_units1 (60000)"),
         ("ptb_language_model.py", ["--hidden_size", "20000"], "--hidden_size (20000)"),
         ("ptb_language_model.py", ["--batch_size", "100000"], "--batch_size (100000)"),
         ("ptb_language_model.py", ["--eval_num_steps", "1000000"], "--eval_num_steps (1000000)")]


def test_the_figure_is_written_in_the_format_its_name_says(tmp_path, capsys):
    reg.main(reg.parse_args(["--max_steps", "2", "--plot", str(tmp_path / "p.pdf")]))   # a script's figure
    assert (tmp_path / "p.pdf").read_bytes()[:4] == b"%PDF" and os.listdir(tmp_path) == ["p.pdf"]
    plt = support.pyplot(False)
    for name, magic in [("p.svg", b"<?xml"), ("p.jpg", b"\xff\xd8\xff"), ("p.PNG", b"\x89PNG"), ("p", b"\x89PNG")]:
        fig = plt.figure()
        plt.plot([1, 2, 3])
        support.write_figure(fig, str(tmp_path / name))        # what every script's figure goes through
        assert (tmp_path / name).read_bytes()[:len(magic)] == magic, name
    assert sorted(os.listdir(tmp_path)) == ["p", "p.PNG", "p.jpg", "p.pdf", "p.svg"]


def test_a_figure_format_matplotlib_cannot_write_is_refused(capsys):
    line = refused(reg.parse_args, capsys, "--plot", "fig.docx")
    assert "--plot fig.docx: matplotlib cannot write .docx figures; name one of" in line and ".pdf" in line


def test_every_output_is_tried_for_real_and_nothing_is_left(tmp_path, capsys):
    too_long = "x" * 300
    for flag, path in [("--plot", tmp_path / "new" / (too_long + ".png")),
                       ("--metrics_json", tmp_path / "new" / (too_long + ".json")),
                       ("--logdir", tmp_path / "new" / too_long / "logs"),
                       ("--save_path", tmp_path / "new" / too_long)]:
        module = importlib.import_module("ptb_language_model")
        line = refused(module.parse_args, capsys, flag, str(path))
        assert "%s %s: cannot be written here: File name too long" % (flag, path) in line
    # a name of 255 characters is fine, though its temporary name must be shorter; what the trial
    # created (folders included) is gone again
    ok = tmp_path / "a" / "b" / ("y" * 250 + ".json")
    args = reg.parse_args(["--metrics_json", str(ok), "--logdir", str(tmp_path / "c" / "logs"),
                           "--plot", str(tmp_path / "d" / "p.pdf")])
    assert args.metrics_json == str(ok)
    assert os.listdir(tmp_path) == []       # not "new", "a", "c" or "d": every folder the trials made is gone


def test_an_empty_output_path_is_refused(capsys):
    assert "--plot is empty: give a file name" in refused(reg.parse_args, capsys, "--plot", "")
    assert "--logdir is empty: give a folder" in refused(reg.parse_args, capsys, "--logdir", " ")


def test_relative_output_paths_are_tried_and_left_as_they_were(tmp_path, monkeypatch):
    """As a user types them, relative to the folder the script runs in (a folder, a file, nested)."""
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module("ptb_language_model")
    args = module.parse_args(["--save_path", "ckpt", "--logdir", "logs/run1", "--plot", "p.png",
                              "--metrics_json", "out/m.json"])
    assert (args.save_path, args.plot) == ("ckpt", "p.png") and os.listdir(tmp_path) == []


def test_an_existing_output_file_is_left_as_it_was(tmp_path):
    (tmp_path / "m.json").write_text("{}")
    reg.parse_args(["--metrics_json", str(tmp_path / "m.json"), "--no_plot"])
    assert os.listdir(tmp_path) == ["m.json"] and (tmp_path / "m.json").read_text() == "{}"


@pytest.mark.parametrize("module", [input_data, reader])
def test_a_data_folder_that_cannot_be_written_is_one_line(module, tmp_path, monkeypatch):
    """A read-only class share (as root, a real read-only folder cannot be made: makedirs says no)."""
    def read_only(path, *a, **k):
        raise OSError(errno.EROFS, "Read-only file system", path)
    monkeypatch.setattr(os, "makedirs", read_only)
    with pytest.raises((input_data.MnistDataError, reader.PTBDataError)) as e:
        if module is input_data:
            input_data.read_data_sets(str(tmp_path / "share"))
        else:
            reader.ptb_raw_data(str(tmp_path / "share"))
    message = str(e.value)
    assert "is not in %s and cannot be downloaded there (Read-only file system)" % (tmp_path / "share") in message
    assert ("--data_dir" if module is input_data else "--data_path") + " a folder you can write to" in message


@pytest.mark.parametrize("script,flags,named", SIZES)
def test_a_size_the_machine_cannot_hold_is_refused_naming_the_flag(script, flags, named, capsys):
    module = importlib.import_module(script[:-3])
    line = refused(module.parse_args, capsys, *flags)
    assert "this run needs about" in line and "GB are available: lower %s" % named in line
    module.parse_args([])                                  # the page's own sizes fit


def test_the_estimate_follows_the_memory_there_is(monkeypatch, capsys):
    monkeypatch.setattr(support.memory, "available_memory", lambda: 2 * support.memory.BASE_MEMORY)
    reg.parse_args(["--cell_size", "100"])
    line = refused(reg.parse_args, capsys, "--cell_size", "20000")
    assert "and 2.1 GB are available: lower --cell_size (20000)" in line
    monkeypatch.setattr(support.memory, "available_memory", lambda: None)      # unknown: no refusal
    reg.parse_args(["--cell_size", "20000"])


@pytest.mark.parametrize("error", ["ResourceExhaustedError", "MemoryError"])
def test_running_out_of_memory_anyway_is_one_line(error, monkeypatch, capsys, signal_handlers):
    def main(args):
        if error == "MemoryError":
            raise MemoryError()
        raise support.tf.errors.ResourceExhaustedError(None, None, "OOM when allocating tensor with "
                                                                   "shape[20000,80000]\nmore lines")
    with pytest.raises(SystemExit) as e:
        support.run(main, lambda: None)
    err = capsys.readouterr().err
    assert e.value.code == 2 and len(err.splitlines()) == 1 and err.startswith("error: out of memory (")
    if error != "MemoryError":
        assert "OOM when allocating tensor with shape[20000,80000])" in err

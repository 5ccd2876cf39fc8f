"""The figures the READMEs and the gallery show are the ones docs/make_results.py measured: the pages are what it
writes from the committed docs/results.json, no decimal figure is typed beside them, and the script itself runs."""
import json
import os
import re

import pytest

from helpers import ROOT, load_module

PAGES = ["README.md", "README.zh-CN.md", os.path.join("docs", "gallery.md")]


def make_results():
    return load_module("make_results", os.path.join("docs", "make_results.py"))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def committed():
    with open(os.path.join(ROOT, "docs", "results.json"), encoding="utf-8") as f:
        return json.load(f)["rows"]


def test_the_pages_are_what_make_results_writes_from_the_data_file():
    mr = make_results()
    results = committed()
    assert set(results) == set(mr.ROW)                    # every row measured
    for path, text in mr.pages(results).items():
        assert read(path) == text, "%s differs: run python docs/make_results.py --render" % path
    for name, entry in results.items():                  # each row's figure is committed beside it
        assert os.path.exists(os.path.join(ROOT, "docs", "gallery", name + ".png")), name
        assert entry["printed"] and entry["wall_seconds"] > 0 and entry["machine"] and entry["date"]


def test_no_decimal_figure_is_typed_outside_what_make_results_writes():
    """Outside the generated block a README names versions only (TensorFlow 2.21 and Colab's 2.20, Python
    3.10-3.14)."""
    mr = make_results()
    for path in PAGES[:2]:
        text = read(path)
        outside = text.split(mr.START)[0] + text.split(mr.END)[1]
        assert set(re.findall(r"\d+\.\d+", outside)) <= {"2.20", "2.21", "3.10", "3.12", "3.13", "3.14"}, path
        block = text.split(mr.START)[1].split(mr.END)[0]
        for name, entry in committed().items():           # each row's printed figures, as printed
            if mr.ROW[name]["readme"]:
                assert all(figure in block for figure in entry["printed"].values()), (path, name)


PAGE = """import argparse, json
p = argparse.ArgumentParser()
p.add_argument("--plot"); p.add_argument("--metrics_json"); p.add_argument("--max_steps")
args = p.parse_args()
print("Device: CPU (no GPU visible to TensorFlow)")
print("cost:  15.9842")
print("cost:  0.1365")
print("test mse (next 10 batches, not trained on): 0.0056")
open(args.plot, "wb").write(b"\\x89PNG stand-in")
json.dump({"steps": int(args.max_steps), "device": "CPU (no GPU visible to TensorFlow)"}, open(args.metrics_json, "w"))
"""


def test_a_run_measures_and_writes_a_row(tmp_path, monkeypatch):
    """The script itself, in a folder of the test's, on a row whose command prints what lstm_regression.py
    prints (the real scripts' lines are read by its patterns in test_command_lines.py, on their real output)."""
    mr = make_results()
    monkeypatch.setattr(mr, "onednn_isa", lambda: "Intel AVX2")     # (its parsing: the test below)
    page = tmp_path / "page.py"
    page.write_text(PAGE)
    monkeypatch.setitem(mr.ROW, "stand_in", dict(mr.ROW["lstm_regression"], name="stand_in",
                                                  command="python %s" % page))
    mr.main(["--only", "stand_in", "--extra", "--max_steps 2", "--out", str(tmp_path)])
    with open(tmp_path / "results.json", encoding="utf-8") as f:
        entry = json.load(f)["rows"]["stand_in"]
    assert entry["command"] == "python %s --max_steps 2" % page and entry["steps"] == 2
    assert entry["printed"] == {"first cost": "15.9842", "last cost": "0.1365", "test mse": "0.0056"}
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert entry["wall_seconds"] >= 0 and entry["machine"]["cores"] == cores and entry["tensorflow"]
    assert entry["machine"]["isa"] == "Intel AVX2" and entry["machine"]["gpus"] == 0 and entry["sitting"]
    assert (tmp_path / "stand_in.png").read_bytes() == b"\x89PNG stand-in"
    assert sorted(os.listdir(tmp_path)) == ["page.py", "results.json", "stand_in.png"]   # no run folder left
    table = mr.readme_block({"lstm_regression": entry}, 0)
    assert "`cost:` 15.9842 → 0.1365; test mse 0.0056" in table and mr.machine_words(entry["machine"], 0) in table


def test_onednn_isa_is_read_from_its_verbose_line():
    mr = make_results()
    verbose = ("onednn_verbose,v1,info,oneDNN v3.7.3 (commit N/A)\nonednn_verbose,v1,info,cpu,runtime:threadpool\n"
               "onednn_verbose,v1,info,cpu,isa:Intel AVX2 with Intel DL Boost\n")
    assert mr.isa_named(verbose) == "Intel AVX2 with Intel DL Boost" and mr.isa_named("no oneDNN") is None


def test_a_command_that_fails_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    """... and leaves the gallery's figure and the data file as they were (it drew its own beside the run)."""
    mr = make_results()
    monkeypatch.setattr(mr, "onednn_isa", lambda: None)
    page = tmp_path / "page.py"
    page.write_text("import sys\nopen(sys.argv[sys.argv.index('--plot') + 1], 'wb').write(b'new')\n"
                    "print('Traceback...\\nerror: MNIST is not in data/mnist', file=sys.stderr)\nsys.exit(2)\n")
    (tmp_path / "stand_in.png").write_bytes(b"old")
    (tmp_path / "results.json").write_text('{"rows": {}}')
    monkeypatch.setitem(mr.ROW, "stand_in", dict(mr.ROW["lstm_regression"], name="stand_in",
                                                  command="python %s" % page))
    with pytest.raises(SystemExit) as e:
        mr.main(["--only", "stand_in", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert e.value.code == 2 and err == "error: python %s exited 2: error: MNIST is not in data/mnist\n" % page
    assert (tmp_path / "stand_in.png").read_bytes() == b"old" and (tmp_path / "results.json").read_text() == \
        '{"rows": {}}' and sorted(os.listdir(tmp_path)) == ["page.py", "results.json", "stand_in.png"]


def test_take_brings_in_an_earlier_out_runs_rows_and_figures(tmp_path, monkeypatch):
    """A long run measured with --out into a scratch folder is taken in with --take once it succeeded."""
    mr = make_results()
    monkeypatch.setattr(mr, "onednn_isa", lambda: None)
    page = tmp_path / "page.py"
    page.write_text(PAGE)
    monkeypatch.setitem(mr.ROW, "stand_in", dict(mr.ROW["lstm_regression"], name="stand_in",
                                                  command="python %s" % page))
    mr.main(["--only", "stand_in", "--extra", "--max_steps 2", "--out", str(tmp_path / "scratch")])
    target = tmp_path / "target"
    target.mkdir()
    (target / "results.json").write_text('{"rows": {}}')
    monkeypatch.setattr(mr, "DATA_FILE", str(target / "results.json"))
    monkeypatch.setattr(mr, "pages", lambda results: {})
    monkeypatch.setattr(mr, "GALLERY", str(target))
    mr.main(["--take", str(tmp_path / "scratch")])
    assert set(json.loads((target / "results.json").read_text())["rows"]) == {"stand_in"}
    assert (target / "stand_in.png").read_bytes() == b"\x89PNG stand-in"
    (tmp_path / "scratch" / "stand_in.png").unlink()                  # a folder missing a row's figure: one line
    with pytest.raises(SystemExit) as e:
        mr.main(["--take", str(tmp_path / "scratch")])
    assert e.value.code == 2


def test_a_damaged_data_file_is_one_line(tmp_path, monkeypatch, capsys):
    mr = make_results()
    (tmp_path / "results.json").write_text('{"rows": {"lstm_regression": {"printed": {}')
    monkeypatch.setattr(mr, "DATA_FILE", str(tmp_path / "results.json"))
    with pytest.raises(SystemExit) as e:
        mr.main(["--render"])
    err = capsys.readouterr().err
    assert e.value.code == 2 and err.startswith("error: %s cannot be read (" % (tmp_path / "results.json"))
    assert err.endswith("git checkout it, or run the rows again\n") and len(err.splitlines()) == 1


def test_ctrl_c_during_a_row_keeps_the_data_file_and_the_gallery(tmp_path, monkeypatch, capsys):
    mr = make_results()
    monkeypatch.setattr(mr, "onednn_isa", lambda: None)

    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(mr.subprocess, "run", interrupted)
    (tmp_path / "results.json").write_text('{"rows": {}}')
    with pytest.raises(SystemExit) as e:
        mr.main(["--only", "lstm_regression", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert e.value.code == 130 and "Interrupted in python lstm_regression.py" in err and "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["results.json"]
    assert (tmp_path / "results.json").read_text() == '{"rows": {}}'


def test_the_isa_experiment_runs_each_row_under_each_limit(monkeypatch):
    mr = make_results()
    seen = []

    def run(row, data, extra, gallery, sitting, env=None):
        seen.append((row["name"], env))
        return {"printed": {"first cost": "1", "last cost": env.get("ONEDNN_MAX_CPU_ISA", "-"), "test mse": "0"}}
    monkeypatch.setattr(mr, "run", run)
    monkeypatch.setattr(mr, "ISA_ROWS", ["lstm_regression"])
    monkeypatch.setattr(mr, "ISA_LIMITS", ["AVX2", "", "TF_ENABLE_ONEDNN_OPTS=0"])
    isa = mr.isa_experiment({"machine": {"cpu": "x", "isa": "Intel AVX2", "cores": 2, "memory_gib": 8, "gpus": 0},
                             "python": "3", "tensorflow": "2", "date": "d"})
    assert seen == [("lstm_regression", {"ONEDNN_MAX_CPU_ISA": "AVX2"}), ("lstm_regression", {}),
                    ("lstm_regression", {"TF_ENABLE_ONEDNN_OPTS": "0"})]
    block = mr.isa_block(isa)
    assert "| `ONEDNN_MAX_CPU_ISA=AVX2` | `cost:` 1 → AVX2; test mse 0 |" in block and "| no limit |" in block
    assert "(oneDNN: AVX2)" in block

"""The figures the READMEs and the gallery show are the ones docs/make_results.py measured: the pages are what it
writes from the committed docs/results.json, no decimal figure is typed beside them, and the script itself runs."""
import importlib.util
import json
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = ["README.md", "README.zh-CN.md", os.path.join("docs", "gallery.md")]


def make_results():
    spec = importlib.util.spec_from_file_location("make_results", os.path.join(ROOT, "docs", "make_results.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def test_a_tiny_run_measures_and_writes_a_row(tmp_path):
    """The script itself, on one real command with two training steps, into a folder of the test's."""
    mr = make_results()
    mr.main(["--only", "lstm_regression", "--extra", "--max_steps 2", "--out", str(tmp_path)])
    with open(tmp_path / "results.json", encoding="utf-8") as f:
        entry = json.load(f)["rows"]["lstm_regression"]
    assert entry["command"] == "python lstm_regression.py --max_steps 2" and entry["steps"] == 2
    assert re.fullmatch(r"\d+\.\d{4}", entry["printed"]["first cost"])   # as printed: round(cost, 4)
    assert entry["printed"]["first cost"] == entry["printed"]["last cost"]   # step 0's is the only cost line
    assert (tmp_path / "lstm_regression.png").read_bytes()[:4] == b"\x89PNG"
    table = mr.readme_block({"lstm_regression": entry}, 0)
    assert entry["printed"]["test mse"] in table and mr.machine_words(entry["machine"], 0) in table

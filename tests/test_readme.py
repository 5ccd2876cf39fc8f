"""README.md and README.zh-CN.md (the same README in Chinese) must not drift: each links the other, both are
short and commands-first, and both name the same commands and figures."""
import os
import re

from helpers import ROOT, SCRIPTS

COMMAND = re.compile(r"^(python|pip|py|uv|conda|sudo|source|tensorboard|\.venv)\b")


def read(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        return f.read()


def commands(text):
    """Every command in a code span or a code block (its comment dropped); a PyPI mirror's (-i) left out."""
    found = set()
    blocks = re.findall(r"```\n(.*?)```", text, re.S)
    for line in "\n".join(blocks).splitlines():
        line = line.split("#")[0].strip()
        if COMMAND.match(line):
            found.add(line)
    for span in re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S)):
        if COMMAND.match(span):
            found.add(span.strip())
    return {c for c in found if " -i " not in c}


def figures(text):
    """Every number with a decimal point (measured figures, versions) and every percentage."""
    return set(re.findall(r"\d+(?:\.\d+)+", text)) | set(re.findall(r"\d+(?:-\d+)? %", text))


def test_the_two_readmes_link_each_other():
    assert "(README.zh-CN.md)" in read("README.md").split("## ")[0]        # at the top
    assert "(README.md)" in read("README.zh-CN.md").split("## ")[0]


def test_the_two_readmes_name_the_same_commands_and_figures():
    english, chinese = read("README.md"), read("README.zh-CN.md")
    assert len(commands(english)) > 15 and "python ptb_language_model.py" in commands(english)
    assert commands(english) == commands(chinese), (commands(english) ^ commands(chinese))
    assert figures(english) == figures(chinese), (figures(english) ^ figures(chinese))
    assert "pip install -i " in chinese            # a PyPI mirror, the first thing a learner in China looks for


def test_the_scripts_are_the_top_levels_only_python_files():
    """The user's card: five scripts at the top (helpers.SCRIPTS, the tests' one list of them)."""
    assert sorted(n for n in os.listdir(ROOT) if n.endswith(".py")) == sorted(SCRIPTS)


def test_each_readme_is_short_and_shows_every_page_first():
    """At most 110 lines; the first 40 name every script's command and the notebooks."""
    for name in ["README.md", "README.zh-CN.md"]:
        lines = read(name).splitlines()
        assert len(lines) <= 110, (name, len(lines))
        top = "\n".join(lines[:40])
        assert all("`python %s" % script in top for script in SCRIPTS), name
        assert "notebooks/" in top and "RNN LSTM (回归例子)" in top
        assert "TensorFlow学习笔记(六)循环神经网络" in top and "构造LSTM超长简明教程" in top
        assert not re.search(r"sitting|CPU seconds|\d+ tests", read(name)), name    # no day-specific figures


def test_every_figure_shown_is_committed_and_small():
    """docs/gallery.md's figures and the one at the top of each README: there, PNG, under 250 KB."""
    shown = set()
    for name, folder in [("README.md", ""), ("README.zh-CN.md", ""), (os.path.join("docs", "gallery.md"), "docs")]:
        shown |= {os.path.join(folder, p) for p in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", read(name))}
    assert len(shown) >= 8 and os.path.join("docs", "gallery", "lstm_regression.png") in shown
    for path in shown:
        with open(os.path.join(ROOT, path), "rb") as f:
            data = f.read()
        assert data[:4] == b"\x89PNG" and len(data) < 250 * 1024, path


def test_the_tested_pairs_are_requirements_and_ci_colab_txt():
    """The README's tested-pairs line names the pins .ci/run installs: requirements.txt's and .ci/colab.txt's."""
    def pins(name):
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            return dict(line.strip().split("==") for line in f if "==" in line and not line.startswith("#"))
    first, colab = pins("requirements.txt"), pins(os.path.join(".ci", "colab.txt"))
    assert set(colab) == {"tensorflow", "tf_keras", "tensorboard"}
    for name in ["README.md", "README.zh-CN.md"]:
        text = read(name)
        assert "TensorFlow %s" % first["tensorflow"] in text and "tf-keras %s" % first["tf-keras"] in text, name
        assert "TensorFlow %s" % colab["tensorflow"] in text and "tf_keras %s" % colab["tf_keras"] in text, name


def test_the_workflow_runs_the_readmes_commands_on_three_systems():
    import yaml
    with open(os.path.join(ROOT, ".github", "workflows", "tests.yml"), encoding="utf-8") as f:
        tests = yaml.safe_load(f)["jobs"]["tests"]
    assert tests["strategy"]["matrix"]["os"] == ["ubuntu-latest", "windows-latest", "macos-latest"]
    runs = [step.get("run") for step in tests["steps"]]
    assert ["python -m pip install -r requirements.txt", "python -m pytest -q"] == runs[2:4]
    readme = commands(read("README.md"))
    assert "pip install -r requirements.txt" in readme and "python -m pytest -q" in readme

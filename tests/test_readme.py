"""README.md and README.zh-CN.md (the same README in Chinese) must not drift: each links the other,
and both name the same commands and the same measured figures."""
import os
import re

from conftest import ROOT

COMMAND = re.compile(r"^(python|pip|py|uv|conda|sudo|source|tensorboard|\.venv)\b")


def read(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as f:
        return f.read()


def commands(text):
    """Every command in a code span or a code block (its comment dropped)."""
    found = set()
    blocks = re.findall(r"```\n(.*?)```", text, re.S)
    for line in "\n".join(blocks).splitlines():
        line = line.split("#")[0].strip()
        if COMMAND.match(line):
            found.add(line)
    for span in re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", text, flags=re.S)):
        if COMMAND.match(span):
            found.add(span.strip())
    return found


def figures(text):
    """Every number with a decimal point (measured figures, versions) and every percentage."""
    return set(re.findall(r"\d+(?:\.\d+)+", text)) | set(re.findall(r"\d+(?:-\d+)? %", text))


def test_the_two_readmes_link_each_other():
    assert "(README.zh-CN.md)" in read("README.md").split("## ")[0]        # at the top
    assert "(README.md)" in read("README.zh-CN.md").split("## ")[0]


def test_the_two_readmes_name_the_same_commands_and_figures():
    english, chinese = read("README.md"), read("README.zh-CN.md")
    assert len(commands(english)) > 30 and "python ptb_language_model.py" in commands(english)
    assert commands(english) == commands(chinese), (commands(english) ^ commands(chinese))
    assert "605.4" in figures(english) and "400.9" in figures(english)
    assert figures(english) == figures(chinese), (figures(english) ^ figures(chinese))

"""Runs the pages' commands and writes every figure the READMEs and the gallery show.

    python docs/make_results.py --data_dir MNIST_DIR --data_path PTB_DIR    # every row (without them: data/)
    python docs/make_results.py --only ptb_language_model ...                # these rows again, keep the others
    python docs/make_results.py --only ptb_language_model_small ... --out DIR  # a long row aside, then
    python docs/make_results.py --take DIR                                   # taken in once it succeeded
    python docs/make_results.py --isa             # the rows of ISA_ROWS under each ONEDNN_MAX_CPU_ISA
    python docs/make_results.py --render                          # rewrite the pages from docs/results.json

Each row is a README command run as a learner runs it (a new python, seed 1), with `--plot NAME.png` (beside
the run, moved into docs/gallery/ once the row printed its figures) and `--metrics_json` added. Its printed
figures are read from its standard output, its wall time is the whole process's. docs/results.json keeps them
with the machine (CPU, oneDNN's instruction set, cores, memory, GPUs), the data (told by checksums), the
versions and the sitting of each run; then the results table of README.md and README.zh-CN.md (between the
`results` markers), the whole of docs/gallery.md and the PTB and ISA tables of docs/results.md are written from
that file and docs/isa.json. Never edit those by hand: tests/test_results.py fails while they differ from what
this script writes from the committed files.
"""
import argparse
import gzip
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_FILE = os.path.join(ROOT, "docs", "results.json")
GALLERY = os.path.join(ROOT, "docs", "gallery")
START, END = "<!-- results: written by docs/make_results.py -->", "<!-- results: end -->"

# The printed figures: (label, regular expression on the run's standard output, "first" or "last" match).
COST = [("first cost", r"^cost:\s+(\S+)", "first"), ("last cost", r"^cost:\s+(\S+)", "last"),
        ("test mse", r"^test mse \(.*\): (\S+)", "last")]
SIN = [("test mse", r"^test mse: (\S+)", "last")]
ACCURACY = [("test accuracy", r"^test accuracy: (\S+)", "last")]
PTB = [("train", r"^Epoch: \d+ Train perplexity: (\S+)", "last"),
       ("valid", r"^Epoch \d+ ,Validation perplexity :(\S+)", "last"), ("test", r"^TEST perplexity :(\S+)", "last")]

# name (its figure: docs/gallery/NAME.png), command, data flag, in the README's table, printed figures,
# how to show them (en, zh), the page's figure (en, zh), the gallery's title and its text
ROWS = [
    dict(name="lstm_regression", command="python lstm_regression.py", data=None, readme=True, figures=COST,
         show=("`cost:` {first cost} → {last cost}; test mse {test mse}",
               "`cost:` {first cost} → {last cost};测试 MSE {test mse}"),
         page=("cost 48.48 → 0.49-0.79", "cost 48.48 → 0.49-0.79"),
         title="Morvan's RNN LSTM (回归例子)",
         about="The last ten training windows (cos in red, the prediction dashed blue) and the cost of each of "
               "the 200 steps; the test MSE is taken on the ten batches after training. The page's own figure "
               "is the live plot of the same curves as training runs (`--show`); his page prints the costs."),
    dict(name="lstm_regression_rnn", command="python lstm_regression.py --cell rnn", data=None, readme=False,
         figures=COST, show=("`cost:` {first cost} → {last cost}; test mse {test mse}", None), page=None,
         title="The notes page's RNN regression (CNN做regression的例子)",
         about="The page's first figure (input sin, target cos), then its last windows and the cost. The page "
               "shows the data figure and a live plot, left open at the end (`--show`)."),
    dict(name="lstm_sin_predict_single", command="python lstm_sin_predict.py --variant single", data=None,
         readme=False, figures=SIN, show=("`test mse: {test mse}`", None), page=None,
         title="Ⅰ.预测sin函数",
         about="One LSTM unit, 150 epochs: the first 1000 test windows' sin (red) and the predictions after four "
               "of the epochs. The page plots the same 1000 test points against the prediction."),
    dict(name="lstm_sin_predict", command="python lstm_sin_predict.py", data=None, readme=True, figures=SIN,
         show=("`test mse: {test mse}`", "`test mse: {test mse}`"), page=("a plot only", "只有图"),
         title="Ⅱ.预测sin函数多层版",
         about="Two layers (30 → 1), 50 epochs: the predictions after four of the epochs close in on the test "
               "sin. The page plots the test curve and the final prediction (the hand-unrolled 版, `--variant "
               "manual`, draws the same)."),
    dict(name="lstm_sin_predict_dense", command="python lstm_sin_predict.py --variant dense", data=None,
         readme=True, figures=[("rmse", r"^Mean Square Error is: (\S+)", "last")],
         show=("`Mean Square Error is: {rmse}` (an RMSE, as on the page)",
               "`Mean Square Error is: {rmse}`(和页面一样,其实是 RMSE)"),
         page=("a plot only", "只有图"), title="2、预测正选函数 (TFLearn)",
         about="2 × 30 LSTM and a linear head, 3000 steps. The page saves the same two curves, \"predicted\" "
               "and \"real_sin\", as sin.png."),
    dict(name="lstm_mnist_classify", command="python lstm_mnist_classify.py", data="mnist", readme=True,
         figures=ACCURACY, show=("test accuracy **{test accuracy}**", "测试集准确率 **{test accuracy}**"),
         page=("a plot only", "只有图"), title="Ⅲ.MNIST图像分类",
         about="Two LSTM layers (30 → 10), 50 epochs, the raw 0-255 pixels of the guide's CSV: the loss and "
               "batch accuracy, then test digits. The page prints the batch accuracy and loss and draws nothing."),
    dict(name="lstm_mnist_classify_projected", command="python lstm_mnist_classify.py --variant projected",
         data="mnist", readme=True, figures=ACCURACY,
         show=("test accuracy **{test accuracy}**", "测试集准确率 **{test accuracy}**"),
         page=("batch accuracy ≈ 0.95-1.0", "批准确率 ≈ 0.95-1.0"), title="用来做classification的例子",
         about="Training loss and batch accuracy every 20 steps, then the first test digits and some mistakes, "
               "each \"predicted (true)\", on all 10,000 test images. The page prints the batch accuracy every "
               "20 steps and draws nothing."),
    dict(name="ptb_language_model", command="python ptb_language_model.py", data="ptb", readme=True, figures=PTB,
         show=("train / valid / test perplexity {train} / {valid} / {test}",
               "训练 / 验证 / 测试困惑度 {train} / {valid} / {test}"),
         page=("none printed", "没有打印"), title="1、自然语言建模 (PTB)",
         about="The training perplexity as the page prints it (each `After N steps` line and each epoch's `Train "
               "perplexity`, the running perplexity of the epoch), the validation perplexity after each of the "
               "page's two epochs and the test perplexity (the star). The page prints the perplexities and "
               "draws nothing."),
    dict(name="ptb_language_model_small", command="python ptb_language_model.py --model small", data="ptb",
         readme=True, figures=PTB,
         show=("train / valid / test perplexity {train} / {valid} / {test}",
               "训练 / 验证 / 测试困惑度 {train} / {valid} / {test}"),
         page=("the official table: 37.99 / 121.39 / 115.91", "官方表格:37.99 / 121.39 / 115.91"),
         title="The official PTB tutorial's small config (ptb_word_lm.py)",
         about="The official tutorial's small config: 2 × 200 LSTM, 13 epochs, the learning rate halved after the "
               "fourth, no dropout; the test perplexity at batch 1. ptb_word_lm.py's table gives 37.99 / 121.39 / "
               "115.91 for train / valid / test ([results.md](results.md#the-official-small-config))."),
    dict(name="bilstm_mnist_1", command="python bilstm_mnist.py --layers 1", data="mnist", readme=True,
         figures=ACCURACY, show=("test accuracy **{test accuracy}** ([why](docs/results.md))",
                                 "测试集准确率 **{test accuracy}**([原因](docs/results.md))"),
         page=("stalls", "训练停滞"), title="Ⅳ.双向LSTM做图像分类",
         about="The single bidirectional layer of 10 units each way, 50 epochs: the stall the page reports shows "
               "in its curve (docs/results.md: why it stalls). The page prints the batch accuracy."),
    dict(name="bilstm_mnist", command="python bilstm_mnist.py", data="mnist", readme=True, figures=ACCURACY,
         show=("test accuracy **{test accuracy}**", "测试集准确率 **{test accuracy}**"),
         page=("≈ 0.95 at epoch 35", "第 35 轮约 0.95"), title="Ⅴ.深层双向LSTM做图像分类",
         about="Two bidirectional layers (30 → 10 each way), 50 epochs. The page prints the batch accuracy, "
               "about 0.95 by epoch 35."),
]
ROW = {row["name"]: row for row in ROWS}
DATA_FLAG = {"mnist": "--data_dir", "ptb": "--data_path"}


def machine():
    """This machine: its CPU, the vector extensions TensorFlow's oneDNN uses on it, the cores this process may
    use, its memory (GiB) and GPUs (the GPU count is set from the runs' device lines, see run)."""
    cpu, gib = platform.processor() or platform.machine(), None
    try:
        with open("/proc/cpuinfo") as f:
            cpu = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M).group(1).strip()
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/meminfo") as f:
            gib = round(int(re.search(r"^MemTotal:\s*(\d+)", f.read(), re.M).group(1)) / 2 ** 20)
    except (OSError, AttributeError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "isa": onednn_isa(), "cores": cores, "memory_gib": gib, "gpus": 0}


def onednn_isa():
    """The instruction set oneDNN picks on this CPU, as its verbose start-up line names it (it honours
    ONEDNN_MAX_CPU_ISA); None where TensorFlow runs without oneDNN."""
    code = "import tensorflow as tf; tf.matmul(tf.ones([64, 64]), tf.ones([64, 64]))"
    env = dict(os.environ, ONEDNN_VERBOSE="1")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    return isa_named(p.stdout + p.stderr)


def isa_named(verbose):
    """The ISA in oneDNN's verbose output ("onednn_verbose,v1,info,cpu,isa:Intel AVX2"), or None."""
    found = re.search(r"^onednn_verbose,.*?\bcpu,isa:(.+)$", verbose, re.M)
    return found.group(1).strip() if found else None


def machine_words(m, lang):
    cpu = re.sub(r"\((R|TM)\)", "", m["cpu"]).replace("  ", " ").strip()
    isa = short_isa(m.get("isa"))
    if lang == 0:
        return "%d cores of an %s%s, %s GiB, %s" % (m["cores"], cpu, " (oneDNN: %s)" % isa if isa else "",
                                                   m["memory_gib"], "%d GPU" % m["gpus"] if m["gpus"] else "no GPU")
    return "%s%s 的 %d 个核,%s GiB 内存,%s" % (cpu, "(oneDNN:%s)" % isa if isa else "", m["cores"], m["memory_gib"],
                                           "%d 个 GPU" % m["gpus"] if m["gpus"] else "没有 GPU")


def short_isa(isa):
    """oneDNN's ISA line in a few words: "Intel AVX-512 with ... Intel AMX with ..." -> "AVX-512, AMX"."""
    if not isa:
        return None
    return ", ".join(dict.fromkeys(re.findall(r"AMX|AVX-512|AVX2|AVX(?![-2])|SSE4\.1", isa))) or isa


def versions():
    """The Python that runs the commands (this one) and the TensorFlow installed in it."""
    from importlib import metadata
    return {"python": platform.python_version(), "tensorflow": metadata.version("tensorflow")}


def fail(message):
    """A run that cannot give its figures: one line, exit status 2 (the rows measured so far are kept)."""
    print("error: " + message, file=sys.stderr)
    sys.exit(2)


def printed(row, stdout):
    """{label: the figure as printed} of a row's run."""
    found = {}
    for label, pattern, which in row["figures"]:
        matches = re.findall(pattern, stdout, re.M)
        if not matches:
            fail("%s printed no %r figure (its last line: %s)" % (row["command"], label,
                                                                  (stdout.strip().splitlines() or ["nothing"])[-1]))
        found[label] = matches[0] if which == "first" else matches[-1]
    return found


def run(row, data, extra, gallery, sitting, env=None):
    """Run one row's command (with env added to the environment); returns its entry of the data file. Its figure
    is drawn beside the run and moved into the gallery only once the run has printed every figure."""
    args = row["command"].split()[1:]     # plain words (a Windows path keeps its backslashes)
    if row["data"] and data.get(row["data"]):
        args += [DATA_FLAG[row["data"]], data[row["data"]]]
    with tempfile.TemporaryDirectory(dir=gallery, prefix=".run-") as tmp:
        metrics_path, figure = os.path.join(tmp, "metrics.json"), os.path.join(tmp, row["name"] + ".png")
        argv = [sys.executable] + args + ["--plot", figure, "--metrics_json", metrics_path] + extra
        print("run:", " ".join(shlex.quote(a) for a in argv[1:]), flush=True)
        start = time.time()
        p = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, **(env or {})))
        wall = time.time() - start
        if p.returncode != 0:
            fail("%s exited %d: %s" % (row["command"], p.returncode,
                                       (p.stderr.strip().splitlines() or ["no message"])[-1]))
        with open(metrics_path) as f:
            metrics = json.load(f)
        found = printed(row, p.stdout)
        os.replace(figure, os.path.join(gallery, row["name"] + ".png"))
    device = metrics.get("device") or ""
    gpus = len(device[len("GPU ("):-1].split(", ")) if device.startswith("GPU (") else 0
    entry = dict(sitting, machine=dict(sitting["machine"], gpus=gpus),
                 command=row["command"] + "".join(" " + shlex.quote(a) for a in extra),
                 data=dataset(row["data"], data.get(row["data"]) or os.path.join(ROOT, "data", row["data"]))
                 if row["data"] else None, printed=found, wall_seconds=round(wall, 1),
                 steps=metrics.get("steps"), device=device)
    print("   ", entry["printed"], "%.1f s" % wall, flush=True)
    return entry


def dataset(kind, folder):
    """Which dataset a row read, told by its files' checksums (not the folder's name): "mnist" (the four
    standard files), "ptb" (the whole PTB), "ptb-lite" (PTB's validation split as training file), else
    "other" (anything else; its figures are not the standard data's)."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    from data import input_data, reader

    def digest(path, algorithm, unzip=False):
        h = hashlib.new(algorithm)
        with (gzip.open if unzip else open)(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()

    try:
        if kind == "mnist":
            same = all(digest(os.path.join(folder, n + ".gz"), "sha256", unzip=True) == sha
                       if os.path.exists(os.path.join(folder, n + ".gz"))
                       else digest(os.path.join(folder, n), "sha256") == sha for n, sha in input_data.FILES.items())
            return "mnist" if same else "other"
        md5 = {n: digest(os.path.join(folder, n), "md5") for n in reader.SPLITS}
    except OSError:
        return "other"
    if md5 == reader.MD5:
        return "ptb"
    return "ptb-lite" if md5["ptb.train.txt"] == reader.MD5["ptb.valid.txt"] else "other"


# The pages written from the data file
def shown(row, entry, lang):
    return row["show"][lang].format(**entry["printed"])


DATA = {"mnist": ("the real MNIST files", "真实的 MNIST 文件"),
        "ptb": ("the whole PTB (929,589 training words, the files the official tutorial reads)",
                "完整的 PTB(训练集 929,589 个词,即官方教程读取的文件)"),
        "ptb-lite": ("ptb-lite, real PTB text with a training file 12 times smaller than PTB's (its perplexities are "
                     "not comparable with published ones; [what it is](docs/results.md#ptb-language-model))",
                     "ptb-lite,真实的 PTB 文本,但训练文件只有 PTB 的十二分之一(困惑度不能和发表的结果比较;"
                     "[说明](docs/results.md#ptb-language-model))")}


def sittings_of(results):
    """{sitting key: [row names]}, in the rows' order: the rows measured on one machine, Python, TensorFlow, day."""
    sittings = {}
    for name in [r["name"] for r in ROWS if r["name"] in results]:
        e = results[name]
        key = (json.dumps(e["machine"], sort_keys=True), e["python"], e["tensorflow"], e["date"])
        sittings.setdefault(key, []).append(name)
    return sittings


MARKS = "¹²³⁴⁵⁶⁷⁸⁹"


def mark(results, name):
    """The row's sitting mark where the rows come from more than one sitting ("" else)."""
    sittings = list(sittings_of(results).values())
    return "" if len(sittings) < 2 else next(MARKS[i] for i, names in enumerate(sittings) if name in names)


def machine_line(results, lang, links):
    """Where and when the figures were measured (one line a sitting, marked where there are more), and on what
    data; links: the path from the page to docs/."""
    lines = []
    sittings = sittings_of(results)
    for i, ((where, python, tensorflow, date), names) in enumerate(sittings.items()):
        data = [DATA.get(d, (d, d))[lang].replace("docs/", links)
                for d in sorted({results[n]["data"] for n in names if results[n]["data"]})]
        words = machine_words(json.loads(where), lang)
        sign = MARKS[i] + " " if len(sittings) > 1 else ""
        if lang == 0:
            lines.append("%sMeasured on %s, Python %s, TensorFlow %s, seed 1, on %s%s." % (
                sign, words, python, tensorflow, date, "; data: " + "; ".join(data) if data else ""))
        else:
            lines.append("%s测量于 %s,Python %s,TensorFlow %s,seed 1,%s%s。" % (
                sign, words, python, tensorflow, date, ";数据:" + ";".join(data) if data else ""))
    return "\n".join(lines)


def readme_block(results, lang):
    head = [("| command | the page's figure | ours | wall |", "|---|---|---|---|"),
            ("| 命令 | 页面上的结果 | 本项目 | 用时 |", "|---|---|---|---|")][lang]
    lines = list(head)
    for row in ROWS:
        if row["readme"] and row["name"] in results:
            e = results[row["name"]]
            lines.append("| `%s` | %s | %s | %.1f s%s |" % (row["command"], row["page"][lang], shown(row, e, lang),
                                                            e["wall_seconds"], mark(results, row["name"])))
    return "\n".join(lines) + "\n\n" + machine_line(results, lang, links="docs/")


def gallery_page(results):
    parts = ["# Gallery: each page's figure, as this project draws it\n",
             "Written by `python docs/make_results.py` from [results.json](results.json): each figure is what "
             "the command beside it draws (with `--plot docs/gallery/NAME.png` added), and the figures printed "
             "under it are that run's. On another machine the same seed prints other numbers "
             "([results.md](results.md), \"Figures on another machine\"). In a notebook the same figure appears "
             "under the run cell.\n", machine_line(results, 0, links="") + "\n"]
    for row in ROWS:
        if row["name"] not in results:
            continue
        e = results[row["name"]]
        parts.append("## %s: `%s`\n\n![%s](gallery/%s.png)\n\n%s Printed: %s; %.1f s.\n" % (
            row["title"], row["command"], row["name"], row["name"], row["about"], shown(row, e, 0),
            e["wall_seconds"]))
    return "\n".join(parts)


def replace_block(text, block):
    before, rest = text.split(START, 1)
    return before + START + "\n" + block + "\n" + END + rest.split(END, 1)[1]


# The same rows with oneDNN held to each instruction set (ONEDNN_MAX_CPU_ISA; "" none), and with oneDNN off
ISA_FILE = os.path.join(ROOT, "docs", "isa.json")
ISA_ROWS = ["lstm_regression", "lstm_sin_predict"]
ISA_LIMITS = ["SSE41", "AVX", "AVX2", "AVX512_CORE", "AVX512_CORE_VNNI", "AVX512_CORE_BF16", "AVX512_CORE_AMX", "",
              "TF_ENABLE_ONEDNN_OPTS=0"]
ISA_START, ISA_END = "<!-- isa: written by docs/make_results.py --isa -->", "<!-- isa: end -->"


def isa_experiment(sitting):
    """Each of ISA_ROWS under each of ISA_LIMITS, on this machine: {name: {limit: printed figures}}."""
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ISA_ROWS:
            for limit in ISA_LIMITS:
                env = dict([limit.split("=")]) if "=" in limit else {"ONEDNN_MAX_CPU_ISA": limit} if limit else {}
                found.setdefault(name, {})[limit] = run(ROW[name], {}, [], tmp, sitting, env)["printed"]
    return dict(sitting, rows=found)


def isa_block(isa):
    """The table of docs/results.md: each limit's printed figures, a column a row."""
    head = "| oneDNN held to | " + " | ".join("`%s`" % ROW[n]["command"] for n in isa["rows"]) + " |"
    lines = [head, "|---" * (len(isa["rows"]) + 1) + "|"]
    for limit in ISA_LIMITS:
        label = "`%s`" % limit if "=" in limit else "`ONEDNN_MAX_CPU_ISA=%s`" % limit if limit else "no limit"
        lines.append("| %s | %s |" % (label, " | ".join(shown(ROW[n], {"printed": isa["rows"][n][limit]}, 0)
                                                      for n in isa["rows"])))
    return "\n".join(lines) + "\n\nMeasured on %s, Python %s, TensorFlow %s, seed 1, on %s." % (
        machine_words(isa["machine"], 0), isa["python"], isa["tensorflow"], isa["date"])


# The whole-PTB rows beside the official tutorial's table (ptb_word_lm.py: small, 13 epochs; Zaremba et al. 2014)
OFFICIAL_SMALL = {"train": "37.99", "valid": "121.39", "test": "115.91"}
PTB_START, PTB_END = "<!-- ptb: written by docs/make_results.py -->", "<!-- ptb: end -->"


def ptb_block(results):
    lines = ["| command | data | train / valid / test perplexity | the official table | wall |",
             "|---|---|---|---|---|"]
    for name in ("ptb_language_model", "ptb_language_model_small"):
        if name in results:
            e, p = results[name], results[name]["printed"]
            official = " / ".join(OFFICIAL_SMALL[k] for k in ("train", "valid", "test")) if name.endswith("small") \
                else "none (the page prints none)"
            ratio = "" if not name.endswith("small") else " (ours / table: %s)" % " / ".join(
                "%.3f" % (float(p[k]) / float(OFFICIAL_SMALL[k])) for k in ("train", "valid", "test"))
            lines.append("| `%s` | %s | %s / %s / %s%s | %s | %.1f s |" % (
                e["command"], e["data"], p["train"], p["valid"], p["test"], ratio, official, e["wall_seconds"]))
    e = results.get("ptb_language_model_small") or results.get("ptb_language_model")
    return "\n".join(lines) + ("\n\nMeasured on %s, Python %s, TensorFlow %s, seed 1, on %s (sitting %s)." % (
        machine_words(e["machine"], 0), e["python"], e["tensorflow"], e["date"], e.get("sitting", "?")) if e else "")


def replace_marked(text, start, end, block):
    before, rest = text.split(start, 1)
    return before + start + "\n" + block + "\n" + end + rest.split(end, 1)[1]


def pages(results):
    """{path under ROOT: the text this script writes there} for the current files."""
    written = {os.path.join("docs", "gallery.md"): gallery_page(results)}
    with open(os.path.join(ROOT, "docs", "results.md"), encoding="utf-8") as f:
        text = replace_marked(f.read(), PTB_START, PTB_END, ptb_block(results))
    if os.path.exists(ISA_FILE):
        with open(ISA_FILE, encoding="utf-8") as f:
            text = replace_marked(text, ISA_START, ISA_END, isa_block(json.load(f)))
    written[os.path.join("docs", "results.md")] = text
    for lang, name in enumerate(["README.md", "README.zh-CN.md"]):
        with open(os.path.join(ROOT, name), encoding="utf-8") as f:
            written[name] = replace_block(f.read(), readme_block(results, lang))
    return written


def read_rows(data_file):
    """The rows of a data file; one line (exit 2) if it cannot be read or is not one."""
    try:
        with open(data_file, encoding="utf-8") as f:
            rows = json.load(f)["rows"]
        if not all(isinstance(e, dict) and ROW.get(n, {}).get("figures") and set(e.get("printed", {})) ==
                   {label for label, _, _ in ROW[n]["figures"]} for n, e in rows.items()):
            raise ValueError("a row that no command of this script measures, or without its figures")
        return rows
    except (OSError, ValueError, KeyError, TypeError) as e:
        fail("%s cannot be read (%s): git checkout it, or run the rows again" % (data_file, e))


def write(path, text):
    """Under a temporary name, then renamed."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data_dir", help="the real MNIST files (each MNIST row gets --data_dir DIR)")
    p.add_argument("--data_path", help="the PTB files (each PTB row gets --data_path DIR)")
    p.add_argument("--only", nargs="+", choices=list(ROW), help="run these rows only; keep the others' entries")
    p.add_argument("--render", action="store_true", help="run nothing: write the pages from the data file")
    p.add_argument("--extra", default="", help="flags added to every command (a test: '--max_steps 2')")
    p.add_argument("--out", help="write the data file and the figures in this folder, and no page "
                                 "(default: docs/results.json, docs/gallery/, and the pages)")
    p.add_argument("--isa", action="store_true", help="run %s under each ONEDNN_MAX_CPU_ISA into docs/isa.json, "
                                                      "then write the pages" % ", ".join(ISA_ROWS))
    p.add_argument("--take", metavar="DIR", help="run nothing: take the rows an earlier --out DIR run measured "
                                                 "(its data file and figures), then write the pages")
    args = p.parse_args(argv)
    data_file = os.path.join(args.out, "results.json") if args.out else DATA_FILE
    gallery = args.out or GALLERY
    os.makedirs(gallery, exist_ok=True)
    results = read_rows(data_file) if os.path.exists(data_file) else {}
    if args.isa:
        sitting = dict(machine=machine(), date=time.strftime("%Y-%m-%d"), sitting=time.strftime("%Y-%m-%d %H:%M"),
                       **versions())
        write(ISA_FILE, json.dumps(isa_experiment(sitting), indent=1, ensure_ascii=False) + "\n")
    elif args.take:
        taken = read_rows(os.path.join(args.take, "results.json"))
        for name in taken:
            figure = os.path.join(args.take, name + ".png")
            if not os.path.isfile(figure):
                fail("%s has no figure for its row %s: take a folder that a --out run finished" % (args.take, name))
        for name in taken:
            shutil.copyfile(os.path.join(args.take, name + ".png"), os.path.join(gallery, name + ".png"))
        results.update(taken)
        write(data_file, json.dumps({"rows": results}, indent=1, ensure_ascii=False) + "\n")
    elif not args.render:
        sitting = dict(machine=machine(), date=time.strftime("%Y-%m-%d"), sitting=time.strftime("%Y-%m-%d %H:%M"),
                       **versions())
        data = {"mnist": args.data_dir, "ptb": args.data_path}
        for name in args.only or list(ROW):
            try:
                results[name] = run(ROW[name], data, shlex.split(args.extra), gallery, sitting)
            except KeyboardInterrupt:
                print("\nInterrupted in %s: its figure and entry are as they were; the rows before it are kept."
                      % ROW[name]["command"], file=sys.stderr)
                sys.exit(130)
            write(data_file, json.dumps({"rows": results}, indent=1, ensure_ascii=False) + "\n")
    if not args.out:
        for path, text in pages(results).items():
            write(os.path.join(ROOT, path), text)
            print("wrote", path)


if __name__ == "__main__":
    main()

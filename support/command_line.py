"""The command line every script shares: flag types, the parser (each default said once), the run flags,
and the checks before TensorFlow loads (outputs, memory, Keras 2): a bad flag exits 2 in a moment."""
import argparse
import math
import os
import re
import sys

from .memory import check_memory
from .output_files import check_outputs

TENSORFLOW_PYTHONS = ((3, 10), (3, 13))    # the Pythons TensorFlow 2.21 has wheels for


def not_installed(package):
    """What to do when package is missing; on a Python TensorFlow 2.21 has no wheel for, that first."""
    low, high = TENSORFLOW_PYTHONS
    if low <= tuple(sys.version_info[:2]) <= high:
        return "%s is not installed: pip install -r requirements.txt" % package
    return ("%s is not installed, and this Python (%d.%d) has no TensorFlow 2.21: it is made for Python "
            "%d.%d-%d.%d. Make a Python 3.12 or 3.13 environment beside this one (README: Quick start), then "
            "pip install -r requirements.txt in it" % ((package,) + tuple(sys.version_info[:2]) + low + high))


# ------------------------------------------------------------------------------------- flag types
def _flag_type(name, convert, ok, says):
    """An argparse type named name (argparse's "invalid NAME value" says it): convert(text), refused with
    `says` unless ok(value)."""
    def flag_type(text):
        value = convert(text)
        if not ok(value):
            raise argparse.ArgumentTypeError("%s, got %s" % (says, text))
        return value
    flag_type.__name__ = name
    return flag_type


positive_int = _flag_type("positive_int", int, lambda v: v > 0, "must be a positive integer")
non_negative_int = _flag_type("non_negative_int", int, lambda v: v >= 0, "must be 0 or more")
positive_float = _flag_type("positive_float", float, lambda v: v > 0 and math.isfinite(v),
                            "must be a positive finite number")
keep_prob_value = _flag_type("keep_prob_value", float, lambda v: 0 < v <= 1, "must be in (0, 1]")
seed_value = _flag_type("seed_value", int, lambda v: 0 <= v < 2 ** 32,
                        "must be between 0 and 2**32 - 1 (numpy's range)")


# ------------------------------------------------------------------------ the flags every script has
PAGE_VALUE = re.compile(r"\((default|page|pages|rnn page|guide|guide [ⅠⅡ]|both pages|all pages|tutorial)[: ]")


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Each flag's default said once: "(default: X)" added unless the help names it (the page's value,
    "(guide: 50)", or "(default: ...)" in its own words) or there is none (a switch; a help that says it)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if action.default is None or action.default is False or PAGE_VALUE.search(text):   # 0 is a default
            return text
        return super(HelpFormatter, self)._get_help_string(action)


def parser(description, prog=None):
    """An argument parser whose --help shows every flag's default, once. prog: the script's name, which its
    usage and error lines give (in a notebook or an editor's window too, where sys.argv is the kernel's)."""
    return argparse.ArgumentParser(prog=prog, description=description, formatter_class=HelpFormatter,
                                   epilog="A value in brackets such as (guide: 50) is the flag's default: "
                                          "that page's value.")


def add_run_flags(p, seed_help, logdir_help, plot_default, plot_help,
                  show_help="also open the figure in a window at the end", checkpoints=False):
    """--seed, --logdir, --plot, --show, --no_plot, [--save_path, --restore], --cpu, --metrics_json."""
    p.add_argument("--seed", type=seed_value, default=1, help=seed_help)
    p.add_argument("--logdir", help=logdir_help + " (default: no TensorBoard events)")
    p.add_argument("--plot", default=plot_default, help=plot_help)
    p.add_argument("--show", action="store_true", help=show_help)
    p.add_argument("--no_plot", action="store_true", help="do not plot at all")
    if checkpoints:
        p.add_argument("--save_path", help="checkpoint directory: saved after every epoch and on Ctrl-C "
                                           "(default: no checkpoint)")
        p.add_argument("--restore", action="store_true", help="resume from the checkpoint in --save_path")
    p.add_argument("--cpu", action="store_true", help="hide any GPU and run on the CPU")
    p.add_argument("--metrics_json", help="write the run's final figures as JSON to this path (default: none)")


def add_rnn_mode(p, default):
    """--rnn_mode basic|block (the official PTB tutorial's flag); default: what it is, in words."""
    p.add_argument("--rnn_mode", choices=["basic", "block"],
                   help="basic: the page's BasicLSTMCells, step by step; block: the same variables through one "
                        "fused LSTM op per layer, the same function in fewer ops (default: %s)" % default)


PATH_FLAGS = ("data_dir", "data_path", "plot", "logdir", "save_path", "metrics_json", "from_tf1")


def expand_paths(args):
    """"~" in a path flag expanded: no shell does it in a notebook, nor bash after `--plot=`."""
    for name in PATH_FLAGS:
        if isinstance(getattr(args, name, None), str):
            setattr(args, name, os.path.expanduser(getattr(args, name)))
    return args


def parse(p, argv, page_values=None):
    """p.parse_args(argv), paths expanded, each flag not given set to its page's value (page_values(args): a
    dict of them), and --restore refused without --save_path."""
    args = expand_paths(p.parse_args(argv))
    for name, value in (page_values(args) if page_values else {}).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if getattr(args, "restore", False) and not args.save_path:
        p.error("--restore needs --save_path DIR (the checkpoint directory to resume from)")
    return args


def check_run_args(p, args, memory=None):
    """After the script's own checks: the output paths, the memory the run needs (memory: the
    script's estimate in bytes and the flags that size it), then the Keras 2 set-up."""
    problem = check_outputs(args)
    if problem:
        p.error(problem)
    if memory is not None:
        problem = check_memory(args, *memory)
        if problem:
            p.error(problem)
    check_keras2(p)


def check_keras2(p):
    """TensorFlow, and the Keras 2 its TF1 cells need: the tf-keras package of TensorFlow's own minor
    version. What is missing is named, and on a Python TensorFlow 2.21 has no wheel for, what to do."""
    from importlib import metadata, util
    if util.find_spec("tensorflow") is None:
        p.error(not_installed("TensorFlow"))
    if util.find_spec("tf_keras") is None:
        p.error("tf-keras is not installed and the TF1 RNN cells need it: pip install -r requirements.txt")
    try:
        tf_version, keras_version = metadata.version("tensorflow"), metadata.version("tf-keras")
    except metadata.PackageNotFoundError:
        return      # another TensorFlow build (tensorflow-cpu, a nightly): its import will tell
    if tf_version.split(".")[:2] != keras_version.split(".")[:2]:
        p.error("tf-keras %s does not match TensorFlow %s: pip install \"tf-keras==%s.*\""
                % (keras_version, tf_version, ".".join(tf_version.split(".")[:2])))

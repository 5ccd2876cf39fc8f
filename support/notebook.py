"""A run in a Jupyter kernel (a notebook's run cell, or an editor running every cell of a script): the same
flags, lines and endings as the command line, but an early end (a bad flag, missing data, an interrupt, a
diverged loss) is the script's one line and nothing after it: no SystemExit for IPython to box, and the kernel
is ready for the next run. A real bug still shows its traceback."""
import os
import shlex
import sys

from .running import run_main, say, stop
from .tf1 import load_tensorflow

EXAMPLE = 'ARGS = ["--max_steps", "100"] (or one string: ARGS = "--max_steps 100")'


def kernel_argv():
    """Whether sys.argv is a Jupyter kernel's own command line (ipykernel_launcher.py -f ...), not a script's."""
    return bool(sys.argv) and os.path.basename(sys.argv[0]).endswith("kernel_launcher.py")


def flags_of(value):
    """ARGS as a learner writes it: a list of flags (numbers taken as their text), or one string split as a
    shell splits it. Anything else is one line saying what ARGS should look like."""
    if isinstance(value, str):
        return split_as_shell(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                                for v in value):
        return [str(v) for v in value]
    stop("ARGS holds the run's flags as on the command line, e.g. %s; got %r" % (EXAMPLE, value))


def split_as_shell(text, windows=os.name == "nt"):
    """One string of flags split as this system's shell splits it: quotes group words; on Windows a backslash
    is a path's (r"--data_dir D:\\mnist" keeps it), elsewhere it escapes the next character."""
    if not windows:
        return shlex.split(text)
    return [w[1:-1] if len(w) > 1 and w[0] == w[-1] and w[0] in "\"'" else w for w in shlex.split(text, posix=False)]


def run_in_notebook(main, parse_args, flags):
    """parse_args(flags), then main(args) as the command line runs them; the figure shown under the cell.
    Returns main's value (the metrics), or None where the run ended early (its one line already said why)."""
    try:
        args = parse_args(flags_of(flags))
        load_tensorflow()
        metrics = run_main(main, args)
    except SystemExit:               # the script's own ending: its line is printed; a 0 (--help) is no error
        return None
    except KeyboardInterrupt:        # the kernel's interrupt outside training (which saves and says so itself)
        say("\nInterrupted.")
        return None
    show_figure(args)
    return metrics


def show_figure(args):
    """The run's figure, under the cell."""
    plot = getattr(args, "plot", None)
    if getattr(args, "no_plot", False) or not plot or not os.path.isfile(plot):
        return
    from IPython.display import SVG, Image, display
    lower = plot.lower()
    display(SVG(filename=plot) if lower.endswith(".svg") else
            Image(filename=plot) if lower.endswith((".png", ".jpg", ".jpeg")) else plot)

"""A script's entry: run(main, parse_args) on the command line, or in a Jupyter kernel as a notebook's run cell
runs it (running: the signals and endings; notebook: a kernel's run)."""
import signal
import sys

from .notebook import kernel_argv, run_in_notebook
from .running import RECEIVED, STOPS, on_signal, run_main, terminal_output
from .tf1 import load_tensorflow


def run(main, parse_args):
    """A script's command line: the flags (a bad one exits 2 before TensorFlow loads), TensorFlow, main(args);
    Ctrl-C, SIGTERM, SIGHUP end it wherever they come (under IPython its own handlers are left alone). In a
    Jupyter kernel (an editor running every cell of the script, this one too) the kernel's own command line
    is not the script's: the page runs as a notebook's run cell runs it, with ARGS where a cell set it."""
    if kernel_argv():
        return run_in_notebook(main, parse_args, main.__globals__.get("ARGS", []))
    with terminal_output():
        args = parse_args()
        notebook = "IPython" in sys.modules
        del RECEIVED[:]
        if not notebook:
            signal.signal(signal.SIGINT, signal.SIG_DFL)   # a signal while TensorFlow loads: just stop
        load_tensorflow()
        if not notebook:
            for signum in STOPS:
                signal.signal(signum, on_signal)
        run_main(main, args)

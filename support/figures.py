"""Figures: drawn off-screen unless --show, written in the format their name asks for, never half
written (output_files.write_atomically)."""
import os
import sys

from .output_files import figure_format, write_atomically
from .running import how_stopped, say, stop


def pyplot(show):
    try:
        import matplotlib
        if not show and "ipykernel" not in sys.modules:   # a notebook's own (inline) backend opens no window
            matplotlib.use("Agg")  # draw off-screen: never open a window unless --show
        import matplotlib.pyplot as plt
    except (ImportError, ValueError) as e:      # ValueError: MPLBACKEND names no backend
        stop("matplotlib cannot draw here (%s): pip install -r requirements.txt, or add --no_plot" % e)
    return plt


def can_show():
    """A window can open here: not Linux, or Linux with an X or Wayland display."""
    return not sys.platform.startswith("linux") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def write_figure(fig, path, show=False, saved=None):
    """Save fig under a temporary name, say so, show it if asked and a screen is there, close it. saved:
    this run's checkpoint, named if the write fails."""
    import matplotlib.pyplot as plt
    write_atomically(path, lambda f: fig.savefig(f, format=figure_format(path)[0]), saved=saved)
    print("Saved figure to %s" % path)
    if show and can_show():
        plt.show()
    plt.close(fig)


def save_whole_figure(save_figure, *args):
    """save_figure(*args), a script's own; a signal while it draws leaves no half figure and ends the run."""
    try:
        save_figure(*args)
    except KeyboardInterrupt as e:
        word, status = how_stopped(e)
        say("\n%s; no figure saved." % word)
        raise SystemExit(status)

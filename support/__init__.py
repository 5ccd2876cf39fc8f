"""What no page had and every script needs, written once (as util.py sits beside the official
ptb_word_lm.py), one concern a module; `import support` loads no TensorFlow (`tf`, `rnn` load it later):

  command_line        flags, each default said once, checked before TensorFlow loads (parser, check_run_args)
  memory              a run too large for the machine refused with its estimate (lstm_memory, dense_memory)
  tf1                 tf, rnn: tensorflow.compat.v1 in graph mode; start_run, session_config, rnn_mode
  entry               run(main, parse_args): a script's command line, or its run in a Jupyter kernel
  running             signals, pipes; run_main, stop, write_failed; training_guard, check_finite
  notebook            run_in_notebook: a Jupyter kernel's run, its early end one line and no SystemExit
  output_files        outputs tried before training; write_atomically; write_metrics (--metrics_json)
  figures             pyplot, write_figure, save_whole_figure, can_show (a window can open)
  tensorboard_events  summary_writer, scalar, close_writer (--logdir)
  checkpoints         Checkpoints (--save_path, --restore, checkpoint.json), checkpoints_in
  progress            Progress: "words/s, ETA" on long passes
  fused_lstm          --rnn_mode block: the pages' LSTM variables through one BlockLSTM op per layer
  mnist               the MNIST scripts' data, test-set evaluation, report and figure
"""
import os
import sys

from .command_line import (add_rnn_mode, add_run_flags, check_keras2, check_run_args, keep_prob_value,
                           non_negative_int, not_installed, parse, parser, positive_float, positive_int,
                           seed_value)

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # the scripts' folder

try:
    import numpy  # noqa: F401  (the first package a script meets: what to do, not a traceback)
except ImportError:
    print("error: " + not_installed("numpy"), file=sys.stderr)
    sys.exit(2)

# (noqa: E402: after the numpy check)
from . import fused_lstm  # noqa: E402,F401
from .checkpoints import Checkpoints, checkpoints_in  # noqa: E402
from .figures import can_show, pyplot, save_whole_figure, write_figure  # noqa: E402
from .memory import dense_memory, lstm_memory  # noqa: E402
from .mnist import EVAL_BATCH, mnist_accuracy, load_mnist, mnist_report, mnist_test_set, to_pixels  # noqa
from .output_files import check_outputs, write_metrics  # noqa: E402
from .progress import Progress  # noqa: E402
from .notebook import run_in_notebook  # noqa: E402
from .entry import run  # noqa: E402
from .running import Diverged, check_finite, stop, terminal_output, training_guard  # noqa: E402
from .tensorboard_events import close_writer, scalar, summary_writer  # noqa: E402
from .tf1 import (Device, load_tensorflow, rnn, rnn_mode, session_config, start_run,  # noqa: E402
                  start_up_log_hidden, tf)

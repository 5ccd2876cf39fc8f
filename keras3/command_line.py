"""The keras3/ scripts' command line (on no page): their shared flags, parsing and start.

    add_keras_flags(p, from_tf1)   --seed, --metrics_json, [--from_tf1 DIR]
    parse_keras(p, argv, values)   the flags, the page's value where one is not given, output paths tried
    run_keras(main, parse_args, lr_flag)   flags first (a bad one exits 2 at once), then Keras 3
"""
import os

import support   # the TF1 scripts' plumbing: flag types, output checks, one-line errors


def load_keras():
    """Keras 3 (`import keras`, eager) for the keras3/ scripts, its TensorFlow start-up log hidden.
    TF_USE_LEGACY_KERAS does not change what `import keras` gives: always Keras 3."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    with support.start_up_log_hidden():
        import keras
    return keras


def add_keras_flags(p, from_tf1=None):
    """The keras3/ scripts' own flags: --seed, --metrics_json and, where a TF1 script saves checkpoints,
    --from_tf1 DIR (from_tf1: that script's name)."""
    p.add_argument("--seed", type=support.seed_value, default=1, help="random seed (Python, numpy, Keras)")
    p.add_argument("--metrics_json", help="write the run's final figures as JSON to this path (default: none)")
    if from_tf1:
        p.add_argument("--from_tf1", metavar="DIR", help="evaluate the checkpoint ../%s --save_path DIR saved, "
                                                          "instead of training" % from_tf1)


def parse_keras(p, argv, page_values=None):
    """Parse a keras3/ script's flags, a flag not given taking the page's value (page_values(args): a
    dict); its output path is tried as the TF1 scripts' are."""
    args = support.parse(p, argv, page_values)     # "~" in a path, unset flags: as the TF1 scripts
    args.no_plot, args.logdir, args.plot = True, None, None   # no figure, no TensorBoard
    problem = support.check_outputs(args)
    if problem:
        p.error(problem)
    return args


def run_keras(main, parse_args, lr_flag):
    """A keras3/ script's command line: the flags first (a bad one exits 2 at once), then Keras."""
    with support.terminal_output():     # a closed pipe, a console that cannot encode the text
        args = parse_args()
        try:
            main(args, load_keras())
        except support.Diverged as e:
            support.stop("%s; lower the learning rate (%s)" % (e, lr_flag))

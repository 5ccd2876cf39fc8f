"""--save_path / --restore: a tf.train.Saver over every variable, and beside it checkpoint.json, what
built the model, which --restore checks first. A checkpoint folder restores from itself wherever it was
moved or copied; a save the disk refuses leaves the previous checkpoint as it was."""
import json
import os
import re

from .output_files import write_json
from .running import stop, write_failed
from .tf1 import tf


class Checkpoints(object):
    def __init__(self, args, model, recorded=None):
        """model: what must match to resume (the script, the flags that shape the variables); recorded: what
        checkpoint.json records beside it that need not match (--rnn_mode: either mode restores)."""
        self.args, self.model, self.recorded = args, model, dict(recorded or {})
        self.latest = None    # the last checkpoint this run saved, named when a later write fails
        # relative paths in the folder's `checkpoint` list, so that a moved or copied folder restores
        self.saver = tf.train.Saver(max_to_keep=2, save_relative_paths=True) if args.save_path else None

    def restore(self, sess):
        if not self.args.restore:
            return
        folder = self.args.save_path
        found = checkpoints_in(folder)
        if not found:
            stop("no checkpoint in %s to --restore; train once with --save_path %s first" % (folder, folder))
        latest = found[-1]
        check_model(folder, self.model)
        try:
            saved_shapes = dict(tf.train.list_variables(latest))
            if any(saved_shapes.get(v.op.name) != v.shape.as_list()     # Saver.restore checks names only
                   for v in sess.graph.get_collection(tf.GraphKeys.GLOBAL_VARIABLES)):
                stop("the checkpoint %s was saved by another model (its variables differ from this run's); "
                     "give another --save_path" % latest)
            self.saver.restore(sess, latest)
        except (tf.errors.OpError, ValueError, IndexError) as e:
            stop("cannot read the checkpoint %s (%s): it is damaged; give another --save_path, or delete %s "
                 "to start over" % (latest, type(e).__name__, folder))
        self.saver.recover_last_checkpoints(found)   # so that max_to_keep counts them too
        print("Restored %s" % latest)

    def save(self, sess, global_step):
        """Save (only after finite losses) and return the path. If the disk refuses, what this save wrote is
        removed and the folder's checkpoint list put back: the previous checkpoint restores."""
        if self.saver is None:
            return None
        folder = self.args.save_path
        prefix = os.path.join(folder, "model.ckpt")
        write_json(os.path.join(folder, "checkpoint.json"), dict(self.model, **self.recorded), saved=self.latest)
        state_file = os.path.join(folder, "checkpoint")
        before = set(os.listdir(folder))
        state = open(state_file, "rb").read() if os.path.isfile(state_file) else None
        try:
            self.latest = self.saver.save(sess, prefix, global_step=global_step)
        except (OSError, tf.errors.OpError) as e:
            for name in set(os.listdir(folder)) - before:
                try:
                    os.remove(os.path.join(folder, name))
                except OSError:
                    pass
            if state is not None:
                with open(state_file, "wb") as f:
                    f.write(state)
            kept = checkpoints_in(folder)
            write_failed("%s-%d" % (prefix, global_step), e, saved=self.latest, kept=kept[-1] if kept else None)
        print("Saved checkpoint %s" % self.latest)
        return self.latest


def check_model(folder, model):
    """checkpoint.json in folder against model (what this run builds): one line, exit 2, where another script
    or other flags saved it. A folder without one (older, or made by hand) passes: reading its variables
    checks it. The TF1 scripts' --restore and the keras3/ scripts' --from_tf1 both ask here."""
    try:
        with open(os.path.join(folder, "checkpoint.json")) as f:
            saved = json.load(f)
    except (OSError, ValueError):
        return
    if saved.get("script", model["script"]) != model["script"]:
        stop("the checkpoint in %s was saved by %s, not %s: give another checkpoint folder"
             % (folder, saved["script"], model["script"]))
    differ = [k for k in model if k in saved and saved[k] != model[k]]
    if differ:
        flags = " ".join("%s %s" % (k, saved[k]) for k in differ if k.startswith("--"))
        stop("the checkpoint in %s was saved with %s (this run: %s): %s, or give another checkpoint folder"
             % (folder, ", ".join("%s %s" % (k, saved[k]) for k in differ),
                ", ".join("%s %s" % (k, model[k]) for k in differ),
                "add %s to use it" % flags if flags else "use it with the data it was trained on"))


def checkpoints_in(folder):
    """The checkpoint prefixes in folder, oldest first, newest last: those its `checkpoint` list names,
    found by their names in folder itself (an older list holds absolute paths: after the folder is moved
    they name nothing, in a copy the original's files). Without a list: every model.ckpt-N here, by N."""
    import tensorflow    # Keras 3's or TF1's, whichever the script loaded (keras3/tf1_weights.py reads here too)
    try:
        state = tensorflow.train.get_checkpoint_state(folder)    # None where there is no list
    except ValueError:                                          # a list that names no checkpoint
        state = None
    names = []
    if state is not None:
        paths = [p for p in state.all_model_checkpoint_paths if p != state.model_checkpoint_path]
        names = [re.split(r"[\\/]", p)[-1] for p in paths + [state.model_checkpoint_path]]
    found = [os.path.join(folder, n) for n in names if os.path.isfile(os.path.join(folder, n + ".index"))]
    if found or not os.path.isdir(folder):
        return found
    steps = [re.match(r"(model\.ckpt-(\d+))\.index$", name) for name in os.listdir(folder)]
    return [os.path.join(folder, m.group(1)) for m in sorted(filter(None, steps), key=lambda m: int(m.group(2)))]

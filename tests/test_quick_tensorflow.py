"""In-process TensorFlow is quickened (tests/quick_tensorflow.py): sessions keep the scripts' own options
and compute what a session with Grappler computes; ops carry no creation stack."""
import numpy as np
import pytest

import support
from quick_tensorflow import KNOWN, quicken


@pytest.fixture
def quickened(tf):
    """tf, where the patches are applied (a TensorFlow KNOWN names); elsewhere the test is skipped."""
    if not getattr(tf.Session.__init__, "quickened", False):
        pytest.skip("TensorFlow %s: quick_tensorflow patches only %s" % (tf.VERSION, ", ".join(KNOWN)))
    return tf


def test_a_session_keeps_the_scripts_options_and_skips_only_the_rewrites_on_one_thread(quickened):
    tf = quickened
    config, _ = support.session_config(cpu=True)
    with tf.Session(config=config) as sess:
        assert sess._config.device_count["GPU"] == 0 and sess._config.gpu_options.allow_growth
        assert sess._config.graph_options.rewrite_options.disable_meta_optimizer
        assert sess._config.intra_op_parallelism_threads == sess._config.inter_op_parallelism_threads == 1


def test_without_the_rewrites_a_graph_computes_the_same(quickened):
    tf = quickened
    x = tf.constant(np.random.RandomState(0).rand(3, 28, 4).astype(np.float32))
    cell = support.rnn.BasicLSTMCell(5)
    outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    loss = tf.reduce_sum(tf.square(outputs[:, -1]))
    fetches = [loss] + tf.gradients(loss, tf.trainable_variables())
    found = []
    for with_rewrites in (False, True):
        sess = tf.Session.__new__(tf.Session)
        if with_rewrites:
            tf.Session.__init__.with_rewrites(sess, "", None, tf.ConfigProto())   # as a user's session
            assert not sess._config.graph_options.rewrite_options.disable_meta_optimizer
        else:
            tf.Session.__init__(sess)
        with sess:
            sess.run(tf.global_variables_initializer())
            found.append(sess.run(fetches))
    for a, b in zip(*found):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_ops_are_made_without_their_creation_stack(quickened):
    tf = quickened
    assert tf.constant(1.0).op.traceback is None      # a user's op: the frames that made it


def test_on_a_tensorflow_it_does_not_know_nothing_is_patched(tf, monkeypatch):
    from tensorflow.python.client import session
    from tensorflow.python.framework import ops
    known = tf.VERSION.startswith(KNOWN)
    assert quicken() is known                                  # TensorFlow 2.21: known; 2.20 (Colab's): not
    assert getattr(session.Session.__init__, "quickened", False) is known
    if known:
        monkeypatch.setattr(session.Session, "__init__", session.Session.__init__.with_rewrites)
    create = ops._create_c_op
    for version in ["2.22.0", "2.20.0", "3.0.0"]:
        assert quicken(version) is False
        assert not getattr(session.Session.__init__, "quickened", False) and ops._create_c_op is create

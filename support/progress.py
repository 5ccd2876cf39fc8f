"""Progress on long passes (PTB's epochs and evaluations, sampling): a line every few seconds."""
import sys
import time


class Progress(object):
    """Prints 'label: done / total words, words/s, ETA' when `every` seconds have passed since the last
    print (or when forced), so a long pass never looks hung."""

    def __init__(self, total, label, every=10.0):
        self.total, self.label, self.every = total, label, every
        self.start = self.last = time.time()

    def seconds(self):
        return time.time() - self.start

    def update(self, done, force=False):
        now = time.time()
        if not force and now - self.last < self.every:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        eta = (self.total - done) / rate if rate > 0 else float("inf")
        print("  %s: %d / %d words, %.0f words/s, ETA %.0f s" % (self.label, done, self.total, rate, eta))
        sys.stdout.flush()

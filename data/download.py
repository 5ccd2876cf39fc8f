"""What the MNIST and PTB readers share to download a file: fetch a URL into an open file with progress
lines, and tell a full disk (WriteFailed: no other mirror can help) from a network error."""
import os
import urllib.request


class WriteFailed(Exception):
    """Writing a download to the disk failed (args[0]: the OSError)."""


def flush(out):
    """Flush and fsync an open file, so that a full disk shows here, as WriteFailed."""
    try:
        out.flush()
        os.fsync(out.fileno())
    except OSError as e:
        raise WriteFailed(e)


def fetch(url, out, timeout, report_every=0.1):
    """Copy url into the open file out, printing how far along it is (every 10% when the size is known,
    else every 10 MB); returns the number of bytes. A failed write raises WriteFailed."""
    print("Downloading %s" % url)
    with urllib.request.urlopen(url, timeout=timeout) as response:
        total = int(response.headers.get("Content-Length") or 0)
        done, shown = 0, 0
        for block in iter(lambda: response.read(1 << 16), b""):
            try:
                out.write(block)
            except OSError as e:
                raise WriteFailed(e)
            done += len(block)
            step = total * report_every if total else 10 << 20
            if done - shown >= step and (not total or done < total):
                shown = done
                print("  %.1f MB%s" % (done / 1e6, " of %.1f MB (%d%%)" % (total / 1e6, 100 * done // total)
                                       if total else ""))
        flush(out)
    return done

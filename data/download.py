"""What the MNIST and PTB readers share to download a file: from_mirrors tries each address in turn, fetching
into a temporary file with progress lines, and tells a folder that cannot be written (CannotCreate) or a full
disk (WriteFailed), where no other mirror can help, from a network error (the next mirror)."""
import os
import ssl
import urllib.error
import urllib.request

# A Python with no CA certificates (python.org's macOS installer, until its "Install Certificates.command" runs)
# cannot check an https mirror; certifi's bundle (TensorFlow installs certifi) is tried next, and if that fails too:
CERTIFICATES = ("this Python has no CA certificates to check the https mirrors with: on macOS run "
                "\"/Applications/Python 3.X/Install Certificates.command\" (3.X: your Python's version), elsewhere "
                "pip install --upgrade certifi; then run again")


class WriteFailed(Exception):
    """Writing a download to the disk failed (args[0]: the OSError)."""


class CannotCreate(Exception):
    """The download folder cannot be made, or no file made in it (args[0]: the OSError)."""


class AllFailed(Exception):
    """Every mirror failed (args[0]: "URL: what went wrong" for each)."""


def from_mirrors(urls, folder, suffix, timeout, finish):
    """Download from each of urls in turn into a new file in folder (its name ending in suffix), then
    finish(path, size): verify it and put it in place, returning what the caller wants. An error there, as a
    network error, tries the next URL; CannotCreate and WriteFailed stop at once. The temporary file is
    removed whatever happens."""
    errors, certificates = [], False
    for url in urls:
        try:
            os.makedirs(folder, exist_ok=True)
            fd, tmp = new_file(folder, suffix)
        except OSError as e:
            raise CannotCreate(e)
        try:
            with os.fdopen(fd, "wb") as out:
                size = fetch(url, out, timeout)
            return finish(tmp, size)
        except WriteFailed:   # the disk, not the network: no other mirror can help
            raise
        except Exception as e:  # try the next mirror
            print("  failed (%s)%s" % (e, "; trying the next mirror" if url != urls[-1] else ""))
            errors.append("%s: %s" % (url, e))
            certificates = certificates or isinstance(getattr(e, "reason", None), ssl.SSLCertVerificationError)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    raise AllFailed(errors + ([CERTIFICATES] if certificates else []))


def urlopen(url, timeout):
    """urllib's urlopen; where this Python's own CA certificates cannot verify an https mirror, again with
    certifi's bundle."""
    try:
        return urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.URLError as e:
        if not isinstance(e.reason, ssl.SSLCertVerificationError):
            raise
        try:
            import certifi
        except ImportError:
            raise e
    return urllib.request.urlopen(url, timeout=timeout, context=ssl.create_default_context(cafile=certifi.where()))


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
    with urlopen(url, timeout) as response:
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


def new_file(folder, suffix):
    """(fd, path) of a new, empty file in folder with a name no other has, open for writing, as
    tempfile.mkstemp makes one but with the mode any file gets (0666 less the user's umask, as
    open() gives): mkstemp's 0600 would keep a class from reading the data its teacher downloaded
    into a shared --data_dir, once the file is renamed into place."""
    while True:
        path = os.path.join(folder, "tmp%s%s" % (os.urandom(6).hex(), suffix))
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), path
        except FileExistsError:
            continue

"""What differs on Windows and macOS, tested here on any system: every file meant as bytes is written as bytes
(no "\n" turned into "\r\n"), downloads find certificates, flags in one string keep a Windows path, the memory
check has a reading without /proc."""
import ast
import hashlib
import io
import os
import ssl
import tarfile
import urllib.error

import pytest

import support
from data import download, reader
from helpers import ROOT, load_module

# every byte a text mode would change: "\n" (Windows writes "\r\n"), "\r\n", a lone "\r", Ctrl-Z, and the rest
BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) + b"one\ntwo\r\nthree\r"


def project_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ("tests", "outputs", "__pycache__")]
        for name in files:
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def test_every_os_open_that_writes_opens_in_binary():
    """On Windows a descriptor from os.open is in text mode unless O_BINARY is given: each "\n" byte written
    through it becomes "\r\n". Each call's flags say O_BINARY, or name a constant of its module that does."""
    calls = []
    for path in project_files():
        with open(path, encoding="utf-8") as f:
            source = f.read()
        tree = ast.parse(source)
        constants = {t.id: ast.get_source_segment(source, node.value) for node in tree.body
                     if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            func = getattr(node, "func", None)
            if isinstance(func, ast.Attribute) and func.attr == "open" and getattr(func.value, "id", "") == "os":
                flags = ast.get_source_segment(source, node.args[1])
                flags = constants.get(flags, flags)
                if "O_WRONLY" in flags or "O_RDWR" in flags:
                    calls.append((os.path.relpath(path, ROOT), node.lineno, "O_BINARY" in flags))
    assert len(calls) >= 4                                  # the writers below, and the null device
    assert [c for c in calls if not c[2]] == []


def test_write_atomically_writes_the_bytes_given(tmp_path):
    path = tmp_path / "figure.png"
    support.output_files.write_atomically(str(path), lambda f: f.write(BYTES))
    assert path.read_bytes() == BYTES


def test_json_is_written_with_newlines_on_every_system(tmp_path):
    path = tmp_path / "m.json"
    support.write_metrics(str(path), {"device": "CPU", "line": "a\nb"})
    assert path.read_bytes() == b'{\n  "device": "CPU",\n  "line": "a\\nb"\n}\n'


def test_a_figure_file_is_the_figure_matplotlib_draws(tmp_path):
    plt = support.pyplot(show=False)
    fig = plt.figure(figsize=(2, 2))
    plt.plot([0, 1], [1, 0])
    drawn = io.BytesIO()
    fig.savefig(drawn, format="png")
    support.write_figure(fig, str(tmp_path / "p.png"))
    assert (tmp_path / "p.png").read_bytes() == drawn.getvalue() and b"\n" in drawn.getvalue()


def test_a_download_is_the_bytes_served(tmp_path):
    served = tmp_path / "served.bin"
    served.write_bytes(BYTES)
    got = download.from_mirrors([served.as_uri()], str(tmp_path / "data"), ".part", 5,
                                lambda tmp, size: open(tmp, "rb").read())
    assert got == BYTES


def test_ptb_files_are_extracted_byte_for_byte(tmp_path, monkeypatch):
    texts = {n: ("%s one\r\ntwo\n" % n).encode() for n in reader.SPLITS}
    with tarfile.open(tmp_path / "simple-examples.tgz", "w:gz") as tar:
        for name, data in texts.items():
            info = tarfile.TarInfo("./simple-examples/data/" + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    monkeypatch.setattr(reader, "MD5", {n: hashlib.md5(t).hexdigest() for n, t in texts.items()})
    reader._extract_splits(str(tmp_path / "simple-examples.tgz"), str(tmp_path))
    assert {n: (tmp_path / n).read_bytes() for n in reader.SPLITS} == texts


def test_make_results_and_the_notebook_generator_write_newlines(tmp_path):
    load_module("make_results", os.path.join("docs", "make_results.py")).write(str(tmp_path / "t.md"), "a\nb\n")
    assert (tmp_path / "t.md").read_bytes() == b"a\nb\n"
    with open(os.path.join(ROOT, "notebooks", "generate.py"), encoding="utf-8") as f:
        assert 'newline="\\n"' in f.read()      # the notebooks, compared byte for byte with what it makes


def test_gitattributes_keeps_text_lf_and_figures_binary():
    with open(os.path.join(ROOT, ".gitattributes"), encoding="utf-8") as f:
        rules = [line.split() for line in f if line.strip() and not line.startswith("#")]
    assert ["*", "text=auto", "eol=lf"] in rules and ["*.png", "binary"] in rules


# ------------------------------------------------------------------------ certificates
class Response(io.BytesIO):
    headers = {}


def no_certificates(url, timeout, context=None):
    """urlopen on a Python with no CA certificates (python.org's macOS Python before Install Certificates)."""
    if context is None:
        raise urllib.error.URLError(ssl.SSLCertVerificationError(1, "certificate verify failed: unable to get "
                                                                    "local issuer certificate"))
    return Response(BYTES)


def test_a_python_without_certificates_downloads_with_certifis(tmp_path, monkeypatch):
    import certifi
    contexts = []

    def urlopen(url, timeout, context=None):
        contexts.append(context)
        return no_certificates(url, timeout, context)
    monkeypatch.setattr(download.urllib.request, "urlopen", urlopen)
    got = download.from_mirrors(["https://mirror/x"], str(tmp_path), ".part", 5,
                                lambda tmp, size: open(tmp, "rb").read())
    assert got == BYTES and contexts[0] is None and isinstance(contexts[1], ssl.SSLContext)
    assert contexts[1].get_ca_certs() or os.path.getsize(certifi.where()) > 0


def test_where_certifi_fails_too_one_line_says_what_to_run(tmp_path, monkeypatch):
    from data import input_data

    def urlopen(url, timeout, context=None):
        return no_certificates(url, timeout)
    monkeypatch.setattr(download.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(input_data, "MIRRORS", ["https://one/", "https://two/"])
    with pytest.raises(input_data.MnistDataError) as e:
        input_data.read_data_sets(str(tmp_path / "mnist"))
    message = str(e.value)
    assert "\n" not in message and "Install Certificates.command" in message
    assert "pip install --upgrade certifi" in message


# ------------------------------------------------------------------------ flags, memory
def test_one_string_of_flags_keeps_a_windows_path():
    split = support.notebook.split_as_shell
    assert split(r'--data_dir D:\mnist --plot "C:\My Files\p.png"', windows=True) == [
        "--data_dir", r"D:\mnist", "--plot", r"C:\My Files\p.png"]
    assert split(r"--plot 'a b.png' --x a\ b", windows=False) == ["--plot", "a b.png", "--x", "a b"]


def test_without_proc_the_memory_check_reads_the_systems_memory(monkeypatch):
    """macOS has no /proc: the whole memory, from sysconf (Windows asks GlobalMemoryStatusEx)."""
    real_open = open

    def no_proc(path, *a, **k):
        if str(path).startswith("/proc/"):
            raise FileNotFoundError(2, "No such file or directory", path)
        return real_open(path, *a, **k)
    monkeypatch.setattr("builtins.open", no_proc)
    found = support.memory.available_memory()
    whole = support.memory.windows_available() if os.name == "nt" else support.memory.physical_memory()
    assert 0 < found <= whole


# ------------------------------------------------------------------------ signals
@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"])
def test_each_stop_signal_of_this_system_saves_in_training(name, signal_handlers, capsys):
    """Ctrl-C everywhere; SIGTERM; SIGHUP (a closed terminal) on POSIX; Ctrl-Break and a closed console
    window (SIGBREAK) on Windows: training's guard saves and exits with the signal's status."""
    import signal
    if not hasattr(signal, name):
        pytest.skip("%s does not exist on this system (%s)" % (name, "POSIX only" if name == "SIGHUP" else
                                                                 "Windows only"))
    signum = getattr(signal, name)
    word, status = support.running.STOPS[signum]
    signal.signal(signum, support.running.on_signal)
    del support.running.RECEIVED[:]
    saved = []
    with pytest.raises(SystemExit) as e:
        with support.training_guard("--lr", save=lambda: saved.append(True)):
            signal.raise_signal(signum)
    assert e.value.code == status == 128 + signum and saved == [True]
    assert capsys.readouterr().out == "\n%s.\n" % word

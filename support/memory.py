"""A run too large for the machine is refused before its graph is built, with the estimate and the flags
that size it. The estimates are float32 bytes; BASE_MEMORY is TensorFlow itself, the data and the figure."""
import argparse
import ctypes
import os

BASE_MEMORY = 1 << 30   # about 1 GiB


def lstm_memory(inputs, units, rows, slots, eval_rows=0):
    """Bytes an LSTM layer needs: weights, gradients, `slots` optimizer copies (Adam 2, Adagrad 1, SGD 0),
    what backpropagation keeps for rows = batch x steps, and an evaluation batch of eval_rows."""
    weights = 4 * units * (inputs + units + 1)
    return 4 * (weights * (2 + slots) + rows * (inputs + 10 * units) + eval_rows * (inputs + 2 * units))


def dense_memory(inputs, outputs, rows, slots, eval_rows=0):
    """The same for a fully connected layer (a softmax keeps its logits, probabilities and gradient)."""
    return 4 * ((inputs + 1) * outputs * (2 + slots) + (rows + eval_rows) * (inputs + 3 * outputs))


def available_memory():
    """Bytes this process may still use: the system's available memory (Linux, Windows; macOS tells only its
    whole memory), or the cgroup's (container) limit if lower; None where none can be read."""
    found = []
    try:
        with open("/proc/meminfo") as f:
            found += [int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:")]
    except OSError:
        found += [m for m in [windows_available() if os.name == "nt" else physical_memory()] if m]
    try:
        with open("/sys/fs/cgroup/memory.max") as f, open("/sys/fs/cgroup/memory.current") as g:
            found.append(int(f.read()) - int(g.read()))
    except (OSError, ValueError):   # no cgroup v2 file, or "max": no limit
        pass
    return min(found) if found else None


def physical_memory():   # macOS and other POSIX systems without /proc
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def windows_available():
    class MemoryStatus(ctypes.Structure):   # MEMORYSTATUSEX
        _fields_ = [("dwLength", ctypes.c_ulong), ("dwMemoryLoad", ctypes.c_ulong)] + [
            (name, ctypes.c_ulonglong) for name in ("ullTotalPhys", "ullAvailPhys", "ullTotalPageFile",
                                                    "ullAvailPageFile", "ullTotalVirtual", "ullAvailVirtual",
                                                    "ullAvailExtendedVirtual")]
    status = MemoryStatus(dwLength=ctypes.sizeof(MemoryStatus))
    return status.ullAvailPhys if ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)) else None


def check_memory(args, estimate, flags):
    """Why the run cannot fit (estimate(args) bytes and BASE_MEMORY, more than is available), naming the
    flags whose size is the cause; None if it fits or the memory is unknown."""
    need = estimate(args) + BASE_MEMORY
    available = available_memory()
    if available is None or need <= available:
        return None
    causes = [flag for flag in flags if getattr(args, flag[2:]) is not None   # alone, small enough at 1
              and estimate(argparse.Namespace(**dict(vars(args), **{flag[2:]: 1}))) + BASE_MEMORY <= available]
    return ("this run needs about %.1f GB of memory (the weights, their gradients and optimizer slots, the "
            "activations kept for training) and %.1f GB are available: lower %s"
            % (need / 1e9, available / 1e9, " or ".join("%s (%s)" % (flag, getattr(args, flag[2:]))
                                                       for flag in causes or flags)))

"""Where fazhi writes, and how an interrupted or failed run leaves nothing behind.

**Output folders.** Every folder the commands write into is an output folder: the tables of ``fazhi ingest`` and
``fazhi analyze``, the briefs folder of ``fazhi brief`` (``reports_out``) and each of its run folders. They carry a
marker file, ``.fazhi-output`` (``mark``), and are never searched for reports: ``fazhi_lib.readers.discover`` skips any
folder ``output_kind`` recognises, so briefs written inside a corpus folder are never read back as reports. Outputs
of earlier versions, without the marker, are recognised by their content (a brief run's ``manifest.json``, the
``documents.parquet`` of a tables folder).

**Temporary files.** Files are written under a temporary name that says which process writes them
(``.documents.parquet.<pid>@<host>.tmp``, its parts ``….tmp.part0``, a brief's run folder
``.<run id>.<pid>@<host>.partial/``) and renamed when complete. A process killed outright (kill -9, a power cut)
leaves them behind; ``remove_debris``, run by every command before it writes into a folder, removes those whose
process is gone — never those of a run still going, whether on this machine or (on a shared disk) another one.

**Clean-up never fails.** ``discard`` and ``close_quietly`` swallow their own errors: on a full disk, closing a file
raises ENOSPC again, and that must neither leave the file behind nor hide the error that stopped the run.

**Workers die with their parent.** ``worker_pool`` makes every pool of workers, with ``die_with_parent`` as their
initializer: a worker whose parent is killed (SIGTERM, SIGKILL) stops at once instead of running on.
``exit_on_signals`` turns SIGTERM and SIGHUP of a command into an exception, so that its clean-up runs.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import multiprocessing
import multiprocessing.pool
import os
import re
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "MARKER",
    "Terminated",
    "close_quietly",
    "die_with_parent",
    "discard",
    "exit_on_signals",
    "mark",
    "output_kind",
    "owner",
    "remove_debris",
    "tmp_path",
    "worker_pool",
    "workers",
]

MARKER = ".fazhi-output"
_MANIFEST = "manifest.json"  # a brief run's manifest (fazhi_lib.briefs)
_TABLE = "documents.parquet"  # the one table every ingest writes (fazhi_lib.pipeline)
# .<name>.<pid>@<host>.tmp[.<anything>] and .<run id>.<pid>@<host>.partial; earlier versions wrote the tables as
# .<name>.<pid>.tmp[.partN]. Nothing else is ever taken for debris: a hidden file of one's own stays.
_DEBRIS = re.compile(r"^\..+\.(?P<pid>\d+)@(?P<host>[A-Za-z0-9_-]+)\.(?:tmp(?:\..*)?|partial)$")
_OLD_DEBRIS = re.compile(r"^\..+\.(?:parquet|csv|json|html|ipynb)\.(?P<pid>\d+)\.tmp(?:\.part\d+)?$")


# ---- output folders --------------------------------------------------------------------------------------------


def mark(directory: str | Path, kind: str) -> bool:
    """Mark a folder as an output folder of fazhi, never to be searched for reports.

    Parameters
    ----------
    directory : str or pathlib.Path
        An existing folder the command writes into.
    kind : str
        What it holds: ``tables``, ``briefs`` or ``brief run``.

    Returns
    -------
    bool
        Whether the marker was written now (False when it was there already).
    """
    marker = Path(directory) / MARKER
    if marker.exists():
        return False
    marker.write_text(json.dumps({"fazhi_output": kind}) + "\n", encoding="utf-8")
    return True


def output_kind(directory: str | Path) -> str | None:
    """What fazhi wrote a folder for, if it did.

    Parameters
    ----------
    directory : str or pathlib.Path
        Any folder.

    Returns
    -------
    str or None
        ``tables``, ``briefs``, ``brief run`` … for an output folder of fazhi (with the marker, or a brief run's
        ``manifest.json`` or the ``documents.parquet`` of an earlier version); None otherwise, also when the folder
        cannot be looked into (this never raises).
    """
    d = Path(directory)
    try:
        if (d / MARKER).is_file():
            try:
                return str(json.loads((d / MARKER).read_text(encoding="utf-8")).get("fazhi_output") or "output")
            except (OSError, ValueError, AttributeError):
                return "output"
        manifest = d / _MANIFEST
        if manifest.is_file() and manifest.stat().st_size < 50_000_000:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if isinstance(data, dict) and {"run_id", "notebooks"} <= data.keys():
                return "brief run"
        if (d / _TABLE).is_file():
            return "tables"
    except (OSError, ValueError):
        return None
    return None


# ---- temporary files and debris -------------------------------------------------------------------------------


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname())[:64] or "host"


def owner() -> str:
    """The part of a temporary name that says which process writes it.

    Returns
    -------
    str
        ``<pid>@<host>``, the host name reduced to letters, digits, ``_`` and ``-``.
    """
    return f"{os.getpid()}@{_host()}"


def tmp_path(path: Path) -> Path:
    """The temporary name beside ``path`` under which it is written before being renamed into place.

    Parameters
    ----------
    path : pathlib.Path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``.<name>.<pid>@<host>.tmp`` in the same folder.
    """
    return path.with_name(f".{path.name}.{owner()}.tmp")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return True
    return True


def _is_debris(name: str) -> bool:
    m = _DEBRIS.match(name)
    if m is not None and m["host"] != _host():
        return False  # another machine's run, on a shared disk: its processes cannot be seen from here
    m = m or _OLD_DEBRIS.match(name)
    return m is not None and not _alive(int(m["pid"]))


def remove_debris(directory: str | Path) -> list[Path]:
    """Remove what killed runs left in a folder: temporary files and unfinished run folders whose process is gone.

    Those of live processes (a concurrent run) and of other machines are kept, and so is any name fazhi does not
    give. Never raises.

    Parameters
    ----------
    directory : str or pathlib.Path
        An output folder.

    Returns
    -------
    list of pathlib.Path
        What was removed.
    """
    removed = []
    try:
        entries = list(Path(directory).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.name.startswith(".") and _is_debris(entry.name):
            discard(entry)
            if not (entry.exists() or entry.is_symlink()):
                removed.append(entry)
    return removed


def discard(path: str | Path) -> None:
    """Remove a file, a symbolic link or a folder tree if it is there.

    Never raises: clean-up must not hide the error that made it necessary (and a full disk does not stop a removal).

    Parameters
    ----------
    path : str or pathlib.Path
        What to remove (a symbolic link is removed, not what it points to).
    """
    p = Path(path)
    try:
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
    except OSError:
        pass


def close_quietly(handle: object) -> None:
    """``handle.close()``, ignoring any error: on a full disk closing a writer flushes, and fails again.

    Parameters
    ----------
    handle : object
        A file or writer with a ``close`` method, or None (nothing to close).
    """
    if handle is None:
        return
    try:
        handle.close()
    except Exception:  # whatever the writer raises, the file is discarded next
        pass


# ---- processes -------------------------------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent(parent: int) -> None:
    """Initializer of a worker process: the worker ends when its parent does, however the parent ends.

    On Linux the kernel sends the worker SIGTERM when its parent dies (``prctl(PR_SET_PDEATHSIG)``), even on SIGKILL;
    everywhere, a daemon thread also watches the parent and ends the worker within a second of its death. A parent
    that died before this ran ends the worker at once. The worker's SIGTERM and SIGHUP handlers are reset to the
    default (a forked worker inherits those of ``exit_on_signals``).

    Parameters
    ----------
    parent : int
        The pid of the process starting the pool (``os.getpid()`` there).
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)):
        if s is not None:  # a forked worker inherits the parent's handlers (exit_on_signals): it just ends
            signal.signal(s, signal.SIG_DFL)
    if os.getppid() != parent:
        os._exit(1)

    def _watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=_watch, name="fazhi-parent-watch", daemon=True).start()


def worker_pool(processes: int) -> multiprocessing.pool.Pool:
    """A pool of worker processes that end with this process (``die_with_parent``), whoever ends it.

    Workers are forked where the system can fork (their parent is then this process, as ``die_with_parent``
    expects), else spawned.

    Parameters
    ----------
    processes : int
        The number of workers.

    Returns
    -------
    multiprocessing.pool.Pool
        Close and join it when done; ``terminate`` it on an error.
    """
    ctx = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    return ctx.Pool(processes, initializer=die_with_parent, initargs=(os.getpid(),))


@contextlib.contextmanager
def workers(processes: int) -> Iterator[multiprocessing.pool.Pool]:
    """A :func:`worker_pool` for the length of a ``with`` block, whose workers never outlive the block.

    When the block ends normally the pool is closed and its workers finish their tasks; when it raises (an error,
    Ctrl-C, SIGTERM through :func:`exit_on_signals`, a generator closed early) they are terminated. Either way they
    are joined before the block is left.

    Parameters
    ----------
    processes : int
        The number of workers.

    Yields
    ------
    multiprocessing.pool.Pool
        The pool, to map tasks on within the block.
    """
    pool = worker_pool(processes)
    try:
        yield pool
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()


class Terminated(BaseException):  # a signal, like KeyboardInterrupt: not an error to catch
    """Raised in the main thread when the process receives SIGTERM or SIGHUP (see ``exit_on_signals``).

    Parameters
    ----------
    signum : int
        The signal's number.

    Attributes
    ----------
    signum : int
        The signal's number (a command exits with status 128 + ``signum``).
    """

    def __init__(self, signum: int):
        super().__init__(f"terminated by signal {signal.Signals(signum).name}")
        self.signum = signum


@contextlib.contextmanager
def exit_on_signals() -> Iterator[None]:
    """A block within which SIGTERM and SIGHUP raise ``Terminated`` (as Ctrl-C raises KeyboardInterrupt).

    Instead of ending the process on the spot, the signal ends the block, so that ``finally`` clauses stop the
    workers and remove unfinished files. Outside the main thread it does nothing (signals are only delivered there).
    The previous handlers are restored when the block ends.

    Yields
    ------
    None
        Once, for the block.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _handler(signum: int, frame: object) -> None:
        raise Terminated(signum)

    wanted = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, _handler) for s in wanted}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)

"""Atomic file writes: a file is either absent, old, or complete.

Every output (plans, maps, PDFs, GPX, road graphs) is written to a hidden
temporary file beside its target (``.NAME.<random>.tmp``), flushed to disk, then
renamed over the target. A run killed half-way leaves at most a hidden
temporary file, never a half-written file that looks complete.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def safe_stem(name: str, default: str = "team") -> str:
    """``name`` (a team id, a route name) as it appears in a file name: every
    run of characters other than letters, digits, ``.``, ``-`` and ``_``
    becomes ``_``; ``default`` when nothing is left. Two names whose stems
    are equal ignoring case (``T/1``, ``t_1``) would share files:
    ``stem_key`` tells them apart, the scenario's checks refuse them."""
    return re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or default


def stem_key(name: str) -> str:
    """The key under which two names share a file on any file system: their
    ``safe_stem``, case-folded (Windows and macOS ignore case)."""
    return safe_stem(name).casefold()


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    On an exception the temporary file is removed and ``path`` is untouched;
    an ``OSError`` (a full disk, a read-only folder) names ``path``, not the
    temporary file. A folder standing at ``path`` is refused before anything
    is written (``IsADirectoryError``).
    """
    path = Path(path)
    if path.is_dir():  # os.replace would fail half-way with a bare IsADirectoryError
        raise IsADirectoryError(errno.EISDIR, "a folder stands where a file is to be written",
                                str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # name the file meant, not the temporary one
        raise OSError(exc.errno, exc.strerror, str(path)) from exc
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        if exc.filename is None or exc.filename == tmp:  # name the file meant, not the temporary
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically."""
    if not isinstance(data, str | bytes):
        raise TypeError(f"write_atomic needs str or bytes, not {type(data).__name__}")
    with atomic_path(path) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)

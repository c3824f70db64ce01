"""The one way the package replaces a file: write a fresh temporary file beside it, rename it over the target
only once it is complete.

Why one helper: a guessable temporary name (``out.tmp``) opened with ``open()`` follows a symlink someone
planted there and overwrites whatever it points to, and a failure half-way (disk full, Ctrl-C) must neither leave
a half file behind nor touch the old output. So the temporary file is made by ``mkstemp`` in the target's own
folder (unique name, ``O_CREAT|O_EXCL|O_NOFOLLOW``: nothing planted is ever opened), fsync'd, then
``os.replace``'d over the target (which replaces a symlink at the target itself, never what it points to). Any
failure removes the temporary file -- cleanup that itself fails (a flush on a full disk) is tolerated -- and an
``OSError`` of the target becomes one :class:`~research.errors.OutputError` line naming it.

    >>> from research.atomic import AtomicFile
    >>> with AtomicFile("out.jsonl") as fh:          # doctest: +SKIP
    ...     fh.write('{"id": 1}\\n')
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import OutputError

_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})
"""Errors raised while writing the temporary file that are about the target, not about the caller's inputs."""


def check_target(path: str | Path, make_parents: bool = False) -> Path:
    """``path`` as a Path if a file can be put there; else one :class:`OutputError` line saying why.

    Checked before any work so that a long run does not fail at its very end: the target must not be a folder,
    and its folder must exist (or be creatable with ``make_parents``) and be a folder.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name for the output")
    parent = path.parent
    if make_parents:
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{path}: cannot create its folder {parent} ({_why(exc)})") from None
    if not parent.exists():
        raise OutputError(f"{path}: output folder {parent} does not exist")
    if not parent.is_dir():
        raise OutputError(f"{path}: {parent} is not a folder")
    return path


class AtomicFile:
    """A file that replaces ``path`` on :meth:`commit` and leaves no trace on :meth:`discard`.

    As a context manager it yields the open file, commits when the block ends normally and discards on any
    exception. ``mode`` is ``"w"`` (text, with ``encoding``/``newline``) or ``"wb"``.
    """

    def __init__(self, path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8",
                 newline: str | None = None, make_parents: bool = False):
        if mode not in ("w", "wb"):
            raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
        self.path = check_target(path, make_parents)
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".partial")
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot write in {self.path.parent} ({_why(exc)})") from None
        self.tmp: Path | None = Path(tmp)
        self.file = None
        try:
            self.file = _fdopen(fd, mode, encoding=None if "b" in mode else encoding, newline=newline)
        except BaseException:
            os.close(fd)
            self.discard()
            raise

    @property
    def name(self) -> str:
        return str(self.path)

    def commit(self) -> Path:
        """Flush, fsync and rename over the target; on failure nothing is left but the old target."""
        if self.tmp is None:
            raise ValueError(f"{self.path}: already committed or discarded")
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.chmod(self.tmp, _mode_for(self.path))
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise OutputError(f"{self.path}: cannot write ({_why(exc)}); the old file, if any, is unchanged") from None
        self.tmp = None
        _fsync_dir(self.path.parent)
        return self.path

    def discard(self) -> None:
        """Close and delete the temporary file; never raises (a full disk can make even the close fail)."""
        if self.file is not None:
            with contextlib.suppress(OSError, ValueError):
                self.file.close()
        if self.tmp is not None:
            with contextlib.suppress(OSError):
                self.tmp.unlink()
            self.tmp = None

    def __enter__(self):
        return self.file

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            self.commit()
            return False
        self.discard()
        if isinstance(exc, OSError) and exc.errno in _WRITE_ERRNOS:
            raise OutputError(f"{self.path}: cannot write ({_why(exc)}); the old file, if any, is unchanged") from None
        return False


def write_text(path: str | Path, text: str, encoding: str = "utf-8", make_parents: bool = False) -> Path:
    """Replace ``path`` with ``text`` atomically."""
    with AtomicFile(path, "w", encoding=encoding, make_parents=make_parents) as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path: str | Path, data: bytes, make_parents: bool = False) -> Path:
    """Replace ``path`` with ``data`` atomically."""
    with AtomicFile(path, "wb", make_parents=make_parents) as fh:
        fh.write(data)
    return Path(path)


def _fdopen(fd: int, mode: str, encoding: str | None, newline: str | None):
    """The file object over the temporary file's descriptor (a seam for fault-injection tests)."""
    return os.fdopen(fd, mode, encoding=encoding, newline=newline)


def _mode_for(path: Path) -> int:
    """Keep the permissions of a regular file being replaced; a new file gets the usual 0666 minus umask
    (mkstemp makes it 0600)."""
    try:
        st = os.stat(path, follow_symlinks=False)
        if stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
    except OSError:
        pass
    return 0o666 & ~_umask()


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; best effort (not every platform or file system allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


__all__ = ["AtomicFile", "check_target", "write_bytes", "write_text"]

"""One writer per log directory: a lock file that names its holder.

Two runs writing into one log directory would each pay for every sample and
race on Inspect's logs. A run therefore holds ``<log_dir>/.insiderbench.lock``
while it runs: the file is locked with ``flock`` (the kernel releases it when
the process dies, however it dies) and holds the holder's pid, host, start time
and command, so a refused run can say who holds the directory.

A lock file left by a killed run (its pid is gone, its ``flock`` released) is
stale: the next run takes it over and says so. Where ``flock`` is not supported
(some network file systems) the pid check alone decides, on the same host.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from insiderbench._errors import InsiderbenchError

LOCK_NAME = ".insiderbench.lock"
"""The lock file's name inside the log directory."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a log directory."""

    pid: int
    host: str
    started: str
    command: str

    def describe(self) -> str:
        """One line naming the holder."""
        return f"pid {self.pid} on {self.host}, started {self.started}: {self.command}"

    @classmethod
    def current(cls, command: str) -> Holder:
        """The current process, starting now."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        return cls(pid=os.getpid(), host=socket.gethostname(), started=now, command=command)


def _read_holder(handle: IO[str]) -> Holder | None:
    handle.seek(0)
    text = handle.read()
    if not text.strip():
        return None
    try:
        data = json.loads(text)
        return Holder(
            pid=int(data["pid"]),
            host=str(data["host"]),
            started=str(data["started"]),
            command=str(data["command"]),
        )
    except (ValueError, KeyError, TypeError):
        return Holder(pid=-1, host="?", started="?", command=f"unreadable lock: {text[:80]!r}")


def pid_alive(pid: int) -> bool:
    """Whether a process with ``pid`` exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _flock(handle: IO[str]) -> bool | None:
    """Try to lock ``handle``: True if locked, False if held elsewhere, None if unsupported."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        return None
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        return None
    return True


def _refuse(path: Path, holder: Holder | None) -> InsiderbenchError:
    who = holder.describe() if holder else "another process (it wrote no details yet)"
    return InsiderbenchError(
        f"another run is writing to this log directory: {who}",
        where=str(path.parent),
        fix="wait for that run to finish (or stop it), or choose another --log-dir; "
        "two runs into one directory would each pay for every sample",
        exit_code=2,
    )


@contextlib.contextmanager
def hold_log_dir(log_dir: str | Path, command: str) -> Iterator[Holder | None]:
    """Hold ``log_dir`` for this process while the block runs.

    Yields the stale holder that was taken over (a killed run), or None.
    Raises :class:`InsiderbenchError` (exit 2) naming the holder when a live
    run holds the directory.
    """
    directory = Path(log_dir)
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / LOCK_NAME
    handle = path.open("a+", encoding="utf-8")
    try:
        locked = _flock(handle)
        previous = _read_holder(handle)
        me = Holder.current(command)
        if locked is False:
            raise _refuse(path, previous)
        if locked is None and previous is not None and previous.pid != me.pid:
            if previous.host == me.host and pid_alive(previous.pid):
                raise _refuse(path, previous)
            if previous.host != me.host:
                raise _refuse(path, previous)
        stale = previous if previous is not None and previous.pid != me.pid else None
        if stale is not None:
            log.warning(
                "took over the lock of a run that is gone (%s); its finished samples are kept",
                stale.describe(),
            )
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(asdict(me)))
        handle.flush()
        try:
            yield stale
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
    finally:
        handle.close()
        if created:  # a run that failed before writing anything leaves no directory behind
            with contextlib.suppress(OSError):
                directory.rmdir()


def current_holder(log_dir: str | Path) -> Holder | None:
    """The holder named in ``log_dir``'s lock file, if any (live or stale)."""
    path = Path(log_dir) / LOCK_NAME
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as handle:
        return _read_holder(handle)

"""Writes that could not reach the database, kept on disk in order until they can.

One JSON object per line ({"op": ..., "args": ...}), in a file readable by the user
only. The store appends when a write fails and replays the lines, oldest first,
before its next write (repo.py).

Several writers share the file: the capture worker, the final-transcript thread,
the app's periodic flush, even a second app on the same data folder. Every read-
modify-write holds `locked()`: a lock for the threads of this process and an
advisory lock file (fcntl.flock) for other processes, so no append is lost to a
flush that rewrites the file."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from listen_coach.store.db import private_dir

FILE_NAME = "pending-writes.jsonl"
LOCK_NAME = "pending-writes.lock"
log = logging.getLogger(__name__)


class Outbox:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / FILE_NAME
        self._lock = threading.RLock()
        self._depth = 0  # how deep this process holds the lock (only its owner changes it)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the outbox against every other writer, in this process and others."""
        with self._lock:
            # The file lock is taken once, by the outermost holder: a second flock on
            # another descriptor of the same file would wait for this one for ever.
            if self._depth or not self.folder.is_dir():
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            with open(self.folder / LOCK_NAME, "a") as handle:
                os.chmod(handle.name, 0o600)
                fcntl.flock(handle, fcntl.LOCK_EX)
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def items(self) -> list[dict]:
        with self.locked():
            if not self.path.exists():
                return []
            out = []
            for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                except ValueError:  # a line cut short by a crash mid-write
                    log.warning("skipped a damaged line of %s", self.path)
                    continue
                if isinstance(item, dict) and "op" in item and "args" in item:
                    out.append(item)
            return out

    def __len__(self) -> int:
        return len(self.items())

    def append(self, op: str, args: dict) -> None:
        private_dir(self.folder)
        with self.locked(), open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"op": op, "args": args}) + "\n")
            os.chmod(self.path, 0o600)

    def keep(self, items: list[dict]) -> None:
        """Replace the contents with `items` (what is still unwritten). Callers that
        read the items first hold `locked()` across both, or an append is lost."""
        with self.locked():
            if items:
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.path)
            else:
                self.path.unlink(missing_ok=True)

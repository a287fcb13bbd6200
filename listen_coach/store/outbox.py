"""Writes that could not reach the database, kept on disk in order until they can.

One JSON object per line ({"op": ..., "args": ...}), in a file readable by the user
only. The store appends when a write fails and replays the lines, oldest first,
before its next write (repo.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from listen_coach.store.db import private_dir

FILE_NAME = "pending-writes.jsonl"


class Outbox:
    def __init__(self, folder: Path):
        self.folder = folder
        self.path = folder / FILE_NAME

    def items(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()
                if line]

    def __len__(self) -> int:
        return len(self.items())

    def append(self, op: str, args: dict) -> None:
        private_dir(self.folder)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"op": op, "args": args}) + "\n")
        os.chmod(self.path, 0o600)

    def keep(self, items: list[dict]) -> None:
        """Replace the contents with `items` (what is still unwritten)."""
        if items:
            self.path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
        else:
            self.path.unlink(missing_ok=True)

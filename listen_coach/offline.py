"""Keeping the promise that nothing leaves the machine.

onnxruntime (the point scorer, and Silero VAD inside faster-whisper) ships with
telemetry that records events and may try to send them (DESIGN.md §3: a device id
and event rows under ~/.cache/Microsoft, DNS queries for its host). The package
sets ORT_DISABLE_TELEMETRY=1 on import (listen_coach/__init__.py), which stops all
of it if it comes before onnxruntime's first use; tests/test_offline.py checks
under strace. Every path into onnxruntime also calls `quiet_onnxruntime()`, which
turns its events off once per process, for a host program that loaded
onnxruntime before listen_coach.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_done = False


def quiet_onnxruntime() -> None:
    global _done
    if _done:
        return
    with _lock:
        if not _done:
            import onnxruntime

            onnxruntime.disable_telemetry_events()
            _done = True

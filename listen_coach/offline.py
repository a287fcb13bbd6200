"""Keeping the promise that nothing leaves the machine.

onnxruntime (the point scorer, and Silero VAD inside faster-whisper) ships with
telemetry that records events and may try to send them (DESIGN.md §3: a device id
and event rows under ~/.cache/Microsoft, DNS queries for its host). Every path
into onnxruntime calls `quiet_onnxruntime()` first, which turns its events off
once per process; it is cheap after the first call.
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

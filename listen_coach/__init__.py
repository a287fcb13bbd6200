"""listen-coach: an offline trainer for active listening.

The core (audio, asr, turns, scoring, drill, store) never imports Textual, so
every stage can be used and tested without a terminal UI.
"""

import os as _os

__version__ = "0.1.0"

# onnxruntime (the point scorer, Silero VAD inside faster-whisper) sends telemetry
# from Linux since 1.29: a device id under ~/.cache/Microsoft and DNS lookups of its
# host as soon as its environment is created, before any API call could turn it off.
# ORT_DISABLE_TELEMETRY=1, read once at that moment, is the full opt-out; it is set
# here, before anything can import onnxruntime. (offline.py turns events off too,
# for a process that imported onnxruntime before listen_coach.)
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

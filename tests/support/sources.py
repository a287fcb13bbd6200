"""Audio sources for app tests that need no sound."""

from __future__ import annotations

import numpy as np


class IdleSource:
    """A microphone that is open but hears nothing (a quiet room)."""

    channels = 1
    levels = [-120.0]

    def __init__(self):
        self.stopped = False

    def start(self):
        pass

    def read(self, timeout=None):
        if self.stopped:
            return None
        import time

        time.sleep(timeout or 0.1)
        return np.zeros(0, np.float32)

    def stop(self):
        self.stopped = True

"""Errors a user can act on.

Every exception raised for bad input or a missing piece derives from
`UserError`: its message is one plain sentence saying what is wrong and how to
fix it. The CLI and the app show that sentence and nothing else; anything that
is not a `UserError` is a bug and may show a traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `str(err)` is the whole explanation."""


class ConfigError(UserError):
    """The settings file cannot be read or holds an unknown or invalid setting."""


class ModelError(UserError):
    """A model is missing, truncated or corrupted."""


class AudioError(UserError):
    """Audio cannot be captured or read."""


class AudioFileError(AudioError):
    """An audio file is missing, empty, or not audio."""


class NoPortAudio(AudioError):
    """The PortAudio library is not installed."""


class NoInputDevice(AudioError):
    """There is no microphone, or the chosen one does not exist."""


class DeviceLost(AudioError):
    """The microphone stopped delivering audio while recording."""

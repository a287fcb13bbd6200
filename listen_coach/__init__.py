"""listen-coach: an offline trainer for active listening.

The core (audio, asr, turns, scoring, drill, store) never imports Textual, so
every stage can be used and tested without a terminal UI.
"""

__version__ = "0.1.0"

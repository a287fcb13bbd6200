"""The drill without a UI: exercise packs, the phase state machine and its timers."""

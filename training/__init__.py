"""Training and evaluation of the learned point-presence scorer (the only place torch is used)."""

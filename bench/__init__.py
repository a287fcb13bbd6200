"""`make bench`: speed and accuracy measured on this machine (see bench/__main__.py)."""

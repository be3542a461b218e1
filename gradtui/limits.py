"""Bounds shared by the torch core and file reading, which import nothing of each other."""

from __future__ import annotations

# The most numbers one typed value holds, and so the most points a fit holds, typed or read
# from a CSV file (rows past it are left out with a note).
MAX_LENGTH = 10_000

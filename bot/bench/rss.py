"""The process's memory high-water mark, as the benchmark reports it."""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """Return the process's peak resident set size so far, in MiB (Linux: KiB from the OS)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

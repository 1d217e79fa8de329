"""What the benchmarks share: timing a call, and Debian's Chromium as the browser benches start it.

Each bench puts the project's root on `sys.path` and runs from this folder, so `import common`
finds this file.
"""

from __future__ import annotations

import time
from collections.abc import Callable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]


def times_ms(fn: Callable[[], object], runs: int, warmup: int = 0) -> list[float]:
    """Milliseconds of each of `runs` calls of `fn` (after `warmup` untimed ones)."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out

"""What the command-line tools share: one line at a time for the person at the terminal."""

from __future__ import annotations

import sys


def say(text: object = "", *, err: bool = False) -> None:
    """Write one line to stdout (or stderr) and flush it, so progress shows as it happens."""
    stream = sys.stderr if err else sys.stdout
    stream.write(f"{text}\n")
    stream.flush()

"""Set-up and run, for a fresh machine with only Python 3.11+: `python3 dev.py run|test`.

It builds `.venv` from pyproject.toml (again only when pyproject.toml changes), then
`run` migrates the database, loads the demo team into an empty one and starts Streamlit;
`test` runs ruff and the whole pytest suite.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def _requirements(extras: bool) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    if extras:
        reqs += project["optional-dependencies"]["test"]
    return reqs


def ensure_venv(*, test: bool) -> None:
    """Create .venv and install what pyproject.toml asks for, when it changed."""
    if not PY.exists():
        sys.stdout.write("Creating .venv …\n")
        venv.EnvBuilder(with_pip=True).create(VENV)
    reqs = _requirements(test)
    stamp = VENV / (".installed-test" if test else ".installed")
    digest = hashlib.sha256("\n".join(reqs).encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    sys.stdout.write("Installing dependencies …\n")
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", *reqs], check=True)
    stamp.write_text(digest)


def run(args: list[str]) -> int:
    """Migrate, load the demo into an empty database, start the app."""
    ensure_venv(test=False)
    subprocess.run([str(PY), "-m", "core.demo", "--if-empty"], cwd=ROOT, check=False)
    cmd = [str(PY), "-m", "streamlit", "run", "app.py", *args]
    return subprocess.call(cmd, cwd=ROOT)


def test(args: list[str]) -> int:
    """Lint and run the whole test suite."""
    ensure_venv(test=True)
    lint = subprocess.call([str(PY), "-m", "ruff", "check", "."], cwd=ROOT)
    if lint:
        return lint
    return subprocess.call([str(PY), "-m", "pytest", *args], cwd=ROOT)


def main() -> int:
    """Dispatch `run` or `test`."""
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        sys.stderr.write("usage: python3 dev.py run|test [extra arguments]\n")
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    sys.exit(main())

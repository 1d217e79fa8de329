"""Set-up and run, for a fresh machine with only Python 3.11+.

    python3 dev.py run [--no-demo] [streamlit options, e.g. --server.port 8502]
    python3 dev.py test [pytest arguments]
    python3 dev.py lock [--upgrade | --check]

`run` and `test` build `.venv` from the lock files (requirements.lock for the app,
requirements-test.lock for the test tools), with uv when it can be had and with pip otherwise,
and again only when a lock file changes. `run` then migrates the database (nothing to do when it
is already at the newest revision), loads the demo team into a database that has no users (not
with --no-demo) and starts Streamlit. `test` runs ruff and the whole pytest suite.

`lock` writes the lock files from pyproject.toml, keeping the pinned versions where they still
fit; `lock --upgrade` moves every package to its newest release that pyproject.toml allows;
`lock --check` says whether the lock files still match pyproject.toml.

Before installing anything `run` refuses, in one sentence and with exit code 1, a lock file that
no longer matches pyproject.toml, a port that is already in use and a PostgreSQL server that
does not answer. RECOVERY_INSTALLER=pip installs with pip even where uv could be had.
"""

from __future__ import annotations

import sys

if sys.version_info < (3, 11):  # noqa: UP036  (this line is for people running an older Python)
    sys.stderr.write("dev.py needs Python 3.11 or newer; run it with python3.11 or later.\n")
    sys.exit(1)

import errno
import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import time
import tomllib
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
UV_HOME = VENV / "uv"  # uv, put there by the system's pip (pip install --target)
UV_EXE = "uv.exe" if os.name == "nt" else "uv"
UV_IN_VENV = (UV_HOME / "bin" / UV_EXE, BIN / UV_EXE)
PYPROJECT = ROOT / "pyproject.toml"
LOCKS = {"run": ROOT / "requirements.lock", "test": ROOT / "requirements-test.lock"}
UV_LOCK = ROOT / "requirements-uv.lock"
# What is installed in .venv: the sha256 of the lock file it was installed from.
STAMP = VENV / ".dev-lock"
DIGEST_LINE = "# pyproject.toml dependencies sha256: "
LOCK_COMMAND = "python3 dev.py lock"
DEFAULT_PORT = 8501
DEMO_EMPTY = 3  # the prepare step's exit code for "the database has no users"

# Run inside .venv from the project folder: migrate (skipped at head), then one query for users.
PREPARE = """
import sys, time
started = time.perf_counter()
try:
    from core.store import db
    from core.store.config import ConfigError
    from core.store.models import User
    from sqlalchemy import select
except ModuleNotFoundError as exc:
    sys.stderr.write(f"{exc}; run python3 dev.py run again to repair .venv.\\n")
    sys.exit(1)
try:
    engine = db.make_engine()
    db.migrate(engine)
    with engine.connect() as conn:
        empty = conn.execute(select(User.id).limit(1)).first() is None
        revision = db.current_revision(engine)
except ConfigError as exc:
    sys.stderr.write(f"{exc}\\n")
    sys.exit(2)
where = engine.url.render_as_string(hide_password=True)
engine.dispose()
state = "no users yet" if empty else "has users"
sys.stdout.write(f"Database {where}: at migration {revision}, {state} "
                 f"({time.perf_counter() - started:.1f} s).\\n")
sys.exit(DEMO_EMPTY if empty else 0)
""".replace("DEMO_EMPTY", str(DEMO_EMPTY))


class Refusal(Exception):
    """Something the person must fix first; the message says what, in one sentence."""


def say(text: str = "") -> None:
    """One line of progress, shown at once."""
    sys.stdout.write(f"{text}\n")
    sys.stdout.flush()


# ---------------------------------------------------------------- lock files


def pyproject_digest() -> str:
    """The sha256 of what pyproject.toml asks for: Python, the dependencies and the extras."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    wanted = {
        "requires-python": project.get("requires-python", ""),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {
            name: sorted(deps) for name, deps in project.get("optional-dependencies", {}).items()
        },
    }
    return hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()


def lock_digest(lock: Path) -> str | None:
    """The pyproject digest written at the top of a lock file, or None."""
    for line in lock.read_text(encoding="utf-8").splitlines()[:5]:
        if line.startswith(DIGEST_LINE):
            return line[len(DIGEST_LINE):].strip()
    return None


def check_lock(*which: str) -> None:
    """Refuse lock files that are missing or no longer match pyproject.toml."""
    digest = pyproject_digest()
    for name in which:
        lock = LOCKS[name]
        if not lock.exists():
            raise Refusal(f"{lock.name} is missing; run `{LOCK_COMMAND}` to write it.")
        if lock_digest(lock) != digest:
            raise Refusal(
                f"{lock.name} is out of date with pyproject.toml's dependencies; run "
                f"`{LOCK_COMMAND}` and commit the lock files."
            )


def pins(lock: Path) -> list[str]:
    """The `name==version ; marker` lines of a lock file."""
    found = []
    for line in lock.read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and not line.startswith("#") and "==" in line:
            found.append(line.rstrip(" \\"))
    return found


def _min_python() -> str:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    match = re.search(r">=\s*(\d+\.\d+)", project.get("requires-python", ""))
    return match.group(1) if match else "3.11"


def write_locks(args: list[str]) -> int:
    """`dev.py lock [--upgrade|--check]`: write (or check) the lock files."""
    unknown = [arg for arg in args if arg not in {"--upgrade", "--check"}]
    if unknown or len(args) > 1:
        raise Refusal("usage: python3 dev.py lock [--upgrade | --check]")
    if args == ["--check"]:
        check_lock("run", "test")
        if not UV_LOCK.exists():
            raise Refusal(f"{UV_LOCK.name} is missing; run `{LOCK_COMMAND}` to write it.")
        say("The lock files match pyproject.toml.")
        return 0
    started = time.monotonic()
    uv = find_uv()
    if uv is None:
        raise Refusal("Writing the lock files needs uv, which could not be installed; "
                      "install it (pip install uv) and run this again.")
    common = ["pip", "compile", "--universal", "--python-version", _min_python(),
              "--generate-hashes", "--custom-compile-command", LOCK_COMMAND, "--quiet"]
    if args == ["--upgrade"]:
        common.append("--upgrade")
    digest = pyproject_digest()
    # The app's set first; the test set is the app's set (same versions) plus the test tools.
    steps = [
        (LOCKS["run"], ["pyproject.toml"]),
        (LOCKS["test"], ["pyproject.toml", "--extra", "test", "-c", LOCKS["run"].name]),
    ]
    for lock, inputs in steps:
        say(f"Locking {lock.name} …")
        _uv(uv, [*common, *inputs, "-o", lock.name])
        body = lock.read_text(encoding="utf-8")
        lock.write_text(f"{DIGEST_LINE}{digest}\n{body}", encoding="utf-8")
    say(f"Locking {UV_LOCK.name} (uv itself, installed with pip to install the rest) …")
    wanted = ROOT / ".uv-lock-input.txt"
    wanted.write_text("uv\n", encoding="utf-8")
    try:
        _uv(uv, [*common, "--only-binary", "uv", wanted.name, "-o", UV_LOCK.name])
    finally:
        wanted.unlink()
    text = UV_LOCK.read_text(encoding="utf-8").replace(f"-r {wanted.name}", "dev.py")
    UV_LOCK.write_text(text, encoding="utf-8")
    counts = ", ".join(f"{lock.name} {len(pins(lock))}" for lock in LOCKS.values())
    say(f"Locked ({counts} packages) in {time.monotonic() - started:.1f} s; run "
        "`python3 dev.py test`, then commit requirements*.lock.")
    return 0


def _uv(uv: str, args: list[str]) -> None:
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    result = subprocess.run([uv, *args], cwd=ROOT, env=env)
    if result.returncode:
        raise Refusal(f"uv {' '.join(args[:2])} failed (its message is above).")


# ---------------------------------------------------------------- .venv


def _installed_lock() -> str | None:
    return STAMP.read_text(encoding="utf-8").strip() if STAMP.exists() else None


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def venv_current(which: str) -> bool:
    """True when .venv holds what the lock for `which` asks for (the test set covers `run`)."""
    if not PY.exists():
        return False
    installed = _installed_lock()
    accepted = {_sha(LOCKS["test"])}
    if which == "run":
        accepted.add(_sha(LOCKS["run"]))
    return installed in accepted


def make_venv() -> None:
    """Create .venv when it has no Python yet (without pip: uv installs; pip only if needed)."""
    if PY.exists():
        return
    started = time.monotonic()
    say(f"Creating .venv with Python {sys.version.split()[0]} …")
    venv.EnvBuilder(with_pip=False).create(VENV)
    say(f"  .venv created in {time.monotonic() - started:.1f} s.")


def ensure_pip() -> None:
    """Put pip into .venv (from Python's own copy) for installing without uv."""
    if subprocess.run([str(PY), "-c", "import pip"], capture_output=True).returncode == 0:
        return
    started = time.monotonic()
    say("Adding pip to .venv …")
    result = subprocess.run([str(PY), "-m", "ensurepip", "--default-pip"], capture_output=True,
                            text=True)
    if result.returncode:
        raise Refusal("This Python has no pip to install with (on Debian or Ubuntu: apt-get "
                      "install python3-venv python3-pip); install it and run this again.")
    say(f"  pip added in {time.monotonic() - started:.1f} s.")


def _has_pip(python: str) -> bool:
    return subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0


def find_uv() -> str | None:
    """uv from .venv, else from PATH, else installed into .venv with pip; None if it can't be."""
    if os.environ.get("RECOVERY_INSTALLER", "").lower() == "pip":
        return None
    for candidate in UV_IN_VENV:
        if candidate.exists():
            return str(candidate)
    on_path = shutil.which("uv")
    if on_path:
        return on_path
    make_venv()
    started = time.monotonic()
    if UV_LOCK.exists():
        version = next((pin.split("==")[1] for pin in pins(UV_LOCK)), "")
        say(f"Installing uv {version} into .venv with pip (checked against {UV_LOCK.name}) …")
        source = ["--require-hashes", "--only-binary", ":all:", "-r", str(UV_LOCK)]
    else:
        say("Installing uv into .venv with pip …")
        source = ["uv"]
    # This Python's own pip puts uv into .venv/uv (no pip in .venv needed, which saves seconds);
    # without one, pip goes into .venv first.
    if _has_pip(sys.executable):
        pip = [sys.executable, "-m", "pip", "install", "--root-user-action=ignore",
               "--target", str(UV_HOME)]
        target = UV_IN_VENV[0]
    else:
        ensure_pip()
        pip = [str(PY), "-m", "pip", "install"]
        target = UV_IN_VENV[1]
    result = subprocess.run([*pip, "--quiet", "--disable-pip-version-check", *source], cwd=ROOT)
    if result.returncode or not target.exists():
        say("  uv could not be installed; installing with pip instead (slower).")
        return None
    say(f"  uv installed in {time.monotonic() - started:.1f} s.")
    return str(target)


@contextmanager
def _installing() -> Iterator[None]:
    """One installer at a time: two instances started together after an update take turns."""
    VENV.mkdir(exist_ok=True)
    if os.name == "nt":
        yield
        return
    import fcntl

    with (VENV / ".dev-install.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


def ensure_venv(which: str) -> None:
    """Install the lock for `which` ("run" or "test") into .venv, unless it is already there."""
    if venv_current(which):
        say(f".venv is up to date with {LOCKS[which].name}.")
        return
    with _installing():
        if venv_current(which):  # installed by another instance while this one waited
            return
        _install(which)


def _install(which: str) -> None:
    started = time.monotonic()
    lock = LOCKS[which]
    make_venv()
    uv = find_uv()
    count = len(pins(lock))
    if uv:
        say(f"Installing the {count} packages pinned in {lock.name} with uv …")
        # No --compile-bytecode: Python compiles each module the first time it imports it
        # (see compile_in_background for where it won't).
        cmd = [uv, "pip", "install", "--python", str(PY), "--require-hashes", "-r", str(lock)]
    else:
        ensure_pip()
        say(f"Installing the {count} packages pinned in {lock.name} with pip …")
        cmd = [str(PY), "-m", "pip", "install", "--disable-pip-version-check",
               "--progress-bar", "off", "--require-hashes", "-r", str(lock)]
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    result = subprocess.run(cmd, cwd=ROOT, env=env)
    if result.returncode:
        raise Refusal(f"Installing from {lock.name} failed (the installer's message is above); "
                      "check the network connection and run this again.")
    STAMP.write_text(_sha(lock), encoding="utf-8")
    say(f"  Installed in {time.monotonic() - started:.1f} s.")
    if uv:
        compile_in_background()


# Starts the compiler in its own session and returns at once, so nobody waits for it.
_DETACH = ("import subprocess, sys; subprocess.Popen(sys.argv[1:], start_new_session=True, "
           "stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)")


def compile_in_background() -> None:
    """Where Python won't cache bytecode itself (PYTHONDONTWRITEBYTECODE), compile .venv's
    packages once, at low priority, while the app starts, so that later starts are quick."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE") or os.name == "nt":
        return
    sites = [str(path) for path in VENV.glob("lib/python3*/site-packages")]
    if not sites:
        return
    say("Compiling .venv's bytecode in the background (low priority) for quick restarts.")
    compiler = ["nice", "-n", "19"] if shutil.which("nice") else []
    compiler += [str(PY), "-m", "compileall", "-q", "-j", "0", *sites]
    subprocess.run([str(PY), "-c", _DETACH, *compiler], check=False)


# ---------------------------------------------------------------- before starting


def _option(args: list[str], name: str) -> str | None:
    """The value of a Streamlit `--name value` / `--name=value` option in args, if given."""
    value = None
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            value = args[i + 1]
        elif arg.startswith(name + "="):
            value = arg.split("=", 1)[1]
    return value


def _config_server() -> dict:
    """The [server] table of Streamlit's config files (the project's wins over the user's)."""
    server: dict = {}
    for path in (Path.home() / ".streamlit" / "config.toml", ROOT / ".streamlit" / "config.toml"):
        try:
            server.update(tomllib.loads(path.read_text(encoding="utf-8")).get("server", {}))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
    return server


def server_address(args: list[str]) -> tuple[str, int]:
    """Where Streamlit will listen: flags, then environment, then config files, then defaults."""
    config = _config_server()
    address = (_option(args, "--server.address")
               or os.environ.get("STREAMLIT_SERVER_ADDRESS") or config.get("address") or "")
    raw = (_option(args, "--server.port") or os.environ.get("STREAMLIT_SERVER_PORT")
           or config.get("port") or DEFAULT_PORT)
    try:
        port = int(raw)
    except (TypeError, ValueError):
        port = -1
    if not 1 <= port <= 65535:
        raise Refusal(f"The port '{raw}' is not a port number; use a number from 1024 to 65535, "
                      "e.g. --server.port 8502.")
    return str(address), port


def check_port(address: str, port: int) -> None:
    """Refuse a port that another program already listens on (or that we may not use)."""
    if address.startswith("unix://"):
        return
    host = address or "0.0.0.0"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the web server does, so a port left in TIME_WAIT by a restart counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise Refusal(
                    f"Port {port} is already in use (is the dashboard already running?); stop "
                    f"that program or choose another port, e.g. `python3 dev.py run "
                    f"--server.port {port + 1}`."
                ) from exc
            if exc.errno == errno.EACCES:
                raise Refusal(
                    f"Port {port} needs administrator rights; use a port from 1024 up and put "
                    "the reverse proxy in front (see the README)."
                ) from exc
            if exc.errno == errno.EADDRNOTAVAIL:
                raise Refusal(
                    f"The address {host} is not one of this machine's; set server.address to "
                    "0.0.0.0 (every interface) or to one of its own addresses."
                ) from exc
            raise Refusal(f"Cannot listen on {host}:{port} ({exc.strerror}).") from exc


def database_url() -> str | None:
    """DATABASE_URL as the app reads it: the environment, then .streamlit/secrets.toml."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url.strip()
    secrets = ROOT / ".streamlit" / "secrets.toml"
    try:
        value = tomllib.loads(secrets.read_text(encoding="utf-8")).get("DATABASE_URL")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None  # the app explains a broken secrets file itself
    return value.strip() if isinstance(value, str) else None


def check_database_server() -> None:
    """Refuse a PostgreSQL DATABASE_URL whose server does not answer (SQLite needs no server)."""
    url = database_url()
    if not url or not url.startswith(("postgresql", "postgres")):
        return
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port or 5432
    except ValueError:
        return  # several hosts or an odd form: the app's own check says what is wrong
    if not host:
        return  # a Unix socket: the app's own check says what is wrong
    try:
        socket.create_connection((host, port), timeout=5).close()
    except OSError as exc:
        raise Refusal(
            f"Cannot reach the database server at {host}:{port}; check DATABASE_URL and that "
            "the server is running."
        ) from exc


def _sqlite_file(url: str | None) -> Path | None:
    """The file of a SQLite DATABASE_URL (None: the default file), as the app resolves it."""
    if url is None:
        return ROOT / "data" / "recovery.db"
    match = re.fullmatch(r"sqlite(?:\+pysqlite)?:///([^?]+)(?:\?.*)?", url)
    if not match or match.group(1) == ":memory:":
        return None
    path = Path(match.group(1))
    return path if path.is_absolute() else ROOT / path


def head_revisions() -> set[str]:
    """The Alembic heads, read from the migration files' `revision` and `down_revision` lines."""
    revisions, parents = set(), set()
    pattern = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+)$", re.MULTILINE)
    for script in (ROOT / "migrations" / "versions").glob("*.py"):
        for name, value in pattern.findall(script.read_text(encoding="utf-8")):
            found = set(re.findall(r"[\"']([^\"']+)[\"']", value))
            (revisions if name == "revision" else parents).update(found)
    return revisions - parents


def quick_ready(*, demo: bool) -> bool:
    """For a SQLite file, one read-only query each: at the newest migration, and has users?

    False whenever anything is unusual (no file, no users, another head, another database);
    the full step in .venv then decides.
    """
    path = _sqlite_file(database_url())
    heads = head_revisions()
    if path is None or not path.is_file() or len(heads) != 1:
        return False
    started = time.monotonic()
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            has_users = conn.execute("SELECT 1 FROM app_user LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    if revision != [(next(iter(heads)),)] or (demo and not has_users):
        return False
    state = "has users" if has_users else "no users yet"
    say(f"Database {path}: at migration {revision[0][0]}, {state} "
        f"({time.monotonic() - started:.2f} s).")
    if not has_users:
        say("The sign-in page offers to create the first admin.")
    return True


def prepare(*, demo: bool) -> None:
    """Migrate the database and load the demo into one with no users (unless demo is False)."""
    if quick_ready(demo=demo):
        return
    result = subprocess.run([str(PY), "-c", PREPARE], cwd=ROOT)
    if result.returncode == DEMO_EMPTY:
        if not demo:
            say("The sign-in page offers to create the first admin.")
            return
        loaded = subprocess.run([str(PY), "-m", "core.demo", "--if-empty"], cwd=ROOT)
        if loaded.returncode:
            raise SystemExit(loaded.returncode)
    elif result.returncode:
        raise SystemExit(result.returncode)


# ---------------------------------------------------------------- commands

# Streamlit's server (uvicorn) re-raises Ctrl-C after its graceful shutdown, which click turns
# into "Aborted!" and exit status 1; a stop the person asked for is a clean stop (status 0).
STREAMLIT_MAIN = """
import sys
import click
from streamlit.web.cli import main
try:
    main(prog_name="streamlit", standalone_mode=False)
except (KeyboardInterrupt, click.exceptions.Abort):
    sys.exit(0)
except click.ClickException as error:
    error.show()
    sys.exit(error.exit_code)
"""




def run(args: list[str]) -> int:
    """Check, install, migrate, load the demo into an empty database, start the app."""
    demo = "--no-demo" not in args
    args = [arg for arg in args if arg != "--no-demo"]
    check_lock("run")
    address, port = server_address(args)
    check_port(address, port)
    check_database_server()
    ensure_venv("run")
    prepare(demo=demo)
    say(f"Starting the dashboard on port {port} (Ctrl-C stops it) …")
    cmd = [str(PY), "-c", STREAMLIT_MAIN, "run", "app.py", *args]
    os.chdir(ROOT)
    if os.name == "nt":
        return subprocess.call(cmd)
    os.execv(cmd[0], cmd)  # Streamlit takes this process over: signals and exit code are its own
    return 0


def test(args: list[str]) -> int:
    """Lint (ruff, then the import contracts) and run the whole test suite."""
    check_lock("run", "test")
    ensure_venv("test")
    lint = subprocess.call([str(PY), "-m", "ruff", "check", "."], cwd=ROOT)
    if lint:
        return lint
    # The layers' contracts in pyproject.toml ([tool.importlinter]).
    lint = subprocess.call([str(BIN / ("lint-imports" + (".exe" if os.name == "nt" else "")))],
                           cwd=ROOT)
    if lint:
        return lint
    return subprocess.call([str(PY), "-m", "pytest", *args], cwd=ROOT)


COMMANDS = {"run": run, "test": test, "lock": write_locks}


def main() -> int:
    """Dispatch `run`, `test` or `lock`; a Refusal is one sentence on stderr and exit code 1."""
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.stderr.write("usage: python3 dev.py run|test|lock [extra arguments]\n")
        return 2
    try:
        return COMMANDS[sys.argv[1]](sys.argv[2:])
    except Refusal as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

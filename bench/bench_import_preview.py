"""Memory and time of previewing a big debtors file the way the import page does.

`python bench/bench_import_preview.py [ROWS] [--database-url URL]` (default 1,000,000 rows):
writes a ROWS-row debtors CSV to a temporary folder (streamed, so writing it costs no
memory), migrates a fresh SQLite database (or the URL given) with one lead, then previews the
file with `preview_file` (streaming, a chunk at a time). Prints one table: rows, file size,
seconds, peak RSS of this process and the load average before and after.
Target: the 1,000,000-row preview stays under 500 MB.
"""

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere

from core.importer import loader as importer  # noqa: E402
from core.store import db  # noqa: E402
from core.store.models import User  # noqa: E402
from core.team.service import hash_password  # noqa: E402

TARGET_MB = 500


def write_file(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["reference", "creditor", "debtor_name", "email", "phone", "balance",
                         "original_balance", "timezone", "opened_on"])
        for n in range(rows):
            writer.writerow([f"PV-{n:07d}", "Northwind Energy", f"Person {n}",
                             f"person{n}@example.org", "07700 900123", "400.00", "500.00",
                             "Europe/London", "2024-03-31"])


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "debtors.csv"
        write_file(path, args.rows)
        engine = db.make_engine(args.database_url or f"sqlite:///{Path(folder) / 'b.db'}")
        db.migrate(engine)
        with db.write_session(engine) as s:
            lead = User(username="bench_lead", display_name="Bench Lead", role="lead",
                        password_hash=hash_password("bench-pass"))
            s.add(lead)
            s.flush()
            lead_id = lead.id
        before_mb = peak_mb()
        started = time.perf_counter()
        with path.open("rb") as data:
            preview = importer.preview_file(engine, actor_id=lead_id, kind="debtors",
                                            data=data)
        seconds = time.perf_counter() - started
        size_mb = path.stat().st_size / 1e6
        engine.dispose()
    peak = peak_mb()
    load_after = os.getloadavg()
    print(f"{'rows':>10} {'file MB':>8} {'seconds':>8} {'peak RSS MB':>12} {'before MB':>10} "
          f"{'would create':>13} {'refused':>8} {'load avg before':>16} {'load avg after':>15}")
    print(f"{args.rows:>10,} {size_mb:>8.1f} {seconds:>8.1f} {peak:>12.0f} {before_mb:>10.0f} "
          f"{preview.created:>13,} {preview.refused:>8,} "
          f"{' '.join(f'{x:.2f}' for x in load_before):>16} "
          f"{' '.join(f'{x:.2f}' for x in load_after):>15}")
    print(f"target: peak RSS under {TARGET_MB} MB -> {'ok' if peak < TARGET_MB else 'OVER'}")
    return 0 if peak < TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())

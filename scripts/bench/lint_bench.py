"""lint-squawk: `trellis lint REV` against squawk (npm package squawk-cli, which
ships its binary) on one revision of 5,000 and of 50,000 statements, the same
SQL given to both: a mix of the statements migrations are made of (tables,
columns, indexes, foreign keys, type changes, updates, inserts, renames). Both
tools exit 1 with findings; the warm-up checks that each really reported some.
The ratios are squawk/trellis at each size and trellis's time per statement,
which stays flat when lint is linear."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from timing import BenchFailure, Command, Sample, measure, progress, ratio

WORKLOAD = "lint-squawk"
SIZES = (5_000, 50_000)
SQUAWK_PACKAGE = "squawk-cli"

STATEMENTS = (
    "CREATE TABLE t{i} (id bigint PRIMARY KEY, name text NOT NULL, created timestamptz DEFAULT now());",
    "ALTER TABLE account ADD COLUMN c{i} integer;",
    "CREATE INDEX ix_{i} ON account (email);",
    "ALTER TABLE account ADD CONSTRAINT fk_{i} FOREIGN KEY (ref) REFERENCES other (id);",
    "UPDATE account SET email = 'x{i}' WHERE id = {i};",
    "ALTER TABLE account ALTER COLUMN c{j} TYPE bigint;",
    "INSERT INTO audit (note) VALUES ('row {i}');",
    "ALTER TABLE account ALTER COLUMN c{j} SET NOT NULL;",
    "DROP INDEX ix_{j};",
    "ALTER TABLE account RENAME COLUMN c{j} TO d{i};",
)


def statements(count: int) -> str:
    lines = (STATEMENTS[i % len(STATEMENTS)].format(i=i, j=max(i - 9, 0)) for i in range(count))
    return "\n".join(lines) + "\n"


def squawk_binary(work: Path) -> Path:
    """squawk from npm, installed into the work directory (removed on exit)."""
    prefix = work / "squawk"
    binary = prefix / "node_modules" / ".bin" / "squawk"
    if binary.exists():
        return binary
    if not shutil.which("npm"):
        raise BenchFailure("npm is missing: apt-get install npm")
    progress(f"installing {SQUAWK_PACKAGE} with npm ...")
    prefix.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", SQUAWK_PACKAGE],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0 or not binary.exists():
        raise BenchFailure(f"npm install {SQUAWK_PACKAGE} failed: {done.stderr.strip()[-300:]}")
    return binary


def write_project(work: Path, count: int) -> Path:
    """A trellis project of one revision holding `count` statements, and the same SQL as big.sql."""
    root = work / f"lint-{count}"
    (root / "versions").mkdir(parents=True, exist_ok=True)
    sql = statements(count)
    (root / "big.sql").write_text(sql)
    (root / "versions" / "r1_big.sql").write_text(
        f"-- revision: r1\n-- down_revision:\n\n-- +upgrade\n{sql}\n-- +downgrade\n")
    (root / "trellis.ini").write_text("[plugin.app]\nversion_path = versions\n")
    return root


def findings_exit(argv: list[str]) -> list[str]:
    """Runs the tool through sh so that exit 1 (findings) counts as success; 2 and more fail."""
    return ["sh", "-c", '"$@"; test $? -le 1', "lint", *argv]


def check_reports(cmd: Command, marker: str):
    def warmup() -> None:
        done = subprocess.run(list(cmd.argv)[4:], cwd=cmd.cwd, capture_output=True, text=True, check=False)
        if done.returncode != 1 or marker not in done.stdout:
            raise BenchFailure(f"{cmd.argv[4]} reported no findings (exit {done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-300:]}")
    return warmup


def lint_squawk(bench) -> None:
    work = bench.settings.work
    try:
        squawk = squawk_binary(work)
    except BenchFailure as failure:
        progress(f"  {WORKLOAD}: squawk skipped: {failure}")
        squawk = None
    for count in SIZES:
        root = write_project(work, count)
        # squawk needs minutes at 50,000 statements: one run there.
        runs = bench.settings.runs or (5 if count <= 5_000 else 1)
        trellis = None
        if bench.settings.trellis:
            cmd = Command(findings_exit([str(bench.settings.trellis), "lint", "r1"]), root,
                          env={"TRELLIS_CACHE_DIR": str(work / "trellis-cache")})
            trellis = bench.add(measure(Sample(WORKLOAD, "trellis", count), runs, lambda i: cmd,
                                        warmup=check_reports(cmd, "finding(s)")))
            if trellis.ok:
                trellis.note = f"{trellis.median / count * 1e6:.1f} us/statement"
                bench.add_ratio(WORKLOAD, f"trellis per statement @{count}", trellis.median / count * 1e6, "us")
        if squawk:
            cmd_s = Command(findings_exit([str(squawk), "big.sql"]), root)
            sq = bench.add(measure(Sample(WORKLOAD, "squawk", count), runs, lambda i: cmd_s,
                                   warmup=check_reports(cmd_s, "issues")))
            bench.add_ratio(WORKLOAD, f"squawk/trellis @{count}", ratio(sq, trellis))

#!/usr/bin/env python3
"""trellis lint on squawk's own corpus: every SQL case of squawk's rule tests
(crates/squawk_linter/src/rules/*.rs) and every SQL example of its rule documentation
(docs/docs/RULE.md) for the lock, rewrite, data-loss and failure families, labelled by
squawk's own verdict, then linted by trellis.

Not run by CI, and squawk's files are never copied into this repository (its licence
is not ours): the script reads a checkout of squawk given with --squawk-src, or clones
it (git) into a temporary directory when that host is reachable. squawk itself comes
from npm (squawk-cli), as scripts/bench/lint_bench.py installs it.

For each test function the script takes the SQL literal (`let sql = r#"..."#;`) and the
settings the test used (assume_in_transaction, a PostgreSQL version); fix tests and SQL
built at run time are skipped. The label is what squawk reports when run on that SQL with
those settings: a case is dangerous for a family when squawk reports any of the family's
rules on it, safe otherwise. The case is then written as a trellis revision over tables
that already exist (an offline `trellis lint REV` takes every table it does not create as
existing): a BEGIN ... COMMIT around the whole case becomes the revision's own
transaction, a case that assumes the migration tool's transaction is a transactional
revision, any other case is `transactional: false` (squawk reads such a file as
statements in autocommit). trellis detects the family when one of its findings is of the
matching trellis family, or when it refuses the file for transaction control (exit 2).

    scripts/bench/squawk_corpus.py --trellis build/bin/trellis --squawk-src DIR [--cases]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_bench import squawk_binary  # noqa: E402  (npm install squawk-cli, as the benchmark does)

RULES_DIR = "crates/squawk_linter/src/rules"
SQUAWK_GIT = "https://github.com/sbdchd/squawk"

# squawk's rule names per family, and the rule file whose tests belong to the family.
FAMILIES: dict[str, tuple[str, ...]] = {
    "lock": ("require-concurrent-index-creation", "require-concurrent-index-deletion",
             "require-concurrent-reindex", "require-concurrent-partition-detach",
             "adding-foreign-key-constraint", "constraint-missing-not-valid",
             "ban-alter-domain-with-add-constraint", "adding-not-nullable-field",
             "adding-serial-primary-key-field", "disallowed-unique-constraint", "prefer-repack"),
    "rewrite": ("changing-column-type", "adding-field-with-default"),
    "data-loss": ("ban-drop-column", "ban-drop-table", "ban-drop-database", "ban-truncate-cascade",
                  "ban-drop-not-null", "adding-required-field"),
    "failure": ("ban-concurrent-index-creation-in-transaction", "ban-uncommitted-transaction",
                "transaction-nesting", "ban-duplicate-column-assignments", "identifier-too-long"),
}
# rule files whose names differ from the rule they test
FILE_RULE = {"adding_primary_key_constraint": "adding-serial-primary-key-field",
             "disallow_unique_constraint": "disallowed-unique-constraint",
             "adding_not_null_field": "adding-not-nullable-field"}
# trellis's families that answer each of squawk's
TRELLIS_FAMILIES = {"lock": {"lock"}, "rewrite": {"rewrite"},
                    "data-loss": {"destructive", "data", "compatibility"}, "failure": {"failure"}}

TEST_FN = re.compile(r"#\[test\]\s*fn\s+(\w+)\s*\(\s*\)\s*\{")
SQL_LITERAL = re.compile(r'let\s+sql\s*=\s*(?:r(#*)"(.*?)"\1|"((?:[^"\\]|\\.)*)")\s*;', re.S)
TX_CONTROL = re.compile(r"^\s*(begin|start\s+transaction|commit|end|rollback|abort)\b", re.I | re.M)


@dataclass
class Case:
    family: str
    name: str
    sql: str
    assume_tx: bool
    pg_version: str
    squawk_rules: set[str] = field(default_factory=set)
    trellis_codes: list[str] = field(default_factory=list)
    trellis_families: set[str] = field(default_factory=set)
    refused: str = ""


def family_of_rule(rule: str) -> str | None:
    return next((f for f, rules in FAMILIES.items() if rule in rules), None)


PG_VERSION = re.compile(r'pg_version\s*[:=]\s*(?:"(\d+)"|Version::new\((\d+))')


def test_version(body: str) -> str:
    """The PostgreSQL version a test sets (`pg_version: "12".parse()`, `Version::new(10, ...)`); else 15."""
    found = PG_VERSION.search(body)
    return (found.group(1) or found.group(2)) if found else "15"


def extract(src: Path) -> list[Case]:
    cases = []
    for path in sorted((src / RULES_DIR).glob("*.rs")):
        rule = FILE_RULE.get(path.stem, path.stem.replace("_", "-"))
        family = family_of_rule(rule)
        if family is None:
            continue
        text = path.read_text()
        starts = [m for m in TEST_FN.finditer(text)]
        for i, m in enumerate(starts):
            body = text[m.end():starts[i + 1].start() if i + 1 < len(starts) else len(text)]
            lit = SQL_LITERAL.search(body)
            if not lit or m.group(1).startswith("fix"):
                continue
            sql = lit.group(2) if lit.group(2) is not None else bytes(lit.group(3), "utf-8").decode("unicode_escape")
            version = "19" if "pg19()" in body else test_version(body)
            cases.append(Case(family, f"{path.stem}::{m.group(1)}", sql,
                              "assume_in_transaction" in body, version))
    return cases


DOCS_DIR = "docs/docs"
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)
SQL_START = re.compile(r"\s*(?:--[^\n]*\n\s*)*(alter|create|drop|insert|update|begin|select|truncate|reindex|vacuum|"
                       r"cluster)\b", re.I)


def extract_docs(src: Path) -> list[Case]:
    """The SQL examples of the rules' documentation pages, each a case of its own."""
    cases = []
    for path in sorted((src / DOCS_DIR).glob("*.md")):
        family = family_of_rule(path.stem)
        if family is None:
            continue
        for n, block in enumerate(FENCE.finditer(path.read_text()), 1):
            language, sql = block.group(1).lower(), block.group(2)
            if language == "sql" or (language == "" and SQL_START.match(sql)):
                cases.append(Case(family, f"docs/{path.stem}#{n}", sql, False, "15"))
    return cases


def run_squawk(squawk: str, case: Case, work: Path) -> None:
    sql_file = work / "case.sql"
    sql_file.write_text(case.sql)
    argv = [squawk, "--reporter", "json", "--pg-version", case.pg_version, str(sql_file)]
    if case.assume_tx:
        argv.insert(1, "--assume-in-transaction")
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode > 1:
        raise SystemExit(f"squawk failed on {case.name}: {done.stderr.strip()[-300:]}")
    case.squawk_rules = {v["rule_name"] for v in json.loads(done.stdout or "[]")}


def as_revision(case: Case) -> tuple[str, bool]:
    """The case's SQL as a revision body, and whether the revision is transactional."""
    statements = [s for s in TX_CONTROL.findall(case.sql)]
    sql = case.sql
    wrapped = re.fullmatch(r"\s*(?:--[^\n]*\n\s*)*begin\s*;(.*)commit\s*;\s*", sql, re.I | re.S)
    if wrapped and len(statements) == 2:
        return wrapped.group(1), True
    return sql, case.assume_tx


def run_trellis(trellis: str, case: Case, work: Path) -> None:
    root = work / "project"
    versions = root / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    for old in versions.glob("*.sql"):
        old.unlink()
    body, transactional = as_revision(case)
    header = "-- revision: c1\n-- down_revision:\n" + ("" if transactional else "-- transactional: false\n")
    (versions / "c1_case.sql").write_text(f"{header}\n-- +upgrade postgresql\n{body}\n\n-- +downgrade\n")
    (root / "trellis.ini").write_text("[plugin.app]\nversion_path = versions\n")
    argv = [trellis, "lint", "--json", "--pg-version", case.pg_version, "c1"]
    done = subprocess.run(argv, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode == 2 and "transaction" in done.stderr:
        case.refused = done.stderr.strip().splitlines()[-1]
        case.trellis_families = {"failure"}
        return
    if done.returncode > 1:
        raise SystemExit(f"trellis failed on {case.name} (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    findings = json.loads(done.stdout)["findings"]
    case.trellis_codes = [f["code"] for f in findings]
    case.trellis_families = {f["family"] for f in findings}


def fetch(dest: Path) -> Path:
    done = subprocess.run(["git", "clone", "--depth", "1", SQUAWK_GIT, str(dest)], capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"cannot clone squawk ({done.stderr.strip()[-200:]}); pass --squawk-src DIR")
    return dest


def report(cases: list[Case], show_cases: bool) -> None:
    print(f"{'family':<10} {'dangerous':>9} {'flagged':>8} {'recall':>7}   {'safe':>5} {'flagged':>8} {'rate':>6}")
    for family in FAMILIES:
        mine = [c for c in cases if c.family == family]
        detected = [c for c in mine if c.trellis_families & TRELLIS_FAMILIES[family]]
        positive = [c for c in mine if any(family_of_rule(r) == family for r in c.squawk_rules)]
        tp = [c for c in positive if c in detected]
        negative = [c for c in mine if c not in positive]
        fp = [c for c in negative if c in detected]
        recall = f"{100 * len(tp) / len(positive):.0f}%" if positive else "-"
        rate = f"{100 * len(fp) / len(negative):.0f}%" if negative else "-"
        print(f"{family:<10} {len(positive):>9} {len(tp):>8} {recall:>7}   {len(negative):>5} {len(fp):>8} {rate:>6}")
        if show_cases:
            for c in mine:
                verdict = "dangerous" if c in positive else "safe"
                got = c.refused and "refused" or " ".join(c.trellis_codes) or "-"
                mark = "" if (c in positive) == (c in detected) else "   <-- differs"
                print(f"    {c.name:<70} {verdict:<9} {got}{mark}")
    total_p = sum(1 for c in cases if any(family_of_rule(r) == c.family for r in c.squawk_rules))
    print(f"{len(cases)} cases, {total_p} dangerous by squawk's verdict")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trellis", default="build/bin/trellis")
    parser.add_argument("--squawk", help="the squawk binary (else squawk-cli is installed from npm)")
    parser.add_argument("--squawk-src", type=Path, help="a checkout of squawk (else it is cloned)")
    parser.add_argument("--cases", action="store_true", help="list every case with both verdicts")
    args = parser.parse_args()
    trellis = str(Path(args.trellis).resolve())
    with tempfile.TemporaryDirectory(prefix="squawk-corpus-") as tmp:
        work = Path(tmp)
        src = args.squawk_src or fetch(work / "squawk")
        squawk = args.squawk or str(squawk_binary(work))
        cases = extract(src) + extract_docs(src)
        if not cases:
            raise SystemExit(f"no test cases under {src / RULES_DIR}")
        for case in cases:
            run_squawk(squawk, case, work)
            run_trellis(trellis, case, work)
        report(cases, args.cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Wall-clock measurement of whole commands, as a user experiences them.

A command is timed with time.perf_counter around subprocess.run, process
start-up included: start-up is part of what trellis promises to keep small.
Work that is not the tool's (creating a fresh database, checking the result)
happens in untimed hooks around each run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

# Output goes to /dev/null during timed runs; stderr is kept to explain failures.
QUIET_ENV = {**os.environ, "NO_COLOR": "1"}


class BenchFailure(Exception):
    """A run failed or produced a wrong result; the message says which.
    `output` is all the command printed when its stdout was captured: some
    tools explain a failure on stdout (trellis check lists the differences)."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


@dataclass
class Sample:
    """The runs of one tool in one workload."""

    workload: str
    tool: str
    revisions: int
    times: list[float] = field(default_factory=list)
    status: str = "ok"  # ok | failed | skipped
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def to_json(self) -> dict:
        data = {
            "workload": self.workload,
            "tool": self.tool,
            "revisions": self.revisions,
            "status": self.status,
            "note": self.note,
            "times": self.times,
        }
        if self.ok:
            data.update(min=min(self.times), median=self.median, max=max(self.times))
        return data


@dataclass
class Command:
    argv: Sequence[str]
    cwd: Path
    stdin: Path | None = None
    env: dict[str, str] = field(default_factory=dict)  # added to QUIET_ENV


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_command(cmd: Command, capture_stdout: bool = False) -> tuple[float, subprocess.CompletedProcess]:
    """Runs once; returns (seconds, completed process). Raises BenchFailure on a
    non-zero exit or a missing program, with the first lines of stderr."""
    stdin = open(cmd.stdin, "rb") if cmd.stdin else subprocess.DEVNULL
    env = {**QUIET_ENV, **cmd.env}  # built outside the timed span
    try:
        start = time.perf_counter()
        done = subprocess.run(
            list(cmd.argv),
            cwd=cmd.cwd,
            stdin=stdin,
            stdout=subprocess.PIPE if capture_stdout else subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            check=False,
        )
        elapsed = time.perf_counter() - start
    except OSError as error:
        raise BenchFailure(f"cannot run {cmd.argv[0]}: {error.strerror}") from error
    finally:
        if cmd.stdin:
            stdin.close()
    if done.returncode != 0:
        stderr = done.stderr.decode(errors="replace")
        stdout = done.stdout.decode(errors="replace") if capture_stdout else ""
        # A tool that reports on stdout alone (trellis check) is explained by it.
        lines = stderr.strip().splitlines() or stdout.strip().splitlines()
        detail = " / ".join(lines[-3:]) if lines else "no message"
        raise BenchFailure(f"exit {done.returncode}: {detail}", output=stdout + stderr)
    return elapsed, done


def _run_hooked(make_command: Callable[[int], Command], before: Callable[[int], None] | None,
                after: Callable[[int, subprocess.CompletedProcess], None] | None, i: int) -> float:
    """Run i with its untimed hooks around it; returns its time."""
    if before:
        before(i)
    elapsed, done = run_command(make_command(i))
    if after:
        after(i, done)
    return elapsed


def _mark_failed(sample: Sample, failure: BenchFailure) -> None:
    sample.status = "failed"
    sample.note = str(failure)
    progress(f"  {sample.workload:<20} {sample.tool:<8} FAILED: {failure}")


def measure(
    sample: Sample,
    runs: int,
    make_command: Callable[[int], Command],
    *,
    warmup: Callable[[], None] | None = None,
    before: Callable[[int], None] | None = None,
    after: Callable[[int, subprocess.CompletedProcess], None] | None = None,
) -> Sample:
    """Fills `sample` with `runs` timings. `warmup` runs first (untimed),
    `before(i)` and `after(i, done)` around run i (untimed); any BenchFailure
    marks the sample failed and stops it, so the benchmark goes on."""
    try:
        if warmup:
            warmup()
        for i in range(runs):
            elapsed = _run_hooked(make_command, before, after, i)
            sample.times.append(elapsed)
            progress(f"  {sample.workload:<20} {sample.tool:<8} run {i + 1}/{runs}: {format_seconds(elapsed)}")
    except BenchFailure as failure:
        _mark_failed(sample, failure)
    return sample


@dataclass
class Timed:
    """One command of measure_interleaved(), with its hooks as in measure()."""

    sample: Sample
    make_command: Callable[[int], Command]
    before: Callable[[int], None] | None = None
    after: Callable[[int, subprocess.CompletedProcess], None] | None = None


def measure_interleaved(entries: Sequence[Timed], rounds: int, warmups: int = 1) -> None:
    """Runs the commands in turn, `warmups` untimed rounds and then `rounds`
    timed ones: A B A B ... A machine that is slower for a while slows both, so
    the ratio of their medians holds where runs timed one tool after the other
    would not. A failure marks its sample failed and drops it from the later
    rounds."""
    for i in range(-warmups, rounds):
        for entry in entries:
            sample = entry.sample
            if sample.status != "ok":
                continue
            try:
                elapsed = _run_hooked(entry.make_command, entry.before, entry.after, i)
            except BenchFailure as failure:
                _mark_failed(sample, failure)
                continue
            if i < 0:
                progress(f"  {sample.workload:<20} {sample.tool:<8} warm-up: {format_seconds(elapsed)}")
                continue
            sample.times.append(elapsed)
            progress(f"  {sample.workload:<20} {sample.tool:<8} run {i + 1}/{rounds}: {format_seconds(elapsed)}")


def format_seconds(seconds: float) -> str:
    if seconds < 1.0:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def format_ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}x" if value >= 10 else f"{value:.2f}x"


def ratio(numerator: Sample | None, denominator: Sample | None) -> float | None:
    """Ratio of medians, or None when either side has no result."""
    if not (numerator and denominator and numerator.ok and denominator.ok):
        return None
    if denominator.median <= 0:
        return None
    return numerator.median / denominator.median

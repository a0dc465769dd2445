"""Benchmark: how fast the command line answers, measured as whole processes.

    python benchmarks/bench_cli.py [--quick] [--runs N] [--json FILE]

Prints figures, not a verdict: the exit code is 0 even when a target is missed (missed targets are
printed as ``!! FAIL``). Each command runs as a fresh process of the installed ``docx-aanpak``
script (next to this Python; else ``python -m docx_aanpak``), the way a shell loop over 342 plans
runs it, and the wall time from start to exit is taken, best of N runs (the median is printed
too). Targets (issue 12):

* ``docx-aanpak --version`` ≤ 0.15 s;
* ``docx-aanpak fields template/lokale_aanpak.docx`` ≤ 0.3 s;
* ``docx-aanpak extract PLAN.docx`` of one filled plan ≤ 0.3 s (with and without ``--json``).

A bare ``python -c pass`` is printed as the floor no command can beat. The plan for ``extract``
is filled from ``examples/plan_waalzicht.json`` into a temporary folder first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
EXAMPLE = ROOT / "examples" / "plan_waalzicht.json"


def command() -> list[str]:
    script = Path(sys.executable).parent / "docx-aanpak"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "docx_aanpak"]


def timed(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, cwd=ROOT, check=False)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs (5)")
    parser.add_argument("--runs", type=int, default=None, help="runs per command (default 20)")
    parser.add_argument("--json", metavar="FILE", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 20)
    cli = command()
    print(f"Whole-process times of {' '.join(cli)}, best of {runs} run(s) (median) …")
    print(f"Python {sys.version.split()[0]} on {os.cpu_count()} CPU(s)\n")

    with tempfile.TemporaryDirectory(prefix="bench_cli_") as tmp:
        plan = Path(tmp) / "Waalzicht.docx"
        subprocess.run(
            [*cli, "fill", str(TEMPLATE), str(EXAMPLE), "-o", str(plan)],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        cases: list[tuple[str, list[str], float | None]] = [
            ("python -c pass (floor)", [sys.executable, "-c", "pass"], None),
            ("docx-aanpak --version", [*cli, "--version"], 0.15),
            ("docx-aanpak fields TEMPLATE", [*cli, "fields", str(TEMPLATE)], 0.3),
            ("docx-aanpak extract PLAN", [*cli, "extract", str(plan)], 0.3),
            ("docx-aanpak extract PLAN --json", [*cli, "extract", str(plan), "--json"], 0.3),
        ]
        # Interleaved rounds: background load on a shared machine hits every command alike.
        results: dict[str, list[float]] = {label: [] for label, _, _ in cases}
        for _ in range(runs):
            for label, case, _target in cases:
                results[label] += timed(case, 1)

    figures = []
    width = max(len(label) for label, _, _ in cases)
    print(f"{'command':<{width}}  {'best':>8}  {'median':>8}  {'target':>8}")
    for label, _, target in cases:
        best, median = min(results[label]), statistics.median(results[label])
        verdict = "" if target is None else ("ok" if best <= target else "!! FAIL")
        shown = "" if target is None else f"≤ {target:.2f} s"
        print(f"{label:<{width}}  {best:>6.3f} s  {median:>6.3f} s  {shown:>8}  {verdict}")
        figures.append({"command": label, "best_s": best, "median_s": median, "target_s": target})
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: collecting 342 filled plans against filling them (issue 12.3).

    python benchmarks/bench_collect.py [--quick] [--json FILE]

Prints figures next to their targets, not a verdict: the exit code is 0 even when a target is
missed (printed as ``!! FAIL``). One plan per municipality of ``benchmarks/gemeenten_2025.csv``
(342 in 2025), with the answers of ``examples/plan_waalzicht.json`` for that municipality, each
answered with a probability of 80 % (seeded per municipality).

Measured, best of N interleaved rounds (the machine may be shared; the load is printed):

1. whole processes, as a coordinator runs them:

   * fill: ``docx-aanpak fill TEMPLATE plannen.xlsx --out DIR --overwrite`` (the workbook an
     advisor fills, 342 rows);
   * collect: ``docx-aanpak extract DIR --xlsx verzameld.xlsx --overwrite --template TEMPLATE``,
     and the same without ``--template`` (the reference is then the field set most plans share);

2. in one process (imports and start-up excluded): ``fill_many`` against ``collect`` (2 workers,
   as the command line uses on this machine), and per plan with 1 worker: a full scan of a plan
   (``scan`` + ``extract_values``, what collecting cost before) against the signature check that
   reuses the template's fields.

Target: collecting 342 plans takes no longer than filling them (collect / fill <= 1.0).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from docx_aanpak import Document, Template, collect, fill_many
from docx_aanpak.collect import signature
from docx_aanpak.excel import write_workbook
from docx_aanpak.extract import extract_values
from docx_aanpak.scan import scan

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
EXAMPLE = ROOT / "examples" / "plan_waalzicht.json"
MUNICIPALITIES = HERE / "gemeenten_2025.csv"
SEED = "docx_aanpak/bench_collect/2025"
ANSWERED = 0.8
TARGET = 1.0  # collect time / fill time


def records() -> list[dict[str, str]]:
    example: dict[str, str] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    with MUNICIPALITIES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    result = []
    for row in rows:
        rng = random.Random(f"{SEED}/{row['code']}")
        values = {
            key: text.replace("Waalzicht", row["naam"])
            for key, text in example.items()
            if rng.random() < ANSWERED
        }
        result.append({"Gemeente": row["naam"], **values})
    return result


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "docx_aanpak", *args]


def timed(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def process(args: list[str]) -> Callable[[], None]:
    def run() -> None:
        proc = subprocess.run(args, capture_output=True, text=True, check=False, cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr}")

    return run


def load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--json", metavar="FILE", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)
    rounds = 2 if args.quick else 5
    template = Template.open(TEMPLATE)
    plans = records()
    print(f"docx_aanpak collect benchmark: {len(plans)} plans, {rounds} rounds, CPUs "
          f"{os.cpu_count()}, load {load()}")  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="docx_aanpak_bench_collect_") as tmp:
        work = Path(tmp)
        book = work / "plannen.xlsx"
        write_workbook(book, template, plans)
        folder, collected = work / "plannen", work / "verzameld.xlsx"
        fill_cli = process(command("fill", str(TEMPLATE), str(book), "--out", str(folder),
                                   "--overwrite"))  # fmt: skip
        collect_cli = process(command("extract", str(folder), "--xlsx", str(collected),
                                      "--overwrite", "--template", str(TEMPLATE)))  # fmt: skip
        reference_cli = process(command("extract", str(folder), "--xlsx", str(collected),
                                        "--overwrite"))  # fmt: skip
        fill_cli()  # the plans to collect, and a warm file cache
        paths = sorted(folder.glob("*.docx"))
        assert len(paths) == len(plans), len(paths)
        check = collect(paths, template)
        assert check.ok and len(check.plans) == len(plans)

        api_out = work / "api"

        def fill_api() -> None:
            shutil.rmtree(api_out, ignore_errors=True)
            report = fill_many(template, plans, api_out, jobs=2)
            assert report.ok

        def collect_api() -> None:
            collect(paths, template, jobs=2)

        sample = [p.read_bytes() for p in paths[:100]]

        def full_scan() -> None:
            for data in sample:
                document = Document.open(data)
                extract_values(document, scan(document))

        def signature_path() -> None:
            for data in sample:
                document = Document.open(data)
                signature(document)
                extract_values(document, template.fields, shapes=template.shapes)

        measured: dict[str, list[float]] = {
            name: []
            for name in ("fill_cli", "collect_cli", "reference_cli", "fill_api", "collect_api",
                         "full_scan", "signature_path")
        }  # fmt: skip
        runs = {
            "fill_cli": fill_cli,
            "collect_cli": collect_cli,
            "reference_cli": reference_cli,
            "fill_api": fill_api,
            "collect_api": collect_api,
            "full_scan": full_scan,
            "signature_path": signature_path,
        }
        for number in range(rounds):
            for name, run in runs.items():
                measured[name].append(timed(run))
            print(f"  round {number + 1}: load {load()}")

    best = {name: min(times) for name, times in measured.items()}
    median = {name: statistics.median(times) for name, times in measured.items()}
    per_plan = len(sample)
    print()
    print("whole processes (best / median of rounds)")
    print(f"  fill 342 plans from the workbook      {best['fill_cli']:6.2f} s / "
          f"{median['fill_cli']:6.2f} s")  # fmt: skip
    print(f"  collect them, --template              {best['collect_cli']:6.2f} s / "
          f"{median['collect_cli']:6.2f} s")  # fmt: skip
    print(f"  collect them, reference from the plans {best['reference_cli']:5.2f} s / "
          f"{median['reference_cli']:6.2f} s")  # fmt: skip
    print("in one process (2 workers)")
    print(f"  fill_many                             {best['fill_api']:6.2f} s / "
          f"{median['fill_api']:6.2f} s")  # fmt: skip
    print(f"  collect                               {best['collect_api']:6.2f} s / "
          f"{median['collect_api']:6.2f} s")  # fmt: skip
    print("per plan, one process, one worker")
    print(f"  full scan + extract (before)          {best['full_scan'] / per_plan * 1000:6.2f} ms")
    print(f"  signature check + extract (now)       "
          f"{best['signature_path'] / per_plan * 1000:6.2f} ms")  # fmt: skip
    print()
    targets = [
        ("collect / fill, whole processes, --template", best["collect_cli"] / best["fill_cli"]),
        ("collect / fill, whole processes, no template",
         best["reference_cli"] / best["fill_cli"]),
        ("collect / fill, in one process", best["collect_api"] / best["fill_api"]),
    ]  # fmt: skip
    print(f"{'target':<50} {'value':>7}  wanted")
    for what, value in targets:
        verdict = "PASS" if value <= TARGET else "!! FAIL"
        print(f"{what:<50} {value:7.2f}  <= {TARGET:.1f}  {verdict}")
    if args.json:
        args.json.write_text(
            json.dumps({"best": best, "median": median, "targets": dict(targets)}, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: PDFs of every Dutch municipality's plan through headless LibreOffice.

    python benchmarks/bench_pdf.py [--count N] [--jobs J] [--standard pdf-a-2b|pdf]
                                   [--baseline N] [--json FILE]

Prints figures, not a verdict: the exit code is 0 even when the target is missed (a missed target
is printed as ``!! FAIL``). The plans are those of ``bench_batch.py`` (one per municipality in
``benchmarks/gemeenten_2025.csv``, 342 in 2025, answers of 60-600 characters), except that every
third plan leaves a third of its questions open, so that placeholders have to be left out. They
are filled with ``fill_many`` (not timed) and saved with their content controls, as
``docx-aanpak fill … --pdf`` saves them.

Measured: the wall time of ``convert_to_pdf(plans, out, jobs=J)`` (default J = 2, PDF/A-2b), which
includes flattening a temporary copy of each plan, LibreOffice's start-ups and writing every PDF,
divided by the number of plans. Target: at most 0.5 s per plan for 342 plans on two cores. On a
shared machine the cores are not always free, so the CPU time used per plan (this process and
its LibreOffice children) is printed too: half of it is what two free cores would take.

``--baseline N`` also times N plans converted the way docx_aanpak did before, one LibreOffice
process per plan (``soffice --convert-to pdf`` with a fresh profile each), N at a time in J
processes, for comparison. Every PDF is checked to exist and start with ``%PDF``; the text of a
sample is checked to hold no placeholder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench_batch import read_municipalities, record, sentence_pool
from docx_aanpak import Template
from docx_aanpak.batch import fill_many
from docx_aanpak.publish import convert_to_pdf, find_soffice

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
PLACEHOLDER = "Klik of tik om tekst in te voeren."
TARGET = 0.5  # seconds per plan, 342 plans, two cores


def plans(template: Template, count: int) -> list[dict[str, str]]:
    """``count`` plans; every third leaves a third of its questions open."""
    pool = sentence_pool()
    made: list[dict[str, str]] = []
    municipalities = list(read_municipalities())
    for i in range(count):
        municipality = municipalities[i % len(municipalities)]
        name = municipality.naam if i < len(municipalities) else f"{municipality.naam} {i}"
        values = record(municipality, template.keys, pool, name)
        if i % 3 == 0:
            rng = random.Random(f"bench_pdf/{municipality.code}")
            for key in rng.sample(template.keys, len(template.keys) // 3):
                del values[key]
        made.append(values)
    return made


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (LibreOffice)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def one_process_per_plan(office: str, sources: list[Path], out: Path, jobs: int) -> float:
    """The old way: a LibreOffice with a fresh profile for every plan. Return the wall time."""

    def convert(source: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="bench_pdf_profile_") as profile:
            subprocess.run(
                [office, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                 "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(source)],
                capture_output=True, check=True, timeout=300,
            )  # fmt: skip

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(convert, sources))
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=342, help="plans (default: 342)")
    parser.add_argument("--jobs", type=int, default=2, help="LibreOffice processes (default: 2)")
    parser.add_argument("--standard", default="pdf-a-2b", choices=("pdf-a-2b", "pdf"))
    parser.add_argument("--baseline", type=int, default=0, metavar="N",
                        help="also time N plans with one LibreOffice per plan")  # fmt: skip
    parser.add_argument("--json", metavar="FILE", type=Path, help="write the figures as JSON")
    args = parser.parse_args(argv)

    office = find_soffice()
    version = subprocess.run(
        [office, "--version"], capture_output=True, text=True, check=False, timeout=120
    ).stdout.strip()
    print("docx_aanpak PDF benchmark")
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {version or office}; "
        f"load average {_load()}"
    )
    template = Template.open(TEMPLATE)
    figures: dict[str, object] = {"count": args.count, "jobs": args.jobs, "target": TARGET}
    with tempfile.TemporaryDirectory(prefix="bench_pdf_") as tmp:
        work = Path(tmp)
        report = fill_many(template, plans(template, args.count), work / "docx", jobs=args.jobs)
        assert report.ok, report.summary()
        sources = sorted((work / "docx").glob("*.docx"))
        assert len(sources) == args.count

        print(
            f"\n{args.count} plans to {args.standard} with convert_to_pdf, "
            f"{args.jobs} LibreOffice processes at a time …"
        )
        cpu_before = cpu_seconds()
        start = time.perf_counter()
        results = convert_to_pdf(sources, work / "pdf", jobs=args.jobs, standard=args.standard)
        wall = time.perf_counter() - start
        cpu = cpu_seconds() - cpu_before
        failed = [r for r in results if r.error is not None or r.pdf is None]
        for result in failed[:5]:
            print(f"   failed: {result.error}")
        written = [r.pdf for r in results if r.pdf is not None]
        assert all(p.read_bytes()[:5] == b"%PDF-" for p in written)
        sample = written[:: max(1, len(written) // 12)]
        showing = [
            p.name
            for p in sample
            if shutil.which("pdftotext")
            and PLACEHOLDER
            in " ".join(
                subprocess.run(
                    ["pdftotext", str(p), "-"], capture_output=True, text=True, check=True
                ).stdout.split()
            )
        ]
        per_plan = wall / args.count
        figures |= {
            "wall_s": wall,
            "per_plan_s": per_plan,
            "cpu_per_plan_s": cpu / args.count,
            "failed": len(failed),
        }
        print(f"   wall time {wall:.1f} s, {len(written)} PDFs, {len(failed)} failed")
        print(
            f"   CPU time (LibreOffice and flattening) {cpu / args.count:.2f} s per plan: "
            f"{cpu / args.count / 2:.2f} s per plan on two free cores"
        )
        print(f"   placeholder text in {len(showing)} of a sample of {len(sample)} PDFs")

        if args.baseline:
            count = min(args.baseline, len(sources))
            print(f"\nBaseline: {count} plans, one LibreOffice per plan, {args.jobs} at a time …")
            old = one_process_per_plan(office, sources[:count], work / "old", args.jobs)
            figures |= {"baseline_per_plan_s": old / count}
            print(f"   wall time {old:.1f} s: {old / count:.2f} s per plan")
            print(f"   convert_to_pdf is {old / count / per_plan:.1f}x faster per plan")

    passed = per_plan <= TARGET and not failed and not showing
    line = f"{'seconds per plan, ' + str(args.count) + ' plans':<40}{per_plan:>8.2f}  <= {TARGET}"
    print(f"\n{'target':<40}{'measured':>8}  wanted")
    print(f"!! {line}   <-- FAIL" if not passed else f"   {line}")
    print(f"\nLoad average now {_load()}.")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"Figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

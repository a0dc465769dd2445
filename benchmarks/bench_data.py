"""Data files that would take unbounded time, memory or disk (issue 11, items 3, 5 and 6).

Prints, for each case, the wall time and the peak memory (resident set) of reading it in a fresh
process:

* a workbook with one plan, then 300,000 and 1,048,575 empty rows (half bare ``<row/>``, half
  with styled empty cells, as Excel writes them), then one more plan;
* a JSON list of plans of about 124 MB (streamed: one plan in memory at a time);
* a 1 MB workbook whose shared strings would inflate to 1 GiB (refused before inflating).

    python benchmarks/bench_data.py
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from corpus.data import shared_strings_bomb  # noqa: E402
from docx_aanpak import DataFileError, Template  # noqa: E402
from docx_aanpak.datafiles import read_records  # noqa: E402
from docx_aanpak.excel import write_workbook  # noqa: E402

TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
SHEET = "xl/worksheets/sheet1.xml"


def workbook_with_empty_rows(path: Path, template: Template, empty: int) -> None:
    key = template.fields[0].key
    write_workbook(path, template, [{"Gemeente": "Eerste", key: "a"}])
    last = 4 + empty + 1
    rows = "".join(
        f'<row r="{n}"/>' if n % 2 else f'<row r="{n}"><c r="A{n}" s="1"/><c r="B{n}" s="1"/></row>'
        for n in range(5, last)
    )
    rows += f'<row r="{last}"><c r="A{last}" t="inlineStr"><is><t>Laatste</t></is></c></row>'
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == SHEET:
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            target.writestr(info, data)


def json_of_size(path: Path, template: Template, size: int) -> int:
    keys = [f.key for f in template.fields]
    answer = "Een antwoord zoals een adviseur het schrijft, met een paar zinnen erin. " * 4
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        while handle.tell() < size:
            plan = {"Gemeente": f"Gemeente {count}", **dict.fromkeys(keys, answer)}
            handle.write(("," if count else "") + json.dumps(plan, ensure_ascii=False))
            count += 1
        handle.write("]")
    return count


def _read(path: str, queue: multiprocessing.Queue[tuple[str, float, int]]) -> None:
    template = Template.open(TEMPLATE)
    start = time.perf_counter()
    try:
        outcome = f"{sum(1 for _ in read_records(path, template)):,} plans"
    except DataFileError as e:
        outcome = f"DataFileError: {str(e)[len(path) + 2 :][:70]}…"
    elapsed = time.perf_counter() - start
    queue.put((outcome, elapsed, _peak_kib()))


def _peak_kib() -> int:
    """This process's peak resident set (VmHWM; ru_maxrss would count the parent before exec)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1])


def measure(label: str, path: Path) -> None:
    context = multiprocessing.get_context("spawn")  # a fresh process: its own peak memory
    queue: multiprocessing.Queue[tuple[str, float, int]] = context.Queue()
    process = context.Process(target=_read, args=(str(path), queue))
    process.start()
    outcome, elapsed, peak = queue.get()
    process.join()
    size = path.stat().st_size / 1e6
    print(f"{label:<44} {size:>8.1f} MB  {elapsed:>7.2f} s  {peak / 1024:>6.0f} MiB  {outcome}")


def main() -> None:
    template = Template.open(TEMPLATE)
    with tempfile.TemporaryDirectory(prefix="bench_data_") as tmp:
        folder = Path(tmp)
        print(f"{'case':<44} {'file':>11}  {'time':>9}  {'peak RSS':>10}  result")
        for empty in (300_000, 1_048_571):
            path = folder / f"leeg_{empty}.xlsx"
            workbook_with_empty_rows(path, template, empty)
            measure(f"workbook, {empty:,} empty rows", path)
        path = folder / "groot.json"
        plans = json_of_size(path, template, 124_000_000)
        measure(f"JSON list of {plans:,} plans", path)
        small = folder / "klein.xlsx"
        write_workbook(small, template, [{"Gemeente": "Eerste"}])
        bomb = folder / "bom.xlsx"
        bomb.write_bytes(shared_strings_bomb(small.read_bytes(), 1 << 30))
        measure("shared strings inflating to 1 GiB", bomb)


if __name__ == "__main__":
    main()

"""Benchmark: scanning documents with many content controls grows linearly.

    python benchmarks/bench_scan.py [--quick] [--json FILE]

Prints figures, not a verdict: the exit code is 0 even when a target is missed (missed targets
are printed as ``!! FAIL``). Each measurement runs in a fresh subprocess, so that peak memory
(``ru_maxrss``) belongs to it alone.

The documents are the shipped template with its body replaced by N untagged block-level rich
text controls, each under a question of its own (a heading every ten questions), showing Word's
placeholder: the controls are named from their context, the slowest way. A second series repeats
one question for every control, so that every key collides and is numbered (``toelichting``,
``toelichting_2`` …), the case that was quadratic.

What is measured, per document size (1,000 / 10,000 / 100,000 controls):

1. ``scan(document)`` on a document whose parts are parsed already (best of N rounds): the time
   per control, and that time divided by the time per control at 1,000 controls ("growth"; 1.0
   is linear);
2. ``Template.open(bytes)``: unzipping, parsing, scanning and preparing the fast fill path, the
   same way;
3. the memory each adds: the peak (``ru_maxrss``) of a process that read the file and scanned
   (or opened) it, less its peak after reading the file.

Then one document with more controls than ``MAX_CONTROLS`` (1,000,000 empty controls, a few MB
zipped): the time until it is refused with ``UnsafeDocumentError`` and the memory that takes.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

from docx_aanpak import Document, Template, UnsafeDocumentError
from docx_aanpak.scan import MAX_CONTROLS, scan

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"

SIZES = (1_000, 10_000, 100_000)
TOO_MANY = 1_000_000

# Targets.
TARGET_SCAN_10K = 1.0  # seconds for scanning 10,000 controls
TARGET_GROWTH = 1.5  # time per control at N / time per control at 1,000 (1.0 is linear)


# -- documents ----------------------------------------------------------------------------------

PLACEHOLDER = (
    '<w:sdt><w:sdtPr><w:id w:val="{id}"/><w:placeholder><w:docPart'
    ' w:val="DefaultPlaceholder_-1854013440"/></w:placeholder><w:showingPlcHdr/></w:sdtPr>'
    '<w:sdtContent><w:p><w:r><w:rPr><w:rStyle w:val="Tekstvantijdelijkeaanduiding"/></w:rPr>'
    "<w:t>Klik of tik om tekst in te voeren.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
)
EMPTY = "<w:sdt><w:sdtContent/></w:sdt>"


def body(count: int, *, repeated: bool) -> str:
    out = []
    for i in range(count):
        if i % 10 == 0 and not repeated:
            out.append(
                '<w:p><w:pPr><w:pStyle w:val="Kop1"/></w:pPr>'
                f"<w:r><w:t>Onderdeel {i // 10 + 1}</w:t></w:r></w:p>"
            )
        question = "Toelichting" if repeated else f"Vraag {i + 1}: wat doet de gemeente hier?"
        out.append(f"<w:p><w:r><w:t>{question}</w:t></w:r></w:p>")
        out.append(PLACEHOLDER.format(id=i + 1))
    return "".join(out)


def document(inner_body: str) -> bytes:
    """The shipped template with ``inner_body`` as its body (its section properties kept)."""
    with zipfile.ZipFile(TEMPLATE) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    start = xml.index("<w:body>") + len("<w:body>")
    end = xml.index("<w:sectPr", start)
    parts["word/document.xml"] = (xml[:start] + inner_body + xml[end:]).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- one measurement (in a child process) ---------------------------------------------------------


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(what: str, path: Path, count: int, rounds: int) -> dict[str, object]:
    """One measurement on the document at ``path``: ``scan``, ``open`` or ``refuse``."""
    warnings.simplefilter("ignore")  # the colliding series warns once per scan
    data = path.read_bytes()
    before = peak_mib()
    times = []
    error = ""
    for _ in range(rounds):
        if what == "scan":
            doc = Document.open(data, name=path.name)
            for _story, _root in doc.iter_story_trees():  # parse first: only scanning is timed
                pass
            started = time.perf_counter()
            fields = scan(doc)
            times.append(time.perf_counter() - started)
            assert len(fields) == count
            del doc, fields
        elif what == "open":
            started = time.perf_counter()
            Template.open(data, name=path.name)
            times.append(time.perf_counter() - started)
        else:
            started = time.perf_counter()
            try:
                Template.open(data, name=path.name)
                error = "(not refused)"
            except UnsafeDocumentError as e:
                error = str(e)
            times.append(time.perf_counter() - started)
    return {"seconds": min(times), "peak": peak_mib(), "added": peak_mib() - before, "error": error}


def run_child(what: str, path: Path, count: int, rounds: int) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", what, str(path), str(count), str(rounds)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


# -- report --------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "!! FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round per size")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument(
        "--child", nargs=4, metavar=("WHAT", "PATH", "N", "ROUNDS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        what, path, count, rounds = args.child
        print(json.dumps(child(what, Path(path), int(count), int(rounds))))
        return 0

    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"MAX_CONTROLS = {MAX_CONTROLS:,}; memory: the peak a process adds to the bytes of")
    print("the .docx it read (ru_maxrss), scanning and opening measured in separate processes\n")
    figures: dict[str, object] = {"max_controls": MAX_CONTROLS}
    with tempfile.TemporaryDirectory(prefix="bench_scan_") as tmp:
        folder = Path(tmp)
        for kind, title in (
            ("distinct", "a question of its own per control"),
            ("repeated", "one question for every control (every key collides)"),
        ):
            print(f"{title}:")
            print(
                f"  {'controls':>9}  {'scan':>8}  {'per ctl':>8}  {'growth':>6}  {'memory':>8}  "
                f"{'open':>8}  {'per ctl':>8}  {'growth':>6}  {'memory':>8}"
            )
            rows: dict[int, dict[str, float]] = {}
            for count in SIZES:
                path = folder / f"{kind}_{count}.docx"
                path.write_bytes(document(body(count, repeated=kind == "repeated")))
                rounds = 1 if args.quick or count >= 100_000 else 3
                scanned = run_child("scan", path, count, rounds)
                opened = run_child("open", path, count, rounds)
                rows[count] = {
                    "scan": float(scanned["seconds"]),  # type: ignore[arg-type]
                    "scan_mib": float(scanned["added"]),  # type: ignore[arg-type]
                    "open": float(opened["seconds"]),  # type: ignore[arg-type]
                    "open_mib": float(opened["added"]),  # type: ignore[arg-type]
                }
            base = rows[SIZES[0]]
            for count, row in rows.items():
                row["scan_growth"] = (row["scan"] / count) / (base["scan"] / SIZES[0])
                row["open_growth"] = (row["open"] / count) / (base["open"] / SIZES[0])
                print(
                    f"  {count:>9,}  {row['scan']:>7.3f}s  {row['scan'] / count * 1e6:>6.1f}µs  "
                    f"{row['scan_growth']:>6.2f}  {row['scan_mib']:>5.0f} MiB  "
                    f"{row['open']:>7.3f}s  {row['open'] / count * 1e6:>6.1f}µs  "
                    f"{row['open_growth']:>6.2f}  {row['open_mib']:>5.0f} MiB"
                )
            figures[kind] = {str(k): v for k, v in rows.items()}
            ten = rows[10_000]["scan"]
            worst = max(r["scan_growth"] for r in rows.values())
            print(
                f"  target: scan 10,000 controls < {TARGET_SCAN_10K:.1f} s: {ten:.3f} s "
                f"{verdict(ten < TARGET_SCAN_10K)}"
            )
            print(
                f"  target: linear growth, time per control <= {TARGET_GROWTH} x that at "
                f"1,000: {worst:.2f} {verdict(worst <= TARGET_GROWTH)}\n"
            )

        path = folder / "too_many.docx"
        path.write_bytes(document(EMPTY * TOO_MANY))
        size = path.stat().st_size
        refused = run_child("refuse", path, TOO_MANY, 1)
    figures["too_many"] = refused
    seconds, added = float(refused["seconds"]), float(refused["added"])  # type: ignore[arg-type]
    print(f"{TOO_MANY:,} controls (more than MAX_CONTROLS) in a {size / 1e6:.1f} MB file:")
    print(f"  refused after {seconds:.2f} s, {added:.0f} MiB")
    print(f"  {refused['error']}")
    refused_ok = "content controls" in str(refused["error"])
    print(f"  target: refused with UnsafeDocumentError: {verdict(refused_ok)}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

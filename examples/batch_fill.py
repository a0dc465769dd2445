"""Fill one plan per row of examples/gemeenten.xlsx, from Python.

The same batch as ``docx-aanpak fill template/lokale_aanpak.docx examples/gemeenten.xlsx
-o OUT_DIR --overwrite``.

Usage: python examples/batch_fill.py [OUT_DIR]   (default: out/)
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx_aanpak import DocxAanpakError, Template, fill_many, read_records
from docx_aanpak.batch import Status

ROOT = Path(__file__).resolve().parent.parent


def main(out_dir: Path) -> int:
    template = Template.open(ROOT / "template" / "lokale_aanpak.docx")
    # Records stream from the workbook; a row with bad answers becomes a failed outcome that
    # names its cells, and the other rows are still filled.
    records = read_records(ROOT / "examples" / "gemeenten.xlsx", template)
    try:
        report = fill_many(template, records, out_dir, overwrite=True)
    except DocxAanpakError as e:  # the workbook as a whole cannot be read
        print(f"Error: {e}", file=sys.stderr)
        return 1

    for outcome in report.outcomes:
        if outcome.status == Status.FAILED:
            # A bad row's message already names the plan and its cells.
            head = "" if outcome.where in outcome.message else f"{outcome.name}: "
            print(f"Failed: {head}{outcome.message}", file=sys.stderr)
        else:
            print(f"{outcome.status.value:>9}  {outcome.path}")
    print(f"{out_dir}: {report.summary()}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "out")))

"""Build examples/gemeenten.xlsx (the input workbook with four example plans) from
examples/gemeenten.json.

The workbook is written with :func:`docx_aanpak.excel.write_workbook`, then made reproducible:
openpyxl stamps the time of saving into docProps/core.xml (``dcterms:created`` and
``dcterms:modified``) and into every zip member's header. Both are pinned to ``PINNED`` and the
members are recompressed at a fixed level, so running the script twice gives the same bytes.

Usage: python tools/build_examples.py
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path

from docx_aanpak import Template
from docx_aanpak.document import atomic_write
from docx_aanpak.excel import write_workbook

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"
SOURCE = ROOT / "examples" / "gemeenten.json"
TARGET = ROOT / "examples" / "gemeenten.xlsx"

PINNED = "2025-01-01T00:00:00Z"
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_CORE_PART = "docProps/core.xml"
_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def _pin(package: bytes) -> bytes:
    """The workbook with fixed core-property dates and zip member timestamps."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == _CORE_PART:
                data, count = _CORE_DATES.subn(rb"\g<1>" + PINNED.encode() + rb"\g<3>", data)
                if count != 2:
                    raise SystemExit(f"{_CORE_PART}: expected 2 dates to pin, found {count}")
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            target.writestr(member, data)
    return output.getvalue()


def main() -> int:
    template = Template.open(TEMPLATE)
    records = json.loads(SOURCE.read_text(encoding="utf-8"))
    write_workbook(TARGET, template, records, overwrite=True)
    atomic_write(TARGET, _pin(TARGET.read_bytes()), overwrite=True)
    shown = TARGET.relative_to(ROOT)
    print(f"Wrote {shown}: {len(records)} plans, {len(template.fields)} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The demo behind ``make demo``: fill the shipped template with the example plans into out/.

1. one plan, examples/plan_waalzicht.json, into out/Waalzicht.docx;
2. four plans, one per row of the workbook examples/gemeenten.xlsx, into out/.

Both run through the ``docx-aanpak`` command line (in this process), and each command is printed
first, so you can run it yourself from the repository root. Works from any directory; exits
non-zero if anything failed.

Usage: python examples/demo.py
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from pathlib import Path

from docx_aanpak.cli import main as docx_aanpak

ROOT = Path(__file__).resolve().parent.parent
OUT = "out"
TEMPLATE = "template/lokale_aanpak.docx"

COMMANDS = [
    ("One plan from a JSON file",
     ["fill", TEMPLATE, "examples/plan_waalzicht.json", "-o", f"{OUT}/Waalzicht.docx",
      "--title", "Waalzicht", "--overwrite"]),
    ("One plan per row of a workbook",
     ["fill", TEMPLATE, "examples/gemeenten.xlsx", "-o", OUT, "--overwrite"]),
]  # fmt: skip


def main() -> int:
    os.chdir(ROOT)  # the commands use paths relative to the repository root
    started = time.time()
    status = 0
    for title, args in COMMANDS:
        print(f"\n== {title}\n$ {shlex.join(['docx-aanpak', *args])}", flush=True)
        code = docx_aanpak(args)
        sys.stdout.flush()
        if code:
            print(f"(exit code {code})")
            status = status or code
    written = sorted(p for p in (ROOT / OUT).glob("*.docx") if p.stat().st_mtime >= started - 1)
    print(f"\nDocuments written to {ROOT / OUT}:")
    for path in written:
        print(f"  {path.name}")
    if status:
        print("\nSomething failed; see the messages above.", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Scanning: which controls are fields, where they are, and keys that never drift."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pydantic import BaseModel

from docx_aanpak.scan import RESERVED_NAMES, slugify

ROOT = Path(__file__).resolve().parent.parent


# -- scanning does not need pydantic -----------------------------------------------------------


def test_reserved_names_are_the_public_attributes_of_pydantic_base_model() -> None:
    public = {n for n in dir(BaseModel) if not n.startswith("_") and not n.startswith("model_")}
    assert public == RESERVED_NAMES
    assert all(slugify(name) == name for name in RESERVED_NAMES)  # a key can spell each one


def test_scanning_does_not_import_pydantic() -> None:
    # The package's __init__ imports the whole API; load scan.py on its own to see what it needs.
    code = (
        "import sys, types\n"
        "package = types.ModuleType('docx_aanpak')\n"
        f"package.__path__ = [{str(ROOT / 'src' / 'docx_aanpak')!r}]\n"
        "sys.modules['docx_aanpak'] = package\n"
        "import docx_aanpak.scan\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"

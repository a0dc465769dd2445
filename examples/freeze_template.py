"""Freeze the keys of the shipped template, so that later versions of it keep them.

Word's default controls have no tag, so docx_aanpak names them by the questions around them; a
reworded, added or deleted question can then rename other keys. Freezing writes every key into
its control's tag (and a short title Word shows on the control). Edit the frozen copy to make
the next version of the template; the shipped original stays as it is.

The same as ``docx-aanpak freeze template/lokale_aanpak.docx -o OUT``.

Usage: python examples/freeze_template.py [OUT]   (default: out/lokale_aanpak_vast.docx)
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx_aanpak import DocxAanpakError, Template, freeze

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> int:
    original = ROOT / "template" / "lokale_aanpak.docx"
    try:
        frozen = freeze(original)
        frozen.save(out, overwrite=True)
        tagged = Template.open(out)
    except DocxAanpakError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    # The keys are the same as before; now each control carries its own.
    assert tagged.keys == Template.open(original).keys
    for item in tagged.fields:
        print(f"{item.key:<60}  {item.alias}")
    print(f"Wrote {out}: {len(tagged.fields)} controls tagged with their keys")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/lokale_aanpak_vast.docx")))

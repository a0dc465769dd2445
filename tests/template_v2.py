"""A second version of the shipped template, made in memory for the migration tests.

It changes template/lokale_aanpak.docx the way a policy team revises its template:

* two questions are reworded (in two rows),
* one question moves, with its control, to another row,
* one question is deleted with its control (which leaves its row with a single control, so the
  other control of that row gets a new key),
* two questions are added with new controls (one of them in the HANDHAVING row, which held a
  single control, so that control gets a new key too).

Only word/document.xml changes; every other part is copied as it is.
"""

from __future__ import annotations

import io
import itertools
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx_aanpak import _ooxml as ox
from docx_aanpak.controls import paragraph_text

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template" / "lokale_aanpak.docx"

W = ox.NS["w"]
W14 = ox.NS["w14"]

BORGEN = "BORGEN VAN DE AANPAK"
AANDACHT = "AANDACHTSFUNCTIONARIS / ADVISEUR RADICALISERING"
LOKAAL_BEELD = "LOKAAL BEELD"
SIGNALEREN = "SIGNALEREN EN MELDEN"
DESKUNDIGHEID = "DESKUNDIGHEIDSBEVORDERING"
HANDHAVING = "HANDHAVING"


@dataclass(frozen=True)
class Change:
    """One question as it was (``old``) and as it is in version 2 (``new``); None: absent."""

    old: tuple[str, str] | None  # (section, question)
    new: tuple[str, str] | None


REWORDED = (
    Change(
        (BORGEN, "Hoe betrek ik het college?"), (BORGEN, "Op welke manier betrek ik het college?")
    ),
    Change(
        (AANDACHT, "Wie wordt de aandachtsfunctionaris/adviseur?"),
        (AANDACHT, "Wie is de aandachtsfunctionaris/adviseur radicalisering?"),
    ),
)
MOVED = Change(
    (DESKUNDIGHEID, "Hoe zorg ik voor continuïteit in de deskundigheidsbevordering?"),
    (BORGEN, "Hoe zorg ik voor continuïteit in de deskundigheidsbevordering?"),
)
DELETED = Change((LOKAAL_BEELD, "Welke tools gebruik ik hiervoor?"), None)
ADDED = (
    Change(None, (SIGNALEREN, "Hoe registreer ik signalen zonder de privacy te schaden?")),
    Change(None, (HANDHAVING, "Hoe evalueer ik jaarlijks de inzet van bestuurlijke maatregelen?")),
)
CHANGES = (*REWORDED, MOVED, DELETED, *ADDED)


def _text(paragraph: ox.Element) -> str:
    return paragraph_text(paragraph, skip_controls=True).strip()


def _answer_cell(root: ox.Element, section: str) -> ox.Element:
    """The last cell ("Lokale uitwerking") of the row whose first cell holds ``section``."""
    for row in root.iter(ox.W_TR):
        cells = row.findall(ox.W_TC)
        first = next((_text(p) for p in cells[0].iter(ox.W_P) if _text(p)), None) if cells else None
        if first == section:
            return cells[-1]
    raise LookupError(f"no row {section!r}")


def _question(cell: ox.Element, question: str) -> ox.Element:
    for paragraph in cell.findall(ox.W_P):
        if _text(paragraph) == question:
            return paragraph
    raise LookupError(f"no question {question!r}")


def _block(cell: ox.Element, question: str) -> list[ox.Element]:
    """The question's paragraph, what follows it up to its control, and the empty paragraph
    after the control."""
    start = _question(cell, question)
    block = [start]
    node = start.getnext()
    while node is not None and node.tag != ox.W_SDT:
        block.append(node)
        node = node.getnext()
    assert node is not None, f"no control after {question!r}"
    block.append(node)
    after = node.getnext()
    if after is not None and after.tag == ox.W_P and not _text(after):
        block.append(after)
    return block


def _set_text(paragraph: ox.Element, text: str) -> None:
    """Replace a question's text, keeping its run formatting."""
    pieces = list(paragraph.iter(ox.W_T))
    pieces[0].text = text
    for piece in pieces[1:]:
        parent = piece.getparent()
        assert parent is not None
        parent.remove(piece)


class _Ids:
    """Fresh w:id values for controls and w14:paraId values for paragraphs."""

    def __init__(self, root: ox.Element) -> None:
        self.sdt_ids = {
            int(el.get(ox.W_VAL, "0"))
            for el in root.iter(ox.qn("w:id"))
            if el.getparent() is not None and el.getparent().tag == ox.qn("w:sdtPr")
        }
        self.para_ids = {p.get(f"{{{W14}}}paraId") for p in root.iter(ox.W_P)}
        self._sdt = itertools.count(1_700_000_001)
        self._para = itertools.count(0x2E000001)

    def sdt(self) -> str:
        value = next(self._sdt)
        while value in self.sdt_ids:
            value = next(self._sdt)
        self.sdt_ids.add(value)
        return str(value)

    def para(self) -> str:
        value = f"{next(self._para):08X}"
        while value in self.para_ids:
            value = f"{next(self._para):08X}"
        self.para_ids.add(value)
        return value

    def refresh(self, element: ox.Element) -> ox.Element:
        for paragraph in element.iter(ox.W_P):
            if paragraph.get(f"{{{W14}}}paraId") is not None:
                paragraph.set(f"{{{W14}}}paraId", self.para())
        for sdt in element.iter(ox.W_SDT):
            ident = sdt.find(f"{{{W}}}sdtPr/{{{W}}}id")
            if ident is not None:
                ident.set(ox.W_VAL, self.sdt())
        return element


def transform(root: ox.Element) -> None:
    """Apply the version 2 changes to a parsed word/document.xml of the shipped template."""
    ids = _Ids(root)
    # A prototype question block: a question paragraph, an empty one, a control that shows its
    # placeholder and an empty paragraph (copied before anything changes).
    prototype = [
        ox.deepcopy(el)
        for el in _block(_answer_cell(root, SIGNALEREN), "Hoe weeg ik die signalen?")
    ]
    assert ox.qn("w:showingPlcHdr") in {el.tag for el in prototype[2].iter()}

    for change in REWORDED:
        assert change.old is not None and change.new is not None
        section, question = change.old
        _set_text(_question(_answer_cell(root, section), question), change.new[1])

    assert MOVED.old is not None and MOVED.new is not None
    source = _answer_cell(root, MOVED.old[0])
    target = _answer_cell(root, MOVED.new[0])
    block = _block(source, MOVED.old[1])
    for element in block:
        target.append(element)  # moves it; the block ends with an empty paragraph

    assert DELETED.old is not None
    cell = _answer_cell(root, DELETED.old[0])
    for element in _block(cell, DELETED.old[1]):
        cell.remove(element)

    for change in ADDED:
        assert change.new is not None
        section, question = change.new
        cell = _answer_cell(root, section)
        copies = [ids.refresh(ox.deepcopy(el)) for el in prototype]
        _set_text(copies[0], question)
        for element in copies:
            cell.append(element)


def build_v2(template: Path = TEMPLATE) -> bytes:
    """The bytes of version 2 of the template, as a .docx."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                root = ox.parse(data)
                transform(root)
                data = ox.serialize(root)
            target.writestr(info, data)
    return buffer.getvalue()

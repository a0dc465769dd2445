"""What the command line tells about fields: one-line text, and warnings as one line."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from corpus.cases import by_name
from corpus.word import build_docx
from docx_aanpak.cli import main
from docx_aanpak.model import ONE_LINE

ROOT = Path(__file__).resolve().parent.parent


def combined(tmp_path: Path) -> Path:
    """One document holding a single-line plain text, a multi-line plain text, a rich text, a
    combo box and a dropdown control (the corpus cases' bodies, one after the other)."""
    bodies = []
    for name in (
        "plain_text_single_line",
        "plain_text_multiline",
        "rich_text_block_body",
        "combo_box_item",
        "dropdown_filled",
    ):
        document = _document_xml(by_name(name).build())
        bodies.append(document.split("<w:body>")[1].split("<w:sectPr>")[0])
    path = tmp_path / "gemengd.docx"
    path.write_bytes(build_docx("".join(bodies)))
    return path


def _document_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode("utf-8")


ONE_LINE_KEYS = {"gemeente_naam", "regio", "evaluatie_frequentie"}
MULTI_LINE_KEYS = {"postadres", "aanleiding"}


def test_fields_json_has_a_multiline_flag_for_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fields", str(combined(tmp_path)), "--json"]) == 0
    fields = {f["key"]: f for f in json.loads(capsys.readouterr().out)}
    assert set(fields) == ONE_LINE_KEYS | MULTI_LINE_KEYS
    for key in ONE_LINE_KEYS:
        assert fields[key]["multiline"] is False, key
    for key in MULTI_LINE_KEYS:
        assert fields[key]["multiline"] is True, key


def test_schema_forbids_line_breaks_where_a_control_holds_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", str(combined(tmp_path))]) == 0
    properties = json.loads(capsys.readouterr().out)["properties"]

    def patterns(key: str) -> list[str]:
        return [b["pattern"] for b in properties[key]["anyOf"] if "pattern" in b]

    assert patterns("gemeente_naam") == [ONE_LINE]
    assert patterns("regio") == [ONE_LINE]  # a combo box: free text on one line
    assert patterns("postadres") == []
    assert patterns("aanleiding") == []
    assert re.search(ONE_LINE, "Leiden, Zuid-Holland")
    for broken in ("Leiden\nZuid-Holland", "Leiden\r\nZuid-Holland", "Leiden\r"):
        assert not re.search(ONE_LINE, broken)


def test_a_warning_prints_as_one_line(tmp_path: Path) -> None:
    block = (
        '<w:sdt><w:sdtPr><w:id w:val="{}"/></w:sdtPr><w:sdtContent><w:p>'
        "<w:r><w:t>x</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )
    body = "".join(f"<w:p><w:r><w:t>Naam?</w:t></w:r></w:p>{block.format(n)}" for n in (1, 2))
    path = tmp_path / "botsing.docx"
    path.write_bytes(build_docx(body))
    proc = subprocess.run(
        [sys.executable, "-m", "docx_aanpak", "fields", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Warning: ") and "naam_2" in lines[0]
    assert "naam_2" in proc.stdout

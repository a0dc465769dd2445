"""The workbooks people read and print: the input workbook, the collected plans, the batch report
and the migration report. Judged by the Open XML SDK validator and by LibreOffice Calc printing
them to PDF, not only by openpyxl reading back what openpyxl wrote."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from docx_aanpak import BatchReport, Outcome, Status, Template, fill_many, migrate
from docx_aanpak.collect import Collected, Collection, write_collection
from docx_aanpak.datafiles import read_records
from docx_aanpak.excel import FIRST_ROW, HEADER_ROW, SHEET, write_workbook
from docx_aanpak.migrate import report_workbook
from docx_aanpak.records import NAME_COLUMN
from judges import assert_valid, convert, require

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped(template_path: Path) -> Template:
    return Template.open(template_path)


def answers(template: Template, n: int, lines: int) -> dict[str, object]:
    return {
        f.key: "\n".join(f"Antwoord {n} op {f.key}, regel {i + 1}" for i in range(lines))
        for f in template.fields
    }


def collected(template: Template, plans: int, lines: int = 1) -> Collection:
    return Collection(
        template,
        [
            Collected(f"Gemeente {n:03d}", Path(f"plan{n}.docx"), answers(template, n, lines))
            for n in range(plans)
        ],
    )


def workbooks(tmp_path: Path, shipped: Template) -> dict[str, Path]:
    """Every kind of workbook the library writes for people to read."""
    paths = {
        name: tmp_path / f"{name}.xlsx" for name in ("invoer", "verzameld", "rapport", "migratie")
    }
    write_workbook(paths["invoer"], shipped)
    write_collection(paths["verzameld"], collected(shipped, 3))
    report = BatchReport(
        [
            Outcome("Ede", Status.WRITTEN, "plannen.xlsx, Plannen row 4", tmp_path / "Ede.docx"),
            Outcome("Epe", Status.FAILED, "plannen.xlsx, Plannen row 5", message="x"),
        ]
    )
    report.save(paths["rapport"])
    plan = tmp_path / "plan.docx"
    shipped.fill(answers(shipped, 1, 2), title="Ede").save(plan)
    paths["migratie"].write_bytes(report_workbook([migrate(plan, shipped)]))
    return paths


# -- issue 13.4: printing -------------------------------------------------------------------------

HEADER_ROWS = {
    "Plannen": "$1:$3",
    "Voortgang": "$1:$1",
    "Resultaat": "$1:$1",
    "Migratie": "$1:$1",
    "Samenvatting": "$1:$1",
}


def test_every_sheet_a_person_reads_is_set_up_for_printing(
    tmp_path: Path, shipped: Template
) -> None:
    paths = workbooks(tmp_path, shipped)
    seen = set()
    for path in paths.values():
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            seen.add(sheet.title)
            setup = sheet.page_setup
            where = f"{path.name} {sheet.title}"
            assert setup.orientation == "landscape", where
            assert setup.paperSize == 9, where  # A4
            assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), where  # one page wide
            assert sheet.sheet_properties.pageSetUpPr.fitToPage, where
            assert sheet.print_area, where
            last = openpyxl.utils.get_column_letter(sheet.max_column)
            assert sheet.print_area == f"'{sheet.title}'!$A$1:${last}$1048576", where
            assert sheet.print_title_rows == HEADER_ROWS.get(sheet.title), where
    assert seen == {"Plannen", "Toelichting", "Voortgang", "Resultaat", "Migratie", "Samenvatting"}
    assert_valid(*paths.values())


def pdf_pages(path: Path, folder: Path) -> list[str]:
    """The text of every page of the workbook printed to PDF by LibreOffice Calc."""
    require("pdftotext", shutil.which("pdftotext"), "apt-get install poppler-utils")
    (pdf,) = convert([path], "pdf", folder / "pdf", calc=True)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def squeeze(text: str) -> str:
    """Text without white space: tiny print makes pdftotext split words ("Spec ifiek")."""
    return "".join(text.split())


def test_the_input_workbook_prints_one_page_wide(tmp_path: Path, shipped: Template) -> None:
    path = tmp_path / "invoer.xlsx"
    write_workbook(path, shipped)
    pages = pdf_pages(path, tmp_path)
    # Not one column per page (37 pages before): every question is on the first page.
    assert len(pages) <= 4, [p[:60] for p in pages]
    first = squeeze(pages[0])
    for item in shipped.fields:  # (long questions may be cut off at the row's height)
        assert squeeze(item.label)[:20] in first, item.key


def test_header_rows_are_printed_on_every_page(tmp_path: Path, shipped: Template) -> None:
    path = tmp_path / "verzameld.xlsx"
    write_collection(path, collected(shipped, 400, lines=3))
    pages = [squeeze(p) for p in pdf_pages(path, tmp_path)]
    plan_pages = [p for p in pages if "regel3" in p]  # sheet Plannen: the answers
    progress_pages = [p for p in pages if "Gemeente3" in p and "regel3" not in p]  # Voortgang
    assert len(plan_pages) > 1 and len(progress_pages) > 1
    first, last = (squeeze(shipped.fields[i].label)[:20] for i in (0, -1))
    for page in plan_pages:  # the section and question rows repeat on every page
        assert "Lokaleambitie" in page and first in page and last in page
    assert all("Beantwoord" in p for p in progress_pages)


# -- issue 13.5: row heights ----------------------------------------------------------------------


def test_rows_are_as_high_as_their_wrapped_text(tmp_path: Path, shipped: Template) -> None:
    short = {f.key: "ja" for f in shipped.fields}
    collection = Collection(
        shipped,
        [
            Collected("Ede", Path("Ede.docx"), short),
            Collected(
                "Epe", Path("Epe.docx"), {**short, shipped.fields[0].key: "a\nb\nc\nd\ne\nf"}
            ),
        ],
    )
    path = tmp_path / "verzameld.xlsx"
    write_collection(path, collection)
    sheet = openpyxl.load_workbook(path)[SHEET]
    assert sheet.row_dimensions[FIRST_ROW].height is None  # one line: Excel's own height
    tall = sheet.row_dimensions[FIRST_ROW + 1].height
    assert tall is not None and tall >= 6 * 15
    header = sheet.row_dimensions[HEADER_ROW].height
    assert header is not None and header > 15  # the header rows keep theirs
    assert_valid(path)


# -- issue 13.6 and 11.1, 11.13: the batch report --------------------------------------------


def fill_report(tmp_path: Path, shipped: Template, rows: list[dict[str, object]]) -> BatchReport:
    data = tmp_path / "plannen.json"
    data.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return fill_many(shipped, read_records(data, shipped), tmp_path / "uit", jobs=1)


def report_rows(path: Path) -> list[list[str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.reader(handle, delimiter=";"))
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [[str(c.value or "") for c in row] for row in sheet.iter_rows()]


def test_failed_rows_are_highlighted_in_the_report(tmp_path: Path, shipped: Template) -> None:
    key = shipped.fields[0].key
    report = fill_report(
        tmp_path, shipped, [{NAME_COLUMN: "Ede", key: "a"}, {NAME_COLUMN: "Epe", key: "\x01"}]
    )
    report = BatchReport(
        [*report.outcomes, Outcome("Emmen", Status.SKIPPED, "plannen.json item 3")]
    )
    path = tmp_path / "rapport.xlsx"
    report.save(path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    colours = {
        row[1].value: {c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None for c in row}
        for row in sheet.iter_rows(min_row=2)
    }
    assert colours["mislukt"] == {"FFFFC7CE"}  # light red, every cell of the row
    assert colours["overgeslagen"] == {"FFFFEB9C"}
    assert colours["geschreven"] == {None}
    assert_valid(path)


ENGLISH = (" row ", " line ", "correct it", "is not", "expected", "field '", "already", "the ")


def test_the_report_speaks_dutch(tmp_path: Path, shipped: Template) -> None:
    workbook = tmp_path / "plannen.xlsx"
    write_workbook(workbook, shipped, [{NAME_COLUMN: "Ede"}, {NAME_COLUMN: "Epe"}])
    book = openpyxl.load_workbook(workbook)
    sheet = book[SHEET]
    sheet.cell(5, 2).value = "=1/0"  # an error value, as Excel would store it
    sheet.cell(6, 1).value = "Ede"  # a second plan with the same name
    book.save(workbook)
    from test_excel import set_cell_xml

    set_cell_xml(workbook, "B5", '<c r="B5" t="e"><f>SQRT(-1)</f><v>#VALUE!</v></c>')
    (tmp_path / "uit").mkdir()
    (tmp_path / "uit" / "Ede.docx").write_bytes(b"al geschreven")
    report = fill_many(shipped, read_records(workbook, shipped), tmp_path / "uit", jobs=1)
    assert [o.status for o in report.outcomes] == [Status.SKIPPED, Status.FAILED, Status.FAILED]
    path = tmp_path / "rapport.xlsx"
    report.save(path)
    rows = report_rows(path)
    assert rows[0] == ["Gemeente", "Resultaat", "Bestand", "Herkomst", "Melding"]
    text = "\n".join(" | ".join(row) for row in rows[1:])
    assert "Plannen rij 5" in text and "Plannen rij 6" in text
    assert "#WAARDE! (Engelstalige Excel: #VALUE!; Calc: Err:502" in text
    assert "het bestand bestaat al" in text and "staat ook in" in text
    for english in ENGLISH:
        assert english not in text, english
    # The same problems stay English for the command line (errors are English).
    assert "Plannen row 5" in report.outcomes[1].where
    assert "#VALUE! (Calc: Err:502" in report.outcomes[1].message


CONTROL = "Ede\x01\x1b]0;titel\x07"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_report_is_written_whatever_characters_a_failed_row_holds(
    tmp_path: Path, suffix: str
) -> None:
    report = BatchReport(
        [Outcome(CONTROL, Status.FAILED, "data.json item 1", message="fout \ud800 \ufffe")]
    )
    path = tmp_path / f"rapport{suffix}"
    report.save(path)
    rows = report_rows(path)
    assert rows[1][0] == "Ede\\x01\\x1b]0;titel\\x07"  # made visible, never dropped
    assert rows[1][4] == "fout \\ud800 \\ufffe"
    if suffix == ".xlsx":
        assert_valid(path)


FORMULAS = BatchReport(
    [
        Outcome('=HYPERLINK("http://x")', Status.FAILED, "data.csv line 3", message="-2+3"),
        Outcome("@SUM(A1)", Status.WRITTEN, "+1"),
    ]
)


def test_the_csv_report_never_holds_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "rapport.csv"
    FORMULAS.save(path)
    rows = report_rows(path)
    # Text a spreadsheet would run as a formula gets an apostrophe in front, as Excel's own
    # quoted text shows.
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][4] == "'-2+3"
    assert rows[2][0] == "'@SUM(A1)" and rows[2][3] == "'+1"


def test_the_xlsx_report_keeps_formulas_as_text(tmp_path: Path) -> None:
    path = tmp_path / "rapport.xlsx"
    FORMULAS.save(path)
    rows = report_rows(path)
    assert rows[1][0] == '=HYPERLINK("http://x")' and rows[2][0] == "@SUM(A1)"
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None and sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert_valid(path)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "docx_aanpak", *args],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_the_cli_writes_the_report_after_failed_rows_with_control_characters(
    tmp_path: Path, template_path: Path
) -> None:
    data = tmp_path / "plannen.json"
    data.write_text(
        json.dumps([{"Gemeente": "Ede"}, {"Gemeente": CONTROL, "lokale_ambitie": "x"}]),
        encoding="utf-8",
    )
    for suffix in (".xlsx", ".csv"):
        report = tmp_path / f"rapport{suffix}"
        proc = cli("fill", str(template_path), str(data), "--out", str(tmp_path / f"uit{suffix}"),
                   "--report", str(report), "--jobs", "1")  # fmt: skip
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert report.exists()
        assert any("\\x01" in cell for row in report_rows(report) for cell in row)


# -- issue 13.7: no plans -------------------------------------------------------------------------


def test_filling_from_a_workbook_without_plans_fails_and_says_so(
    tmp_path: Path, template_path: Path, shipped: Template
) -> None:
    workbook = tmp_path / "leeg.xlsx"
    write_workbook(workbook, shipped)
    proc = cli("fill", str(template_path), str(workbook), "--out", str(tmp_path / "uit"))
    assert proc.returncode == 2
    assert "no plans found in Plannen (rows from 4 on are empty)" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- issue 10.5: extract --json, then fill --------------------------------------------------------


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.docx"))}


def test_extract_json_then_fill_reproduces_the_plans_byte_for_byte(
    tmp_path: Path, template_path: Path
) -> None:
    workbook = ROOT / "examples" / "gemeenten.xlsx"
    first, second = tmp_path / "eerst", tmp_path / "opnieuw"
    proc = cli("fill", str(template_path), str(workbook), "--out", str(first), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    data = tmp_path / "plannen.json"
    proc = cli("extract", str(first), "--json", str(data))
    assert proc.returncode == 0, proc.stderr
    assert all("bestand" in plan for plan in json.loads(data.read_text(encoding="utf-8")))
    proc = cli("fill", str(template_path), str(data), "--out", str(second), "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    assert files(first) == files(second) and len(files(first)) == 4


def test_one_plan_in_json_with_its_name_fills_under_that_name(
    tmp_path: Path, template_path: Path, shipped: Template
) -> None:
    key = shipped.fields[0].key
    data = tmp_path / "een.json"
    data.write_text(json.dumps({"Gemeente": "'s-Gravenhage", key: 12.5}), encoding="utf-8")
    out = tmp_path / "uit"
    out.mkdir()
    proc = cli("fill", str(template_path), str(data), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    plan = out / "'s-Gravenhage.docx"
    assert plan.exists(), proc.stdout
    values = shipped.extract(plan)
    assert values[key] == "12,5"  # as a workbook shows the number 12.5
    from docx_aanpak import Document

    assert Document.open(plan).core_property("dc:title") == "'s-Gravenhage"

"""Data files into plan records: CSV and JSON read like the workbook, with the same error rules."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from docx_aanpak import DataFileError, Template
from docx_aanpak.datafiles import read_records
from docx_aanpak.excel import write_workbook
from docx_aanpak.records import (
    NAME_COLUMN,
    PlanRecord,
    RawCell,
    RecordError,
    cell_text,
)
from test_excel import CHOICES, CONTACT, RAAD, STATUS, TOELICHTING, VASTGESTELD, small_docx

STATUS_KEY = "algemene_gegevens_wat_is_de_status_van_het_plan"
DATE_KEY = "algemene_gegevens_wanneer_is_het_plan_vastgesteld"
CONTACT_KEY = "algemene_gegevens_wie_is_de_contactpersoon"
DISPLAY = {value: display for display, value in CHOICES}

PLANS: list[dict[str, object]] = [
    {
        NAME_COLUMN: "Amersfoort",
        STATUS_KEY: "vastgesteld",
        DATE_KEY: dt.date(2025, 3, 14),
        "raad_geinformeerd": True,
        CONTACT_KEY: 'Jan; de "adviseur", Jansen',
        "toelichting": 'Eerste regel\nTweede; regel, met "aanhalingstekens"',
    },
    {NAME_COLUMN: "Baarn", STATUS_KEY: "concept", "raad_geinformeerd": False, "toelichting": "42"},
    {NAME_COLUMN: "Culemborg", DATE_KEY: dt.date(2024, 12, 1), CONTACT_KEY: "=niet rekenen"},
]


@pytest.fixture(scope="module")
def small() -> Template:
    return Template.open(small_docx(), name="klein.docx")


def records_of(path: Path, template: Template) -> list[tuple[str, dict[str, object]]]:
    records = list(read_records(path, template))
    bad = [r for r in records if isinstance(r, RecordError)]
    assert not bad, "\n".join(str(r.error) for r in bad)
    return [(r.name, r.values) for r in records if isinstance(r, PlanRecord)]


def expected() -> list[tuple[str, dict[str, object]]]:
    return [(str(p[NAME_COLUMN]), {k: v for k, v in p.items() if k != NAME_COLUMN}) for p in PLANS]


def as_csv_row(plan: dict[str, object], keys: list[str], *, dutch: bool) -> list[str]:
    """A row as a person's spreadsheet would export it."""
    out = []
    for key in keys:
        value = plan.get(key)
        if value is None:
            out.append("")
        elif isinstance(value, bool):
            out.append(("WAAR" if value else "ONWAAR") if dutch else str(value).lower())
        elif isinstance(value, dt.date):
            out.append(f"{value.day}-{value.month}-{value.year}" if dutch else value.isoformat())
        elif key == STATUS_KEY and dutch:
            out.append(DISPLAY[str(value)])
        else:
            out.append(str(value))
    return out


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], *, delimiter: str, bom: bool = False
) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def test_workbook_csv_and_json_give_the_same_records(tmp_path: Path, small: Template) -> None:
    keys = [NAME_COLUMN, *small.keys]
    labels = [NAME_COLUMN, *[f.label for f in small.fields]]
    assert labels[1:] == [STATUS, VASTGESTELD, RAAD, CONTACT, TOELICHTING]

    workbook = tmp_path / "plannen.xlsx"
    write_workbook(workbook, small, PLANS)
    comma = tmp_path / "komma.csv"
    write_csv(comma, keys, [as_csv_row(p, keys, dutch=False) for p in PLANS], delimiter=",")
    # Dutch Excel: ';', a byte order mark, the questions as headers, display texts and d-m-yyyy.
    semicolon = tmp_path / "puntkomma.csv"
    write_csv(
        semicolon, labels, [as_csv_row(p, keys, dutch=True) for p in PLANS], delimiter=";", bom=True
    )
    plain = [
        {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in p.items()} for p in PLANS
    ]
    listed = tmp_path / "lijst.json"
    listed.write_text(json.dumps(plain, ensure_ascii=False), encoding="utf-8")
    wrapped = tmp_path / "object.json"
    wrapped.write_text(json.dumps({"plannen": plain}), encoding="utf-8")

    want = expected()
    for path in (workbook, comma, semicolon, listed, wrapped):
        assert records_of(path, small) == want, path.name


def test_csv_problems_name_the_line_column_plan_and_question(
    tmp_path: Path, small: Template
) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "Gemeente;" + STATUS_KEY + ";" + DATE_KEY + ";toelichting\n"
        'Amersfoort;Concept;1-2-2025;"twee\nregels"\n'
        "Baarn;Misschien;31-2-2025;\n"
        "\n"
        "Culemborg;;;goed\n"
        "Delft;;;a;b\n",
        encoding="utf-8",
    )
    records = list(read_records(path, small))
    assert [(type(r), r.name) for r in records] == [
        (PlanRecord, "Amersfoort"),
        (RecordError, "Baarn"),
        (PlanRecord, "Culemborg"),
        (RecordError, "Delft"),
    ]
    baarn, delft = records[1], records[3]
    assert isinstance(baarn, RecordError) and isinstance(delft, RecordError)
    assert baarn.where == "data.csv line 4"  # the quoted cell of Amersfoort spans lines 2 and 3
    message = str(baarn.error)
    for needle in (
        f"data.csv line 4, column {STATUS_KEY}",
        f"data.csv line 4, column {DATE_KEY}",
        "Baarn",
        STATUS,
        VASTGESTELD,
        "'Misschien'",
        "'31-2-2025'",
    ):
        assert needle in message, needle
    assert "data.csv line 7" in str(delft.error) and "quotes" in str(delft.error)
    assert isinstance(records[0], PlanRecord)
    assert records[0].cells["toelichting"] == "data.csv line 2, column toelichting"


def test_csv_names_must_be_given_and_unique(tmp_path: Path, small: Template) -> None:
    path = tmp_path / "namen.csv"
    path.write_text("Gemeente,toelichting\nEde,a\n,b\n EDE ,c\n,\n", encoding="utf-8")
    records = list(read_records(path, small))
    assert [(type(r), r.name) for r in records] == [
        (PlanRecord, "Ede"),
        (RecordError, None),
        (RecordError, "EDE"),
    ]
    assert "namen.csv line 3, column Gemeente" in str(records[1])
    assert "namen.csv line 2" in str(records[2]) and "namen.csv line 4" in str(records[2])


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("Gemeente,toelichtng\nEde,a\n", r"column 2.*'toelichtng'.*did you mean 'toelichting'"),
        ("Naam,toelichting\nEde,a\n", r"line 1: the header has no column Gemeente"),
        (
            "Gemeente,toelichting,Geef een toelichting.\n",
            r"column Geef een toelichting\.: .*also in",
        ),
        ("", r"empty"),
        ("Gemeente;Geef een toelichtin\n", r"did you mean 'Geef een toelichting.'"),
    ],
)
def test_csv_that_cannot_be_read_is_a_file_error(
    tmp_path: Path, small: Template, content: str, needle: str
) -> None:
    path = tmp_path / "fout.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=needle) as error:
        list(read_records(path, small))
    assert str(path) in str(error.value)


def test_csv_saved_in_the_windows_code_page_is_a_file_error(
    tmp_path: Path, small: Template
) -> None:
    path = tmp_path / "ansi.csv"
    path.write_bytes("Gemeente;toelichting\nSúdwest-Fryslân;café\n".encode("cp1252"))
    with pytest.raises(DataFileError, match=r"not UTF-8.*CSV UTF-8"):
        list(read_records(path, small))


def test_json_problems_are_record_errors_and_bad_structure_is_a_file_error(
    tmp_path: Path, small: Template
) -> None:
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps(
            [
                {"Gemeente": "Ede", DATE_KEY: "2025-03-14", "raad_geinformeerd": True},
                {"Gemeente": "Epe", DATE_KEY: "gisteren", STATUS_KEY: "definitief"},
            ]
        ),
        encoding="utf-8",
    )
    ede, epe = read_records(path, small)
    assert isinstance(ede, PlanRecord) and ede.values[DATE_KEY] == dt.date(2025, 3, 14)
    assert isinstance(epe, RecordError)
    message = str(epe.error)
    for needle in ("data.json item 2", "Epe", VASTGESTELD, STATUS, "'gisteren'", "'definitief'"):
        assert needle in message, needle

    for content, needle in [
        ({"gemeenten": []}, r'"plannen"'),
        ("Ede", r"list of plans"),
        ([{"Gemeente": "Ede"}, ["Epe"]], r"item 2: expected an object"),
        ([{"Gemeente": "Ede", "toelichtng": "a"}], r"item 1: 'toelichtng'.*'toelichting'"),
    ]:
        path.write_text(json.dumps(content), encoding="utf-8")
        with pytest.raises(DataFileError, match=needle):
            list(read_records(path, small))
    path.write_text("[{", encoding="utf-8")
    with pytest.raises(DataFileError, match=re.escape(f"{path}: not valid JSON")):
        list(read_records(path, small))


def test_unknown_or_missing_data_files_are_file_errors(tmp_path: Path, small: Template) -> None:
    (tmp_path / "plannen.txt").write_text("Gemeente\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"plannen\.txt.*\.xlsx.*\.csv.*\.json"):
        list(read_records(tmp_path / "plannen.txt", small))
    for name in ("weg.csv", "weg.json", "weg.xlsx"):
        with pytest.raises(DataFileError, match=re.escape(f"{tmp_path / name}: no such file")):
            list(read_records(tmp_path / name, small))


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (42, None, "42"),
        (42.0, "General", "42"),
        (3.5, None, "3,5"),
        (0.1 + 0.2, None, "0,3"),
        (0.12, "0%", "12%"),
        (0.125, "0.0%", "12,5%"),
        (1234567.891, "#,##0.00", "1.234.567,89"),
        (-1234, "#,##0", "-1.234"),
        (3.5, "@", "3,5"),
        (dt.datetime(2025, 3, 14), None, "14-3-2025"),
        (dt.date(2025, 3, 4), None, "4-3-2025"),
        (dt.datetime(2025, 3, 14, 10, 30), None, "14-3-2025 10:30"),
        (dt.time(9, 5), None, "9:05"),
        (True, None, "WAAR"),
        ("a\r\nb\rc", None, "a\nb\nc"),
    ],
)
def test_cells_read_as_a_dutch_workbook_shows_them(
    value: object, number_format: str | None, text: str
) -> None:
    assert cell_text(RawCell(value, "Plannen!B4", number_format)) == text

"""Data files into plan records: CSV and JSON read like the workbook, with the same error rules."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tracemalloc
from pathlib import Path

import openpyxl
import pytest

from docx_aanpak import DataFileError, Template
from docx_aanpak.datafiles import read_records
from docx_aanpak.excel import write_workbook
from docx_aanpak.records import (
    MAX_JSON_PLAN,
    NAME_COLUMN,
    PlanRecord,
    RawCell,
    RecordError,
    cell_text,
    read_single_plan,
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


# -- issue 13: values as the cell shows them ------------------------------------------------------

ACCOUNTING_NL = (  # Excel, Dutch: Financieel with € Nederlands
    '_-[$€-413]\\ * #,##0.00_-;_-[$€-413]\\ * \\-#,##0.00_-;_-[$€-413]\\ * "-"??_-;_-@_-'
)
ACCOUNTING_EURO = '_ "€" * #,##0.00_ ;_ "€" * \\-#,##0.00_ ;_ "€" * "-"??_ ;_ @_ '  # builtin 44, nl
CALC_CURRENCY = '[$€-413]\\ #,##0.00;[$€-413]" -"#,##0.00'  # what Calc saves for € 12.500 (nl-NL)


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (12500, "[$€-413] #,##0.00", "€ 12.500,00"),
        (12500.0, CALC_CURRENCY, "€ 12.500,00"),
        (-1234.5, CALC_CURRENCY, "€ -1.234,50"),
        (12500, ACCOUNTING_NL, "€ 12.500,00"),
        (-12500, ACCOUNTING_NL, "€ -12.500,00"),
        (0, ACCOUNTING_NL, "€ -"),
        (1234.5, ACCOUNTING_EURO, "€ 1.234,50"),
        (12500, '"€" #,##0.00', "€ 12.500,00"),
        (-5, '"€" #,##0.00', "-€ 5,00"),  # one section: the minus sign comes first
        (-5, '"€" #,##0.00;[Red]"€" -#,##0.00', "€ -5,00"),
        (12500, "#,##0.00 [$€-413]", "12.500,00 €"),
        (3.5, '0.0 "km"', "3,5 km"),
        (0.5, "#.00", ",50"),
        (1.25, "0.0#", "1,25"),
        (1.5, "0.0#", "1,5"),
        (5, '"Totaal: "General', "Totaal: 5"),
    ],
)
def test_currency_and_accounting_formats_read_as_the_cell_shows_them(
    value: object, number_format: str, text: str
) -> None:
    assert cell_text(RawCell(value, "Plannen!B4", number_format)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Eerste regel\nTweede regel\n", "Eerste regel\nTweede regel"),
        ("Eén regel\r\n\r\n", "Eén regel"),
        ("a\n  \n", "a"),
        ("a\n\nb", "a\n\nb"),
        ("  a  ", "  a  "),
    ],
)
def test_a_trailing_alt_enter_is_dropped_and_inner_line_breaks_stay(value: str, text: str) -> None:
    assert cell_text(RawCell(value, "Plannen!B4")) == text


def test_csv_answers_lose_their_trailing_line_breaks(tmp_path: Path, small: Template) -> None:
    path = tmp_path / "data.csv"
    path.write_text('Gemeente;toelichting\nEde;"a\nb\n\n"\n', encoding="utf-8")
    assert records_of(path, small) == [("Ede", {"toelichting": "a\nb"})]


# -- issue 11.14: CSV that cannot be read as it stands ---------------------------------------------


def test_csv_with_an_unterminated_quote_is_a_file_error_naming_its_line(
    tmp_path: Path, small: Template
) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        'Gemeente;toelichting\nEde;eerste\nEpe;"tweede\nEmmen;derde\nElburg;vierde\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=r"data\.csv line 3: .*never closed") as error:
        list(read_records(path, small))
    assert str(path) in str(error.value)
    path.write_text('Gemeente;toelichting\nEde;"a"b\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"data\.csv line 2: text follows the closing"):
        list(read_records(path, small))


def test_csv_answers_under_an_empty_header_are_errors_naming_line_and_column(
    tmp_path: Path, small: Template
) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "Gemeente;toelichting;;\nEde;a;;\nEpe;b;verloren antwoord;\nEmmen;c;;x\n",
        encoding="utf-8",
    )
    records = list(read_records(path, small))
    assert [(type(r), r.name) for r in records] == [
        (PlanRecord, "Ede"),
        (RecordError, "Epe"),
        (RecordError, "Emmen"),
    ]
    assert "data.csv line 3, column 3" in str(records[1]) and "no header" in str(records[1])
    assert "data.csv line 4, column 4" in str(records[2])
    assert isinstance(records[1], RecordError)
    assert "regel 3, kolom 3" in records[1].dutch and "geen kop" in records[1].dutch


# -- issue 13.7: a file without plans --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("leeg.csv", "Gemeente;toelichting\n;\n\n", r"no plans found in leeg\.csv \(lines from 2"),
        ("leeg.json", "[]", r"no plans found in leeg\.json"),
        ("leeg.json", '{"plannen": []}', r"no plans found in leeg\.json"),
    ],
)
def test_a_data_file_without_plans_is_a_file_error(
    tmp_path: Path, small: Template, name: str, content: str, needle: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=needle):
        list(read_records(path, small))


# -- issue 10.5: JSON round trips ------------------------------------------------------------------


def test_json_metadata_of_extract_is_ignored(tmp_path: Path, small: Template) -> None:
    path = tmp_path / "verzameld.json"
    path.write_text(
        json.dumps(
            [
                {"Gemeente": "Ede", "bestand": "plannen/Ede.docx", "toelichting": "a"},
                {
                    "Gemeente": "Epe",
                    "bestand": "plannen/Epe.docx",
                    "ontbrekend": [DATE_KEY],
                    "raad_geinformeerd": False,
                },
            ]
        ),
        encoding="utf-8",
    )
    assert records_of(path, small) == [
        ("Ede", {"toelichting": "a"}),
        ("Epe", {"raad_geinformeerd": False}),
    ]


def test_a_single_plan_object_holding_gemeente_is_one_plan(tmp_path: Path, small: Template) -> None:
    path = tmp_path / "ede.json"
    path.write_text(
        json.dumps({"Gemeente": "Ede", "toelichting": "a", DATE_KEY: "2025-03-14"}),
        encoding="utf-8",
    )
    want = ("Ede", {"toelichting": "a", DATE_KEY: dt.date(2025, 3, 14)})
    assert records_of(path, small) == [want]
    plan = read_single_plan(path, small)
    assert plan is not None and (plan.name, plan.values) == want
    listed = tmp_path / "lijst.json"
    listed.write_text(json.dumps([{"Gemeente": "Ede"}]), encoding="utf-8")
    assert read_single_plan(listed, small) is None


def test_json_numbers_become_text_as_workbook_numbers_do(tmp_path: Path, small: Template) -> None:
    numbers: list[object] = [3.5, 12500, 0.1 + 0.2, -1234.25, True, 7]
    workbook = tmp_path / "getallen.xlsx"
    write_workbook(workbook, small, [{NAME_COLUMN: "Ede"}])
    book = openpyxl.load_workbook(workbook)
    sheet = book["Plannen"]
    json_plans = []
    for row, number in enumerate(numbers, 4):
        sheet.cell(row, 1, f"Plan {row}")
        sheet.cell(row, 6, number)  # the column of "toelichting", typed as a number
        json_plans.append({"Gemeente": f"Plan {row}", "toelichting": number})
    book.save(workbook)
    path = tmp_path / "getallen.json"
    path.write_text(json.dumps(json_plans), encoding="utf-8")
    from_json = records_of(path, small)
    assert records_of(workbook, small) == from_json
    assert [v["toelichting"] for _, v in from_json] == [
        "3,5",
        "12500",
        "0,3",
        "-1234,25",
        "WAAR",
        "7",
    ]
    single = tmp_path / "een.json"
    single.write_text(json.dumps({"toelichting": 3.5}), encoding="utf-8")
    plan = read_single_plan(single, small)
    assert plan is not None and plan.values == {"toelichting": "3,5"}


def test_a_question_given_twice_in_json_is_an_error(tmp_path: Path, small: Template) -> None:
    path = tmp_path / "dubbel.json"
    path.write_text(
        json.dumps([{"Gemeente": "Ede", "toelichting": "a", TOELICHTING: "b"}]), encoding="utf-8"
    )
    with pytest.raises(DataFileError, match=r"item 1: the question .* given twice") as error:
        list(read_records(path, small))
    assert "'toelichting'" in str(error.value) and repr(TOELICHTING) in str(error.value)
    path.write_text('[{"Gemeente": "Ede", "toelichting": "a", "toelichting": "b"}]')
    with pytest.raises(DataFileError, match=r"'toelichting' is given twice"):
        list(read_records(path, small))


# -- issue 11.3: JSON that must not crash or use unbounded memory ----------------------------------


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('[{"Gemeente": "Ede", "toelichting": ' + "9" * 5000 + "}]", r"item 1: .*5,000 digits"),
        ("[" * 100_000 + "]" * 100_000, r"nested too deeply"),
        ('[{"Gemeente": "Ede", "toelichting": NaN}]', r"NaN is not a number JSON allows"),
        ('[{"Gemeente": "Ede", "toelichting": 1e999}]', r"too large"),
        ('[{"Gemeente": "Ede"}] [', r"line 1, column 23: extra text"),
        ('[{"Gemeente": "Ede"}\n{"Gemeente": "Epe"}]', r"line 2, column 1: expected ','"),
    ],
)
def test_hostile_json_is_a_clear_file_error(
    tmp_path: Path, small: Template, content: str, needle: str
) -> None:
    path = tmp_path / "data.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=needle) as error:
        list(read_records(path, small))
    assert str(path) in str(error.value)


def test_one_json_plan_larger_than_the_limit_is_a_file_error(
    tmp_path: Path, small: Template
) -> None:
    path = tmp_path / "groot.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('[{"Gemeente": "Ede"}, {"Gemeente": "Epe", "toelichting": "')
        handle.write("x" * (MAX_JSON_PLAN + 10))
        handle.write('"}]')
    with pytest.raises(DataFileError, match=r"item 2 is larger than 32 MB"):
        list(read_records(path, small))


def test_json_plans_stream_with_flat_memory(tmp_path: Path, small: Template) -> None:
    path = tmp_path / "veel.json"
    answer = "Een antwoord van een regel of wat. " * 120
    plans = 10_000
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"plannen": [')
        for n in range(plans):
            handle.write(
                ("," if n else "") + json.dumps({"Gemeente": f"G{n}", "toelichting": answer})
            )
        handle.write("]}")
    size = path.stat().st_size
    assert size > 40_000_000
    tracemalloc.start()
    try:
        count = sum(1 for record in read_records(path, small) if isinstance(record, PlanRecord))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == plans
    # The file is never held whole: a megabyte or two of text, one plan and the set of names
    # seen (for duplicates), which grows by a few dozen bytes per plan.
    assert peak < size / 4, f"peak {peak:,} bytes for a file of {size:,}"


@pytest.mark.parametrize(
    "content",
    [
        '[{"Gemeente": "Ede",}]',
        '[\n {"Gemeente": "Ede"},\n {"Gemeente": "Epe", "toelichting": "a}\n]',
        '{"Gemeente": "Ede", "toelichting": tru}',
        '{"plannen": [{"Gemeente": "Ede"} {"Gemeente": "Epe"}]}',
    ],
)
def test_streamed_json_names_the_place_of_a_syntax_error_as_json_does(
    tmp_path: Path, small: Template, content: str
) -> None:
    path = tmp_path / "fout.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(content)
    with pytest.raises(DataFileError, match=r"not valid JSON \(line (\d+), column (\d+)") as error:
        list(read_records(path, small))
    found = re.search(r"line (\d+), column (\d+)", str(error.value))
    assert found is not None
    assert (int(found[1]), int(found[2])) == (expected.value.lineno, expected.value.colno)

"""The valid corpus: one small Word document per case, with the controls a reader must find.

Conventions the expectations follow (tests in ``tests/test_corpus_judges.py`` check them against
the XML of every case):

- ``controls`` are in document order, parts in the order body, headers, footers, footnotes,
  endnotes; a container comes before the controls nested in it.
- A repeating section's ``w15:repeatingSectionItem`` wrappers are w:sdt elements too, but they are
  items of the section, not controls: they have no ExpectedControl. The section's ``value`` is one
  dict per item, ``{child tag: child value}``, and the children in each item are ExpectedControls
  with ``parent_tag`` set to the section's tag.
- ``value`` of a text kind is the text with paragraphs joined by ``"\\n"`` and ``<w:br/>`` read as
  ``"\\n"`` (a row- or cell-level rich text control: its cells' paragraphs, joined the same way).
  A control showing its placeholder, or with no text at all, has ``value`` None.
- For a data-bound control ``value`` is the value in the custom XML part (Word shows that on open),
  which may differ from the stale text in the document.
- A control in a text box is listed twice: once in the DrawingML text box (``mc:Choice``) and
  once, with ``fallback=True``, in its VML copy (``mc:Fallback``), in document order.
- ``label`` is the question: for a run-level control with text before it in its paragraph, that
  text (stripped, e.g. ``"Naam:"``); otherwise the text of the nearest non-empty paragraph before
  the control in the same part (for a row-level control: before its table).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .word import (
    DOCPART_DATE,
    DOCPART_LIST,
    DOCPART_TEXT,
    RSIDS,
    Binding,
    CustomXml,
    Locale,
    Media,
    build_docx,
    checkbox_ext,
    checkbox_glyph_run,
    date_type,
    dropdown_type,
    endnote_reference,
    footnote_reference,
    heading,
    inline_picture,
    locale,
    p,
    placeholder_run,
    png_bytes,
    r,
    rpr,
    sdt,
    sdt_pr,
    stable_guid,
    stable_int,
    tbl,
    tc,
    text_type,
    tr,
)

KINDS = (
    "rich_text",
    "plain_text",
    "dropdown",
    "combo_box",
    "date",
    "checkbox",
    "picture",
    "repeating_section",
    "group",
)
LEVELS = ("block", "run", "cell", "row")
LOCKS = ("sdtLocked", "contentLocked", "sdtContentLocked")
BODY = "word/document.xml"


@dataclass(frozen=True)
class ExpectedControl:
    kind: str  # one of KINDS
    part: str  # e.g. "word/document.xml", "word/header1.xml", "word/footnotes.xml"
    level: str  # "block" (holds w:p/w:tbl), "run" (inside w:p), "cell" (holds w:tc), "row" (w:tr)
    tag: str | None
    alias: str | None
    showing_placeholder: bool
    # str for text kinds, the list item VALUE for dropdown, str for combo box, datetime.date for
    # date, bool for checkbox, None when unfilled/empty; None for picture and group; for a
    # repeating section a list of dicts {child tag: value}
    value: object
    choices: tuple[str, ...] | None = None  # list item values, without Word's empty prompt item
    display: tuple[str, ...] | None = None  # matching displayText, same order
    multiline: bool = False
    lock: str | None = None  # "sdtLocked" | "contentLocked" | "sdtContentLocked" | None
    bound: bool = False  # has w:dataBinding (or w15:dataBinding)
    parent_tag: str | None = None  # tag of the enclosing control when nested
    label: str | None = None  # the question (see the module docstring)
    fallback: bool = False  # the VML copy (mc:Fallback) of a text box's control: a second place


@dataclass(frozen=True)
class Case:
    name: str  # file-name-safe, e.g. "dropdown_block_body"
    description: str
    build: Callable[[], bytes]
    controls: tuple[ExpectedControl, ...]  # document order: body, headers, footers, notes
    suffix: str = ".docx"

    @property
    def filename(self) -> str:
        return self.name + self.suffix


NL = locale("nl-NL")
EN = locale("en-US")
DE = locale("de-DE")

END = "<w:sdtEndPr/>"  # Word writes an empty sdtEndPr after block-level controls


def _id(tag: str | None, salt: str = "") -> int:
    return stable_int(f"sdt|{tag}|{salt}")


# --- control builders (Word's markup for each kind) ----------------------------------------------


def rich_block(
    content: str | None,
    *,
    tag: str | None,
    alias: str | None,
    loc: Locale = NL,
    lock: str | None = None,
    binding: Binding | None = None,
    salt: str = "",
    placeholder_runs: Sequence[str] | None = None,
) -> str:
    """A block-level rich text control; ``content=None`` shows the placeholder."""
    showing = content is None
    if showing:
        runs = placeholder_runs or [placeholder_run(loc.text_placeholder, loc)]
        content = p(*runs)
    pr = sdt_pr(
        sdt_id=_id(tag, salt),
        alias=alias,
        tag=tag,
        lock=lock,
        docpart=DOCPART_TEXT,
        showing=showing,
        binding=binding,
    )
    return sdt(pr, content, end_pr=END)


def rich_run(text: str | None, *, tag: str, alias: str | None, loc: Locale = NL) -> str:
    showing = text is None
    content = placeholder_run(loc.text_placeholder, loc) if showing else r(text or "")
    pr = sdt_pr(sdt_id=_id(tag), alias=alias, tag=tag, docpart=DOCPART_TEXT, showing=showing)
    return sdt(pr, content)


def plain_run(
    text: str | None,
    *,
    tag: str | None,
    alias: str | None,
    loc: Locale = NL,
    lock: str | None = None,
    binding: Binding | None = None,
    salt: str = "",
    empty: bool = False,
) -> str:
    """A run-level plain text control (w:text); ``text=None`` shows the placeholder.

    ``empty=True`` writes Word's self-closing ``<w:sdtContent/>`` and no placeholder.
    """
    showing = text is None and not empty
    if empty:
        content = None
    elif showing:
        content = placeholder_run(loc.text_placeholder, loc)
    else:
        content = r(text or "")
    pr = sdt_pr(
        sdt_id=_id(tag, salt),
        alias=alias,
        tag=tag,
        lock=lock,
        docpart=DOCPART_TEXT,
        showing=showing,
        binding=binding,
        type_xml=text_type(),
    )
    return sdt(pr, content)


def dropdown_run(
    chosen: str | None,
    items: Sequence[tuple[str, str]],
    *,
    tag: str | None,
    alias: str | None,
    loc: Locale = NL,
    lock: str | None = None,
    combo: bool = False,
    typed: str | None = None,
    bold: bool = False,
) -> str:
    """A run-level dropdown list (or combo box) with Word's empty-valued prompt item first.

    ``chosen`` is the VALUE of the selected item (None: placeholder). A combo box can instead hold
    ``typed`` free text.
    """
    display = {v: d for d, v in items}
    showing = chosen is None and typed is None
    props = rpr(bold=bold)
    if showing:
        content = placeholder_run(loc.list_placeholder, loc)
    else:
        content = r(typed if typed is not None else display[chosen or ""], props=props)
    type_xml = dropdown_type(items, last_value=chosen, prompt=loc.list_placeholder, combo=combo)
    pr = sdt_pr(
        sdt_id=_id(tag, "list"),
        alias=alias,
        tag=tag,
        lock=lock,
        docpart=DOCPART_LIST,
        showing=showing,
        run_props=props,
        type_xml=type_xml,
    )
    return sdt(pr, content)


DUTCH_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def dutch_date(day: datetime.date) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


def date_run(
    day: datetime.date | None,
    *,
    tag: str | None,
    alias: str | None,
    loc: Locale = NL,
    binding: Binding | None = None,
) -> str:
    """A run-level date picker (d MMMM yyyy, stored as dateTime, Gregorian calendar)."""
    showing = day is None
    full = None if day is None else f"{day.isoformat()}T00:00:00Z"
    content = placeholder_run(loc.date_placeholder, loc) if day is None else r(dutch_date(day))
    pr = sdt_pr(
        sdt_id=_id(tag, "date"),
        alias=alias,
        tag=tag,
        docpart=DOCPART_DATE,
        showing=showing,
        binding=binding,
        type_xml=date_type(full, lang=loc.lang),
    )
    return sdt(pr, content)


def checkbox_run(checked: bool, *, tag: str, alias: str | None) -> str:
    pr = sdt_pr(sdt_id=_id(tag, "check"), alias=alias, tag=tag, ext_xml=checkbox_ext(checked))
    return sdt(pr, checkbox_glyph_run(checked))


# --- the cases --------------------------------------------------------------------------------


def _ctl(
    kind: str,
    level: str,
    tag: str | None,
    alias: str | None,
    value: object,
    label: str | None,
    *,
    part: str = BODY,
    showing: bool = False,
    **more: object,
) -> ExpectedControl:
    return ExpectedControl(
        kind=kind,
        part=part,
        level=level,
        tag=tag,
        alias=alias,
        showing_placeholder=showing,
        value=value,
        label=label,
        **more,  # type: ignore[arg-type]
    )


CASES: list[Case] = []


def case(name: str, description: str, *controls: ExpectedControl, suffix: str = ".docx"):  # type: ignore[no-untyped-def]
    """Register the decorated builder as a corpus case."""

    def register(build: Callable[[], bytes]) -> Callable[[], bytes]:
        CASES.append(Case(name, description, build, tuple(controls), suffix))
        return build

    return register


# Rich text ---------------------------------------------------------------------------------------

Q_AANLEIDING = "Beschrijf de aanleiding voor dit beleidsplan."


@case(
    "rich_text_block_body",
    "Block-level rich text control in the body, showing the Dutch placeholder.",
    _ctl("rich_text", "block", "aanleiding", "Aanleiding", None, Q_AANLEIDING, showing=True),
)
def _rich_text_block_body() -> bytes:
    body = (
        heading("1. Aanleiding", 1, NL)
        + p(Q_AANLEIDING)
        + rich_block(None, tag="aanleiding", alias="Aanleiding")
        + p("De aanleiding wordt besproken in de commissie Samenleving.")
    )
    return build_docx(body, title="Beleidsplan eenzaamheid")


@case(
    "rich_text_run",
    "Run-level rich text control after text in the same paragraph, filled.",
    _ctl(
        "rich_text",
        "run",
        "plan_titel",
        "Titel van het plan",
        "Samen tegen eenzaamheid",
        "Titel van het plan:",
    ),
)
def _rich_text_run() -> bytes:
    body = heading("Algemene gegevens", 1, NL) + p(
        r("Titel van het plan: "),
        rich_run("Samen tegen eenzaamheid", tag="plan_titel", alias="Titel van het plan"),
    )
    return build_docx(body)


Q_SITUATIE = "Beschrijf de huidige situatie in de gemeente."
SITUATIE = (
    "In 2024 woonden er ruim 125.000 inwoners in de gemeente.\n"
    "Het aantal eenzame ouderen steeg met 4 procent.\n"
    "Zie ook bijlage A."
)


@case(
    "rich_text_formatted_runs",
    "Filled block rich text: three paragraphs, text split over many runs with bold and italic.",
    _ctl("rich_text", "block", "huidige_situatie", "Huidige situatie", SITUATIE, Q_SITUATIE),
)
def _rich_text_formatted_runs() -> bytes:
    bold, italic = rpr(bold=True), rpr(italic=True)
    content = (
        p(
            r("In ", rsid=RSIDS[2]),
            r("2024", props=bold, rsid=RSIDS[2]),
            r(" woonden er ", rsid=RSIDS[3]),
            r("ruim", props=italic, rsid=RSIDS[3]),
            r(" 125.000 inwoners in de gemeente.", rsid=RSIDS[4]),
        )
        + p(
            r("Het aantal "),
            r("eenzame", props=rpr(bold=True, italic=True)),
            r(" ouderen "),
            r("steeg", props=italic),
            r(" met 4 procent."),
        )
        + p(r("Zie ook "), r("bijlage A", props=bold), r("."))
    )
    body = p(Q_SITUATIE) + rich_block(content, tag="huidige_situatie", alias="Huidige situatie")
    return build_docx(body)


Q_DOELEN = "Welke doelen wil de gemeente bereiken?"


@case(
    "placeholder_split_runs",
    "Placeholder text split over three runs in the placeholder style (as after spell-check).",
    _ctl("rich_text", "block", "doelen", "Doelen", None, Q_DOELEN, showing=True),
)
def _placeholder_split_runs() -> bytes:
    runs = [
        placeholder_run("Klik of tik ", NL, rsid=RSIDS[1]),
        placeholder_run("om tekst ", NL, rsid=RSIDS[2]),
        placeholder_run("in te voeren.", NL, rsid=RSIDS[3]),
    ]
    body = p(Q_DOELEN) + rich_block(None, tag="doelen", alias="Doelen", placeholder_runs=runs)
    return build_docx(body)


# Plain text ------------------------------------------------------------------------------------


@case(
    "plain_text_single_line",
    "Run-level plain text control (w:text) after 'Naam van de gemeente: ', filled.",
    _ctl("plain_text", "run", "gemeente_naam", "Gemeentenaam", "Leiden", "Naam van de gemeente:"),
)
def _plain_text_single_line() -> bytes:
    body = heading("Algemene gegevens", 1, NL) + p(
        r("Naam van de gemeente: "),
        plain_run("Leiden", tag="gemeente_naam", alias="Gemeentenaam"),
    )
    return build_docx(body)


Q_POSTADRES = "Wat is het postadres van de afdeling?"


@case(
    "plain_text_multiline",
    "Run-level plain text control with w:multiLine in its own paragraph, two lines split by w:br.",
    _ctl(
        "plain_text",
        "run",
        "postadres",
        "Postadres",
        "Postbus 9100\n2300 PC Leiden",
        Q_POSTADRES,
        multiline=True,
    ),
)
def _plain_text_multiline() -> bytes:
    pr = sdt_pr(
        sdt_id=_id("postadres"),
        alias="Postadres",
        tag="postadres",
        docpart=DOCPART_TEXT,
        type_xml=text_type(multiline=True),
    )
    body = p(Q_POSTADRES) + p(sdt(pr, r("Postbus 9100\n2300 PC Leiden")))
    return build_docx(body)


# Dropdown and combo box ------------------------------------------------------------------------

TERREINEN = (
    ("Sociaal domein", "SD"),
    ("Fysiek domein", "FD"),
    ("Veiligheid", "VL"),
    ("Bedrijfsvoering", "BV"),
)
Q_TERREIN = "Welk beleidsterrein betreft dit plan?"


def _choices(items: Sequence[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    return {"choices": tuple(v for _, v in items), "display": tuple(d for d, _ in items)}


@case(
    "dropdown_unfilled",
    "Run-level dropdown list showing 'Kies een item.'; items have displayText != value.",
    _ctl(
        "dropdown",
        "run",
        "beleidsterrein",
        "Beleidsterrein",
        None,
        Q_TERREIN,
        showing=True,
        **_choices(TERREINEN),
    ),
)
def _dropdown_unfilled() -> bytes:
    body = p(Q_TERREIN) + p(
        dropdown_run(None, TERREINEN, tag="beleidsterrein", alias="Beleidsterrein")
    )
    return build_docx(body)


FREQUENTIES = (("Elk jaar", "1"), ("Elke twee jaar", "2"), ("Elke vier jaar", "4"))
Q_EVALUATIE = "Hoe vaak wordt het plan geëvalueerd?"


@case(
    "dropdown_filled",
    "Run-level dropdown with 'Elke twee jaar' chosen (value '2', w:lastValue), bold.",
    _ctl(
        "dropdown",
        "run",
        "evaluatie_frequentie",
        "Evaluatiefrequentie",
        "2",
        Q_EVALUATIE,
        **_choices(FREQUENTIES),
    ),
)
def _dropdown_filled() -> bytes:
    body = p(Q_EVALUATIE) + p(
        dropdown_run(
            "2", FREQUENTIES, tag="evaluatie_frequentie", alias="Evaluatiefrequentie", bold=True
        )
    )
    return build_docx(body)


UITVOERDERS = (
    ("GGD Hollands Midden", "GGD Hollands Midden"),
    ("Wijkteams", "Wijkteams"),
    ("Gemeente (eigen organisatie)", "Gemeente (eigen organisatie)"),
)
Q_UITVOERDER = "Welke organisatie voert het plan uit?"


@case(
    "combo_box_typed",
    "Run-level combo box holding free text typed by the user (not one of its items).",
    _ctl(
        "combo_box",
        "run",
        "uitvoerder",
        "Uitvoerder",
        "Stichting Buurtwerk Leiden",
        Q_UITVOERDER,
        **_choices(UITVOERDERS),
    ),
)
def _combo_box_typed() -> bytes:
    body = p(Q_UITVOERDER) + p(
        dropdown_run(
            None,
            UITVOERDERS,
            tag="uitvoerder",
            alias="Uitvoerder",
            combo=True,
            typed="Stichting Buurtwerk Leiden",
        )
    )
    return build_docx(body)


REGIOS = (
    ("Holland Rijnland", "Holland Rijnland"),
    ("Midden-Holland", "Midden-Holland"),
    ("Haaglanden", "Haaglanden"),
)
Q_REGIO = "In welke regio werkt de gemeente samen?"


@case(
    "combo_box_item",
    "Run-level combo box with a list item chosen (w:lastValue is the item's value).",
    _ctl("combo_box", "run", "regio", "Regio", "Holland Rijnland", Q_REGIO, **_choices(REGIOS)),
)
def _combo_box_item() -> bytes:
    body = p(Q_REGIO) + p(
        dropdown_run("Holland Rijnland", REGIOS, tag="regio", alias="Regio", combo=True)
    )
    return build_docx(body)


# Date --------------------------------------------------------------------------------------------

Q_VASTGESTELD = "Wanneer is het plan vastgesteld?"


@case(
    "date_unfilled",
    "Run-level date picker showing the date placeholder.",
    _ctl(
        "date", "run", "datum_vaststelling", "Datum vaststelling", None, Q_VASTGESTELD, showing=True
    ),
)
def _date_unfilled() -> bytes:
    body = p(Q_VASTGESTELD) + p(
        date_run(None, tag="datum_vaststelling", alias="Datum vaststelling")
    )
    return build_docx(body)


@case(
    "date_filled",
    "Run-level date picker with w:fullDate 2025-03-14 shown as '14 maart 2025'.",
    _ctl(
        "date",
        "run",
        "datum_inwerkingtreding",
        "Datum inwerkingtreding",
        datetime.date(2025, 3, 14),
        "Datum van inwerkingtreding:",
    ),
)
def _date_filled() -> bytes:
    body = p(
        r("Datum van inwerkingtreding: "),
        date_run(
            datetime.date(2025, 3, 14), tag="datum_inwerkingtreding", alias="Datum inwerkingtreding"
        ),
    )
    return build_docx(body)


# Checkbox -----------------------------------------------------------------------------------------

Q_ADVIESRAAD = "Is het plan besproken met de adviesraad sociaal domein?"
Q_PARTICIPATIE = "Zijn inwoners betrokken bij het opstellen van het plan?"


@case(
    "checkbox_unchecked",
    "Run-level w14:checkbox, unchecked (glyph ☐ in MS Gothic), text after it.",
    _ctl(
        "checkbox", "run", "adviesraad_besproken", "Besproken met adviesraad", False, Q_ADVIESRAAD
    ),
)
def _checkbox_unchecked() -> bytes:
    body = p(Q_ADVIESRAAD) + p(
        checkbox_run(False, tag="adviesraad_besproken", alias="Besproken met adviesraad"),
        r(" Ja, het plan is besproken"),
    )
    return build_docx(body)


@case(
    "checkbox_checked",
    "Run-level w14:checkbox, checked (glyph ☒ in MS Gothic), text after it.",
    _ctl("checkbox", "run", "participatie_gedaan", "Participatie", True, Q_PARTICIPATIE),
)
def _checkbox_checked() -> bytes:
    body = p(Q_PARTICIPATIE) + p(
        checkbox_run(True, tag="participatie_gedaan", alias="Participatie"),
        r(" Ja, via een participatietraject"),
    )
    return build_docx(body)


# Picture ---------------------------------------------------------------------------------------

Q_LOGO = "Voeg het logo van de gemeente in."


@case(
    "picture",
    "Block-level picture control holding an inline drawing of a small PNG in word/media.",
    _ctl("picture", "block", "logo", "Logo", None, Q_LOGO),
)
def _picture() -> bytes:
    pr = sdt_pr(sdt_id=_id("logo"), alias="Logo", tag="logo", type_xml="<w:picture/>")
    drawing = inline_picture("rId20", name="Afbeelding 1", docpr_id=1, cx=914400, cy=914400)
    content = p(drawing, ppr_extra='<w:jc w:val="center"/>')
    body = p(Q_LOGO) + sdt(pr, content, end_pr=END)
    return build_docx(body, media=[Media("image1.png", png_bytes(), "rId20")])


# Repeating section -------------------------------------------------------------------------------

Q_PARTNERS = "Welke partners werken mee aan de uitvoering?"
PARTNERS = (
    {"partner_naam": "GGD Hollands Midden", "partner_rol": "Monitoring en advies"},
    {"partner_naam": "Stichting Buurtwerk", "partner_rol": "Uitvoering in de wijken"},
)


@case(
    "repeating_section",
    "w15:repeatingSection with two w15:repeatingSectionItem items of two tagged text controls.",
    _ctl(
        "repeating_section",
        "block",
        "partners",
        "Partners",
        [dict(x) for x in PARTNERS],
        Q_PARTNERS,
    ),
    *(
        _ctl("plain_text", "run", key, alias, item[key], label, parent_tag="partners")
        for item in PARTNERS
        for key, alias, label in (
            ("partner_naam", "Naam partner", "Naam partner:"),
            ("partner_rol", "Rol", "Rol:"),
        )
    ),
)
def _repeating_section() -> bytes:
    items = []
    for n, item in enumerate(PARTNERS):
        salt = f"item{n}"
        content = p(
            r("Naam partner: "),
            plain_run(item["partner_naam"], tag="partner_naam", alias="Naam partner", salt=salt),
        ) + p(r("Rol: "), plain_run(item["partner_rol"], tag="partner_rol", alias="Rol", salt=salt))
        item_pr = sdt_pr(sdt_id=_id("partners", salt), ext_xml="<w15:repeatingSectionItem/>")
        items.append(sdt(item_pr, content, end_pr=END))
    pr = sdt_pr(
        sdt_id=_id("partners"), alias="Partners", tag="partners", ext_xml="<w15:repeatingSection/>"
    )
    body = p(Q_PARTNERS) + sdt(pr, "".join(items), end_pr=END)
    return build_docx(body)


# Group (also: a dropdown nested in a group) -----------------------------------------------------

PORTEFEUILLES = (("Zorg en welzijn", "zorg"), ("Wonen", "wonen"), ("Financiën", "financien"))


@case(
    "group",
    "w:group control holding fixed text, a plain text control and a dropdown list.",
    _ctl("group", "block", "ondertekening", "Ondertekening", None, "Ondertekening"),
    _ctl(
        "plain_text",
        "run",
        "wethouder_naam",
        "Naam wethouder",
        "J. Jansen",
        "Naam wethouder:",
        parent_tag="ondertekening",
    ),
    _ctl(
        "dropdown",
        "run",
        "portefeuille",
        "Portefeuille",
        "zorg",
        "Portefeuille:",
        parent_tag="ondertekening",
        **_choices(PORTEFEUILLES),
    ),
)
def _group() -> bytes:
    content = (
        p("Namens het college van burgemeester en wethouders,")
        + p(
            r("Naam wethouder: "),
            plain_run("J. Jansen", tag="wethouder_naam", alias="Naam wethouder"),
        )
        + p(
            r("Portefeuille: "),
            dropdown_run("zorg", PORTEFEUILLES, tag="portefeuille", alias="Portefeuille"),
        )
    )
    pr = sdt_pr(
        sdt_id=_id("ondertekening"),
        alias="Ondertekening",
        tag="ondertekening",
        type_xml="<w:group/>",
    )
    body = heading("Ondertekening", 1, NL) + sdt(pr, content, end_pr=END)
    return build_docx(body)


# Nested rich text with a plain text control inside ------------------------------------------------

Q_AANSPREEKPUNT = "Wie is het aanspreekpunt voor dit plan?"


@case(
    "nested_rich_text_plain_text",
    "Block rich text control whose paragraph holds a run-level plain text control.",
    _ctl(
        "rich_text",
        "block",
        "aanspreekpunt",
        "Aanspreekpunt",
        "Contactpersoon: M. de Vries\nTelefoon: 14 071",
        Q_AANSPREEKPUNT,
    ),
    _ctl(
        "plain_text",
        "run",
        "aanspreekpunt_naam",
        "Naam contactpersoon",
        "M. de Vries",
        "Contactpersoon:",
        parent_tag="aanspreekpunt",
    ),
)
def _nested_rich_text_plain_text() -> bytes:
    content = p(
        r("Contactpersoon: "),
        plain_run("M. de Vries", tag="aanspreekpunt_naam", alias="Naam contactpersoon"),
    ) + p(r("Telefoon: 14 071"))
    body = p(Q_AANSPREEKPUNT) + rich_block(content, tag="aanspreekpunt", alias="Aanspreekpunt")
    return build_docx(body)


# Levels in tables ------------------------------------------------------------------------------


@case(
    "cell_level",
    "Two cell-level rich text controls (w:sdt holding a w:tc in a w:tr): filled, placeholder.",
    _ctl("rich_text", "cell", "aantal_inwoners", "Aantal inwoners", "125.000", "Aantal inwoners"),
    _ctl(
        "rich_text", "cell", "aantal_wijken", "Aantal wijken", None, "Aantal wijken", showing=True
    ),
)
def _cell_level() -> bytes:
    def cell_control(text: str | None, tag: str, alias: str) -> str:
        showing = text is None
        inner = placeholder_run(NL.text_placeholder, NL) if text is None else r(text)
        pr = sdt_pr(sdt_id=_id(tag), alias=alias, tag=tag, docpart=DOCPART_TEXT, showing=showing)
        return sdt(pr, tc(p(inner)), end_pr=END)

    table = tbl(
        tr(tc(p("Aantal inwoners")), cell_control("125.000", "aantal_inwoners", "Aantal inwoners")),
        tr(tc(p("Aantal wijken")), cell_control(None, "aantal_wijken", "Aantal wijken")),
        loc=NL,
    )
    body = p("Vul de kerngegevens van de gemeente in.") + table + p()
    return build_docx(body)


Q_DOELGROEP = "Welke doelgroep bedient het plan?"


@case(
    "row_level",
    "Row-level rich text control (w:sdt holding a w:tr) as the first row of a table.",
    _ctl(
        "rich_text",
        "row",
        "doelgroep_rij",
        "Doelgroep",
        "Jongeren\nVan 12 tot 23 jaar",
        Q_DOELGROEP,
    ),
)
def _row_level() -> bytes:
    pr = sdt_pr(
        sdt_id=_id("doelgroep_rij"), alias="Doelgroep", tag="doelgroep_rij", docpart=DOCPART_TEXT
    )
    row = sdt(pr, tr(tc(p("Jongeren")), tc(p("Van 12 tot 23 jaar"))), end_pr=END)
    body = p(Q_DOELGROEP) + tbl(row, tr(tc(p("Ouderen")), tc(p("Vanaf 75 jaar"))), loc=NL) + p()
    return build_docx(body)


@case(
    "block_in_cell",
    "Block-level rich text control as the content of a table cell, showing its placeholder.",
    _ctl(
        "rich_text",
        "block",
        "contactpersoon",
        "Contactpersoon",
        None,
        "Contactpersoon",
        showing=True,
    ),
)
def _block_in_cell() -> bytes:
    control = rich_block(None, tag="contactpersoon", alias="Contactpersoon")
    body = p("Contactgegevens") + tbl(tr(tc(p("Contactpersoon")), tc(control)), loc=NL) + p()
    return build_docx(body)


# Parts ---------------------------------------------------------------------------------------


@case(
    "parts_header_footer_notes",
    "One control each in the body, header (block), footer, a footnote and an endnote.",
    _ctl("plain_text", "run", "zaaknummer", "Zaaknummer", "Z/25/012345", "Zaaknummer:"),
    _ctl(
        "rich_text",
        "block",
        "kop_afdeling",
        "Afdeling",
        "Sociaal Domein",
        "Afdeling",
        part="word/header1.xml",
    ),
    _ctl("plain_text", "run", "voet_versie", "Versie", "1.0", "Versie:", part="word/footer1.xml"),
    _ctl(
        "plain_text",
        "run",
        "noot_bron",
        "Bron",
        "CBS Statline 2024",
        "Bron:",
        part="word/footnotes.xml",
    ),
    _ctl(
        "plain_text",
        "run",
        "eindnoot_verwijzing",
        "Verwijzing",
        "Raadsbesluit 2024-17",
        "Zie ook:",
        part="word/endnotes.xml",
    ),
)
def _parts_header_footer_notes() -> bytes:
    body = (
        heading("Kenmerken", 1, NL)
        + p(
            r("Zaaknummer: "),
            plain_run("Z/25/012345", tag="zaaknummer", alias="Zaaknummer"),
            footnote_reference(1, NL),
        )
        + p(r("De achtergrond staat in de eindnoot."), endnote_reference(1, NL))
    )
    header = p("Afdeling", style=NL.header) + rich_block(
        p(r("Sociaal Domein"), style=NL.header), tag="kop_afdeling", alias="Afdeling"
    )
    footer = p(r("Versie: "), plain_run("1.0", tag="voet_versie", alias="Versie"), style=NL.footer)
    footnote = r("Bron: ") + plain_run("CBS Statline 2024", tag="noot_bron", alias="Bron")
    endnote = r("Zie ook: ") + plain_run(
        "Raadsbesluit 2024-17", tag="eindnoot_verwijzing", alias="Verwijzing"
    )
    return build_docx(
        body, headers=[header], footers=[footer], footnotes=[footnote], endnotes=[endnote]
    )


# Data binding ------------------------------------------------------------------------------------

STORE_NS = "urn:docx-aanpak:beleidsplan"
PREFIX = f"xmlns:ns0='{STORE_NS}' "


def _store(key: str, gemeente: str, vaststelling: str, toelichting: str) -> CustomXml:
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<beleidsplan xmlns="{STORE_NS}"><gemeente>{gemeente}</gemeente>'
        f"<vaststelling>{vaststelling}</vaststelling><toelichting>{toelichting}</toelichting>"
        "</beleidsplan>"
    )
    return CustomXml(stable_guid("store " + key), xml, (STORE_NS,))


@case(
    "bound_plain_text",
    "Plain text control with w:dataBinding; custom XML holds 'Leiden', the document text is stale.",
    _ctl("plain_text", "run", "gemeente_gebonden", "Gemeente", "Leiden", "Gemeente:", bound=True),
)
def _bound_plain_text() -> bytes:
    store = _store("plain", "Leiden", "2025-06-30T00:00:00", "Zie raadsvoorstel.")
    binding = Binding("/ns0:beleidsplan[1]/ns0:gemeente[1]", store.item_id, PREFIX)
    body = heading("Gegevens", 1, NL) + p(
        r("Gemeente: "),
        plain_run("Gemeente Voorbeeld", tag="gemeente_gebonden", alias="Gemeente", binding=binding),
    )
    return build_docx(body, custom_xml=[store])


@case(
    "bound_date",
    "Date control with w:dataBinding; custom XML holds 2025-06-30, the document 1 januari 2025.",
    _ctl(
        "date",
        "run",
        "datum_gebonden",
        "Datum vaststelling",
        datetime.date(2025, 6, 30),
        "Datum vaststelling:",
        bound=True,
    ),
)
def _bound_date() -> bytes:
    store = _store("date", "Leiden", "2025-06-30T00:00:00", "Zie raadsvoorstel.")
    binding = Binding("/ns0:beleidsplan[1]/ns0:vaststelling[1]", store.item_id, PREFIX)
    body = heading("Gegevens", 1, NL) + p(
        r("Datum vaststelling: "),
        date_run(
            datetime.date(2025, 1, 1),
            tag="datum_gebonden",
            alias="Datum vaststelling",
            binding=binding,
        ),
    )
    return build_docx(body, custom_xml=[store])


TOELICHTING = "Het plan volgt uit het coalitieakkoord 2022-2026."
Q_TOELICHTING = "Geef een toelichting op het plan."


@case(
    "bound_w15",
    "Rich text control mapped with Word 2013's w15:dataBinding (custom XML equals the text).",
    _ctl(
        "rich_text",
        "block",
        "toelichting_gebonden",
        "Toelichting",
        TOELICHTING,
        Q_TOELICHTING,
        bound=True,
    ),
)
def _bound_w15() -> bytes:
    store = _store("w15", "Leiden", "2025-06-30T00:00:00", TOELICHTING)
    binding = Binding("/ns0:beleidsplan[1]/ns0:toelichting[1]", store.item_id, PREFIX, w15=True)
    body = p(Q_TOELICHTING) + rich_block(
        p(r(TOELICHTING)), tag="toelichting_gebonden", alias="Toelichting", binding=binding
    )
    return build_docx(body, custom_xml=[store])


# Empty content ------------------------------------------------------------------------------------

Q_OPMERKINGEN = "Opmerkingen van de ambtelijk opdrachtgever:"


@case(
    "empty_content",
    "Block control holding one empty w:p, and a run control with a self-closing w:sdtContent.",
    _ctl("rich_text", "block", "opmerkingen", "Opmerkingen", None, Q_OPMERKINGEN),
    _ctl(
        "plain_text",
        "run",
        "kenmerk_raadsvoorstel",
        "Kenmerk raadsvoorstel",
        None,
        "Kenmerk raadsvoorstel:",
    ),
)
def _empty_content() -> bytes:
    pr = sdt_pr(sdt_id=_id("opmerkingen"), alias="Opmerkingen", tag="opmerkingen")
    body = (
        p(Q_OPMERKINGEN)
        + sdt(pr, "<w:p/>", end_pr=END)
        + p(
            r("Kenmerk raadsvoorstel: "),
            plain_run(None, tag="kenmerk_raadsvoorstel", alias="Kenmerk raadsvoorstel", empty=True),
        )
    )
    return build_docx(body)


# Localized placeholders (same questions, Word in another UI language) -----------------------------


def _localized(loc: Locale) -> Callable[[], bytes]:
    def build() -> bytes:
        body = (
            heading("Beleidsplan", 1, loc)
            + p(Q_AANLEIDING)
            + rich_block(None, tag="aanleiding", alias="Aanleiding", loc=loc)
            + p(Q_TERREIN)
            + p(
                dropdown_run(None, TERREINEN, tag="beleidsterrein", alias="Beleidsterrein", loc=loc)
            )
            + p(Q_VASTGESTELD)
            + p(date_run(None, tag="datum_vaststelling", alias="Datum vaststelling", loc=loc))
        )
        return build_docx(body, lang=loc.lang)

    return build


def _localized_controls() -> tuple[ExpectedControl, ...]:
    return (
        _ctl("rich_text", "block", "aanleiding", "Aanleiding", None, Q_AANLEIDING, showing=True),
        _ctl(
            "dropdown",
            "run",
            "beleidsterrein",
            "Beleidsterrein",
            None,
            Q_TERREIN,
            showing=True,
            **_choices(TERREINEN),
        ),
        _ctl(
            "date",
            "run",
            "datum_vaststelling",
            "Datum vaststelling",
            None,
            Q_VASTGESTELD,
            showing=True,
        ),
    )


for _loc, _what in ((NL, "Dutch"), (EN, "English"), (DE, "German")):
    CASES.append(
        Case(
            f"localized_{_loc.lang.split('-')[0]}",
            f"{_what} Word: placeholders '{_loc.text_placeholder}' in style "
            f"'{_loc.placeholder_style}' (text, dropdown, date), same Dutch questions.",
            _localized(_loc),
            _localized_controls(),
        )
    )


# Locks --------------------------------------------------------------------------------------------

Q_SAMENVATTING = "Geef een korte samenvatting van het plan."


@case(
    "locked_controls",
    "contentLocked plain text, sdtLocked rich text (placeholder), sdtContentLocked dropdown.",
    _ctl(
        "plain_text",
        "run",
        "gemeente_vast",
        "Gemeente",
        "Leiden",
        "Naam van de gemeente:",
        lock="contentLocked",
    ),
    _ctl(
        "rich_text",
        "block",
        "samenvatting",
        "Samenvatting",
        None,
        Q_SAMENVATTING,
        showing=True,
        lock="sdtLocked",
    ),
    _ctl(
        "dropdown",
        "run",
        "terrein_vast",
        "Beleidsterrein",
        "SD",
        Q_TERREIN,
        lock="sdtContentLocked",
        **_choices(TERREINEN),
    ),
)
def _locked_controls() -> bytes:
    body = (
        p(
            r("Naam van de gemeente: "),
            plain_run("Leiden", tag="gemeente_vast", alias="Gemeente", lock="contentLocked"),
        )
        + p(Q_SAMENVATTING)
        + rich_block(None, tag="samenvatting", alias="Samenvatting", lock="sdtLocked")
        + p(Q_TERREIN)
        + p(
            dropdown_run(
                "SD", TERREINEN, tag="terrein_vast", alias="Beleidsterrein", lock="sdtContentLocked"
            )
        )
    )
    return build_docx(body)


# Keys from context and duplicate tags -------------------------------------------------------------

DOELSTELLING = "Minder eenzaamheid onder ouderen in 2027."


@case(
    "untagged_under_headings",
    "Controls without w:tag or w:alias directly under headings (Kop1/Kop2): key from context.",
    _ctl("rich_text", "block", None, None, None, "Aanleiding", showing=True),
    _ctl("rich_text", "block", None, None, DOELSTELLING, "Doelstellingen"),
    _ctl("date", "run", None, None, None, "Planning", showing=True),
)
def _untagged_under_headings() -> bytes:
    body = (
        heading("Aanleiding", 1, NL)
        + rich_block(None, tag=None, alias=None, salt="aanleiding")
        + heading("Doelstellingen", 1, NL)
        + rich_block(p(r(DOELSTELLING)), tag=None, alias=None, salt="doelstellingen")
        + heading("Planning", 2, NL)
        + p(date_run(None, tag=None, alias=None))
    )
    return build_docx(body)


@case(
    "duplicate_tags",
    "Two plain text controls with the same w:tag and w:alias ('naam') under different questions.",
    _ctl("plain_text", "run", "naam", "Naam", "A. Bakker", "Naam aanvrager:"),
    _ctl("plain_text", "run", "naam", "Naam", None, "Naam contactpersoon:", showing=True),
)
def _duplicate_tags() -> bytes:
    body = p(r("Naam aanvrager: "), plain_run("A. Bakker", tag="naam", alias="Naam", salt="1")) + p(
        r("Naam contactpersoon: "), plain_run(None, tag="naam", alias="Naam", salt="2")
    )
    return build_docx(body)


# Template and no controls ------------------------------------------------------------------------


@case(
    "template_dotx",
    "A Word template (.dotx, template main content type) with a rich text and a dropdown control.",
    _ctl("rich_text", "block", "aanleiding", "Aanleiding", None, Q_AANLEIDING, showing=True),
    _ctl(
        "dropdown",
        "run",
        "beleidsterrein",
        "Beleidsterrein",
        None,
        Q_TERREIN,
        showing=True,
        **_choices(TERREINEN),
    ),
    suffix=".dotx",
)
def _template_dotx() -> bytes:
    body = (
        heading("Beleidsplan", 1, NL)
        + p(Q_AANLEIDING)
        + rich_block(None, tag="aanleiding", alias="Aanleiding")
        + p(Q_TERREIN)
        + p(dropdown_run(None, TERREINEN, tag="beleidsterrein", alias="Beleidsterrein"))
    )
    return build_docx(body, main_content_type="dotx", title="Sjabloon beleidsplan")


@case("no_controls", "A plain policy text with headings and a table but no content controls.")
def _no_controls() -> bytes:
    body = (
        heading("Inleiding", 1, NL)
        + p("Dit beleidsplan beschrijft de lokale aanpak van eenzaamheid.")
        + heading("Budget", 2, NL)
        + tbl(tr(tc(p("Jaar")), tc(p("Bedrag"))), tr(tc(p("2025")), tc(p("€ 120.000"))), loc=NL)
        + p("Het college stelt het plan vast.")
    )
    return build_docx(body)


def by_name(name: str) -> Case:
    for c in CASES:
        if c.name == name:
            return c
    raise KeyError(name)


from . import bind as _bind  # noqa: E402, F401  (registers the data binding and package cases)
from . import scan as _scan  # noqa: E402, F401  (registers the scanning cases)

"""Corpus cases for scanning: controls in text boxes, controls whose own text must never name a
field, and a row-level repeating section after other rows. Registered in ``cases.CASES``.

A text box is written the way Word 365 writes one inserted with Insert > Text Box: a
``wps:wsp`` shape with ``wps:txbx/w:txbxContent`` inside ``mc:AlternateContent/mc:Choice
Requires="wps"``, and the same content again for older readers in ``mc:Fallback`` as a VML
``w:pict/v:shape/v:textbox/w:txbxContent``. Both copies hold the same controls (the same
``w:id``): a reader must treat the copy as a second place of the same control.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from .cases import END, NL, _choices, _ctl, _id, case, date_run, plain_run, rich_block
from .word import (
    DOCPART_LIST,
    DOCPART_TEXT,
    build_docx,
    checkbox_ext,
    checkbox_glyph_run,
    heading,
    p,
    placeholder_run,
    r,
    sdt,
    sdt_pr,
    stable_int,
    tbl,
    tc,
    tr,
)

HEADER = "word/header1.xml"


# --- text boxes -----------------------------------------------------------------------------------


def text_box(content: str, *, name: str, number: int, cx: int = 2360930, cy: int = 1404620) -> str:
    """A run holding an anchored text box (DrawingML with its VML copy) around ``content`` (the
    inside of w:txbxContent), as Word 365 writes a simple text box."""
    anchor_id = f"{stable_int('anchor ' + name, bits=31, signed=False):08X}"
    edit_id = f"{stable_int('edit ' + name, bits=31, signed=False):08X}"
    width_pt, height_pt = cx / 12700, cy / 12700
    choice = (
        '<mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="45720" distB="45720" distL="114300" distR="114300" simplePos="0"'
        f' relativeHeight="{251659264 + number * 1024}" behindDoc="0" locked="0" layoutInCell="1"'
        f' allowOverlap="1" wp14:anchorId="{anchor_id}" wp14:editId="{edit_id}">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>182880</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="22860" b="11430"/>'
        "<wp:wrapTopAndBottom/>"
        f'<wp:docPr id="{200 + number}" name="Tekstvak {number}"/>'
        "<wp:cNvGraphicFramePr><a:graphicFrameLocks/></wp:cNvGraphicFramePr>"
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
        'wordprocessingShape"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"><a:spLocks noChangeArrowheads="1"/></wps:cNvSpPr>'
        '<wps:spPr bwMode="auto"><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        '<a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
        '<a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill>'
        '<a:miter lim="800000"/><a:headEnd/><a:tailEnd/></a:ln></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="91440" tIns="45720" rIns="91440"'
        ' bIns="45720" anchor="t" anchorCtr="0"><a:spAutoFit/></wps:bodyPr>'
        "</wps:wsp></a:graphicData></a:graphic>"
        '<wp14:sizeRelH relativeFrom="margin"><wp14:pctWidth>0</wp14:pctWidth></wp14:sizeRelH>'
        '<wp14:sizeRelV relativeFrom="margin"><wp14:pctHeight>0</wp14:pctHeight></wp14:sizeRelV>'
        "</wp:anchor></w:drawing></mc:Choice>"
    )
    style = (
        f"position:absolute;margin-left:0;margin-top:14.4pt;width:{width_pt:g}pt;"
        f"height:{height_pt:g}pt;z-index:{251659264 + number * 1024};visibility:visible;"
        "mso-wrap-style:square;mso-width-percent:0;mso-height-percent:0;"
        "mso-wrap-distance-left:9pt;mso-wrap-distance-top:3.6pt;mso-wrap-distance-right:9pt;"
        "mso-wrap-distance-bottom:3.6pt;mso-position-horizontal:absolute;"
        "mso-position-horizontal-relative:text;mso-position-vertical:absolute;"
        "mso-position-vertical-relative:text;mso-width-percent:0;mso-height-percent:0;"
        "mso-width-relative:margin;mso-height-relative:margin;v-text-anchor:top"
    )
    fallback = (
        "<mc:Fallback><w:pict>"
        f'<v:shapetype w14:anchorId="{anchor_id}" id="_x0000_t202" coordsize="21600,21600"'
        ' o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
        '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
        f'<v:shape id="Tekstvak {number}" o:spid="_x0000_s{1025 + number}" type="#_x0000_t202"'
        f' style="{style}">'
        f'<v:textbox style="mso-fit-shape-to-text:t"><w:txbxContent>{content}</w:txbxContent>'
        '</v:textbox><w10:wrap type="topAndBottom"/></v:shape></w:pict></mc:Fallback>'
    )
    return (
        f"<w:r><w:rPr><w:noProof/></w:rPr><mc:AlternateContent>{choice}{fallback}"
        "</mc:AlternateContent></w:r>"
    )


Q_TITEL = "Titel van het plan:"
Q_SAMENVATTING = "Samenvatting van het plan"
Q_INLEIDING = "Inleiding van het plan"
Q_DATUM = "Datum:"
TITEL = "Samen veilig in Waalzicht"
DATUM = datetime.date(2025, 4, 1)


def text_boxes_document(*, tagged: bool = True, closing: Sequence[str] = ()) -> bytes:
    """A cover in two text boxes: one in the body (a run-level plain text control after
    "Titel van het plan:" and a block-level rich text control under "Samenvatting van het plan")
    and one in the header (a date control after "Datum:"); then an ordinary control. Untagged
    with ``tagged=False``; ``closing`` adds body content at the end."""

    def tag(name: str) -> str | None:
        return name if tagged else None

    cover = p(r(Q_TITEL + " "), plain_run(TITEL, tag=tag("titel_plan"), alias=None)) + p(
        Q_SAMENVATTING
    )
    cover += rich_block(None, tag=tag("samenvatting_plan"), alias=None, salt="samenvatting")
    body = (
        heading("Beleidsplan", 1, NL)
        + p(r("Het plan in het kort."), text_box(cover, name="omslag", number=1))
        + p(Q_INLEIDING)
        + rich_block(None, tag=tag("inleiding"), alias=None, salt="inleiding")
        + "".join(closing)
    )
    dated = p(r(Q_DATUM + " "), date_run(DATUM, tag=tag("datum_plan"), alias=None))
    header = p(r("Gemeente Waalzicht"), text_box(dated, name="kop", number=2, cy=457200))
    return build_docx(body, headers=[header], title="Beleidsplan met tekstvakken")


@case(
    "text_boxes",
    "Controls in text boxes (wps:txbx in mc:Choice, VML copy in mc:Fallback) in body and header.",
    _ctl("plain_text", "run", "titel_plan", None, TITEL, Q_TITEL),
    _ctl("rich_text", "block", "samenvatting_plan", None, None, Q_SAMENVATTING, showing=True),
    _ctl("plain_text", "run", "titel_plan", None, TITEL, Q_TITEL, fallback=True),
    _ctl(
        "rich_text",
        "block",
        "samenvatting_plan",
        None,
        None,
        Q_SAMENVATTING,
        showing=True,
        fallback=True,
    ),
    _ctl("rich_text", "block", "inleiding", None, None, Q_INLEIDING, showing=True),
    _ctl("date", "run", "datum_plan", None, DATUM, Q_DATUM, part=HEADER),
    _ctl("date", "run", "datum_plan", None, DATUM, Q_DATUM, part=HEADER, fallback=True),
)
def _text_boxes() -> bytes:
    return text_boxes_document()


# --- the own content of a control never names a field --------------------------------------------

Q_AKKOORD = "Gaat de gemeente akkoord met het convenant?"
Q_INSTEMMING = "Heeft de raad ingestemd?"
Q_DOELGROEP = "Voor welke doelgroep is het plan?"
Q_PARTNERS = "Welke partners doen mee?"
T_TOELICHTING = "Toelichting bij het besluit"
T_VOORWAARDEN = "Voorwaarden"
T_AANVULLING = "Aanvulling"
JA_NEE = (("Ja", "ja"), ("Nee", "nee"))


def _cell_dropdown() -> str:
    """A cell-level dropdown list (the w:sdt holds the w:tc), showing its placeholder."""
    pr = sdt_pr(
        sdt_id=_id(None, "cel-keuze"),
        docpart=DOCPART_LIST,
        showing=True,
        type_xml=(
            f'<w:dropDownList><w:listItem w:displayText="{NL.list_placeholder}" w:value=""/>'
            + "".join(f'<w:listItem w:displayText="{d}" w:value="{v}"/>' for d, v in JA_NEE)
            + "</w:dropDownList>"
        ),
    )
    return sdt(pr, tc(p(placeholder_run(NL.list_placeholder, NL))), end_pr=END)


def _cell_checkbox() -> str:
    pr = sdt_pr(sdt_id=_id(None, "cel-vinkje"), ext_xml=checkbox_ext(False))
    return sdt(pr, tc(p(checkbox_glyph_run(False))), end_pr=END)


def _row_level_text() -> str:
    """A row-level rich text control around a one-cell row (the cell is its answer)."""
    pr = sdt_pr(sdt_id=_id(None, "rij"), docpart=DOCPART_TEXT, showing=True)
    return sdt(pr, tr(tc(p(placeholder_run(NL.text_placeholder, NL)), width=9062)), end_pr=END)


def _blank(salt: str) -> str:
    return rich_block(None, tag=None, alias=None, salt=salt)


@case(
    "own_content_names_nothing",
    "Untagged controls in a row's first cell (cell-level dropdown, cell-level checkbox, a block "
    "control, a one-cell row-level control) next to controls that the row would name.",
    _ctl("dropdown", "cell", None, None, None, Q_AKKOORD, showing=True, **_choices(JA_NEE)),
    _ctl("rich_text", "block", None, None, None, T_TOELICHTING, showing=True),
    _ctl("checkbox", "cell", None, None, False, Q_INSTEMMING),
    _ctl("rich_text", "block", None, None, None, T_VOORWAARDEN, showing=True),
    _ctl("rich_text", "row", None, None, None, Q_DOELGROEP, showing=True),
    _ctl("rich_text", "block", None, None, None, Q_PARTNERS, showing=True),
    _ctl("rich_text", "block", None, None, None, T_AANVULLING, showing=True),
)
def _own_content_names_nothing() -> bytes:
    body = (
        heading("Besluitvorming", 1, NL)
        + p(Q_AKKOORD)
        + tbl(tr(_cell_dropdown(), tc(p(T_TOELICHTING), _blank("toelichting"))), loc=NL)
        + p(Q_INSTEMMING)
        + tbl(tr(_cell_checkbox(), tc(p(T_VOORWAARDEN), _blank("voorwaarden"))), loc=NL)
        + p(Q_DOELGROEP)
        + tbl(_row_level_text(), loc=NL, widths=(9062,))
        + p(Q_PARTNERS)
        + tbl(tr(tc(_blank("partners")), tc(p(T_AANVULLING), _blank("aanvulling"))), loc=NL)
        + p()
    )
    return build_docx(body, title="Besluitvorming")


# --- a row-level repeating section after other rows -------------------------------------------

Q_CONTACTEN = "Wie zijn de contactpersonen?"
CONTACTEN = ({"contact_naam": "A. de Vries"}, {"contact_naam": "B. Jansen"})


def _item_row(name: str, salt: str) -> str:
    pr = sdt_pr(sdt_id=_id("contacten", salt), ext_xml="<w15:repeatingSectionItem/>")
    cell = tc(p(plain_run(name, tag="contact_naam", alias="Naam", salt=salt)))
    return sdt(pr, tr(tc(p("Contactpersoon")), cell), end_pr=END)


@case(
    "row_repeating_section",
    "A table: two rows with a cell each holding a control, then a row-level repeating section.",
    _ctl("plain_text", "run", "team", "Team", "Veiligheid", "Team"),
    _ctl("plain_text", "run", "afdeling", "Afdeling", "Openbare orde", "Afdeling"),
    _ctl(
        "repeating_section",
        "row",
        "contacten",
        "Contacten",
        [dict(c) for c in CONTACTEN],
        Q_CONTACTEN,
    ),
    *(
        _ctl(
            "plain_text",
            "run",
            "contact_naam",
            "Naam",
            c["contact_naam"],
            "Contactpersoon",
            parent_tag="contacten",
        )
        for c in CONTACTEN
    ),
)
def _row_repeating_section() -> bytes:
    pr = sdt_pr(
        sdt_id=_id("contacten"),
        alias="Contacten",
        tag="contacten",
        ext_xml="<w15:repeatingSection/>",
    )
    items = "".join(_item_row(c["contact_naam"], f"item{n}") for n, c in enumerate(CONTACTEN))
    rows = (
        tr(tc(p("Team")), tc(p(plain_run("Veiligheid", tag="team", alias="Team"))))
        + tr(tc(p("Afdeling")), tc(p(plain_run("Openbare orde", tag="afdeling", alias="Afdeling"))))
        + sdt(pr, items, end_pr=END)
    )
    body = heading("Organisatie", 1, NL) + p(Q_CONTACTEN) + tbl(rows, loc=NL) + p()
    return build_docx(body, title="Organisatie")


# --- one tag on two kinds of control (a hostile case: the duplicate tag that is an error) ------


def mixed_kinds_document() -> bytes:
    """A plain text control and a dropdown list that share the tag 'naam'."""
    body = p(r("Naam aanvrager: "), plain_run("A. Bakker", tag="naam", alias="Naam", salt="1"))
    body += p(r("Naam contactpersoon: "))
    body += p(
        sdt(
            sdt_pr(
                sdt_id=_id("naam", "lijst"),
                alias="Naam",
                tag="naam",
                docpart=DOCPART_LIST,
                showing=True,
                type_xml=(
                    f'<w:dropDownList><w:listItem w:displayText="{NL.list_placeholder}"'
                    ' w:value=""/><w:listItem w:displayText="A. Bakker" w:value="bakker"/>'
                    "</w:dropDownList>"
                ),
            ),
            placeholder_run(NL.list_placeholder, NL),
        )
    )
    return build_docx(body)

"""Data bindings, document properties and packages, the way Word writes them.

Valid cases (registered in ``cases.CASES``; the broken and awkward packages are in
:mod:`corpus.bind_hostile`):

- ``document_properties``: Dutch Word's Insert › Quick Parts › Document Property controls, bound
  to the core properties (Titel, Onderwerp, Auteur), the extended properties (Bedrijf, Manager)
  and the cover page properties (Samenvatting, Publicatiedatum);
- ``bound_repeating_section``: a repeating section mapped to a repeating custom XML node, each
  item's controls bound to their own node (``…/ns0:partner[1]/…``, ``…/ns0:partner[2]/…``);
- ``bound_picture``: a picture control bound to a custom XML node holding the image in base64;
- ``no_core_properties``: a template without ``docProps/core.xml``.

Not registered (each needs its own test): :func:`xpath_bomb`, a binding XPath that nests
``count(//*)`` over 3,000 custom XML nodes, and :func:`title_twice`, one core property shown by two
controls.
"""

from __future__ import annotations

import base64
import datetime

from . import cases
from .cases import NL, _ctl, _id, case, date_run, plain_run
from .word import (
    DOCPART_TEXT,
    XML_DECLARATION,
    Binding,
    CustomXml,
    Media,
    build_parts,
    heading,
    inline_picture,
    p,
    placeholder_run,
    png_bytes,
    r,
    sdt,
    sdt_pr,
    stable_guid,
    text_type,
    zip_parts,
)

BODY = "word/document.xml"
END = cases.END

# The store item ids Word uses for document properties.
CORE_STORE = "{6C3C8BC8-F283-45AE-878A-BAB7291924A1}"
EXTENDED_STORE = "{6668398D-A668-4E3E-A5EB-62B293D839F1}"
COVER_STORE = "{55AF091B-3C7A-41E3-B477-F2FDAA23CFDA}"
DC = "http://purl.org/dc/elements/1.1/"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
COVER_NS = "http://schemas.microsoft.com/office/2006/coverPageProps"

# The prefix mappings exactly as Word writes them (note the trailing space).
CORE_PREFIXES = f"xmlns:ns0='{DC}' xmlns:ns1='{CP}' "
EXTENDED_PREFIXES = f"xmlns:ns0='{EP}' "
COVER_PREFIXES = f"xmlns:ns0='{COVER_NS}' "


def core_binding(element: str) -> Binding:
    """A core property (``dc:`` element), as Word binds its Document Property controls."""
    return Binding(f"/ns1:coreProperties[1]/ns0:{element}[1]", CORE_STORE, CORE_PREFIXES)


def extended_binding(element: str) -> Binding:
    return Binding(f"/ns0:Properties[1]/ns0:{element}[1]", EXTENDED_STORE, EXTENDED_PREFIXES)


def cover_binding(element: str) -> Binding:
    return Binding(f"/ns0:CoverPageProperties[1]/ns0:{element}[1]", COVER_STORE, COVER_PREFIXES)


def property_run(
    text: str | None, *, alias: str, binding: Binding, salt: str, tag: str | None = ""
) -> str:
    """A Document Property control: plain text with Word's empty tag, bound to the property."""
    showing = text is None
    content = placeholder_run(NL.text_placeholder, NL) if showing else r(text or "")
    pr = sdt_pr(
        sdt_id=_id(alias, salt),
        alias=alias,
        tag=tag,
        docpart=DOCPART_TEXT,
        showing=showing,
        binding=binding,
        type_xml=text_type(),
    )
    return sdt(pr, content)


def property_block(text: str, *, alias: str, binding: Binding, salt: str) -> str:
    """A block-level Document Property control (the cover page's Abstract is one)."""
    pr = sdt_pr(
        sdt_id=_id(alias, salt),
        alias=alias,
        tag="",
        docpart=DOCPART_TEXT,
        binding=binding,
        type_xml=text_type(multiline=True),
    )
    return sdt(pr, p(text), end_pr=END)


def cover_page_xml(publish_date: str, abstract: str) -> str:
    """The cover page properties part as Word writes it."""
    return (
        f'{XML_DECLARATION}<CoverPageProperties xmlns="{COVER_NS}">'
        f"<PublishDate>{publish_date}</PublishDate><Abstract>{abstract}</Abstract>"
        "<CompanyAddress/><CompanyPhone/><CompanyFax/><CompanyEmail/></CoverPageProperties>"
    )


def with_company(parts: dict[str, bytes], company: str) -> dict[str, bytes]:
    """docProps/app.xml with a Company (Word writes the element, empty when unknown)."""
    app = parts["docProps/app.xml"].decode()
    parts["docProps/app.xml"] = app.replace(
        "<Company></Company>", f"<Company>{company}</Company>"
    ).encode()
    return parts


def without_parts(parts: dict[str, bytes], *names: str) -> dict[str, bytes]:
    """The package without ``names``: their content types and package relationships go too."""
    for name in names:
        del parts[name]
    types = parts["[Content_Types].xml"].decode()
    rels = parts["_rels/.rels"].decode()
    for name in names:
        start = types.find(f'<Override PartName="/{name}"')
        if start >= 0:
            types = types[:start] + types[types.index("/>", start) + 2 :]
        target = rels.find(f'Target="{name}"')
        if target >= 0:
            start = rels.rindex("<Relationship ", 0, target)
            rels = rels[:start] + rels[rels.index("/>", target) + 2 :]
    parts["[Content_Types].xml"] = types.encode()
    parts["_rels/.rels"] = rels.encode()
    return parts


# --- Document Property controls ------------------------------------------------------------------

COMPANY = "Gemeente Voorbeeld"
ABSTRACT = "Dit plan beschrijft hoe de gemeente eenzaamheid onder ouderen aanpakt."
PUBLISHED = datetime.date(2025, 3, 1)


def _document_properties_parts() -> dict[str, bytes]:
    cover = CustomXml(
        COVER_STORE, cover_page_xml(f"{PUBLISHED.isoformat()}T00:00:00", ABSTRACT), (COVER_NS,)
    )
    body = (
        heading("Voorblad", 1, NL)
        + p(r("Titel: "), property_run("Beleidsplan", alias="Titel",
                                       binding=core_binding("title"), salt="titel"))
        + p(r("Onderwerp: "), property_run(None, alias="Onderwerp",
                                           binding=core_binding("subject"), salt="onderwerp"))
        + p(r("Auteur: "), property_run(COMPANY, alias="Auteur",
                                        binding=core_binding("creator"), salt="auteur"))
        + p(r("Bedrijf: "), property_run(COMPANY, alias="Bedrijf",
                                         binding=extended_binding("Company"), salt="bedrijf"))
        + p(r("Manager: "), property_run(None, alias="Manager",
                                         binding=extended_binding("Manager"), salt="manager"))
        + p("Samenvatting")
        + property_block(ABSTRACT, alias="Samenvatting", binding=cover_binding("Abstract"),
                         salt="samenvatting")
        + p(r("Publicatiedatum: "), date_run(datetime.date(2025, 1, 1), tag="",
                                             alias="Publicatiedatum",
                                             binding=cover_binding("PublishDate")))
    )  # fmt: skip
    parts = build_parts(body, custom_xml=[cover], title="Beleidsplan")
    return with_company(parts, COMPANY)


@case(
    "document_properties",
    "Quick Parts › Document Property controls bound to core properties (Titel, Onderwerp, "
    "Auteur), extended properties (Bedrijf, Manager; app.xml has no Manager) and cover page "
    "properties (Samenvatting, Publicatiedatum with a stale date in the document).",
    _ctl("plain_text", "run", "", "Titel", "Beleidsplan", "Titel:", bound=True),
    _ctl("plain_text", "run", "", "Onderwerp", None, "Onderwerp:", bound=True, showing=True),
    _ctl("plain_text", "run", "", "Auteur", COMPANY, "Auteur:", bound=True),
    _ctl("plain_text", "run", "", "Bedrijf", COMPANY, "Bedrijf:", bound=True),
    _ctl("plain_text", "run", "", "Manager", None, "Manager:", bound=True, showing=True),
    _ctl(
        "plain_text", "block", "", "Samenvatting", ABSTRACT, "Samenvatting", bound=True,
        multiline=True,
    ),
    _ctl("date", "run", "", "Publicatiedatum", PUBLISHED, "Publicatiedatum:", bound=True),
)  # fmt: skip
def _document_properties() -> bytes:
    return zip_parts(_document_properties_parts())


def document_properties_without_stores() -> bytes:
    """The document_properties case without docProps/core.xml, docProps/app.xml and the cover
    page part: filling must create each store its controls are bound to."""
    return zip_parts(document_properties_without_stores_parts())


def document_properties_without_stores_parts() -> dict[str, bytes]:
    parts = without_parts(_document_properties_parts(), "docProps/core.xml", "docProps/app.xml")
    for name in ("item1.xml", "itemProps1.xml", "_rels/item1.xml.rels"):
        parts.pop("customXml/" + name)
    types = parts["[Content_Types].xml"].decode()
    start = types.index('<Override PartName="/customXml/itemProps1.xml"')
    parts["[Content_Types].xml"] = (types[:start] + types[types.index("/>", start) + 2 :]).encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    target = rels.index('Target="../customXml/item1.xml"')
    start = rels.rindex("<Relationship ", 0, target)
    rels = rels[:start] + rels[rels.index("/>", target) + 2 :]
    parts["word/_rels/document.xml.rels"] = rels.encode()
    return parts


def title_twice() -> bytes:
    """The title on a cover line and in the header: two Titel controls bound to one property,
    empty, so both show their placeholder (their keys collide, so scanning warns)."""
    binding = core_binding("title")
    body = heading("Voorblad", 1, NL) + p(
        r("Titel: "), property_run(None, alias="Titel", binding=binding, salt="body")
    )
    header = p(property_run(None, alias="Titel", binding=binding, salt="header"))
    return zip_parts(build_parts(body, headers=[header], title=""))


# --- a bound repeating section -------------------------------------------------------------------

PLAN_NS = "urn:docx-aanpak:beleidsplan"
PLAN_PREFIXES = f"xmlns:ns0='{PLAN_NS}' "
PLAN_STORE = stable_guid("store bound repeating section")
PARTNERS_PATH = "/ns0:beleidsplan[1]/ns0:partners[1]/ns0:partner"
Q_PARTNERS = cases.Q_PARTNERS
PARTNERS = cases.PARTNERS


def partners_xml(partners: tuple[dict[str, str], ...]) -> str:
    items = "".join(
        f"<partner><naam>{x['partner_naam']}</naam><rol>{x['partner_rol']}</rol></partner>"
        for x in partners
    )
    return (
        f'{XML_DECLARATION}<beleidsplan xmlns="{PLAN_NS}"><gemeente>Leiden</gemeente>'
        f"<partners>{items}</partners></beleidsplan>"
    )


@case(
    "bound_repeating_section",
    "w15:repeatingSection mapped (w15:dataBinding) to the partner nodes of a custom XML part; "
    "each item's two plain text controls are bound to their own partner[n].",
    _ctl("repeating_section", "block", "partners_gebonden", "Partners",
         [dict(x) for x in PARTNERS], Q_PARTNERS, bound=True),
    *(
        _ctl("plain_text", "run", key, alias, item[key], label, parent_tag="partners_gebonden",
             bound=True)
        for item in PARTNERS
        for key, alias, label in (
            ("partner_naam", "Naam partner", "Naam partner:"),
            ("partner_rol", "Rol", "Rol:"),
        )
    ),
)  # fmt: skip
def _bound_repeating_section() -> bytes:
    return bound_repeating_section()


def bound_repeating_section(
    *, section_bound: bool = True, partners: tuple[dict[str, str], ...] = PARTNERS
) -> bytes:
    """The case's document; ``section_bound=False`` leaves the section itself unmapped (only
    the controls in its items are bound), ``partners`` sets its items."""
    store = CustomXml(PLAN_STORE, partners_xml(partners), (PLAN_NS,))
    items = []
    for n, item in enumerate(partners, start=1):
        salt = f"bound item{n}"
        naam = Binding(f"{PARTNERS_PATH}[{n}]/ns0:naam[1]", PLAN_STORE, PLAN_PREFIXES)
        rol = Binding(f"{PARTNERS_PATH}[{n}]/ns0:rol[1]", PLAN_STORE, PLAN_PREFIXES)
        content = p(
            r("Naam partner: "),
            plain_run(item["partner_naam"], tag="partner_naam", alias="Naam partner",
                      salt=salt, binding=naam),
        ) + p(
            r("Rol: "),
            plain_run(item["partner_rol"], tag="partner_rol", alias="Rol", salt=salt,
                      binding=rol),
        )  # fmt: skip
        item_pr = sdt_pr(
            sdt_id=_id("partners_gebonden", salt), ext_xml="<w15:repeatingSectionItem/>"
        )
        items.append(sdt(item_pr, content, end_pr=END))
    section = Binding(PARTNERS_PATH, PLAN_STORE, PLAN_PREFIXES, w15=True)
    pr = sdt_pr(
        sdt_id=_id("partners_gebonden"),
        alias="Partners",
        tag="partners_gebonden",
        binding=section if section_bound else None,
        ext_xml="<w15:repeatingSection/>",
    )
    body = heading("Uitvoering", 1, NL) + p(Q_PARTNERS) + sdt(pr, "".join(items), end_pr=END)
    return zip_parts(build_parts(body, custom_xml=[store]))


# --- a bound picture -----------------------------------------------------------------------------

LOGO_STORE = stable_guid("store bound picture")
LOGO = png_bytes(16, 16)


@case(
    "bound_picture",
    "Picture control bound to a custom XML node that holds the image (a PNG) in base64.",
    _ctl("picture", "block", "logo_gebonden", "Logo", None, cases.Q_LOGO, bound=True),
)
def _bound_picture() -> bytes:
    encoded = base64.b64encode(LOGO).decode("ascii")
    store = CustomXml(
        LOGO_STORE,
        f'{XML_DECLARATION}<beleidsplan xmlns="{PLAN_NS}"><logo>{encoded}</logo></beleidsplan>',
        (PLAN_NS,),
    )
    binding = Binding("/ns0:beleidsplan[1]/ns0:logo[1]", LOGO_STORE, PLAN_PREFIXES)
    pr = sdt_pr(
        sdt_id=_id("logo_gebonden"),
        alias="Logo",
        tag="logo_gebonden",
        binding=binding,
        type_xml="<w:picture/>",
    )
    drawing = inline_picture("rId20", name="Afbeelding 1", docpr_id=1, cx=914400, cy=914400)
    body = p(cases.Q_LOGO) + sdt(pr, p(drawing, ppr_extra='<w:jc w:val="center"/>'), end_pr=END)
    return zip_parts(
        build_parts(body, custom_xml=[store], media=[Media("image1.png", LOGO, "rId20")])
    )


# --- a template without core properties ----------------------------------------------------------


@case(
    "no_core_properties",
    "A template without docProps/core.xml (nor its relationship and content type).",
    _ctl("plain_text", "run", "gemeente", "Gemeente", "Leiden", "Naam van de gemeente:"),
)
def _no_core_properties() -> bytes:
    body = p(r("Naam van de gemeente: "), plain_run("Leiden", tag="gemeente", alias="Gemeente"))
    return zip_parts(without_parts(build_parts(body), "docProps/core.xml"))


# --- an XPath that would run for minutes ---------------------------------------------------------

BOMB_NODES = 3000
BOMB_XPATH = "/ns0:r[1]/ns0:v[count(//*[count(//*[count(//*) > 0]) > 0]) > 0][1]"


def xpath_bomb() -> bytes:
    """A control whose data binding nests count(//*) three deep over 3,000 custom XML nodes
    (a full XPath engine needs about 3,000³ steps)."""
    store_id = stable_guid("store xpath bomb")
    nodes = "<v>1</v>" * BOMB_NODES
    store = CustomXml(store_id, f'{XML_DECLARATION}<r xmlns="{PLAN_NS}">{nodes}</r>', (PLAN_NS,))
    binding = Binding(BOMB_XPATH, store_id, PLAN_PREFIXES)
    body = p(
        r("Gemeente: "),
        plain_run("Leiden", tag="gemeente", alias="Gemeente", binding=binding),
    )
    return zip_parts(build_parts(body, custom_xml=[store]))

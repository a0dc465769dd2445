"""``ContentControl``: a stateless proxy over one ``w:sdt`` element.

It reads what a control is (kind, level, tag, alias, lock, placeholder state, list items, date
format, checkbox glyphs, data binding) and its current value, and writes a value into it the way a
person typing in Word would: the placeholder goes, the formatting stays, the control stays.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum

from . import _ooxml as ox
from .dates import format_date, parse_date

__all__ = [
    "SKIP_TEXT",
    "Binding",
    "Choice",
    "ContentControl",
    "Description",
    "Kind",
    "Level",
    "Snapshot",
    "TextFormat",
    "block_paragraphs",
    "inline_items",
    "paragraph_text",
    "run_text_into",
]

W = ox.NS["w"]
W14 = ox.NS["w14"]
W15 = ox.NS["w15"]
MC = ox.NS["mc"]

T_SDT_PR = f"{{{W}}}sdtPr"
T_SDT_CONTENT = f"{{{W}}}sdtContent"
T_SDT_END_PR = f"{{{W}}}sdtEndPr"
T_RPR = f"{{{W}}}rPr"
T_PPR = f"{{{W}}}pPr"
T_PLACEHOLDER = f"{{{W}}}placeholder"
T_DOC_PART = f"{{{W}}}docPart"
T_RSTYLE = f"{{{W}}}rStyle"
T_RFONTS = f"{{{W}}}rFonts"
T_TCPR = f"{{{W}}}tcPr"
T_SHOWING = f"{{{W}}}showingPlcHdr"
T_BODY = f"{{{W}}}body"
T_ALTERNATE = f"{{{MC}}}AlternateContent"
T_LIST_ITEM = f"{{{W}}}listItem"
T_VALUE = f"{{{W}}}value"
T_DISPLAY_TEXT = f"{{{W}}}displayText"
T_DATA_BINDING = f"{{{W}}}dataBinding"
T_DATA_BINDING_15 = f"{{{W15}}}dataBinding"
T_MULTILINE = f"{{{W}}}multiLine"
T_TAG = f"{{{W}}}tag"
T_ALIAS = f"{{{W}}}alias"
T_LOCK = f"{{{W}}}lock"
T_TEXT = f"{{{W}}}text"
T_DATE = f"{{{W}}}date"
T_DATE_FORMAT = f"{{{W}}}dateFormat"
T_LID = f"{{{W}}}lid"
T_DROPDOWN = f"{{{W}}}dropDownList"
T_COMBO = f"{{{W}}}comboBox"

# Run-level containers: an sdt inside one of these sits inside a paragraph.
_INLINE_PARENTS = {
    ox.W_P,
    f"{{{W}}}hyperlink",
    f"{{{W}}}fldSimple",
    f"{{{W}}}smartTag",
    f"{{{W}}}customXml",
    f"{{{W}}}ins",
    f"{{{W}}}del",
    f"{{{W}}}moveTo",
    f"{{{W}}}moveFrom",
    f"{{{W}}}dir",
    f"{{{W}}}bdo",
}
SKIP_TEXT = frozenset(
    {
        T_PPR,
        T_RPR,
        f"{{{W}}}txbxContent",
        f"{{{MC}}}Fallback",
        f"{{{W}}}del",
        f"{{{W}}}moveFrom",
        T_SDT_PR,
        T_SDT_END_PR,
    }
)
"""Subtrees whose text is not the visible text of the paragraph they sit in."""

# Well-known localized styleIds of Word's "Placeholder Text" style, used in addition to the style
# names found in styles.xml.
KNOWN_PLACEHOLDER_STYLES = frozenset(
    {
        "PlaceholderText",
        "Tekstvantijdelijkeaanduiding",
        "Platzhaltertext",
        "Textedelespacerserv",
        "Textodelmarcadordeposicin",
    }
)


class Kind(StrEnum):
    """What a content control holds."""

    RICH_TEXT = "rich_text"
    PLAIN_TEXT = "plain_text"
    DROPDOWN = "dropdown"
    COMBO_BOX = "combo_box"
    DATE = "date"
    CHECKBOX = "checkbox"
    PICTURE = "picture"
    REPEATING_SECTION = "repeating_section"
    REPEATING_ITEM = "repeating_section_item"
    GROUP = "group"
    OTHER = "other"


class Level(StrEnum):
    """Where Word put the control: around blocks, runs, a table cell or a table row."""

    BLOCK = "block"
    RUN = "run"
    CELL = "cell"
    ROW = "row"


# Looked up once: an enum member lookup costs more than the comparisons reading makes with it.
_RICH = Kind.RICH_TEXT
_BLOCK, _RUN, _CELL, _ROW = Level.BLOCK, Level.RUN, Level.CELL, Level.ROW
_CELL_OR_ROW = (Level.CELL, Level.ROW)

_KIND_BY_TAG = {
    f"{{{W}}}text": Kind.PLAIN_TEXT,
    f"{{{W}}}dropDownList": Kind.DROPDOWN,
    f"{{{W}}}comboBox": Kind.COMBO_BOX,
    f"{{{W}}}date": Kind.DATE,
    f"{{{W14}}}checkbox": Kind.CHECKBOX,
    f"{{{W}}}picture": Kind.PICTURE,
    f"{{{W15}}}repeatingSection": Kind.REPEATING_SECTION,
    f"{{{W15}}}repeatingSectionItem": Kind.REPEATING_ITEM,
    f"{{{W}}}group": Kind.GROUP,
    f"{{{W}}}richText": Kind.RICH_TEXT,
    f"{{{W}}}docPartObj": Kind.OTHER,
    f"{{{W}}}docPartList": Kind.OTHER,
    f"{{{W}}}bibliography": Kind.OTHER,
    f"{{{W}}}citation": Kind.OTHER,
    f"{{{W}}}equation": Kind.OTHER,
}


@dataclass(frozen=True, slots=True)
class Choice:
    """One list item of a dropdown or combo box: the stored value and the text shown."""

    value: str
    display: str


@dataclass(frozen=True, slots=True)
class TextFormat:
    """The formatting typed text takes in one control: its level and kind, the run properties
    (placeholder style removed) and the first paragraph's properties."""

    level: Level
    kind: Kind
    rpr: ox.Element | None
    ppr: ox.Element | None


@dataclass(frozen=True)
class Binding:
    """A ``w:dataBinding``: where in which custom XML part the value is stored."""

    xpath: str
    prefix_mappings: str
    store_item_id: str

    def namespaces(self) -> dict[str, str]:
        """Parse ``xmlns:ns0='urn:x' xmlns:ns1='…'`` into a prefix map."""
        result: dict[str, str] = {}
        for declaration in self.prefix_mappings.split():
            name, _, uri = declaration.partition("=")
            if name.startswith("xmlns:"):
                result[name[6:]] = uri.strip("'\"")
        return result


# -- text of WordprocessingML content --------------------------------------------------------


# What a tab, a break or a non-breaking hyphen in a run shows.
_RUN_CHARACTERS = {
    f"{{{W}}}tab": "\t",
    f"{{{W}}}ptab": "\t",
    f"{{{W}}}br": "\n",
    f"{{{W}}}cr": "\n",
    f"{{{W}}}noBreakHyphen": "-",
}
T_SYM = f"{{{W}}}sym"
T_CHAR = f"{{{W}}}char"
T_CUSTOM_XML = f"{{{W}}}customXml"
# Block containers whose paragraphs are read through (tables by their cells).
_BLOCK_CONTAINERS = frozenset({ox.W_TR, ox.W_TC, T_SDT_CONTENT, T_CUSTOM_XML})


def run_text_into(run: ox.Element, out: list[str]) -> None:
    """Append the visible text of one run to ``out``."""
    for child in run:
        tag = child.tag
        if tag == ox.W_T:
            out.append(child.text or "")
        elif tag in _RUN_CHARACTERS:
            out.append(_RUN_CHARACTERS[tag])
        elif tag == T_SYM:
            code = child.get(T_CHAR)
            if code:
                with contextlib.suppress(ValueError):
                    out.append(chr(int(code, 16)))


def inline_items(element: ox.Element) -> Iterator[ox.Element]:
    """The runs and controls of inline content in document order, looking through hyperlinks,
    fields, smart tags and tracked insertions, but not into the controls."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIP_TEXT:
            continue
        if tag in (ox.W_R, ox.W_SDT):
            yield child
        else:
            yield from inline_items(child)


def _inline_text(element: ox.Element, out: list[str], skip_controls: bool) -> None:
    """The text of the runs :func:`inline_items` finds (and of the controls' content), read in
    one walk."""
    for child in element:
        tag = child.tag
        if tag == ox.W_R:
            run_text_into(child, out)
        elif tag == ox.W_SDT:
            if not skip_controls:
                content = child.find(T_SDT_CONTENT)
                if content is not None:
                    _inline_text(content, out, skip_controls)
        elif isinstance(tag, str) and tag not in SKIP_TEXT:
            _inline_text(child, out, skip_controls)


def paragraph_text(paragraph: ox.Element, *, skip_controls: bool = False) -> str:
    """The visible text of a paragraph (tabs as ``\\t``, breaks as ``\\n``)."""
    out: list[str] = []
    _inline_text(paragraph, out, skip_controls)
    return "".join(out)


def block_paragraphs(container: ox.Element, *, skip_controls: bool = False) -> list[str]:
    """The text of each paragraph in a block container (body, cell, block-level sdtContent)."""
    out: list[str] = []
    for child in container:
        tag = child.tag
        if tag == ox.W_P:
            pieces: list[str] = []  # paragraph_text(child), without the call
            _inline_text(child, pieces, skip_controls)
            out.append("".join(pieces))
        elif tag == ox.W_TBL:
            for cell in child.iter(ox.W_TC):
                out.extend(block_paragraphs(cell, skip_controls=skip_controls))
        elif tag in _BLOCK_CONTAINERS:
            out.extend(block_paragraphs(child, skip_controls=skip_controls))
        elif tag == ox.W_SDT and not skip_controls:
            content = child.find(T_SDT_CONTENT)
            if content is not None:
                out.extend(block_paragraphs(content, skip_controls=skip_controls))
    return out


def _has_drawing(element: ox.Element) -> bool:
    return next(element.iter(f"{{{W}}}drawing", f"{{{W}}}pict", f"{{{W}}}object"), None) is not None


# -- run properties ---------------------------------------------------------------------------


def _clean_rpr(rpr: ox.Element | None, placeholder_styles: frozenset[str]) -> ox.Element | None:
    """A copy of run properties without the placeholder character style."""
    if rpr is None:
        return None
    rpr = ox.deepcopy(rpr)
    for style in rpr.findall(T_RSTYLE):
        if style.get(ox.W_VAL) in placeholder_styles:
            rpr.remove(style)
    return rpr if len(rpr) else None


def _strip_paragraph_mark_style(ppr: ox.Element | None, placeholder_styles: frozenset[str]) -> None:
    if ppr is None:
        return
    mark = ppr.find(T_RPR)
    if mark is None:
        return
    for style in mark.findall(T_RSTYLE):
        if style.get(ox.W_VAL) in placeholder_styles:
            mark.remove(style)
    if not len(mark) and not mark.attrib:
        ppr.remove(mark)


def _append_run(parent: ox.Element, rpr: ox.Element | None, text: str) -> ox.Element:
    run = ox.sub(parent, ox.W_R)
    if rpr is not None:
        run.append(ox.deepcopy(rpr))
    if text:
        ox.append_text(run, text)
    return run


MAX_EXTENT = 2_147_483_647  # the largest extent (EMU) Word and the validator accept


def _emu(value: str | None) -> int | None:
    """A positive extent in EMU, capped at :data:`MAX_EXTENT`; None when it is not one."""
    if not value or not value.isascii() or not value.isdigit() or int(value) == 0:
        return None
    return min(int(value), MAX_EXTENT)


def _fit(cx: str | None, cy: str | None, width: int, height: int) -> tuple[int, int] | None:
    """The extent (EMU) of a ``width`` x ``height`` pixel image fitted into a frame of ``cx`` x
    ``cy``, keeping the image's aspect ratio; None when the frame has no usable width."""
    frame_cx = _emu(cx)
    if frame_cx is None:
        return None
    frame_cy = _emu(cy) or MAX_EXTENT
    if frame_cx * height <= frame_cy * width:  # as wide as the frame
        return frame_cx, max(1, round(frame_cx * height / width))
    return max(1, round(frame_cy * width / height)), frame_cy  # as high as the frame


def _kind_named(child: ox.Element, tag: str) -> Kind | None:
    """The kind one element of a ``w:sdtPr`` (whose tag is ``tag``) names, if any."""
    kind = _KIND_BY_TAG.get(tag)
    if kind is None and tag == T_ALTERNATE:
        kind = next((_KIND_BY_TAG[e.tag] for e in child.iter() if e.tag in _KIND_BY_TAG), None)
    return kind


def _kind_of(pr: ox.Element | None) -> Kind:
    """What a control holds, from its ``w:sdtPr`` (no type element: rich text)."""
    if pr is not None:
        for child in pr:
            kind = _kind_named(child, child.tag)
            if kind is not None:
                return kind
    return Kind.RICH_TEXT


def _choices_of(element: ox.Element | None) -> tuple[Choice, ...]:
    """The list items of a ``w:dropDownList``/``w:comboBox``, without Word's empty prompt."""
    if element is None:
        return ()
    items = []
    for item in element.findall(T_LIST_ITEM):
        value = item.get(T_VALUE)
        display = item.get(T_DISPLAY_TEXT)
        if value is None:
            value = display or ""
        if display is None:
            display = value
        if value == "":
            continue
        items.append(Choice(value, display))
    return tuple(items)


def _binding_of(pr: ox.Element | None) -> Binding | None:
    if pr is None:
        return None
    element = pr.find(T_DATA_BINDING)
    if element is None:
        element = pr.find(T_DATA_BINDING_15)
    return _binding_in(element)


def _binding_in(element: ox.Element | None) -> Binding | None:
    """The binding a ``w:dataBinding`` or ``w15:dataBinding`` element describes."""
    if element is None:
        return None

    # Word writes the attributes of w15:dataBinding in the w: namespace too.
    def attribute(name: str) -> str:
        return element.get(f"{{{W}}}{name}") or element.get(f"{{{W15}}}{name}") or ""

    xpath = attribute("xpath")
    if not xpath:
        return None
    return Binding(xpath, attribute("prefixMappings"), attribute("storeItemID"))


def _multiline(kind: Kind, text: ox.Element | None) -> bool:
    if kind == Kind.PLAIN_TEXT:
        flag = None if text is None else text.get(T_MULTILINE)
        return flag is not None and flag.lower() in ("1", "true", "on")
    return kind == Kind.RICH_TEXT


def _lock(element: ox.Element | None) -> str | None:
    value = ox.wval(element)
    return None if value in (None, "unlocked") else value


def _level_in(parent: ox.Element | None, tag: str | None) -> Level:
    """The level of a control in ``parent`` (whose tag is ``tag``): what holds it, looking
    through the content of controls around it."""
    while parent is not None and tag == T_SDT_CONTENT:
        sdt = parent.getparent()
        parent = None if sdt is None else sdt.getparent()
        tag = None if parent is None else parent.tag
    if parent is None:
        return _BLOCK
    if tag in _INLINE_PARENTS:
        return _RUN
    if tag == ox.W_TR:
        return _CELL
    if tag == ox.W_TBL:
        return _ROW
    return _BLOCK


@dataclass(frozen=True, slots=True)
class Description:
    """What a control is, read in one pass over its properties (scanning reads thousands)."""

    kind: Kind
    tag: str | None
    alias: str | None
    lock: str | None
    bound: bool
    multiline: bool
    choices: tuple[Choice, ...]
    date_format: str | None
    date_lid: str | None
    container: bool


class ContentControl:
    """A proxy over one ``w:sdt``. It holds no state besides the element."""

    __slots__ = ("element",)

    def __init__(self, element: ox.Element) -> None:
        self.element = element

    def __repr__(self) -> str:
        return (
            f"<ContentControl {self.kind.value} {self.level.value} tag={self.tag!r} id={self.id}>"
        )

    # -- properties ---------------------------------------------------------------------------

    @property
    def properties(self) -> ox.Element:
        pr = self.element.find(T_SDT_PR)
        if pr is None:
            pr = ox.make("w:sdtPr")
            self.element.insert(0, pr)
        return pr

    @property
    def content(self) -> ox.Element | None:
        return self.element.find(T_SDT_CONTENT)

    def _ensure_content(self) -> ox.Element:
        content = self.content
        if content is None:
            content = ox.sub(self.element, "w:sdtContent")
        return content

    def _pr(self, name: str) -> ox.Element | None:
        pr = self.element.find(T_SDT_PR)
        return None if pr is None else pr.find(ox.qn(name))

    @property
    def kind(self) -> Kind:
        return _kind_of(self.element.find(T_SDT_PR))

    @property
    def level(self) -> Level:
        parent = self.element.getparent()
        return _level_in(parent, None if parent is None else parent.tag)

    @property
    def tag(self) -> str | None:
        return ox.wval(self._pr("w:tag"))

    @property
    def alias(self) -> str | None:
        return ox.wval(self._pr("w:alias"))

    @property
    def id(self) -> int | None:
        value = ox.wval(self._pr("w:id"))
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    @property
    def lock(self) -> str | None:
        return _lock(self._pr("w:lock"))

    @property
    def content_locked(self) -> bool:
        return self.lock in ("contentLocked", "sdtContentLocked")

    @property
    def showing_placeholder(self) -> bool:
        return ox.on(self._pr("w:showingPlcHdr"))

    @property
    def placeholder_docpart(self) -> str | None:
        placeholder = self._pr("w:placeholder")
        if placeholder is None:
            return None
        return ox.wval(placeholder.find(ox.qn("w:docPart")))

    @property
    def binding(self) -> Binding | None:
        return _binding_of(self.element.find(T_SDT_PR))

    @property
    def multiline(self) -> bool:
        """Whether the value may hold line breaks."""
        return _multiline(self.kind, self._pr("w:text"))

    def _list(self) -> ox.Element | None:
        return self._pr("w:dropDownList") if self.kind == Kind.DROPDOWN else self._pr("w:comboBox")

    @property
    def choices(self) -> tuple[Choice, ...]:
        """List items of a dropdown or combo box, without Word's empty-valued prompt item."""
        return _choices_of(self._list())

    @property
    def date_format(self) -> str | None:
        date = self._pr("w:date")
        return None if date is None else ox.wval(date.find(ox.qn("w:dateFormat")))

    @property
    def date_lid(self) -> str | None:
        date = self._pr("w:date")
        return None if date is None else ox.wval(date.find(ox.qn("w:lid")))

    def _checkbox(self) -> ox.Element | None:
        return self._pr("w14:checkbox")

    def _glyph(self, checked: bool) -> tuple[str, str]:
        """The character and font Word shows for a checked or unchecked box."""
        box = self._checkbox()
        state = None
        if box is not None:
            state = box.find(ox.qn("w14:checkedState" if checked else "w14:uncheckedState"))
        default = "\u2612" if checked else "\u2610"
        code = state.get(f"{{{W14}}}val") if state is not None else None
        font = (state.get(f"{{{W14}}}font") if state is not None else None) or "MS Gothic"
        try:
            glyph = chr(int(code, 16)) if code else default
        except (ValueError, OverflowError):  # not a hexadecimal code point: Word's default box
            return default, "MS Gothic"
        return glyph, font

    # -- structure ---------------------------------------------------------------------------

    def descendants(self) -> Iterator[ContentControl]:
        """All controls nested inside this one, in document order."""
        content = self.content
        if content is None:
            return
        for element in content.iter(ox.W_SDT):
            yield ContentControl(element)

    def children(self) -> list[ContentControl]:
        """Controls directly nested in this one (not inside a deeper control)."""
        result = []
        for control in self.descendants():
            ancestor = control.element.getparent()
            while ancestor is not None and ancestor.tag != ox.W_SDT:
                ancestor = ancestor.getparent()
            if ancestor is self.element:
                result.append(control)
        return result

    def items(self) -> list[ContentControl]:
        """The items of a repeating section."""
        return [c for c in self.children() if c.kind == Kind.REPEATING_ITEM]

    @property
    def is_container(self) -> bool:
        """Groups, repeating section items and rich text holding other controls: their children
        are the fields, not the container itself."""
        return self._holds_fields(self.kind)

    def _holds_fields(self, kind: Kind) -> bool:
        if kind in (Kind.GROUP, Kind.REPEATING_ITEM):
            return True
        if kind == Kind.RICH_TEXT:
            return next(self.descendants(), None) is not None
        return False

    def describe(self) -> Description:
        """Kind, tag, alias, lock, binding, list items, date format and whether it is a
        container, read at once (the same as the properties one by one)."""
        pr = self.element.find(T_SDT_PR)
        props: dict[str, ox.Element] = {}
        if pr is not None:
            for child in pr:
                if isinstance(child.tag, str):
                    props.setdefault(child.tag, child)
        kind = _kind_of(pr)
        date = props.get(T_DATE) if kind == Kind.DATE else None
        lists = {Kind.DROPDOWN: T_DROPDOWN, Kind.COMBO_BOX: T_COMBO}
        return Description(
            kind=kind,
            tag=ox.wval(props.get(T_TAG)),
            alias=ox.wval(props.get(T_ALIAS)),
            lock=_lock(props.get(T_LOCK)),
            bound=_binding_of(pr) is not None,
            multiline=_multiline(kind, props.get(T_TEXT)),
            choices=_choices_of(props.get(lists[kind])) if kind in lists else (),
            date_format=None if date is None else ox.wval(date.find(T_DATE_FORMAT)),
            date_lid=None if date is None else ox.wval(date.find(T_LID)),
            container=self._holds_fields(kind),
        )

    # -- reading -----------------------------------------------------------------------------

    def _target_cell(self) -> ox.Element | None:
        """For cell- and row-level controls: the cell that holds the answer."""
        content = self.content
        if content is None:
            return None
        cells = list(content.iter(ox.W_TC))
        return cells[-1] if cells else None

    @property
    def text(self) -> str:
        """The text the control shows (the placeholder text while it shows the placeholder)."""
        content = self.content
        if content is None:
            return ""
        level = self.level
        if level == _RUN:
            out: list[str] = []
            _inline_text(content, out, skip_controls=False)
            return "".join(out)
        if level in _CELL_OR_ROW:
            cell = self._target_cell()
            return "\n".join(block_paragraphs(cell)) if cell is not None else ""
        return "\n".join(block_paragraphs(content))

    @property
    def is_empty(self) -> bool:
        content = self.content
        if content is None:
            return True
        if self.kind == Kind.PICTURE:
            return not _has_drawing(content)
        return self.text == ""

    @property
    def is_unfilled(self) -> bool:
        """Showing its placeholder, or holding nothing at all."""
        if self.kind == Kind.CHECKBOX:
            return False
        return self.showing_placeholder or self.is_empty

    def choice_for_text(self, text: str) -> str:
        """Map the shown text of a dropdown/combo box to its stored value."""
        for choice in self.choices:
            if choice.display == text:
                return choice.value
        return text

    @property
    def value(self) -> object:
        """The typed value: str, date, bool, a list of item dicts (repeating sections), or
        None when the control is unfilled. Containers and pictures have no value."""
        kind = self.kind
        if kind == Kind.CHECKBOX:
            box = self._checkbox()
            checked = None if box is None else box.find(ox.qn("w14:checked"))
            return checked is not None and checked.get(f"{{{W14}}}val", "1").lower() in (
                "1",
                "true",
                "on",
            )
        if kind in (Kind.GROUP, Kind.REPEATING_ITEM, Kind.OTHER, Kind.PICTURE):
            return None
        if kind == Kind.REPEATING_SECTION:
            raise TypeError("read repeating sections through their items")
        if self.is_unfilled:
            return None
        text = self.text
        if kind in (Kind.DROPDOWN, Kind.COMBO_BOX):
            return self.choice_for_text(text)
        if kind == Kind.DATE:
            date = self._pr("w:date")
            full = None if date is None else date.get(f"{{{W}}}fullDate")
            if full:
                try:
                    return dt.date.fromisoformat(full[:10])
                except ValueError:
                    pass
            return parse_date(text, self.date_format, self.date_lid)
        return text

    # -- writing -----------------------------------------------------------------------------

    def _set_showing_placeholder(self, showing: bool) -> None:
        pr = self.properties
        current = pr.find(T_SHOWING)
        if showing and current is None:
            element = ox.make("w:showingPlcHdr")
            anchor = None
            for name in (
                "w:temporary",
                "w:placeholder",
                "w:lock",
                "w:id",
                "w:tag",
                "w:alias",
                "w:rPr",
            ):
                anchor = pr.find(ox.qn(name))
                if anchor is not None:
                    break
            if anchor is None:
                pr.insert(0, element)
            else:
                anchor.addnext(element)
        elif not showing and current is not None:
            pr.remove(current)

    def _run_properties(
        self, placeholder_styles: frozenset[str], level: Level
    ) -> ox.Element | None:
        """Formatting for typed text: the first run's, without the placeholder style, else the
        control's own ``sdtPr/w:rPr``."""
        content = self.content
        if content is not None and level in (Level.CELL, Level.ROW):
            content = self._target_cell()
        if content is not None:
            for run in content.iter(ox.W_R):
                rpr = run.find(T_RPR)
                if rpr is not None or run.find(ox.W_T) is not None:
                    return _clean_rpr(rpr, placeholder_styles)
        pr = self.element.find(T_SDT_PR)
        return _clean_rpr(None if pr is None else pr.find(T_RPR), placeholder_styles)

    def text_format(self, placeholder_styles: frozenset[str]) -> TextFormat:
        """How typed text looks in this control: the formatting of what it replaces."""
        level = self.level
        area = self._target_cell() if level in (Level.CELL, Level.ROW) else self.content
        ppr = None
        if level != Level.RUN and area is not None:
            first = next(area.iter(ox.W_P), None)
            found = None if first is None else first.find(T_PPR)
            if found is not None:
                ppr = ox.deepcopy(found)
                _strip_paragraph_mark_style(ppr, placeholder_styles)
        return TextFormat(level, self.kind, self._run_properties(placeholder_styles, level), ppr)

    def _write_text(self, text: str, fmt: TextFormat) -> None:
        """Replace the content by ``text`` in the given format.

        Rich text at block level gets one paragraph per line; everywhere else (run level, and
        the one paragraph of block-level plain text, list and date controls) a line break is a
        ``w:br``. Cell- and row-level controls write into their (last) cell.
        """
        content = self._ensure_content()
        if fmt.level == Level.RUN:
            del content[:]
            content.text = None
            _append_run(content, fmt.rpr, text)
            return
        keep: tuple[str, ...] = ()
        if fmt.level in (Level.CELL, Level.ROW):
            cell = self._target_cell()
            if cell is None:
                raise ValueError("the control holds no table cell to write into")
            content, keep = cell, (T_TCPR,)
        for child in list(content):
            if child.tag not in keep:
                content.remove(child)
        lines = text.split("\n") if fmt.kind == Kind.RICH_TEXT or keep else [text]
        for line in lines:
            paragraph = ox.sub(content, ox.W_P)
            if fmt.ppr is not None:
                paragraph.append(ox.deepcopy(fmt.ppr))
            if line:
                _append_run(paragraph, fmt.rpr, line)

    def reset(
        self,
        placeholder_text: str | None,
        placeholder_styles: frozenset[str],
        placeholder_style: str | None,
        fmt: TextFormat | None = None,
    ) -> None:
        """Clear the control the way Word does when its text is deleted: show the placeholder
        again (or leave it empty when it has none)."""
        fmt = fmt or self.text_format(placeholder_styles)
        if not placeholder_text:
            self._write_text("", fmt)
            self._set_showing_placeholder(False)
            return
        if placeholder_style:
            rpr = ox.deepcopy(fmt.rpr) if fmt.rpr is not None else ox.make("w:rPr")
            rpr.insert(0, ox.make("w:rStyle", {"w:val": placeholder_style}))
            fmt = replace(fmt, rpr=rpr)
        self._write_text(placeholder_text, fmt)
        self._set_showing_placeholder(True)

    def set_value(
        self,
        value: object,
        placeholder_styles: frozenset[str],
        fmt: TextFormat | None = None,
    ) -> None:
        """Write a validated value, as if typed in Word. ``None`` must be handled by the caller
        (it means: leave the control as it is). ``fmt`` may be a :meth:`text_format` worked out
        earlier on an identical control (the template's), to save the work."""
        kind = fmt.kind if fmt is not None else self.kind
        if kind == Kind.CHECKBOX:
            self._set_checkbox(bool(value))
            return
        fmt = fmt or self.text_format(placeholder_styles)
        if kind == Kind.DATE:
            if not isinstance(value, dt.date):
                raise TypeError(f"a date control needs a date, not {type(value).__name__}")
            date = self._pr("w:date")
            assert date is not None
            # isoformat() writes four-digit years (0001-01-01); strftime("%Y") would write "1".
            date.set(f"{{{W}}}fullDate", f"{value.isoformat()}T00:00:00Z")
            self._write_text(format_date(value, self.date_format, self.date_lid), fmt)
        elif kind in (Kind.DROPDOWN, Kind.COMBO_BOX):
            text = str(value)
            display = next((c.display for c in self.choices if c.value == text), text)
            element = self._list()
            if element is not None:
                element.set(f"{{{W}}}lastValue", text)
            self._write_text(display, fmt)
        elif kind in (Kind.RICH_TEXT, Kind.PLAIN_TEXT):
            self._write_text(str(value), fmt)
        else:
            raise TypeError(f"a {kind.value} control cannot take a value")
        self._set_showing_placeholder(False)

    def _set_checkbox(self, checked: bool) -> None:
        box = self._checkbox()
        if box is None:
            raise ValueError("checkbox control without w14:checkbox")
        state = box.find(ox.qn("w14:checked"))
        if state is None:
            state = ox.make("w14:checked")
            box.insert(0, state)
        state.set(f"{{{W14}}}val", "1" if checked else "0")
        glyph, font = self._glyph(checked)
        content = self._ensure_content()
        runs = list(content.iter(ox.W_R))
        run = runs[0] if runs else None
        if run is None:
            target = content.find(ox.W_P) if self.level != Level.RUN else None
            run = _append_run(target if target is not None else content, None, "")
        for extra in runs[1:]:
            parent = extra.getparent()
            if parent is not None:
                parent.remove(extra)
        rpr = run.find(T_RPR)
        if rpr is None:
            rpr = ox.make("w:rPr")
            run.insert(0, rpr)
        fonts = rpr.find(T_RFONTS)
        if fonts is None:
            fonts = ox.make("w:rFonts")
            style = rpr.find(T_RSTYLE)
            if style is not None:
                style.addnext(fonts)
            else:
                rpr.insert(0, fonts)
        for attr in ("ascii", "eastAsia", "hAnsi"):
            fonts.set(f"{{{W}}}{attr}", font)
        fonts.set(f"{{{W}}}hint", "eastAsia")
        for child in list(run):
            if child.tag != T_RPR:
                run.remove(child)
        ox.append_text(run, glyph)
        self._set_showing_placeholder(False)

    # -- pictures ---------------------------------------------------------------------------

    def set_picture(self, rid: str, width: int | None, height: int | None) -> None:
        """Point the picture's ``a:blip`` at relationship ``rid``. When the pixel size is known
        the picture is fitted into the frame with the image's aspect ratio: as wide as the frame
        unless that would make it taller than the frame, else as high as the frame (so a
        1 x 100,000 pixel image becomes a thin line, never a picture taller than the page)."""
        content = self.content
        blip = None if content is None else next(content.iter(f"{{{ox.NS['a']}}}blip"), None)
        if content is None or blip is None:
            raise ValueError("the picture control holds no picture frame to put the image in")
        blip.set(f"{{{ox.NS['r']}}}embed", rid)
        if width and height:
            for tag in (f"{{{ox.NS['wp']}}}extent", f"{{{ox.NS['a']}}}ext"):
                for extent in content.iter(tag):
                    fitted = _fit(extent.get("cx"), extent.get("cy"), width, height)
                    if fitted is not None:
                        extent.set("cx", str(fitted[0]))
                        extent.set("cy", str(fitted[1]))
        self._set_showing_placeholder(False)

    # -- repeating sections --------------------------------------------------------------------

    def resize_items(self, count: int, new_id: Callable[[], int]) -> list[ContentControl]:
        """Make a repeating section hold ``count`` items (at least one), cloning the first item
        with fresh ``w:id`` values, and return the items."""
        items = self.items()
        if not items:
            raise ValueError("repeating section without items")
        count = max(count, 1)
        prototype = ox.deepcopy(items[0].element)
        for extra in items[count:]:
            parent = extra.element.getparent()
            assert parent is not None
            parent.remove(extra.element)
        last = items[min(count, len(items)) - 1].element
        for _ in range(count - len(items)):
            clone = ox.deepcopy(prototype)
            for sdt in clone.iter(ox.W_SDT):
                pr = sdt.find(T_SDT_PR)
                ident = None if pr is None else pr.find(ox.qn("w:id"))
                if ident is not None:
                    ident.set(ox.W_VAL, str(new_id()))
            last.addnext(clone)
            last = clone
        return self.items()


def _first_child(element: ox.Element, tag: str) -> ox.Element | None:
    """``element.find(tag)``, looking at the first child first (where Word writes ``w:sdtPr``
    and ``w:docPart``): the same element, sooner."""
    if len(element):
        first = element[0]
        if first.tag == tag:
            return first
    return element.find(tag)


class Snapshot(ContentControl):
    """A control read once: its properties (``w:sdtPr``) and content are found in one pass when
    it is made, its kind, level and text when first asked for, and kept. For reading a
    document that does not change meanwhile (collecting reads thousands of controls); what it
    read is not updated when the control is written."""

    __slots__ = (
        "_content",
        "_kind",
        "_level",
        "_parent",
        "_props",
        "_showing",
        "_text",
        "in_order",
        "parent_tag",
    )

    def __init__(self, element: ox.Element) -> None:
        super().__init__(element)
        self._parent = parent = element.getparent()
        self.parent_tag = None if parent is None else parent.tag
        """The tag of the element it sits in (None for a control that is a root)."""
        pr = content = None  # the first of each, in one pass over its (two or three) children
        for child in element:
            tag = child.tag
            if tag == T_SDT_PR:
                if pr is None:
                    pr = child
            elif tag == T_SDT_CONTENT and content is None:
                content = child
        self.in_order: tuple[tuple[str, ox.Element], ...] = (
            () if pr is None else tuple([(tag, c) for c in pr if isinstance(tag := c.tag, str)])
        )
        """The elements of its ``w:sdtPr`` in document order, each with its tag."""
        self._props: dict[str, ox.Element] | None = None
        self._kind: Kind | None = None
        self._content = content
        self._level: Level | None = None
        self._showing: bool | None = None
        self._text: str | None = None

    def _pr(self, name: str) -> ox.Element | None:
        return self._property(ox.qn(name))

    def _property(self, tag: str) -> ox.Element | None:
        """The first element of its ``w:sdtPr`` with this tag."""
        if self._props is None:
            self._props = dict(reversed(self.in_order))  # the first of each tag is kept
        return self._props.get(tag)

    @property
    def content(self) -> ox.Element | None:
        return self._content

    @property
    def kind(self) -> Kind:
        if self._kind is None:
            kind = None
            for tag, child in self.in_order:
                kind = _KIND_BY_TAG.get(tag)
                if kind is None and tag == T_ALTERNATE:
                    kind = _kind_named(child, tag)
                if kind is not None:
                    break
            self._kind = _RICH if kind is None else kind
        return self._kind

    @property
    def level(self) -> Level:
        if self._level is None:
            self._level = _level_in(self._parent, self.parent_tag)
        return self._level

    @property
    def showing_placeholder(self) -> bool:
        if self._showing is None:
            self._showing = ox.on(self._property(T_SHOWING))
        return self._showing

    @property
    def placeholder_docpart(self) -> str | None:
        placeholder = self._property(T_PLACEHOLDER)
        if placeholder is None:
            return None
        return ox.wval(_first_child(placeholder, T_DOC_PART))

    @property
    def binding(self) -> Binding | None:
        element = self._property(T_DATA_BINDING)
        if element is None:
            element = self._property(T_DATA_BINDING_15)
        return _binding_in(element)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = super().text
        return self._text

"""Find every content control in every story part and name it by what a person sees around it.

Word's default controls have no tag and no title, so a control is named by its context: the
section it sits in and the question before it, and only by text outside every field control (a
control's own text changes once it is filled; its name must not). The rules (also in the README):

* the **section** is the title in the first cell of the control's table row (the "Wat" column),
  else the nearest heading before the control (in headers, footers and notes: the part's name);
  a first cell that is a control's own content gives no title;
* the **label** is the nearest non-empty paragraph before the control within the same cell or
  section (text before a run-level control in its own paragraph comes first); paragraphs inside
  other controls and checkbox glyphs do not count; a control in a cell without a row title, and
  a row-level control, take the question before the table; a control in a text box takes the
  text box's paragraphs first, then the text before the text box; without one, the label is the
  section;
* the **key** is the ``w:tag`` if set, else the ``w:alias``, else the context: the section alone
  when the section holds exactly one control, else the section and the first eight words of the
  label. Keys are lowercase ASCII identifiers (diacritics folded, punctuation stripped); a clash
  gets ``_2``, ``_3`` … in document order, with one warning. Controls sharing a tag and a kind
  are one field filled in every place (a text box's VML copy is another place of its controls);
  one tag on two kinds of control is an error.

Scanning takes time in proportion to the document: each control is visited once, its properties
read in one pass. A document with more than :data:`MAX_CONTROLS` controls is refused.
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
import warnings
from collections import Counter
from dataclasses import dataclass, field, replace

from . import _ooxml as ox
from .controls import (
    SKIP_TEXT,
    T_SDT_CONTENT,
    Choice,
    ContentControl,
    Description,
    Kind,
    Level,
    inline_items,
    paragraph_text,
    run_text_into,
)
from .document import Document, StoryPart
from .errors import TemplateError, UnsafeDocumentError
from .styles import StyleSheet

__all__ = [
    "MAX_CONTROLS",
    "Field",
    "KeyCollisionWarning",
    "Location",
    "label_text",
    "scan",
    "slugify",
]

W = ox.NS["w"]
DEFAULT_SECTION = {
    "document": "Algemeen",
    "header": "Koptekst",
    "footer": "Voettekst",
    "footnotes": "Voetnoten",
    "endnotes": "Eindnoten",
}
VALUE_KINDS = frozenset(
    {
        Kind.RICH_TEXT,
        Kind.PLAIN_TEXT,
        Kind.DROPDOWN,
        Kind.COMBO_BOX,
        Kind.DATE,
        Kind.CHECKBOX,
        Kind.PICTURE,
        Kind.REPEATING_SECTION,
    }
)
# The public attributes of pydantic's BaseModel that a key could spell (``model_…`` names are
# handled by prefix): a field may not shadow them. Written out, so that scanning does not import
# pydantic; a test checks the list against pydantic's BaseModel.
RESERVED_NAMES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)
LABEL_WORDS = 8  # a context key keeps the first eight words of the question


class KeyCollisionWarning(UserWarning):
    """Two controls would get the same key; the later one got a numbered suffix."""


@dataclass(frozen=True, slots=True)
class Location:
    """Where a control sits: its part, its index among the part's ``w:sdt`` elements in document
    order, its level, and a position a person can find."""

    part: str
    index: int
    level: Level
    where: str

    def __str__(self) -> str:
        return f"{self.part}, {self.where}"


@dataclass(frozen=True, slots=True)
class Field:
    """One fillable control (or several sharing a tag), named by its context."""

    key: str
    kind: Kind
    section: str
    label: str
    locations: tuple[Location, ...]
    choices: tuple[Choice, ...] = ()
    multiline: bool = False
    tag: str | None = None
    alias: str | None = None
    lock: str | None = None
    bound: bool = False
    date_format: str | None = None
    date_lid: str | None = None
    children: tuple[Field, ...] = field(default=())

    @property
    def location(self) -> Location:
        return self.locations[0]


_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "ł": "l", "Ł": "L",
     "đ": "d", "ı": "i"}
)  # fmt: skip
_APOSTROPHES = re.compile(r"['’‘ʼ`´]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def slugify(text: str) -> str:
    """Lowercase ASCII identifier words: ``"Continuïteit (PGA-R)?"`` -> ``"continuiteit_pga_r"``."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_FOLD)
    text = _APOSTROPHES.sub("", text).lower()
    return _NOT_WORD.sub("_", text).strip("_")


def _identifier(slug: str) -> str:
    if not slug:
        slug = "veld"
    if slug[0].isdigit():
        slug = "f_" + slug
    if keyword.iskeyword(slug) or slug in RESERVED_NAMES or slug.startswith("model_"):
        slug += "_"
    return slug


# -- walking the document ---------------------------------------------------------------------

MAX_CONTROLS = 100_000
"""The most content controls (``w:sdt``) a document may hold, over all its parts. Word itself
becomes unusable long before; beyond it a document is refused (:class:`UnsafeDocumentError`)
instead of taking unbounded time and memory."""

T_TXBX = f"{{{W}}}txbxContent"
T_ALTERNATE = f"{{{ox.NS['mc']}}}AlternateContent"
T_CHOICE = f"{{{ox.NS['mc']}}}Choice"
T_CUSTOM_XML = f"{{{W}}}customXml"
NOTES = (f"{{{W}}}footnote", f"{{{W}}}endnote", f"{{{W}}}comment")
# Inside a run, only drawings, VML pictures and embedded objects can hold a text box.
_RUN_SHAPES = frozenset({T_ALTERNATE, f"{{{W}}}drawing", f"{{{W}}}pict", f"{{{W}}}object"})
_TRANSPARENT = frozenset({Kind.GROUP, Kind.REPEATING_ITEM, Kind.REPEATING_SECTION, Kind.OTHER})

# Glyphs of checkboxes (Word's ☐ ☒ and common alternatives) are not words of a question, nor are
# the private-use characters of symbol fonts (Wingdings boxes, written as w:sym).
_GLYPHS = re.compile("[\u2610-\u2612\u2713-\u2718\uf000-\uf0ff]")


def label_text(text: str) -> str:
    """Text as a label: without checkbox glyphs, stripped."""
    return _GLYPHS.sub("", text).strip()


def _text_boxes(element: ox.Element) -> list[ox.Element]:
    """The ``w:txbxContent`` elements below a drawing, picture or alternate content, not counting
    text boxes inside text boxes (those belong to the outer one's content)."""
    found: list[ox.Element] = []
    for child in element:
        tag = child.tag
        if tag == T_TXBX:
            found.append(child)
        elif isinstance(tag, str):
            found.extend(_text_boxes(child))
    return found


def _run_text_boxes(run: ox.Element) -> list[list[list[ox.Element]]]:
    """The text boxes in a run, grouped by shape: for each shape the text boxes of each of its
    versions: the DrawingML version (``mc:Choice``) first, then the VML copy (``mc:Fallback``)
    Word writes for older readers. A shape without alternate content has one version."""
    shapes: list[list[list[ox.Element]]] = []
    for child in run:
        if child.tag not in _RUN_SHAPES:
            continue
        if child.tag == T_ALTERNATE:  # mc:Choice first, then mc:Fallback
            versions = [boxes for v in child if isinstance(v.tag, str) if (boxes := _text_boxes(v))]
        else:
            versions = [boxes] if (boxes := _text_boxes(child)) else []
        if versions:
            shapes.append(versions)
    return shapes


@dataclass(eq=False, slots=True)
class _Found:
    control: ContentControl
    about: Description
    part: str
    index: int
    level: Level
    section: str
    default_section: bool
    label: str
    where: str
    in_section: _Found | None = None  # the repeating section it sits in (the innermost)
    inside: list[_Found] = field(default_factory=list)  # a repeating section's controls
    copies: list[_Found] = field(default_factory=list)  # the same control in a text box's copy
    copy_of: _Found | None = None

    @property
    def element(self) -> ox.Element:
        return self.control.element

    @property
    def kind(self) -> Kind:
        return self.about.kind

    @property
    def container(self) -> bool:
        return self.about.container

    @property
    def location(self) -> Location:
        return Location(self.part, self.index, self.level, self.where)

    @property
    def owns_content(self) -> bool:
        """The control's content is its value: the text in it names nothing."""
        return self.kind not in _TRANSPARENT and not self.container


@dataclass(slots=True)
class _Scope:
    last: str | None = None  # nearest non-empty paragraph before, in this cell or section
    row_title: str | None = None  # the row's title when inside a non-first cell
    in_table: bool = False
    outer: str | None = None  # the label around the text box this scope is in
    own: bool = False  # inside a field's own content: its text names nothing
    section: _Found | None = None  # the repeating section around (the innermost)

    def nested(self, **changes: object) -> _Scope:
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(slots=True)
class _Row:
    row: ox.Element
    opened: list[ox.Element]  # row-level controls whose first row this is (outermost first)
    wrappers: tuple[ox.Element, ...]  # row-level controls around the row (outermost first)


class _Walker:
    def __init__(
        self, story: StoryPart, root: ox.Element, styles: StyleSheet, index: dict[ox.Element, int]
    ) -> None:
        self.story = story
        self.styles = styles
        self.index = index
        self.section = DEFAULT_SECTION[story.kind]
        self.default_section = True
        self.found: list[_Found] = []
        self.recorded: dict[ox.Element, _Found] = {}
        self.prefix = ""  # where the text box this walk is in sits
        self.where = "start"
        self.paragraphs = 0
        self.tables = 0

    def run(self, root: ox.Element) -> None:
        body = root.find(f"{{{W}}}body")
        self.blocks(body if body is not None else root, _Scope())

    def record(self, element: ox.Element, scope: _Scope, level: Level, label: str | None) -> _Found:
        found = self.recorded.get(element)
        if found is not None:
            return found
        control = ContentControl(element)
        section = scope.row_title or self.section
        found = _Found(
            control=control,
            about=control.describe(),
            part=self.story.name,
            index=self.index[element],
            level=level,
            section=section,
            default_section=self.default_section and not scope.row_title,
            label=label or scope.last or scope.outer or section,
            where=self.where,
            in_section=scope.section,
        )
        self.recorded[element] = found
        self.found.append(found)
        if scope.section is not None:
            scope.section.inside.append(found)
        return found

    def _inner(self, found: _Found, scope: _Scope, **changes: object) -> _Scope:
        """The scope of a control's content."""
        if found.kind == Kind.REPEATING_SECTION:
            changes["section"] = found
        if found.owns_content:
            changes["own"] = True
        return scope.nested(**changes)

    # -- block content ----------------------------------------------------------------------

    def blocks(self, container: ox.Element, scope: _Scope) -> None:
        for child in container:
            tag = child.tag
            if tag == ox.W_P:
                self.paragraph(child, scope)
            elif tag == ox.W_TBL:
                self.table(child, scope)
            elif tag == ox.W_SDT:
                self.control(child, scope, Level.BLOCK, None)
            elif tag in NOTES:
                self.blocks(child, _Scope())
            elif isinstance(tag, str) and tag not in SKIP_TEXT:
                self.blocks(child, scope)

    def paragraph(self, paragraph: ox.Element, scope: _Scope) -> None:
        if not scope.in_table:
            self.paragraphs += 1
            self.where = f"{self.prefix}paragraph {self.paragraphs}"
        own = "" if scope.own else label_text(paragraph_text(paragraph, skip_controls=True))
        heading = bool(own) and self.styles.paragraph_outline_level(paragraph) is not None
        if heading and not scope.in_table:
            self.section = own
            self.default_section = False
            scope.last = None
        self.inline(paragraph, scope, [])
        if own and not heading:
            scope.last = own

    def inline(self, element: ox.Element, scope: _Scope, before: list[str]) -> None:
        for item in inline_items(element):
            if item.tag == ox.W_R:
                run_text_into(item, before)
                for versions in _run_text_boxes(item):
                    self.text_box(versions, scope, label_text("".join(before)) or None)
            else:
                label = label_text("".join(before)) or None
                self.control(item, scope, Level.RUN, label)

    def control(self, element: ox.Element, scope: _Scope, level: Level, label: str | None) -> None:
        found = self.record(element, scope, level, label)
        content = element.find(T_SDT_CONTENT)
        if content is None:
            return
        inner = self._inner(found, scope, last=label or scope.last)
        if level == Level.RUN:
            self.inline(content, inner, [])
        else:
            self.blocks(content, inner)

    # -- text boxes ---------------------------------------------------------------------------

    def text_box(self, versions: list[list[ox.Element]], scope: _Scope, before: str | None) -> None:
        """The controls of one shape's text boxes, named by the text boxes' own paragraphs first,
        then by what stands before the shape. The VML copy's controls become second locations
        of the DrawingML version's controls (Word shows one or the other)."""
        first: list[_Found] = []
        for number, boxes in enumerate(versions):
            start = len(self.found)
            what = "text box" if number == 0 else "text box (VML copy)"
            for box in boxes:
                self._walk_text_box(box, scope, before, what)
            found = self.found[start:]
            if number == 0:
                first = found
            elif [(f.kind, f.about.tag) for f in found] == [(f.kind, f.about.tag) for f in first]:
                for original, copy in zip(first, found, strict=True):
                    original.copies.append(copy)
                    copy.copy_of = original

    def _walk_text_box(self, box: ox.Element, scope: _Scope, before: str | None, what: str) -> None:
        saved = (self.section, self.default_section, self.where, self.prefix)
        counters = (self.paragraphs, self.tables)
        self.prefix = f"{self.where}, {what}, "
        self.where = f"{self.where}, {what}"
        self.paragraphs = self.tables = 0
        inner = scope.nested(last=None, in_table=False, outer=before or scope.last or scope.outer)
        self.blocks(box, inner)
        self.section, self.default_section, self.where, self.prefix = saved
        self.paragraphs, self.tables = counters

    # -- tables -----------------------------------------------------------------------------

    def _rows(
        self,
        container: ox.Element,
        wrappers: tuple[ox.Element, ...],
        pending: list[ox.Element],
        out: list[_Row],
    ) -> None:
        """The rows of a table, each with the row-level controls that begin at it."""
        for child in container:
            if child.tag == ox.W_TR:
                out.append(_Row(child, pending[:], wrappers))
                pending.clear()
            elif child.tag == ox.W_SDT:
                pending.append(child)
                content = child.find(T_SDT_CONTENT)
                if content is not None:
                    self._rows(content, (*wrappers, child), pending, out)
            elif child.tag == T_CUSTOM_XML:
                self._rows(child, wrappers, pending, out)

    def _cells(
        self, row: ox.Element, wrappers: tuple[ox.Element, ...] = ()
    ) -> list[tuple[ox.Element, tuple[ox.Element, ...]]]:
        """Cells of a row, each with the cell-level controls around it (outermost first)."""
        cells: list[tuple[ox.Element, tuple[ox.Element, ...]]] = []
        for child in row:
            if child.tag == ox.W_TC:
                cells.append((child, wrappers))
            elif child.tag == ox.W_SDT:
                content = child.find(T_SDT_CONTENT)
                if content is not None:
                    cells.extend(self._cells(content, (*wrappers, child)))
            elif child.tag == T_CUSTOM_XML:
                cells.extend(self._cells(child, wrappers))
        return cells

    def _texts(self, container: ox.Element) -> list[str]:
        """The labels a cell offers: its paragraphs' text outside every field control."""
        texts: list[str] = []
        for child in container:
            tag = child.tag
            if tag == ox.W_P:
                text = label_text(paragraph_text(child, skip_controls=True))
                if text:
                    texts.append(text)
            elif tag == ox.W_SDT:
                if not self._owns_content(child):
                    content = child.find(T_SDT_CONTENT)
                    if content is not None:
                        texts.extend(self._texts(content))
            elif isinstance(tag, str) and tag not in SKIP_TEXT:
                texts.extend(self._texts(child))
        return texts

    def _owns_content(self, element: ox.Element) -> bool:
        found = self.recorded.get(element)
        if found is not None:
            return found.owns_content
        control = ContentControl(element)
        return control.kind not in _TRANSPARENT and not control.is_container

    @staticmethod
    def _continues_merge(cell: ox.Element) -> bool:
        pr = cell.find(f"{{{W}}}tcPr")
        merge = None if pr is None else pr.find(f"{{{W}}}vMerge")
        return merge is not None and merge.get(ox.W_VAL, "continue") == "continue"

    def _wrapped(self, scope: _Scope, wrappers: tuple[ox.Element, ...]) -> _Scope:
        """The scope inside row- or cell-level controls (already recorded)."""
        for element in wrappers:
            found = self.recorded.get(element)
            if found is not None:
                scope = self._inner(found, scope)
        return scope

    def table(self, table: ox.Element, scope: _Scope) -> None:
        self.tables += 1
        number = self.tables
        rows: list[_Row] = []
        pending: list[ox.Element] = []
        self._rows(table, (), pending, rows)
        previous_title: str | None = None
        for r, row in enumerate(rows, 1):
            self.where = f"{self.prefix}table {number}, row {r}"
            for element in row.opened:
                # A row-level control is named by what stands before the table, never by the
                # text of its own cells. (One holding no rows opens at the row after it.)
                wrappers = row.wrappers
                outer = wrappers[: wrappers.index(element)] if element in wrappers else ()
                self.record(element, self._wrapped(scope, outer), Level.ROW, None)
            row_scope = self._wrapped(scope, row.wrappers)
            cells = self._cells(row.row)
            if not cells:
                continue
            first, first_wrappers = cells[0]
            title = None
            if not row_scope.own and not any(map(self._owns_content, first_wrappers)):
                title = next(iter(self._texts(first)), None)
                if title is None and self._continues_merge(first):
                    title = previous_title
            previous_title = title
            before: str | None = None
            for c, (cell, wrappers) in enumerate(cells, 1):
                self.where = f"{self.prefix}table {number}, row {r}, column {c}"
                # Without a row title, what stands before the table is the question.
                titled = c > 1 and title is not None
                cell_scope = _Scope(
                    row_title=title if c > 1 else None,
                    in_table=True,
                    outer=scope.outer if titled else scope.last or scope.outer,
                    own=row_scope.own,
                    section=row_scope.section,
                )
                for depth, element in enumerate(wrappers):
                    around = self._wrapped(cell_scope, wrappers[:depth])
                    self.record(element, around, Level.CELL, before or (title if c > 1 else None))
                inner = self._wrapped(cell_scope, wrappers)
                self.blocks(cell, inner)
                if not inner.own:
                    before = next(reversed(self._texts(cell)), before)
        for element in pending:  # row-level controls holding no rows
            self.record(element, scope, Level.ROW, None)


# -- from found controls to fields --------------------------------------------------------------


def _context_key(found: _Found, per_section: Counter[str]) -> str:
    section = "" if found.default_section else slugify(found.section)
    label = slugify(found.label) if found.label != found.section else ""
    label = "_".join(label.split("_")[:LABEL_WORDS])
    if section and per_section[found.section] == 1:
        return section
    return "_".join(part for part in (section, label) if part)


def _make_field(found: _Found, key: str, children: tuple[Field, ...] = ()) -> Field:
    about = found.about
    return Field(
        key=key,
        kind=about.kind,
        section=found.section,
        label=found.label,
        locations=(found.location, *(copy.location for copy in found.copies)),
        choices=about.choices,
        multiline=about.multiline,
        tag=about.tag,
        alias=about.alias,
        lock=about.lock,
        bound=about.bound,
        date_format=about.date_format,
        date_lid=about.date_lid,
        children=children,
    )


def _merge(existing: Field, item: _Found, source: str, duplicate_tags: str) -> Field:
    """One field for two controls sharing a tag (filled in every place), or an error."""
    where = f"{existing.location} ({existing.label!r}) and {item.location} ({item.label!r})"
    tag = existing.tag
    if duplicate_tags == "error":
        raise TemplateError(
            source,
            f"tag '{tag}' is used by two controls: {where}. Give each control its own tag in "
            "Word (Developer > Properties), or, if they are meant to hold the same answer, open "
            "the template with duplicate_tags='merge' (--duplicate-tags merge)",
        )
    if existing.kind != item.kind:
        raise TemplateError(
            source,
            f"tag '{tag}' is used by a {existing.kind.value} and a {item.kind.value} control: "
            f"{where}; one answer cannot fill both, so give them different tags in Word "
            "(Developer > Properties)",
        )
    if existing.kind == Kind.DROPDOWN and existing.choices != item.about.choices:
        raise TemplateError(
            source,
            f"tag '{tag}' is used by two dropdown lists with different items: {where}; give "
            "them the same items or different tags",
        )
    return replace(
        existing,
        locations=(*existing.locations, item.location, *(c.location for c in item.copies)),
        multiline=existing.multiline and item.about.multiline,
    )


def _build_fields(found: list[_Found], source: str, duplicate_tags: str) -> list[Field]:
    per_section = Counter(f.section for f in found)
    fields: list[Field] = []
    by_key: dict[str, int] = {}
    suffix: dict[str, int] = {}  # the next number to try for a key that is taken
    collisions: list[tuple[Location, Location, str, str]] = []
    for item in found:
        tag = item.about.tag
        explicit = tag or item.about.alias
        base = _identifier(slugify(explicit) if explicit else _context_key(item, per_section))
        if base in by_key:
            existing = fields[by_key[base]]
            if tag and existing.tag == tag:
                fields[by_key[base]] = _merge(existing, item, source, duplicate_tags)
                continue
            n = suffix.get(base, 2)
            while f"{base}_{n}" in by_key:
                n += 1
            suffix[base] = n + 1
            key = f"{base}_{n}"
            collisions.append((existing.location, item.location, base, key))
        else:
            key = base
        children: tuple[Field, ...] = ()
        if item.kind == Kind.REPEATING_SECTION:
            children = _item_fields(item, source, duplicate_tags)
        by_key[key] = len(fields)
        fields.append(_make_field(item, key, children))
    if collisions:
        warnings.warn(KeyCollisionWarning(_collision_message(source, collisions)), stacklevel=3)
    return fields


def _collision_message(source: str, collisions: list[tuple[Location, Location, str, str]]) -> str:
    if len(collisions) == 1:
        (first, second, base, key) = collisions[0]
        return (
            f"{source}: controls at {first} and {second} would both be named '{base}'; the "
            f"second is named '{key}'"
        )
    shown = ", ".join(f"'{key}' at {second}" for _, second, _, key in collisions[:5])
    more = f" and {len(collisions) - 5} more" if len(collisions) > 5 else ""
    return (
        f"{source}: {len(collisions)} controls would take the name of an earlier control and "
        f"are numbered: {shown}{more}"
    )


def _item_fields(section: _Found, source: str, duplicate_tags: str) -> tuple[Field, ...]:
    """Fields of a repeating section's first item, indexed relative to that item."""
    items = section.control.items()
    if not items:
        return ()
    item = items[0].element
    relative = {el: i for i, el in enumerate(item.iter(ox.W_SDT))}

    def moved(found: _Found) -> _Found:
        return replace(
            found,
            index=relative[found.element],
            section=section.label,
            default_section=True,
            copies=[moved(c) for c in found.copies if c.element in relative],
        )

    inside = [
        moved(found)
        for found in section.inside
        if found.element in relative
        and found.element is not item
        and found.kind in VALUE_KINDS
        and not found.container
        and found.copy_of is None
    ]
    return tuple(_build_fields(inside, source, duplicate_tags))


DUPLICATE_TAGS = ("merge", "error")


def scan(document: Document, *, duplicate_tags: str = "merge") -> list[Field]:
    """Every fillable control of a document, in document order (body, headers, footers,
    footnotes, endnotes; text boxes where they are anchored), named by its tag, alias or
    context.

    Controls sharing a ``w:tag`` and a kind are one field, filled in every place; two kinds
    under one tag are an error (:class:`TemplateError`). ``duplicate_tags="error"`` makes any
    shared tag an error. More than :data:`MAX_CONTROLS` controls are refused
    (:class:`UnsafeDocumentError`).
    """
    if duplicate_tags not in DUPLICATE_TAGS:
        raise ValueError(f"duplicate_tags must be one of {DUPLICATE_TAGS}")
    all_found: list[_Found] = []
    count = 0
    for story, root in document.iter_story_trees():
        index: dict[ox.Element, int] = {}
        for element in root.iter(ox.W_SDT):
            index[element] = len(index)
            if count + len(index) > MAX_CONTROLS:
                raise UnsafeDocumentError(
                    document.name,
                    f"holds more than {MAX_CONTROLS:,} content controls (in {story.name} and "
                    "before); a template that large is not supported",
                )
        count += len(index)
        walker = _Walker(story, root, document.styles, index)
        walker.run(root)
        all_found.extend(walker.found)
    found = [
        f
        for f in all_found
        if f.kind in VALUE_KINDS and not f.container and f.in_section is None and f.copy_of is None
    ]
    return _build_fields(found, document.name, duplicate_tags)

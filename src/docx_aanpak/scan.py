"""Find every content control in every story part and name it by what a person sees around it.

Word's default controls have no tag and no title, so a control is named by its context: the
section it sits in and the question before it. The rules (also in the README):

* the **section** is the title in the first cell of the control's table row (the "Wat" column),
  else the nearest heading before the control (in headers, footers and notes: the part's name);
* the **label** is the nearest non-empty paragraph before the control within the same cell or
  section (text before a run-level control in its own paragraph comes first); paragraphs inside
  other controls do not count; without one, the label is the section;
* the **key** is the ``w:tag`` if set, else the ``w:alias``, else the context: the section alone
  when the section holds exactly one control, else the section and the first eight words of the
  label. Keys are lowercase ASCII identifiers (diacritics folded, punctuation stripped); a clash
  gets ``_2``, ``_3`` … in document order, with a warning. Two controls sharing one tag are an
  error, unless asked to merge them into one field that is filled in every place.
"""

from __future__ import annotations

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
    Kind,
    Level,
    inline_items,
    paragraph_text,
    run_text_into,
)
from .document import Document, StoryPart
from .errors import TemplateError
from .styles import StyleSheet

__all__ = ["Field", "KeyCollisionWarning", "Location", "scan", "slugify"]

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


@dataclass(frozen=True)
class Location:
    """Where a control sits: its part, its index among the part's ``w:sdt`` elements in document
    order, its level, and a position a person can find."""

    part: str
    index: int
    level: Level
    where: str

    def __str__(self) -> str:
        return f"{self.part}, {self.where}"


@dataclass(frozen=True)
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


def slugify(text: str) -> str:
    """Lowercase ASCII identifier words: ``"Continuïteit (PGA-R)?"`` -> ``"continuiteit_pga_r"``."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for a, b in (
        ("ß", "ss"),
        ("æ", "ae"),
        ("Æ", "AE"),
        ("ø", "o"),
        ("Ø", "O"),
        ("œ", "oe"),
        ("ł", "l"),
        ("Ł", "L"),
        ("đ", "d"),
        ("ı", "i"),
    ):
        text = text.replace(a, b)
    text = re.sub(r"['’‘ʼ`´]", "", text).lower()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


def _identifier(slug: str) -> str:
    if not slug:
        slug = "veld"
    if slug[0].isdigit():
        slug = "f_" + slug
    if keyword.iskeyword(slug) or slug in RESERVED_NAMES or slug.startswith("model_"):
        slug += "_"
    return slug


# -- walking the document ---------------------------------------------------------------------


@dataclass
class _Scope:
    last: str | None = None  # nearest non-empty paragraph before, in this cell or section
    row_title: str | None = None  # the row's title when inside a non-first cell
    in_table: bool = False


@dataclass
class _Found:
    control: ContentControl
    part: str
    index: int
    level: Level
    section: str
    default_section: bool
    label: str
    where: str


class _Walker:
    def __init__(self, story: StoryPart, root: ox.Element, styles: StyleSheet) -> None:
        self.story = story
        self.styles = styles
        self.index = {el: i for i, el in enumerate(root.iter(ox.W_SDT))}
        self.section = DEFAULT_SECTION[story.kind]
        self.default_section = True
        self.found: list[_Found] = []
        self.recorded: set[ox.Element] = set()
        self.where = "start"
        self.paragraphs = 0
        self.tables = 0

    def run(self, root: ox.Element) -> None:
        body = root.find(f"{{{W}}}body")
        self.blocks(body if body is not None else root, _Scope())

    def record(self, element: ox.Element, scope: _Scope, level: Level, label: str | None) -> None:
        if element in self.recorded:
            return
        self.recorded.add(element)
        section = scope.row_title or self.section
        default = self.default_section and not scope.row_title
        self.found.append(
            _Found(
                ContentControl(element),
                self.story.name,
                self.index[element],
                level,
                section,
                default,
                label or scope.last or section,
                self.where,
            )
        )

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
            elif tag in (f"{{{W}}}footnote", f"{{{W}}}endnote", f"{{{W}}}comment"):
                self.blocks(child, _Scope())
            elif isinstance(tag, str) and tag not in SKIP_TEXT:
                self.blocks(child, scope)

    def paragraph(self, paragraph: ox.Element, scope: _Scope) -> None:
        if not scope.in_table:
            self.paragraphs += 1
            self.where = f"paragraph {self.paragraphs}"
        own = paragraph_text(paragraph, skip_controls=True).strip()
        heading = self.styles.paragraph_outline_level(paragraph) is not None
        if heading and own and not scope.in_table:
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
            else:
                self.control(item, scope, Level.RUN, "".join(before).strip() or None)

    def control(self, element: ox.Element, scope: _Scope, level: Level, label: str | None) -> None:
        self.record(element, scope, level, label)
        content = element.find(T_SDT_CONTENT)
        if content is None:
            return
        inner = _Scope(last=label or scope.last, row_title=scope.row_title, in_table=scope.in_table)
        if level == Level.RUN:
            self.inline(content, inner, [])
        else:
            self.blocks(content, inner)

    # -- tables -----------------------------------------------------------------------------

    def _rows(self, container: ox.Element, scope: _Scope) -> list[ox.Element]:
        """Rows of a table, recording row-level controls on the way."""
        rows: list[ox.Element] = []
        for child in container:
            if child.tag == ox.W_TR:
                rows.append(child)
            elif child.tag == ox.W_SDT:
                content = child.find(T_SDT_CONTENT)
                inner = [] if content is None else self._rows(content, scope)
                cells = self._cells(inner[0]) if inner else []
                self.record(
                    child, scope, Level.ROW, self._cell_title(cells[0][0]) if cells else None
                )
                rows.extend(inner)
            elif child.tag == f"{{{W}}}customXml":
                rows.extend(self._rows(child, scope))
        return rows

    def _cells(self, row: ox.Element) -> list[tuple[ox.Element, ox.Element | None]]:
        """Cells of a row, each with the cell-level control wrapping it (if any)."""
        cells: list[tuple[ox.Element, ox.Element | None]] = []
        for child in row:
            if child.tag == ox.W_TC:
                cells.append((child, None))
            elif child.tag == ox.W_SDT:
                content = child.find(T_SDT_CONTENT)
                if content is not None:
                    cells.extend((cell, wrapper or child) for cell, wrapper in self._cells(content))
            elif child.tag == f"{{{W}}}customXml":
                cells.extend(self._cells(child))
        return cells

    @staticmethod
    def _cell_title(cell: ox.Element) -> str | None:
        for paragraph in cell.iter(ox.W_P):
            text = paragraph_text(paragraph, skip_controls=True).strip()
            if text:
                return text
        return None

    @staticmethod
    def _continues_merge(cell: ox.Element) -> bool:
        pr = cell.find(f"{{{W}}}tcPr")
        merge = None if pr is None else pr.find(f"{{{W}}}vMerge")
        return merge is not None and merge.get(ox.W_VAL, "continue") == "continue"

    def table(self, table: ox.Element, scope: _Scope) -> None:
        self.tables += 1
        number = self.tables
        previous_title: str | None = None
        for r, row in enumerate(self._rows(table, scope), 1):
            cells = self._cells(row)
            if not cells:
                continue
            title = self._cell_title(cells[0][0])
            if title is None and self._continues_merge(cells[0][0]):
                title = previous_title
            previous_title = title
            before: str | None = None
            for c, (cell, wrapper) in enumerate(cells, 1):
                self.where = f"table {number}, row {r}, column {c}"
                cell_scope = _Scope(row_title=title if c > 1 else None, in_table=True)
                if wrapper is not None:
                    self.record(wrapper, cell_scope, Level.CELL, before or title)
                self.blocks(cell, cell_scope)
                texts = [paragraph_text(p, skip_controls=True).strip() for p in cell.iter(ox.W_P)]
                before = next((t for t in reversed(texts) if t), before)


# -- from found controls to fields --------------------------------------------------------------


def _inside_repeating_section(control: ContentControl) -> bool:
    node = control.element.getparent()
    while node is not None:
        if node.tag == ox.W_SDT and ContentControl(node).kind == Kind.REPEATING_SECTION:
            return True
        node = node.getparent()
    return False


def _is_field(found: _Found) -> bool:
    control = found.control
    return (
        control.kind in VALUE_KINDS
        and not control.is_container
        and not _inside_repeating_section(control)
    )


def _context_key(found: _Found, per_section: Counter[str]) -> str:
    section = "" if found.default_section else slugify(found.section)
    label = slugify(found.label) if found.label != found.section else ""
    label = "_".join(label.split("_")[:LABEL_WORDS])
    if section and per_section[found.section] == 1:
        return section
    return "_".join(part for part in (section, label) if part)


def _make_field(found: _Found, key: str, children: tuple[Field, ...] = ()) -> Field:
    control = found.control
    return Field(
        key=key,
        kind=control.kind,
        section=found.section,
        label=found.label,
        locations=(Location(found.part, found.index, found.level, found.where),),
        choices=control.choices,
        multiline=control.multiline,
        tag=control.tag,
        alias=control.alias,
        lock=control.lock,
        bound=control.binding is not None,
        date_format=control.date_format,
        date_lid=control.date_lid,
        children=children,
    )


def _build_fields(
    found: list[_Found], all_found: list[_Found], source: str, duplicate_tags: str
) -> list[Field]:
    per_section = Counter(f.section for f in found)
    fields: list[Field] = []
    by_key: dict[str, int] = {}
    for item in found:
        control = item.control
        explicit = control.tag or control.alias
        base = _identifier(slugify(explicit) if explicit else _context_key(item, per_section))
        children: tuple[Field, ...] = ()
        if control.kind == Kind.REPEATING_SECTION:
            children = _item_fields(item, all_found, source, duplicate_tags)
        if base in by_key:
            existing = fields[by_key[base]]
            if control.tag and existing.tag == control.tag:
                where = (
                    f"{existing.location} ({existing.label!r}) and {item.part}, {item.where} "
                    f"({item.label!r})"
                )
                if duplicate_tags != "merge":
                    raise TemplateError(
                        source,
                        f"tag '{control.tag}' is used by two controls: {where}. Give each "
                        "control its own tag in Word (Developer > Properties), or, if they are "
                        "meant to hold the same answer, open the template with "
                        "duplicate_tags='merge' (--duplicate-tags merge)",
                    )
                if existing.kind != control.kind or existing.choices != control.choices:
                    raise TemplateError(
                        source,
                        f"tag '{control.tag}' is used by a {existing.kind.value} and a "
                        f"{control.kind.value} control: {where}; give them different tags",
                    )
                location = Location(item.part, item.index, item.level, item.where)
                fields[by_key[base]] = _with_location(existing, location)
                continue
            n = 2
            while f"{base}_{n}" in by_key:
                n += 1
            key = f"{base}_{n}"
            warnings.warn(
                KeyCollisionWarning(
                    f"{source}: controls at {existing.location} and {item.part}, {item.where} "
                    f"would both be named '{base}'; the second is named '{key}'"
                ),
                stacklevel=3,
            )
        else:
            key = base
        by_key[key] = len(fields)
        fields.append(_make_field(item, key, children))
    return fields


def _with_location(existing: Field, location: Location) -> Field:
    return replace(existing, locations=(*existing.locations, location))


def _item_fields(
    section: _Found, all_found: list[_Found], source: str, duplicate_tags: str
) -> tuple[Field, ...]:
    """Fields of a repeating section's first item, indexed relative to that item."""
    items = section.control.items()
    if not items:
        return ()
    item = items[0].element
    relative = {el: i for i, el in enumerate(item.iter(ox.W_SDT))}
    inside = []
    for found in all_found:
        control = found.control
        if (
            control.element in relative
            and control.element is not item
            and control.kind in VALUE_KINDS
            and not control.is_container
        ):
            inside.append(
                _Found(
                    control,
                    found.part,
                    relative[control.element],
                    found.level,
                    section.label,
                    True,
                    found.label,
                    found.where,
                )
            )
    return tuple(_build_fields(inside, all_found, source, duplicate_tags))


DUPLICATE_TAGS = ("error", "merge")


def scan(document: Document, *, duplicate_tags: str = "error") -> list[Field]:
    """Every fillable control of a document, in document order (body, headers, footers,
    footnotes, endnotes), named by its tag, alias or context.

    Two controls with the same ``w:tag`` are an error (:class:`TemplateError`), unless
    ``duplicate_tags="merge"``: then they are one field, filled in every place.
    """
    if duplicate_tags not in DUPLICATE_TAGS:
        raise ValueError(f"duplicate_tags must be one of {DUPLICATE_TAGS}")
    all_found: list[_Found] = []
    for story, root in document.iter_story_trees():
        walker = _Walker(story, root, document.styles)
        walker.run(root)
        all_found.extend(walker.found)
    found = [f for f in all_found if _is_field(f)]
    return _build_fields(found, all_found, document.name, duplicate_tags)

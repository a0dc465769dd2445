"""Copy an answer with its formatting from a control in one document into a control of another.

Migration fills the new template with the answers' text first; :func:`carry_answer` then
replaces a rich-text control's content by a copy of the old answer's runs and paragraphs, so that
bold, italics, lists and line breaks survive. What only makes sense in the old document is left
out or translated: styles the new template lacks, bookmarks, comments, tracked deletions (tracked
insertions are kept as text), paragraph ids; list numbering is copied into the new document's
numbering part. An answer holding something that points into the old package (a picture, an
embedded object, a link) keeps the text the fill wrote, and the reason is returned, as it is when
the copy would not read back as the same text.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import _ooxml as ox
from .controls import T_PPR, T_RSTYLE, T_SDT_CONTENT, ContentControl, Kind, Level
from .document import Document

__all__ = ["carry_answer"]

W = ox.NS["w"]
W14 = ox.NS["w14"]
R = ox.NS["r"]
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"

T_PSTYLE = f"{{{W}}}pStyle"
T_NUMPR = f"{{{W}}}numPr"
T_NUMID = f"{{{W}}}numId"
T_SECTPR = f"{{{W}}}sectPr"
T_BR = f"{{{W}}}br"
T_HYPERLINK = f"{{{W}}}hyperlink"
T_NUM = f"{{{W}}}num"
T_ABSTRACT = f"{{{W}}}abstractNum"
T_ABSTRACT_ID = f"{{{W}}}abstractNumId"

_DROP = frozenset(
    f"{{{W}}}{name}"
    for name in (
        "bookmarkStart",
        "bookmarkEnd",
        "commentRangeStart",
        "commentRangeEnd",
        "permStart",
        "permEnd",
        "proofErr",
        "del",
        "moveFrom",
        "moveFromRangeStart",
        "moveFromRangeEnd",
        "moveToRangeStart",
        "moveToRangeEnd",
        "customXmlInsRangeStart",
        "customXmlInsRangeEnd",
        "customXmlDelRangeStart",
        "customXmlDelRangeEnd",
    )
)
_UNWRAP = frozenset({f"{{{W}}}ins", f"{{{W}}}moveTo", f"{{{W}}}smartTag", T_HYPERLINK, ox.W_SDT})
# Runs holding only a reference into a part the new document does not have.
_REFERENCES = frozenset(
    f"{{{W}}}{name}"
    for name in ("commentReference", "footnoteReference", "endnoteReference", "annotationRef")
)
_PACKAGE_POINTERS = (f"{{{W}}}drawing", f"{{{W}}}pict", f"{{{W}}}object")


class _CannotCarry(Exception):
    """The answer's formatting cannot be carried; the message says why."""


# -- what the old control holds -----------------------------------------------------------------


def _source_blocks(control: ContentControl, extra: Sequence[ox.Element]) -> list[ox.Element]:
    """Copies of the answer's paragraphs and tables; a run-level answer becomes one paragraph
    (its own paragraph's properties, when LibreOffice moved the rest of it out)."""
    content = control.content
    if content is None:
        raise _CannotCarry("the old control holds nothing")
    level = control.level
    if level == Level.BLOCK:
        return [ox.deepcopy(el) for el in content if el.tag in (ox.W_P, ox.W_TBL)]
    if level != Level.RUN:
        raise _CannotCarry(f"a {level.value}-level control's formatting is not carried")
    paragraph = ox.make("w:p")
    host = control.element.getparent()
    while host is not None and host.tag != ox.W_P:
        host = host.getparent()
    ppr = None if host is None else host.find(T_PPR)
    if ppr is not None and extra:
        paragraph.append(ox.deepcopy(ppr))
    for child in content:
        paragraph.append(ox.deepcopy(child))
    return [paragraph, *(ox.deepcopy(el) for el in extra)]


# -- cleaning a copy ------------------------------------------------------------------------------


class _Cleaner:
    def __init__(self, source: Document, target: Document, numbers: dict[str, str]) -> None:
        self.source = source
        self.target = target
        self.styles = set(target.styles.styles)
        self.placeholder_styles = source.styles.placeholder_styles()
        self.numbers = numbers  # old numId -> new numId
        self.dropped: list[str] = []

    def clean(self, element: ox.Element) -> None:
        for node in list(element.iter()):
            if not isinstance(node.tag, str):
                continue
            if node.tag in _PACKAGE_POINTERS:
                raise _CannotCarry("it holds a picture or an embedded object")
            for name in map(str, list(node.attrib)):
                if name.startswith(f"{{{R}}}"):
                    if node.tag == T_HYPERLINK:
                        self.dropped.append("a link")
                        continue
                    raise _CannotCarry("it points to a part of the old document")
                if name in (f"{{{W14}}}paraId", f"{{{W14}}}textId"):
                    del node.attrib[name]
        for node in list(element.iter(*_DROP, *_REFERENCES, T_SECTPR)):
            parent = node.getparent()
            if parent is not None:
                if node.tag in _REFERENCES:
                    self.dropped.append("a note or comment")
                parent.remove(node)
        self._unwrap(element)
        for style in list(element.iter(T_RSTYLE, T_PSTYLE)):
            value = style.get(ox.W_VAL)
            if value in self.placeholder_styles or value not in self.styles:
                parent = style.getparent()
                assert parent is not None
                parent.remove(style)
        for numpr in list(element.iter(T_NUMPR)):
            self._renumber(numpr)

    def _unwrap(self, element: ox.Element) -> None:
        for node in list(element.iter(*_UNWRAP)):
            parent = node.getparent()
            if parent is None:
                continue
            if node.tag == ox.W_SDT:
                content = node.find(T_SDT_CONTENT)
                children = [] if content is None else list(content)
            else:
                children = list(node)
            index = parent.index(node)
            for offset, child in enumerate(children):
                parent.insert(index + offset, child)
            parent.remove(node)

    # -- numbering --------------------------------------------------------------------------

    def _numbering(self, document: Document) -> ox.Element | None:
        parts = document.package.related(document.package.main_part, RT_NUMBERING)
        return document.tree(parts[0]) if parts else None

    def _renumber(self, numpr: ox.Element) -> None:
        ident = numpr.find(T_NUMID)
        old = ox.wval(ident)
        if ident is None or old is None or old == "0":
            return
        new = self.numbers.get(old)
        if new is None:
            new = self.numbers[old] = self._import_list(old)
        ident.set(ox.W_VAL, new)

    def _import_list(self, old: str) -> str:
        """The new document's numId for the old list ``old``: the same one when both define it
        alike, else a copy of the old definition under fresh ids."""
        source = self._numbering(self.source)
        target = self._numbering(self.target)
        if source is None or target is None:
            raise _CannotCarry("its list numbering cannot be copied (no numbering part)")
        num = _find_num(source, old)
        abstract = None if num is None else _find_abstract(source, num)
        if num is None or abstract is None:
            raise _CannotCarry(f"its list numbering ({old}) is not defined in the old document")
        existing = _find_num(target, old)
        if existing is not None:
            theirs = _find_abstract(target, existing)
            if theirs is not None and _same_list(theirs, abstract) and len(existing) == len(num):
                return old
        numbers = [int(v) for v in (e.get(f"{{{W}}}numId") for e in target.iter(T_NUM)) if v]
        abstracts = [
            int(v) for v in (e.get(f"{{{W}}}abstractNumId") for e in target.iter(T_ABSTRACT)) if v
        ]
        new_num, new_abstract = (
            str(max(numbers, default=0) + 1),
            str(max(abstracts, default=-1) + 1),
        )
        copy = ox.deepcopy(abstract)
        copy.set(f"{{{W}}}abstractNumId", new_abstract)
        for child in list(copy):
            if child.tag in (f"{{{W}}}numStyleLink", f"{{{W}}}styleLink"):
                copy.remove(child)
        for picture in list(copy.iter(f"{{{W}}}lvlPicBulletId")):
            parent = picture.getparent()
            assert parent is not None
            parent.remove(picture)
        instance = ox.deepcopy(num)
        instance.set(f"{{{W}}}numId", new_num)
        for attribute in list(instance.attrib):
            if attribute != f"{{{W}}}numId":
                del instance.attrib[attribute]  # w16cid:durableId must be unique
        link = instance.find(T_ABSTRACT_ID)
        assert link is not None
        link.set(ox.W_VAL, new_abstract)
        last_abstract = None
        for child in target:
            if child.tag == T_ABSTRACT:
                last_abstract = child
        first_num = target.find(T_NUM)
        if last_abstract is not None:
            last_abstract.addnext(copy)
        elif first_num is not None:
            first_num.addprevious(copy)
        else:
            target.insert(0, copy)
        after = None
        for child in target:
            if child.tag == T_NUM:
                after = child
        if after is not None:
            after.addnext(instance)
        else:
            copy.addnext(instance)
        parts = self.target.package.related(self.target.package.main_part, RT_NUMBERING)
        self.target.mark_changed(parts[0])
        return new_num


def _find_num(numbering: ox.Element, num_id: str) -> ox.Element | None:
    for num in numbering.iter(T_NUM):
        if num.get(f"{{{W}}}numId") == num_id:
            return num
    return None


def _find_abstract(numbering: ox.Element, num: ox.Element) -> ox.Element | None:
    wanted = ox.wval(num.find(T_ABSTRACT_ID))
    for abstract in numbering.iter(T_ABSTRACT):
        if abstract.get(f"{{{W}}}abstractNumId") == wanted:
            return abstract
    return None


def _same_list(a: ox.Element, b: ox.Element) -> bool:
    def levels(element: ox.Element) -> list[bytes]:
        return [ox.serialize(level) for level in element.iter(f"{{{W}}}lvl")]

    return levels(a) == levels(b)


# -- writing into the new control -------------------------------------------------------------


def _as_runs(blocks: Sequence[ox.Element]) -> list[ox.Element]:
    """The runs of the paragraphs, a line break between paragraphs (for a run-level control)."""
    runs: list[ox.Element] = []
    for n, block in enumerate(blocks):
        if block.tag != ox.W_P:
            raise _CannotCarry("a table cannot go into a control inside a paragraph")
        if n:
            breaker = ox.make("w:r")
            ox.sub(breaker, T_BR)
            runs.append(breaker)
        runs.extend(child for child in block if child.tag != T_PPR)
    return runs


def carry_answer(
    source: Document,
    control: ContentControl,
    extra: Sequence[ox.Element],
    target: Document,
    part: str,
    new: ContentControl,
    numbers: dict[str, str] | None = None,
) -> str | None:
    """Replace the content of ``new`` (a rich-text control of ``target``, in ``part``, already
    filled with the answer's text) by a copy of the answer in ``control`` of ``source`` (and the
    blocks ``extra`` that belong to it). Returns None when done, else why the formatting stayed
    behind (the text is there either way). ``numbers`` maps the old document's list numbering
    to the new one's; pass the same dict for every answer copied between two documents."""
    if new.kind != Kind.RICH_TEXT or control.kind != Kind.RICH_TEXT:
        return "only rich text carries formatting"
    content = new.content
    if content is None or new.level not in (Level.BLOCK, Level.RUN):
        return "the new control holds no place for formatted text"
    expected = new.text
    before = [ox.deepcopy(child) for child in content]
    cleaner = _Cleaner(source, target, {} if numbers is None else numbers)
    try:
        blocks = _source_blocks(control, extra)
        for block in blocks:
            cleaner.clean(block)
        fresh = blocks if new.level == Level.BLOCK else _as_runs(blocks)
        if new.level == Level.BLOCK:
            # A paragraph without properties of its own takes the new template's.
            first = content.find(ox.W_P)
            ppr = None if first is None else first.find(T_PPR)
            for block in fresh:
                if block.tag == ox.W_P and block.find(T_PPR) is None and ppr is not None:
                    block.insert(0, ox.deepcopy(ppr))
    except _CannotCarry as e:
        return str(e)
    for child in list(content):
        content.remove(child)
    for child in fresh:
        content.append(child)
    target.mark_changed(part)
    if new.text != expected:
        for child in list(content):
            content.remove(child)
        for child in before:
            content.append(child)
        return "its formatted copy would not read as the same text"
    if cleaner.dropped:
        return f"{' and '.join(sorted(set(cleaner.dropped)))} could not be carried (text kept)"
    return None

"""Data bindings: the XML node a bound control shows, found, read and written.

A ``w:dataBinding`` (or Word 2013's ``w15:dataBinding``) names an XML store by its item id, a
path into it and the namespace prefixes the path uses. The stores are the document's custom XML
parts (matched by the item id in their ``itemProps``) and three well-known ids that Word's
Document Property controls use: the core properties (``docProps/core.xml``), the extended
properties (``docProps/app.xml``) and the cover page properties (a custom XML part Word adds;
one is created when a control bound to it is filled in a document without it).

Word writes a simple path: steps from the root element, each with a position,
``/ns0:plan[1]/ns0:partners[1]/ns0:partner[2]/ns0:naam[1]``, perhaps an attribute at the end
(``/@ns0:id``), and for a repeating section the item step without a position. Only that subset
is evaluated, by the small evaluator below, in time linear in the size of the store: functions,
``//``, wildcards and other predicates are refused, so that a document cannot make the library
run without bound (``count(//*)`` nested over a few thousand nodes runs for minutes in a full
XPath engine).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from . import _ooxml as ox
from . import properties as props
from .controls import Binding, ContentControl, Kind
from .dates import parse_date
from .document import Document
from .errors import FillError

__all__ = [
    "Binder",
    "BindingPath",
    "UnsupportedXPathError",
    "parse_binding",
    "read_binding",
    "stored_text",
    "value_from_text",
]

MAX_XPATH_LENGTH = 4096
MAX_STEPS = 128

# An XML name without a colon (close enough to NCName: a letter or "_", then letters, digits,
# ".", "-" and "_"), optionally after a prefix.
_NAME = r"[^\W\d][\w.\-]*"
_STEP = re.compile(rf"/(?:({_NAME}):)?({_NAME})(?:\[([1-9][0-9]{{0,8}})\])?")
_ATTRIBUTE = re.compile(rf"/@(?:({_NAME}):)?({_NAME})")

W = ox.NS["w"]
W15 = ox.NS["w15"]
_WELL_KNOWN = frozenset({props.CORE_STORE_ID, props.EXTENDED_STORE_ID, props.COVER_PAGE_STORE_ID})


class UnsupportedXPathError(ValueError):
    """A data binding path outside the subset Word writes (the message says what is wrong)."""


@dataclass(frozen=True)
class Step:
    """One step of a path: an element name (Clark notation) and its 1-based position among
    its namesake siblings, or None for all of them. ``prefix`` is kept to write the path
    back."""

    tag: str
    prefix: str | None
    position: int | None

    def text(self) -> str:
        local = self.tag.rpartition("}")[2]
        name = f"{self.prefix}:{local}" if self.prefix else local
        return f"{name}[{self.position}]" if self.position is not None else name


@dataclass(frozen=True)
class BindingPath:
    """A parsed binding path: element steps from the root, and perhaps a final attribute."""

    steps: tuple[Step, ...]
    attribute: str | None = None  # Clark name
    attribute_prefix: str | None = None

    def text(self) -> str:
        path = "".join("/" + step.text() for step in self.steps)
        if self.attribute is not None:
            local = self.attribute.rpartition("}")[2]
            name = f"{self.attribute_prefix}:{local}" if self.attribute_prefix else local
            path += "/@" + name
        return path

    def select(self, root: ox.Element) -> list[Target]:
        """The nodes the path selects in a store whose root element is ``root``."""
        first = self.steps[0]
        nodes = [root] if root.tag == first.tag and first.position in (None, 1) else []
        for step in self.steps[1:]:
            found: list[ox.Element] = []
            for node in nodes:
                matching = [child for child in node if child.tag == step.tag]
                if step.position is None:
                    found.extend(matching)
                elif step.position <= len(matching):
                    found.append(matching[step.position - 1])
            nodes = found
        if self.attribute is None:
            return [Target(node, None) for node in nodes]
        return [Target(node, self.attribute) for node in nodes if self.attribute in node.attrib]

    def create(self, root: ox.Element) -> Target | None:
        """Add the missing elements of a path whose positions continue what is there (a
        property element the part does not have yet); None when that is not possible."""
        if self.attribute is not None or root.tag != self.steps[0].tag:
            return None
        node = root
        for step in self.steps[1:]:
            matching = [child for child in node if child.tag == step.tag]
            position = step.position or 1
            if position <= len(matching):
                node = matching[position - 1]
            elif position == len(matching) + 1:
                node = ox.sub(node, step.tag)
            else:
                return None
        return Target(node, None)


@dataclass(frozen=True)
class Target:
    """A node a path selected: an element, or an attribute of it."""

    element: ox.Element
    attribute: str | None

    @property
    def key(self) -> tuple[ox.Element, str | None]:
        return (self.element, self.attribute)

    def read(self) -> str:
        if self.attribute is not None:
            return self.element.get(self.attribute, "")
        return "".join(str(piece) for piece in self.element.itertext())

    def write(self, text: str) -> None:
        if self.attribute is not None:
            self.element.set(self.attribute, text)
            return
        for child in list(self.element):
            self.element.remove(child)
        self.element.text = text


def parse_xpath(xpath: str, namespaces: dict[str, str]) -> BindingPath:
    """Parse the XPath subset Word writes. Raise :class:`UnsupportedXPathError` otherwise."""
    xpath = xpath.strip()
    if len(xpath) > MAX_XPATH_LENGTH:
        raise UnsupportedXPathError(f"the path is {len(xpath)} characters long")
    steps: list[Step] = []
    position = 0
    while position < len(xpath):
        if len(steps) >= MAX_STEPS:
            raise UnsupportedXPathError(f"the path has more than {MAX_STEPS} steps")
        attribute = _ATTRIBUTE.match(xpath, position)
        if attribute is not None and attribute.end() == len(xpath) and steps:
            prefix, local = attribute.groups()
            tag = _clark(prefix, local, namespaces)
            return BindingPath(tuple(steps), tag, prefix)
        step = _STEP.match(xpath, position)
        if step is None:
            raise UnsupportedXPathError(
                f"only a path of named steps with positions ([1], [2] …) is supported, not "
                f"{_excerpt(xpath, position)!r} (at character {position + 1})"
            )
        prefix, local, number = step.groups()
        steps.append(
            Step(_clark(prefix, local, namespaces), prefix, int(number) if number else None)
        )
        position = step.end()
    if not steps:
        raise UnsupportedXPathError("the path is empty")
    return BindingPath(tuple(steps))


def _clark(prefix: str | None, local: str, namespaces: dict[str, str]) -> str:
    if prefix is None:
        return local
    uri = namespaces.get(prefix)
    if uri is None:
        raise UnsupportedXPathError(f"the prefix '{prefix}' is not in the prefix mappings")
    return f"{{{uri}}}{local}"


def _excerpt(text: str, start: int) -> str:
    piece = text[start : start + 40]
    return piece + ("…" if len(text) > start + 40 else "")


def parse_binding(binding: Binding) -> BindingPath:
    return parse_xpath(binding.xpath, binding.namespaces())


# -- stores ---------------------------------------------------------------------------------------


def _store_key(binding: Binding) -> str:
    return binding.store_item_id.strip().upper()


def store_part(document: Document, binding: Binding, *, create: bool = False) -> str | None:
    """The part holding a binding's store, or None. ``create`` adds a missing document
    property store (core, extended or cover page properties)."""
    key = _store_key(binding)
    if key == props.CORE_STORE_ID:
        return document.core_part(create=create)
    if key == props.EXTENDED_STORE_ID:
        return document.extended_part(create=create)
    part = document.custom_xml_parts().get(key)
    if part is None and create and key == props.COVER_PAGE_STORE_ID:
        part = document.add_custom_xml_part(
            props.new_cover_page_xml(), props.COVER_PAGE_STORE_ID, props.COVER_PAGE_NS
        )
    return part


def _select(document: Document, binding: Binding) -> list[Target]:
    part = store_part(document, binding)
    if part is None:
        return []
    return parse_binding(binding).select(document.tree(part))


def read_binding(document: Document, binding: Binding) -> str | None:
    """The text of the node a control is bound to; None when the store or node is missing.
    Raise :class:`UnsupportedXPathError` for a path outside the subset Word writes."""
    targets = _select(document, binding)
    return targets[0].read() if targets else None


# -- values ---------------------------------------------------------------------------------------


def stored_text(kind: Kind, value: object, control: ContentControl) -> str:
    """How Word stores a value in a bound node."""
    if kind == Kind.CHECKBOX:
        return "true" if value else "false"
    if kind == Kind.DATE and isinstance(value, dt.date):
        date = control.properties.find(ox.qn("w:date"))
        mapped = None
        if date is not None:
            mapped = ox.wval(date.find(ox.qn("w:storeMappedDataAs")))
        if mapped == "date":
            return value.isoformat()
        if mapped == "text":
            return control.text
        return f"{value.isoformat()}T00:00:00"
    return str(value)


def value_from_text(control: ContentControl, text: str) -> object:
    """The value a bound node's text stands for, typed by the control's kind (None: empty)."""
    kind = control.kind
    if kind == Kind.CHECKBOX:
        return text.strip().lower() in ("true", "1", "on")
    if text == "":
        return None
    if kind == Kind.DATE:
        try:
            return dt.date.fromisoformat(text.strip()[:10])
        except ValueError:
            return parse_date(text, control.date_format, control.date_lid)
    if kind in (Kind.DROPDOWN, Kind.COMBO_BOX):
        return text
    return text.replace("\r\n", "\n")


# -- writing while filling ---------------------------------------------------------------------


def _binding_element(control: ContentControl) -> ox.Element | None:
    pr = control.element.find(f"{{{W}}}sdtPr")
    if pr is None:
        return None
    element = pr.find(f"{{{W}}}dataBinding")
    return element if element is not None else pr.find(f"{{{W15}}}dataBinding")


def _set_xpath(control: ContentControl, xpath: str) -> None:
    element = _binding_element(control)
    if element is None:
        return
    # Word writes the attributes of w15:dataBinding in the w: namespace too.
    own = f"{{{W15}}}xpath"
    element.set(own if element.get(own) is not None else f"{{{W}}}xpath", xpath)


@dataclass
class _Written:
    text: str
    by: str  # who wrote it: a field's description, or "" for a document property


class Binder:
    """The bound nodes one fill writes: each once (two fields giving one node different
    values is an error), and afterwards every other control bound to a written node shows its
    value, as Word shows it on opening."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._written: dict[tuple[ox.Element, str | None], _Written] = {}
        self._filled: set[ox.Element] = set()

    @property
    def wrote_any(self) -> bool:
        return bool(self._written)

    def _path(self, binding: Binding, context: str) -> BindingPath:
        try:
            return parse_binding(binding)
        except UnsupportedXPathError as e:
            raise FillError(
                f"{context} has a data binding that cannot be followed ({binding.xpath!r}): {e}"
            ) from None

    def write(self, control: ContentControl, binding: Binding, text: str, context: str) -> None:
        """Write ``text`` to the node ``control`` is bound to."""
        path = self._path(binding, context)
        part = store_part(self.document, binding, create=_store_key(binding) in _WELL_KNOWN)
        if part is None:
            raise FillError(
                f"{context} is bound to custom XML item {binding.store_item_id}, which "
                f"{self.document.name} does not hold"
            )
        root = self.document.tree(part)
        targets = path.select(root)
        if not targets and _store_key(binding) in _WELL_KNOWN:
            created = path.create(root)
            targets = [created] if created is not None else []
        if not targets:
            raise FillError(
                f"{context} is bound to {binding.xpath}, which matches nothing in {part}"
            )
        target = targets[0]
        earlier = self._written.get(target.key)
        if earlier is not None and earlier.by and earlier.text != text:
            raise FillError(
                f"{context} and {earlier.by} are bound to the same data ({binding.xpath}) but "
                f"were given different values ({text!r} and {earlier.text!r}); a document can "
                "show only one"
            )
        target.write(text)
        self._written[target.key] = _Written(text, context)
        self._filled.add(control.element)
        self.document.mark_changed(part)

    def wrote_core_properties(self, names: Iterable[str]) -> None:
        """Note core properties set directly (the plan's title …): controls bound to them are
        refreshed too, and a field bound to one may still give it another value."""
        part = self.document.core_part()
        if part is None:
            return
        root = self.document.tree(part)
        for name in names:
            element = root.find(ox.qn(props.core_name(name)))
            if element is not None:
                self._written[(element, None)] = _Written(element.text or "", "")

    def rebind_items(
        self, section: ContentControl, items: list[ContentControl], before: int, context: str
    ) -> None:
        """Give each item of a bound repeating section its own node: the n-th item's controls
        point to the n-th item node (``…/ns0:partner[n]/…``), new nodes are copies of the first
        one and nodes of removed items are removed. ``before``: the number of items the
        section had (the others are copies of the first)."""
        collection = self._collection(section, items, before, context)
        if collection is None:
            return
        store, base, item_step = collection
        part = store_part(self.document, store)
        parents = base.select(self.document.tree(part)) if part is not None else []
        if part is None or not parents:
            raise FillError(
                f"{context} is bound to {store.xpath}, which matches nothing in "
                f"{part or store.store_item_id}"
            )
        parent = parents[0].element
        nodes = [child for child in parent if child.tag == item_step.tag]
        if not nodes:
            raise FillError(f"{context}: {store.xpath} holds no item to copy for new items")
        for extra in nodes[len(items) :]:
            parent.remove(extra)
        last = nodes[min(len(items), len(nodes)) - 1]
        prototype = nodes[0]
        for _ in range(len(items) - len(nodes)):
            clone = ox.deepcopy(prototype)
            clone.tail = last.tail
            last.addnext(clone)
            last = clone
        self.document.mark_changed(part)
        depth = len(base.steps)
        for number, item in enumerate(items, start=1):
            for element in item.element.iter(ox.W_SDT):
                control = ContentControl(element)
                binding = control.binding
                if binding is None or _store_key(binding) != _store_key(store):
                    continue
                try:
                    path = parse_binding(binding)
                except UnsupportedXPathError:
                    continue
                if len(path.steps) <= depth or not _same_steps(path.steps[:depth], base.steps):
                    continue
                if path.steps[depth].tag != item_step.tag:
                    continue
                steps = list(path.steps)
                steps[depth] = replace(steps[depth], position=number)
                _set_xpath(control, replace(path, steps=tuple(steps)).text())

    def _collection(
        self, section: ContentControl, items: list[ContentControl], before: int, context: str
    ) -> tuple[Binding, BindingPath, Step] | None:
        """The store, the path of the parent node and the item step of a repeating section's
        data: from the section's own binding (``…/ns0:partners[1]/ns0:partner``), else from
        where the controls of its first two items differ. None when the items can keep the
        nodes they have (no item was added, and the data cannot be told)."""
        binding = section.binding
        if binding is not None:
            path = self._path(binding, context)
            if path.attribute is None and len(path.steps) >= 2:
                return binding, BindingPath(path.steps[:-1]), path.steps[-1]
        originals = [_bound_paths(item) for item in items[: min(before, 2)]]
        if not originals or not originals[0]:
            return None  # no control in the items is bound
        if len(originals) == 2 and originals[1]:
            (first_binding, first), (_, second) = originals[0][0], originals[1][0]
            for depth, (a, b) in enumerate(zip(first.steps, second.steps, strict=False)):
                if a.tag != b.tag:
                    break
                if a.position != b.position:
                    step = replace(a, position=None)
                    return first_binding, BindingPath(first.steps[:depth]), step
        if len(items) <= before:
            return None
        raise FillError(
            f"{context}: its items are bound to data, but the library cannot tell which node "
            "an item repeats (the section itself is not mapped); map the repeating section in "
            "Word's XML Mapping pane, or fill no more items than it has"
        )

    def refresh(
        self,
        controls: Iterable[ContentControl],
        reset: Callable[[ContentControl], None],
        placeholder_styles: frozenset[str],
    ) -> bool:
        """Show the written values in the other controls bound to the written nodes (``reset``
        shows a control's placeholder, for a node that was emptied). Return whether any
        control changed."""
        changed = False
        for control in controls:
            if control.element in self._filled:
                continue
            binding = control.binding
            if binding is None or control.kind in _NOT_REFRESHED:
                continue
            try:
                targets = _select(self.document, binding)
            except UnsupportedXPathError:
                continue
            if not targets or targets[0].key not in self._written:
                continue
            value = value_from_text(control, targets[0].read())
            if control.kind == Kind.DATE and value is not None and not isinstance(value, dt.date):
                continue
            if value is None:
                reset(control)
            else:
                control.set_value(value, placeholder_styles)
            changed = True
        return changed


_NOT_REFRESHED = frozenset(
    {Kind.PICTURE, Kind.REPEATING_SECTION, Kind.REPEATING_ITEM, Kind.GROUP, Kind.OTHER}
)


def _same_steps(a: tuple[Step, ...], b: tuple[Step, ...]) -> bool:
    return all(
        x.tag == y.tag and (x.position or 1) == (y.position or 1) for x, y in zip(a, b, strict=True)
    )


def _bound_paths(item: ContentControl) -> list[tuple[Binding, BindingPath]]:
    """The bindings of the controls in a repeating section item that can be followed."""
    result = []
    for element in item.element.iter(ox.W_SDT):
        binding = ContentControl(element).binding
        if binding is None:
            continue
        try:
            result.append((binding, parse_binding(binding)))
        except UnsupportedXPathError:
            continue
    return result


def picture_text(data: bytes) -> str:
    """How Word stores a picture in a bound node: the image file in base64."""
    return base64.b64encode(data).decode("ascii")

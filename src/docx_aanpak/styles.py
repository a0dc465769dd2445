"""What the style sheet says about headings and Word's localized "Placeholder Text" style."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import _ooxml as ox
from .controls import KNOWN_PLACEHOLDER_STYLES

__all__ = ["StyleSheet"]

W = ox.NS["w"]


def _number(text: str) -> bool:
    """ASCII digits only: ``"²".isdigit()`` is true, but ``int("²")`` fails."""
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class _Style:
    name: str
    based_on: str | None
    outline_level: int | None
    type: str


@dataclass
class StyleSheet:
    """Styles by id. Dutch Word writes heading 1 as styleId ``Kop1``; the name stays English."""

    styles: dict[str, _Style] = field(default_factory=dict)
    default_paragraph: str | None = None

    @classmethod
    def from_xml(cls, root: ox.Element | None) -> StyleSheet:
        sheet = cls()
        if root is None:
            return sheet
        for style in root.iter(f"{{{W}}}style"):
            style_id = style.get(f"{{{W}}}styleId")
            if not style_id:
                continue
            name = ox.wval(style.find(f"{{{W}}}name"), style_id) or style_id
            based_on = ox.wval(style.find(f"{{{W}}}basedOn"))
            outline = None
            ppr = style.find(f"{{{W}}}pPr")
            if ppr is not None:
                level = ox.wval(ppr.find(f"{{{W}}}outlineLvl"))
                if level is not None and _number(level):
                    outline = int(level)
            kind = style.get(f"{{{W}}}type", "paragraph")
            sheet.styles[style_id] = _Style(name, based_on, outline, kind)
            if kind == "paragraph" and style.get(f"{{{W}}}default") in ("1", "true", "on"):
                sheet.default_paragraph = style_id
        return sheet

    def placeholder_styles(self) -> frozenset[str]:
        """Every styleId that is Word's "Placeholder Text" style, whatever its language."""
        found = {sid for sid, s in self.styles.items() if s.name.lower() == "placeholder text"}
        return frozenset(found) | KNOWN_PLACEHOLDER_STYLES

    def placeholder_style(self) -> str | None:
        """The styleId to use when showing a placeholder again."""
        for sid, style in self.styles.items():
            if style.name.lower() == "placeholder text" and style.type == "character":
                return sid
        return None

    def outline_level(self, style_id: str | None) -> int | None:
        """The heading level (0 = heading 1) a paragraph style gives, following basedOn."""
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.styles.get(style_id)
            if style is None:
                return None
            name = style.name.lower()
            if name.startswith("heading ") and _number(name[8:].strip()):
                return int(name[8:].strip()) - 1
            if name == "title":
                return 0
            if style.outline_level is not None and style.outline_level < 9:
                return style.outline_level
            style_id = style.based_on
        return None

    def paragraph_outline_level(self, paragraph: ox.Element) -> int | None:
        """Heading level of a paragraph (direct w:outlineLvl first, then its style)."""
        ppr = paragraph.find(f"{{{W}}}pPr")
        style_id = None
        if ppr is not None:
            level = ox.wval(ppr.find(f"{{{W}}}outlineLvl"))
            if level is not None and _number(level) and int(level) < 9:
                return int(level)
            style_id = ox.wval(ppr.find(f"{{{W}}}pStyle"))
        return self.outline_level(style_id or self.default_paragraph)

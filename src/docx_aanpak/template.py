"""``Template``: a Word template with content controls, opened once and filled many times."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from . import pydocx
from .document import Document
from .errors import NotAWordDocumentError, TemplateError, TemplateMismatchError
from .extract import extract_values
from .fill import FillContext, fill_document
from .package import open_package
from .recover import Shape, shapes_of
from .scan import Field, scan

if TYPE_CHECKING:
    from docx.document import Document as PyDocxDocument
    from pydantic import BaseModel

__all__ = ["Template"]

Source = str | os.PathLike[str] | bytes | BinaryIO
PyDocx = TypeVar("PyDocx", bound="PyDocxDocument")


class Template:
    """A template: its fields (named controls), their model, filling and reading back.

    >>> tpl = Template.open("template/lokale_aanpak.docx")   # doctest: +SKIP
    >>> doc = tpl.fill({"lokale_ambitie": "Meer jongerenwerk."})   # doctest: +SKIP
    >>> doc.save("out/plan.docx")   # doctest: +SKIP
    """

    def __init__(
        self, document: Document, fields: list[Field], *, duplicate_tags: str = "merge"
    ) -> None:
        if not fields:
            raise TemplateError(
                document.name,
                "has no content controls to fill; add them in Word (Developer > Controls) or "
                "use the template they were in",
            )
        self.document = document
        self.path: Path | None = None  # the file it was opened from, which is never written
        self.duplicate_tags = duplicate_tags
        self.fields = fields
        self._by_key = {f.key: f for f in fields}

    @cached_property
    def _context(self) -> FillContext:
        """What filling needs, worked out at the first fill (listing or reading fields does not
        pay for it)."""
        return FillContext.of(self.document, self.fields)

    @classmethod
    def open(
        cls,
        source: Source | PyDocxDocument,
        *,
        name: str | None = None,
        duplicate_tags: str = "merge",
    ) -> Template:
        """Open a .docx or .dotx template (a path, bytes, a binary file or a python-docx
        ``Document``). It is read once and never written to.

        Controls that share a tag and a kind are one field, filled in every place (two kinds
        under one tag are an error); ``duplicate_tags="error"`` makes any shared tag an error.
        """
        document = Document.open(source, name=name)
        fields = scan(document, duplicate_tags=duplicate_tags)
        template = cls(document, fields, duplicate_tags=duplicate_tags)
        if isinstance(source, str | os.PathLike):
            template.path = Path(source)
        return template

    @property
    def name(self) -> str:
        return self.document.name

    def __repr__(self) -> str:
        return f"<Template {self.name!r} with {len(self.fields)} fields>"

    def field(self, key: str) -> Field:
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"{self.name} has no field '{key}'") from None

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    # -- model -------------------------------------------------------------------------------

    @cached_property
    def _model(self) -> type[BaseModel]:
        from .model import build_model, model_name  # pydantic: only when values are validated

        return build_model(self.fields, model_name(self.name))

    def model(self) -> type[BaseModel]:
        """The pydantic model of this template: one optional attribute per field."""
        return self._model

    def validate(
        self, values: Mapping[str, Any] | BaseModel, *, where: str | None = None
    ) -> dict[str, object]:
        """Validate values through the model; return the ones to write (not ``None``), with
        repeating-section items as plain dicts."""
        from pydantic import BaseModel

        from .model import validate_values

        instance = validate_values(self._model, self.fields, values, where=where)
        result: dict[str, object] = {}
        for item in self.fields:
            value = getattr(instance, item.key)
            if value is None:
                continue
            if isinstance(value, list):
                value = [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
            result[item.key] = value
        return result

    # -- filling and reading -------------------------------------------------------------------

    def fill(
        self,
        values: Mapping[str, Any] | BaseModel,
        *,
        title: str | None = None,
        subject: str | None = None,
        force: bool = False,
    ) -> Document:
        """A new document with ``values`` written into the controls (``None``: leave as is).

        ``title``/``subject`` set the document's core properties. ``force`` fills controls that
        are locked against editing.
        """
        validated = self.validate(values)
        return self.fill_validated(validated, title=title, subject=subject, force=force)

    def fill_validated(
        self,
        values: Mapping[str, object],
        *,
        title: str | None = None,
        subject: str | None = None,
        force: bool = False,
    ) -> Document:
        """Fill with values that already went through :meth:`validate`."""
        context = self._context
        if force != context.force:
            context = replace(context, force=force)
        properties = {"title": title, "subject": subject}
        return fill_document(self.document, self.fields, values, context, properties=properties)

    def fill_into(
        self,
        document: PyDocx,
        values: Mapping[str, Any] | BaseModel,
        *,
        title: str | None = None,
        subject: str | None = None,
        force: bool = False,
    ) -> PyDocx:
        """Fill the controls of a python-docx ``Document`` in place (body, headers, footers,
        footnotes, endnotes, bound custom XML, pictures) and return it, to edit further and save
        with python-docx. The XML written is the XML :meth:`fill` writes.

        ``document`` must hold this template's fields (a copy of the template or a plan made
        from it). Values, ``title``, ``subject`` and ``force`` are as for :meth:`fill`; on any
        error the document is left as it was. Only the filled controls are replaced; python-docx
        objects over the rest of the document stay valid.
        """
        if not pydocx.is_python_docx(document):
            raise NotAWordDocumentError(
                f"a {type(document).__name__} object",
                "fill_into fills a python-docx Document in place; for a file use "
                "fill(values).save(path)",
            )
        validated = self.validate(values)
        ours = Document.open(document)
        fields = self.fields_in(ours)
        context = replace(FillContext.of(ours, fields), force=force)
        properties = {"title": title, "subject": subject}
        filled = fill_document(ours, fields, validated, context, properties=properties)
        stories = {story.name for story in ours.story_parts()}
        pydocx.write_back(document, ours.package, open_package(filled.to_bytes()), stories)
        return document

    def extract(self, source: Source | Document | PyDocxDocument) -> dict[str, object]:
        """Read a filled document back: ``{key: value}`` with ``None`` where unfilled.

        The document's controls are found and named the same way as the template's; a document
        that lacks fields of this template raises :class:`TemplateMismatchError`.
        """
        document = source if isinstance(source, Document) else Document.open(source)
        return extract_values(document, self.fields_in(document), shapes=self.shapes)

    def fields_in(self, document: Document) -> list[Field]:
        """This template's fields as found in ``document``, in the template's order.

        Raises :class:`TemplateMismatchError` when the document lacks fields of this template or
        holds them as another kind of control.
        """
        found = {f.key: f for f in scan(document, duplicate_tags=self.duplicate_tags)}
        missing = [f.key for f in self.fields if f.key not in found]
        if missing:
            if len(missing) == len(self.fields):
                raise TemplateMismatchError(
                    f"{document.name} was not made from {self.name}: none of its "
                    f"{len(self.fields)} fields is in it"
                )
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            raise TemplateMismatchError(
                f"{document.name} lacks {len(missing)} field(s) of {self.name}: {shown}"
            )
        wrong = [k for k in self._by_key if found[k].kind != self._by_key[k].kind]
        if wrong:
            raise TemplateMismatchError(
                f"{document.name}: field(s) {', '.join(wrong)} are of another kind than in "
                f"{self.name}"
            )
        return [found[f.key] for f in self.fields]

    @cached_property
    def shapes(self) -> dict[str, tuple[Shape, ...]]:
        """How each field's controls sit in this template and what they show unanswered: lets
        extraction read plans that another word processor re-saved."""
        return shapes_of(self.document, self.fields)

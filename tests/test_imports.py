"""Imports: one way between the package's modules, and a command line that loads only what the
command needs (issue 12: start-up time, one-way flow)."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import docx_aanpak

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "docx_aanpak"


# -- no import cycle -----------------------------------------------------------------------------


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package modules a module imports when it runs: at module level and inside functions
    and methods alike (a function-level import is still a dependency). Only imports under
    ``if TYPE_CHECKING:`` are left out: they never run. ``from . import name`` counts as an import
    of the submodule ``name`` if there is one, else of the package's ``__init__``."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.ImportFrom):
                module = child.module or ""
                if child.level == 1 or module.split(".")[0] == "docx_aanpak":
                    inner = module.split(".")[1:] if child.level == 0 else module.split(".")
                    inner = [part for part in inner if part]
                    if inner:
                        found.add(inner[0])
                    else:
                        for alias in child.names:
                            found.add(alias.name if alias.name in modules else "__init__")
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    parts = alias.name.split(".")
                    if parts[0] == "docx_aanpak":
                        found.add(parts[1] if len(parts) > 1 else "__init__")
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(path.stem)
    return found & modules


def import_graph() -> dict[str, set[str]]:
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    return {p.stem: imports_of(p, modules) for p in sorted(PACKAGE.glob("*.py"))}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle, as the path that closes it (depth-first search, each cycle once)."""
    found: list[list[str]] = []
    seen: set[frozenset[str]] = set()

    def walk(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycle = [*path[path.index(nxt) :], nxt]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    found.append(cycle)
            elif len(path) < len(graph):
                walk(nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from .b import x\n", encoding="utf-8")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import y\n"
        "def f():\n    from .a import z\n",
        encoding="utf-8",
    )
    (tmp_path / "c.py").write_text("from . import b\n", encoding="utf-8")
    modules = {"a", "b", "c"}
    graph = {name: imports_of(tmp_path / f"{name}.py", modules) for name in sorted(modules)}
    assert graph == {"a": {"b"}, "b": {"a"}, "c": {"b"}}
    assert cycles(graph) == [["a", "b", "a"]]


def test_no_import_cycle_among_the_modules() -> None:
    graph = import_graph()
    assert {"template", "records", "batch", "excel", "datafiles"} <= set(graph)
    assert cycles(graph) == []


def test_data_flows_one_way_template_records_batch() -> None:
    graph = import_graph()

    def reaches(start: str) -> set[str]:
        todo, seen = [start], set()
        while todo:
            for nxt in graph[todo.pop()] - seen:
                seen.add(nxt)
                todo.append(nxt)
        return seen

    assert "template" in reaches("records") and "records" in reaches("batch")
    assert not {"records", "batch", "excel", "datafiles"} & reaches("template")
    assert not {"batch", "excel", "datafiles"} & reaches("records")


# -- the public names --------------------------------------------------------------------------


def test_every_public_name_resolves_and_is_listed() -> None:
    for name in docx_aanpak.__all__:
        assert getattr(docx_aanpak, name) is not None, name
    assert set(docx_aanpak.__all__) <= set(dir(docx_aanpak))
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = docx_aanpak.no_such_name  # type: ignore[attr-defined]
    # A submodule named like a function keeps the function as the package's attribute.
    for name in ("scan", "collect", "migrate"):
        importlib.import_module(f"docx_aanpak.{name}")
        assert callable(getattr(docx_aanpak, name)), name


def test_the_command_line_offers_the_scanners_duplicate_tag_choices() -> None:
    from docx_aanpak import cli
    from docx_aanpak.scan import DUPLICATE_TAGS

    assert cli.DUPLICATE_TAGS == DUPLICATE_TAGS


# -- what a command imports ----------------------------------------------------------------------

PROBE = """
import json, os, sys
from docx_aanpak.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
with open(os.environ["MODULES_OUT"], "w", encoding="utf-8") as handle:
    json.dump(sorted(sys.modules), handle)
"""

# Heavy libraries a command must not load unless it uses them. (pydantic is loaded by scan.py
# until it stops importing it; then "pydantic" belongs in FIELDS_NEVER as well.)
VERSION_NEVER = {"lxml", "pydantic", "openpyxl", "rich", "docx", "docx_aanpak.scan"}
FIELDS_NEVER = {
    "openpyxl",
    "rich",
    "docx",
    "docx_aanpak.model",
    "docx_aanpak.batch",
    "docx_aanpak.excel",
    "multiprocessing",
}


def modules_loaded_by(tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env={**os.environ, "MODULES_OUT": str(out)},
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=120,
    )
    loaded = json.loads(out.read_text(encoding="utf-8"))
    return {*loaded, *(m.split(".")[0] for m in loaded)}


def test_version_loads_no_library(tmp_path: Path) -> None:
    loaded = modules_loaded_by(tmp_path, "--version")
    assert "docx_aanpak.cli" in loaded
    assert not VERSION_NEVER & loaded
    assert "importlib.metadata" not in loaded  # the version is a constant of the package


def test_the_version_is_the_installed_one() -> None:
    from importlib.metadata import version

    proc = subprocess.run(
        [sys.executable, "-m", "docx_aanpak", "--version"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert proc.stdout == f"docx-aanpak {version('docx-aanpak')}\n"
    assert docx_aanpak.__version__ == version("docx-aanpak")


def test_fields_and_extract_load_no_workbook_model_or_progress_code(
    tmp_path: Path, template_path: Path
) -> None:
    loaded = modules_loaded_by(tmp_path, "fields", str(template_path))
    assert "docx_aanpak.scan" in loaded  # it really listed the fields
    assert not FIELDS_NEVER & loaded
    loaded = modules_loaded_by(tmp_path, "extract", str(template_path), "--json")
    assert "docx_aanpak.extract" in loaded
    assert not FIELDS_NEVER & loaded

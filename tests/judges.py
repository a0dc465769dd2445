"""Real judges for the files docx_aanpak writes: the Open XML SDK validator and LibreOffice.

Our own reader agreeing with our own writer proves little, so tests hand outputs to these tools.
A test that needs a missing tool is skipped with a reason; under ``CI=true`` it fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(tool: str, found: object, how: str) -> None:
    """Skip (or fail under CI) when an external tool is missing."""
    if found:
        return
    message = f"{tool} is not installed ({how})"
    if IN_CI:
        pytest.fail(f"CI requires {message}", pytrace=False)
    pytest.skip(message)


# --- Open XML SDK validator ------------------------------------------------------------------


def validator_command() -> list[str] | None:
    local = ROOT / "node_modules" / ".bin" / "ooxml-validator"
    if local.exists():
        return [str(local)]
    found = shutil.which("ooxml-validator")
    return [found] if found else None


def validate(path: Path | str) -> dict[str, object]:
    """Run the Open XML SDK validator on one file and return its JSON report."""
    command = validator_command()
    require("ooxml-validator", command, "run `npm install` in the repository root")
    assert command is not None
    proc = subprocess.run(
        [*command, str(path)], capture_output=True, text=True, timeout=300, check=False
    )
    try:
        report: dict[str, object] = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"validator gave no JSON for {path}: {proc.stdout!r} {proc.stderr!r}")
    return report


def assert_valid(*paths: Path | str) -> None:
    """Assert that every file passes the Open XML SDK validator (validated in parallel)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        reports = list(pool.map(validate, paths))
    bad = [r for r in reports if r.get("ok") is not True]
    assert not bad, json.dumps(bad, indent=2, ensure_ascii=False)[:6000]


# --- LibreOffice + pdftotext -----------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(
    sources: Sequence[Path | str], to: str, out_dir: Path, *, calc: bool = False
) -> list[Path]:
    """Convert files with headless LibreOffice (``to``: ``pdf``, ``xlsx``,
    ``docx:MS Word 2007 XML`` …) in one run with a private profile; return the converted files
    in ``out_dir``, in order. They keep their names, unless two sources share a name: then all
    are staged under numbers first. ``calc``: the sources are workbooks (Calc is required)."""
    program = "LibreOffice Calc" if calc else "LibreOffice"
    package = "libreoffice-calc-nogui" if calc else "libreoffice-writer-nogui"
    office = soffice()
    require(program, office, f"apt-get install {package}")
    assert office is not None
    paths = [Path(p).resolve() for p in sources]
    if len({p.name for p in paths}) < len(paths):
        staged = []
        for i, path in enumerate(paths):
            target = out_dir / "in" / f"{i:04d}{path.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            staged.append(target)
        paths = staged
    proc = subprocess.run(
        [office, f"-env:UserInstallation={(out_dir / 'profile').as_uri()}", "--headless",
         "--norestore", "--convert-to", to, "--outdir", str(out_dir), *map(str, paths)],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    suffix = "." + to.split(":")[0]
    converted = [out_dir / f"{path.stem}{suffix}" for path in paths]
    said = proc.stdout + proc.stderr
    if calc and not all(c.exists() for c in converted) and "could not be loaded" in said:
        require(program, False, f"apt-get install {package}")
    for source, result in zip(sources, converted, strict=True):
        assert result.exists(), f"LibreOffice did not convert {source}: {said}"
    return converted


def render_texts(paths: Sequence[Path | str], *, layout: bool = True) -> dict[Path, str]:
    """Convert documents to PDF with headless LibreOffice and return each PDF's text.

    All files go through one LibreOffice run with a private profile directory. With
    ``layout=False`` pdftotext keeps the text of each table cell together (reading order) instead
    of printing the columns side by side.
    """
    require("pdftotext", shutil.which("pdftotext"), "apt-get install poppler-utils")
    sources = [Path(p).resolve() for p in paths]
    with tempfile.TemporaryDirectory(prefix="docx_aanpak_lo_") as tmp:
        pdfs = convert(sources, "pdf", Path(tmp))
        return {
            source: subprocess.run(
                ["pdftotext", *(["-layout"] if layout else []), str(pdf), "-"],
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
            for source, pdf in zip(sources, pdfs, strict=True)
        }


def render_text(path: Path | str, *, layout: bool = True) -> str:
    return render_texts([path], layout=layout)[Path(path).resolve()]


PIECE = 12


def _bare(text: str) -> str:
    """Text without whitespace and hyphens (pdftotext drops a hyphen at a line end)."""
    return "".join(text.split()).replace("-", "").replace("\u00ad", "")


def _found_in_pieces(needle: str, hay: str) -> bool:
    while needle:
        if needle in hay:
            return True
        # The longest prefix of the needle that occurs in the text (binary search).
        low, high = 0, len(needle)
        while low < high:
            middle = (low + high + 1) // 2
            if needle[:middle] in hay:
                low = middle
            else:
                high = middle - 1
        if low < PIECE:
            return False
        needle = needle[low:]
    return True


def squash(text: str) -> str:
    """Collapse all whitespace (PDF text wraps lines and hyphenates nothing)."""
    return " ".join(text.split())


def missing_from(text: str, needles: Iterable[str], *, spaces: bool = True) -> list[str]:
    """Return the needles that do not occur in text, whitespace-insensitively.

    With ``spaces=False`` all whitespace is ignored (narrow table cells break long words over
    lines without a hyphen: "AANDACHTSFUNCTI" / "ONARIS"; hyphens are ignored too, since
    pdftotext joins "Wmo-" / "consulent" to "Wmoconsulent"), and a needle may be found in pieces
    of at least ``PIECE`` characters each: a table row that runs over a page break is printed in
    two places, with the page footer and the repeated header row in between.
    """
    if not spaces:
        hay = _bare(text)
        return [n for n in needles if not _found_in_pieces(_bare(n), hay)]
    hay = squash(text)
    return [n for n in needles if squash(n) not in hay]

"""The files a run reads, so that no output ever replaces one of them, whatever the flags.

An output is one of the inputs when its resolved path is an input's, or when it exists and is the
same file (the same device and inode: a hard link, a symbolic link, another spelling on a
case-insensitive disk). ``--overwrite`` allows replacing earlier outputs, never an input.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputIsInputError

__all__ = ["Inputs"]


def _resolved(path: Path) -> str:
    try:
        return os.path.normcase(str(path.resolve()))
    except (OSError, RuntimeError):  # a loop of links, or a path the system cannot resolve
        return os.path.normcase(str(Path.cwd() / path))


class Inputs:
    """The files a run reads, each with the role it plays (``"the template"`` …)."""

    def __init__(self, files: Iterable[tuple[str, str | os.PathLike[str]]] = ()) -> None:
        self._paths: dict[str, tuple[str, Path]] = {}
        self._ids: dict[tuple[int, int], tuple[str, Path]] = {}
        for role, path in files:
            self.add(role, path)

    def add(self, role: str, path: str | os.PathLike[str]) -> None:
        source = Path(path)
        self._paths.setdefault(_resolved(source), (role, source))
        try:
            info = source.stat()
        except OSError:
            return
        self._ids.setdefault((info.st_dev, info.st_ino), (role, source))

    def __bool__(self) -> bool:
        return bool(self._paths)

    def find(self, output: str | os.PathLike[str]) -> tuple[str, Path] | None:
        """The role and path of the input ``output`` would replace, or ``None``."""
        target = Path(output)
        found = self._paths.get(_resolved(target))
        if found is not None or not self._ids:
            return found
        try:
            info = target.stat()
        except OSError:  # it does not exist (or cannot be seen): it replaces nothing
            return None
        return self._ids.get((info.st_dev, info.st_ino))

    def check(self, output: str | os.PathLike[str]) -> None:
        """Raise :class:`OutputIsInputError` when ``output`` is one of the inputs."""
        found = self.find(output)
        if found is not None:
            role, source = found
            raise OutputIsInputError(str(output), role, str(source))

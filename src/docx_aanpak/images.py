"""Recognise the image files Word can show in a picture control, and read their pixel size."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

__all__ = ["MAX_IMAGE_BYTES", "Image", "path_problem", "read_image"]

MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_PATH = 4096  # bytes in a path (Linux PATH_MAX); no file system takes longer ones
MAX_NAME = 255  # bytes in one file or folder name


def path_problem(value: str) -> str | None:
    """Why a text cannot be the path of an image file (decided without touching the file
    system: such text, the base64 of an image say, must never reach it), or None."""
    if not value.strip():
        return "it is empty"
    if any(ord(ch) < 0x20 for ch in value):
        return "it holds a line break or another control character"
    encoded = value.encode("utf-8", "surrogatepass")
    if len(encoded) > MAX_PATH:
        return f"it is {len(value):,} characters long"
    separators = "/\\" if os.name == "nt" else "/"
    longest = max(len(part.encode("utf-8", "surrogatepass")) for part in _split(value, separators))
    if longest > MAX_NAME:
        return f"it holds a name of {longest} bytes; file names have at most {MAX_NAME}"
    return None


def _split(value: str, separators: str) -> list[str]:
    parts = [value]
    for separator in separators:
        parts = [piece for part in parts for piece in part.split(separator)]
    return parts


@dataclass(frozen=True)
class Image:
    data: bytes
    extension: str
    content_type: str
    width: int | None  # pixels, when the header tells
    height: int | None


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    return None


def _gif_size(data: bytes) -> tuple[int, int] | None:
    if len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def _bmp_size(data: bytes) -> tuple[int, int] | None:
    if len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return abs(width), abs(height)
    return None


def read_image(data: bytes) -> Image | None:
    """The image in ``data`` (PNG, JPEG, GIF, BMP or TIFF), or None when it is none of those."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, size = ("png", "image/png"), _png_size(data)
    elif data.startswith(b"\xff\xd8\xff"):
        kind, size = ("jpeg", "image/jpeg"), _jpeg_size(data)
    elif data[:6] in (b"GIF87a", b"GIF89a"):
        kind, size = ("gif", "image/gif"), _gif_size(data)
    elif data.startswith(b"BM"):
        kind, size = ("bmp", "image/bmp"), _bmp_size(data)
    elif data[:4] in (b"II*\x00", b"MM\x00*"):
        kind, size = ("tiff", "image/tiff"), None
    else:
        return None
    width, height = size if size else (None, None)
    return Image(data, kind[0], kind[1], width, height)

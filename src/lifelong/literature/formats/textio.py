"""Decoding text files from reference managers: UTF-8 with or without a BOM, UTF-16 with a
BOM (some EndNote exports), and, as a last resort, Windows-1252 with a warning."""

from __future__ import annotations

import codecs

from lifelong.literature.formats.model import Problem


def decode_text(data: bytes, name: str) -> tuple[str, list[Problem]]:
    """The file's text without a BOM, and a warning when it was not UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return strip_bom(data.decode("utf-16")), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        text = data.decode("cp1252", errors="replace")
        message = "the file is not UTF-8: read as Windows-1252 (check accented letters)"
        return text, [Problem(name, line, message, "warning")]


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text

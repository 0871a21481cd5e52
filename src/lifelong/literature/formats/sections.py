"""Structured abstracts flattened into one paragraph ("PURPOSE: ... METHODS: ...", as MEDLINE
text and most reference-manager exports write them) split back into labelled sections.

Only an abstract that *starts* with an upper-case label is split, and only at upper-case
labels that begin a sentence, so ordinary text with a colon stays one section.
"""

from __future__ import annotations

import re

from lifelong.literature.formats.markup import collapse, escape
from lifelong.literature.formats.model import AbstractSection

_LABEL = r"[A-Z][A-Z0-9]*(?:[ /&,-]+[A-Z0-9]+)*"
_FIRST_LABEL = re.compile(rf"^({_LABEL})\s*:\s+")
_NEXT_LABEL = re.compile(rf"(?<=[.?!)\]])\s+({_LABEL})\s*:\s+")
_MIN_LABEL_LETTERS = 4


def _is_label(label: str) -> bool:
    return sum(character.isalpha() for character in label) >= _MIN_LABEL_LETTERS


def split_abstract(text: str) -> tuple[AbstractSection, ...]:
    """One unlabelled section, or the labelled sections of a flattened structured abstract."""
    text = collapse(text)
    if not text:
        return ()
    first = _FIRST_LABEL.match(text)
    if first is None or not _is_label(first.group(1)):
        return (AbstractSection(None, text, escape(text)),)
    boundaries = [(first.start(), first.end(), first.group(1))]
    for match in _NEXT_LABEL.finditer(text, first.end()):
        if _is_label(match.group(1)):
            boundaries.append((match.start(), match.end(), match.group(1)))
    sections = []
    for index, (_start, body_start, label) in enumerate(boundaries):
        body_end = boundaries[index + 1][0] if index + 1 < len(boundaries) else len(text)
        body = text[body_start:body_end].strip()
        if body:
            sections.append(AbstractSection(label, body, escape(body)))
    return tuple(sections)


def join_abstract(sections: tuple[AbstractSection, ...]) -> str:
    """The inverse of ``split_abstract``: "LABEL: text LABEL: text"."""
    return " ".join(
        f"{section.label}: {section.text}" if section.label else section.text
        for section in sections
    )

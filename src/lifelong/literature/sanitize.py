"""HTML from outside (feeds, PubMed) reduced to a tiny allow-list with nh3.

Titles keep only inline emphasis and super/subscripts; summaries may also keep paragraphs,
line breaks and lists. No attributes survive (no links, styles, classes or event handlers),
and the content of ``script`` and ``style`` elements is dropped.
"""

from __future__ import annotations

import html
import re

import nh3

INLINE_TAGS = frozenset({"i", "em", "b", "strong", "sup", "sub", "u"})
BLOCK_TAGS = INLINE_TAGS | {"p", "br", "ul", "ol", "li"}
_SPACES = re.compile(r"\s+")
_BREAKS = re.compile(r"<\s*(?:br|/p|/li|/div|/h\d)\s*/?\s*>", re.IGNORECASE)


def clean_inline_html(text: str) -> str:
    """A title's HTML: inline tags only."""
    return nh3.clean(
        text, tags=set(INLINE_TAGS), attributes={}, clean_content_tags={"script", "style"}
    ).strip()


def clean_block_html(text: str) -> str:
    """A summary's HTML: inline tags, paragraphs, breaks and lists."""
    return nh3.clean(
        text, tags=set(BLOCK_TAGS), attributes={}, clean_content_tags={"script", "style"}
    ).strip()


def html_to_text(text: str) -> str:
    """Plain text with correct spacing: block ends become spaces, tags go, entities are
    decoded, whitespace collapses (``the <i>APOE</i> locus`` -> ``the APOE locus``)."""
    spaced = _BREAKS.sub(" ", text)
    stripped = nh3.clean(spaced, tags=set(), attributes={}, clean_content_tags={"script", "style"})
    return _SPACES.sub(" ", html.unescape(stripped)).strip()

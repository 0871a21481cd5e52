"""Inline markup (``<i>``, ``<b>``, ``<u>``, ``<sup>``, ``<sub>``, MathML) as plain text with
correct spacing and as sanitised HTML.

Peer parsers lose text at the first tag, or join stripped fragments ("the <i>APOE</i> locus"
becomes "theAPOElocus"). Here every text node and every tail is kept in document order, and
whitespace is collapsed only afterwards, so spacing is exactly the source's.

Decisions:

- **HTML** keeps ``i``, ``b``, ``u``, ``sup``, ``sub`` and presentation MathML (``math``,
  ``mi``, ``mn``, ``mo``, ``msub``, ``mfrac``, ...), without any attribute, and is passed
  through nh3 with exactly that allow-list. Browsers render MathML Core natively. JATS and
  HTML synonyms (``italic``, ``em``, ``bold``, ``strong``) map to the same five tags; any
  other element is dropped and its text kept.
- **Plain text of MathML** is its token text (``mi``, ``mn``, ``mo``, ``mtext``) joined
  without spaces, so that ``V̇O<sub>2max</sub>`` reads "V̇O2max" and ``<sup>3</sup>He``
  reads "3He" (prescripts come before their base; an over-dot or bar becomes a combining
  accent; a fraction reads "a/b").
- ``<u>&lt;</u>`` and ``<u>&gt;</u>`` are how PubMed encodes "≤" and "≥" (an underlined
  "<"): they become "≤" and "≥" in both forms.
- Entity references are never expanded (the XML parser has entity resolution off); they
  are dropped and reported by the caller.
"""

from __future__ import annotations

import html as html_lib
import re

import nh3
from lxml import etree
from lxml import html as lxml_html

INLINE_TAGS = frozenset({"i", "b", "u", "sup", "sub"})
TAG_ALIASES = {
    "italic": "i",
    "em": "i",
    "bold": "b",
    "strong": "b",
    "underline": "u",
    "superscript": "sup",
    "subscript": "sub",
}
#: Elements whose content is separated from its neighbours (JATS and HTML blocks).
BLOCK_TAGS = frozenset({"p", "div", "br", "title", "sec", "li", "list-item", "label"})
MATHML_TAGS = frozenset(
    {
        "math",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "mrow",
        "mstyle",
        "mpadded",
        "mphantom",
        "merror",
        "menclose",
        "mfenced",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mfrac",
        "msqrt",
        "mroot",
        "mmultiscripts",
        "mprescripts",
        "none",
        "mtable",
        "mtr",
        "mtd",
        "semantics",
    }
)
MATHML_TOKENS = frozenset({"mi", "mn", "mo", "ms"})
#: Annotations carry other encodings of the same formula (TeX, content MathML): skipped.
MATHML_SKIPPED = frozenset({"annotation", "annotation-xml"})
ALLOWED_HTML_TAGS = INLINE_TAGS | MATHML_TAGS
COMBINING_ACCENTS = {
    ".": "\u0307",
    "˙": "\u0307",
    "·": "\u0307",
    "¨": "\u0308",
    "..": "\u0308",
    "¯": "\u0304",
    "‾": "\u0305",
    "_": "\u0332",
    "^": "\u0302",
    "\u02c6": "\u0302",  # modifier letter circumflex
    "~": "\u0303",
    "\u02dc": "\u0303",  # small tilde
    "→": "\u20d7",
}
UNDERLINED_RELATIONS = {"<": "≤", ">": "≥"}

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_HTML_TAGS),
    clean_content_tags={"script", "style"},
    attributes={},
    strip_comments=True,
    link_rel=None,
)
_WHITESPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    return html_lib.escape(text, quote=False)


def collapse(text: str) -> str:
    """Whitespace runs to one space, trimmed."""
    return " ".join(text.split())


def local_name(tag: str) -> str:
    """``{ns}name``, ``prefix:name`` or ``name`` -> ``name``, lower-cased."""
    if tag[0] == "{":
        tag = tag[tag.index("}") + 1 :]
    elif ":" in tag:
        tag = tag[tag.index(":") + 1 :]
    return tag.lower()


def sanitize_html(html: str) -> str:
    """Sanitise HTML to the allow-list (no attributes at all)."""
    return _CLEANER.clean(html)


def plain_text_and_html(text: str) -> tuple[str, str]:
    """Text without markup (MEDLINE, RIS, BibTeX): collapsed, and escaped for HTML."""
    collapsed = collapse(text)
    return collapsed, escape(collapsed)


def render(element: etree._Element, dropped_entities: list[str] | None = None) -> tuple[str, str]:
    """An element's content as (plain text, sanitised HTML). Its own tag and tail are not
    part of it. Entity references found inside are appended to ``dropped_entities``."""
    if len(element) == 0:
        text = collapse(element.text or "")
        return text, escape(text)
    text_parts: list[str] = []
    html_parts: list[str] = []
    _walk(element, text_parts, html_parts, dropped_entities)
    text = collapse("".join(text_parts))
    html = _WHITESPACE.sub(" ", "".join(html_parts)).strip()
    return text, sanitize_html(html)


def render_html_fragment(fragment: str) -> tuple[str, str]:
    """An HTML fragment from outside (a CSL-JSON title, a feed summary) as (plain text,
    sanitised HTML), with the same rules as ``render``."""
    if "<" not in fragment and "&" not in fragment:
        return plain_text_and_html(fragment)
    try:
        container = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except etree.ParserError:
        return plain_text_and_html(fragment)
    return render(container)


def _walk(
    element: etree._Element,
    text_parts: list[str],
    html_parts: list[str],
    dropped_entities: list[str] | None,
) -> None:
    if element.text:
        text_parts.append(element.text)
        html_parts.append(escape(element.text))
    for child in element:
        if isinstance(child, etree._Entity):
            if dropped_entities is not None:
                dropped_entities.append(child.text or "")
        elif isinstance(child.tag, str):
            name = local_name(child.tag)
            if name in MATHML_TAGS:
                if name == "math":
                    text_parts.append(math_text(child))
                    html_parts.append(_math_html(child))
                else:  # a stray MathML element outside <math>: keep its reading
                    text_parts.append(math_text(child))
                    html_parts.append(escape(math_text(child)))
            else:
                name = TAG_ALIASES.get(name, name)
                relation = UNDERLINED_RELATIONS.get(child.text or "") if name == "u" else None
                if relation is not None and len(child) == 0:
                    text_parts.append(relation)
                    html_parts.append(relation)
                elif name in INLINE_TAGS:
                    html_parts.append(f"<{name}>")
                    _walk(child, text_parts, html_parts, dropped_entities)
                    html_parts.append(f"</{name}>")
                elif name in BLOCK_TAGS:
                    text_parts.append(" ")
                    html_parts.append(" ")
                    _walk(child, text_parts, html_parts, dropped_entities)
                    text_parts.append(" ")
                    html_parts.append(" ")
                elif name not in ("script", "style"):
                    _walk(child, text_parts, html_parts, dropped_entities)
        if child.tail:
            text_parts.append(child.tail)
            html_parts.append(escape(child.tail))


def _element_children(element: etree._Element) -> list[etree._Element]:
    return [
        child
        for child in element
        if isinstance(child.tag, str) and not isinstance(child, etree._Entity)
    ]


def tag_name(element: etree._Element) -> str:
    """The local name of an element; "" for comments, processing instructions, entities."""
    tag = element.tag
    return local_name(tag) if isinstance(tag, str) else ""


def math_text(element: etree._Element) -> str:
    """The reading of a MathML element as plain text (see the module docstring)."""
    name = tag_name(element)
    if name in MATHML_TOKENS:
        return collapse("".join(element.itertext()))
    if name == "mtext":
        return _WHITESPACE.sub(" ", "".join(element.itertext()))
    if name == "mspace":
        return " "
    if name in MATHML_SKIPPED or name in ("none", "mprescripts"):
        return ""
    children = _element_children(element)
    if name == "mmultiscripts" and children:
        names = [tag_name(child) for child in children]
        split = names.index("mprescripts") if "mprescripts" in names else len(children)
        post, pre = children[1:split], children[split + 1 :]
        return "".join(
            [*(math_text(child) for child in pre), math_text(children[0])]
            + [math_text(child) for child in post]
        )
    if name in ("mover", "munder") and len(children) == 2:
        base_text, accent = math_text(children[0]), math_text(children[1]).strip()
        if accent in COMBINING_ACCENTS and base_text:
            return base_text + COMBINING_ACCENTS[accent]
        return base_text + accent
    if name == "mfrac" and len(children) == 2:
        return f"{math_text(children[0])}/{math_text(children[1])}"
    if name == "msqrt":
        inner = "".join(math_text(child) for child in children)
        return f"√{inner}" if len(children) <= 1 else f"√({inner})"
    if name == "mroot" and len(children) == 2:
        return f"{math_text(children[1])}√{math_text(children[0])}"
    return "".join(math_text(child) for child in children)


def _math_html(element: etree._Element) -> str:
    """MathML serialised with local names and no attributes; elements outside the allow-list
    keep their children (annotations are dropped)."""
    parts: list[str] = []
    _math_html_into(element, parts)
    return "".join(parts)


def _math_html_into(element: etree._Element, parts: list[str]) -> None:
    name = tag_name(element)
    if name in MATHML_SKIPPED:
        return
    keep = name in MATHML_TAGS
    if keep:
        parts.append(f"<{name}>")
    # whitespace between MathML elements is layout of the source file, not content
    if element.text and (name == "mtext" or element.text.strip()):
        parts.append(escape(element.text))
    for child in element:
        if isinstance(child.tag, str) and not isinstance(child, etree._Entity):
            _math_html_into(child, parts)
        if child.tail and child.tail.strip():
            parts.append(escape(child.tail))
    if keep:
        parts.append(f"</{name}>")


CSL_TAGS = frozenset({"i", "b", "sup", "sub"})
_ENTITY_LIKE = re.compile(r"&(?=[A-Za-z#])")  # HTML parsers read "&copy" without ";" too
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")


def to_csl_rich_text(html: str) -> str:
    """Sanitised HTML as CSL-JSON rich text: ``<i>``, ``<b>``, ``<sup>``, ``<sub>`` kept,
    MathML as its plain reading, everything else as plain (unescaped) text. Only a "<" or
    "&" that would otherwise read as markup is escaped."""
    if "<" not in html and "&" not in html:
        return html
    container = lxml_html.fragment_fromstring(html, create_parent="div")
    parts: list[str] = []
    _csl_walk(container, parts)
    return "".join(parts)


def _csl_text(text: str) -> str:
    return _TAG_LIKE.sub("&lt;", _ENTITY_LIKE.sub("&amp;", text))


def _csl_walk(element: etree._Element, parts: list[str]) -> None:
    if element.text:
        parts.append(_csl_text(element.text))
    for child in element:
        if isinstance(child.tag, str):
            name = local_name(child.tag)
            if name == "math":
                parts.append(_csl_text(math_text(child)))
            elif name in CSL_TAGS:
                parts.append(f"<{name}>")
                _csl_walk(child, parts)
                parts.append(f"</{name}>")
            else:
                _csl_walk(child, parts)
        if child.tail:
            parts.append(_csl_text(child.tail))

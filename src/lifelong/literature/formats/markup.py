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

import re

import nh3
from lxml import etree
from lxml import html as lxml_html

INLINE_TAGS = frozenset({"i", "b", "u", "sup", "sub"})
#: Elements whose text and serialisation need no rewriting (``render``'s fast path).
SIMPLE_TAGS = frozenset({"i", "b", "sup", "sub"})
MATHML_NAMESPACE = "{http://www.w3.org/1998/Math/MathML}"
MATHML_ROOT = MATHML_NAMESPACE + "math"
#: Stand-ins for formulas while the text around them is read (private-use characters).
FORMULA_MARK = "\ue000"
FORMULA_END = "\ue001"
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
    clean_content_tags={"script", "style", *MATHML_SKIPPED},
    attributes={},
    strip_comments=True,
    link_rel=None,
)
_XML_SPACE = re.compile(r"[ \t\r\n]{2,}|[\t\r\n]")
_LOCAL_NAMES: dict[str, str] = {}
_OPEN_TAGS = {name: f"<{name}>" for name in ALLOWED_HTML_TAGS}
_CLOSE_TAGS = {name: f"</{name}>" for name in ALLOWED_HTML_TAGS}
_LOCAL_NAMES_LIMIT = 512


def escape(text: str) -> str:
    """Text for HTML, written as nh3 writes it (a no-break space as ``&nbsp;``)."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\xa0", "&nbsp;") if "\xa0" in text else text


def collapse(text: str) -> str:
    """XML whitespace (space, tab, line breaks) runs to one space, trimmed. Other spaces
    (no-break, thin) are content and stay."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = _XML_SPACE.sub(" ", text)
    return text.strip(" ")


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


def render(
    element: etree._Element,
    dropped_entities: list[str] | None = None,
    *,
    disposable: bool = False,
) -> tuple[str, str]:
    """An element's content as (plain text, sanitised HTML). Its own tag and tail are not
    part of it. Entity references found inside are appended to ``dropped_entities``.

    Fast path, in C: when the content holds only ``i``, ``b``, ``sup`` and ``sub`` elements
    without attributes (most PubMed titles and abstracts), the text is lxml's text
    serialisation and the HTML is lxml's XML serialisation of the content: escaped text and
    those four tags, already inside the allow-list, which is exactly what nh3 returns for
    it (tested), so nh3 is not run again. With ``disposable=True`` (the caller throws the
    tree away afterwards, as the streaming PubMed reader does) MathML formulas are read
    first (``read_formula``) and replaced by markers, so that the text around them takes the
    fast path too. Anything else (``u``, entities, other tags, attributes) takes
    ``render_walk``, which ends with nh3 over the whole. Both paths give the same result
    (tested)."""
    if len(element) == 0:
        text = element.text
        if not text:
            return "", ""
        text = collapse(text)
        return text, escape(text)
    formulas: list[etree._Element] = []
    for node in element.iterdescendants():
        tag = node.tag
        if tag in SIMPLE_TAGS:
            if len(node.attrib):
                return render_walk(element, dropped_entities)
            continue
        if disposable and isinstance(tag, str) and tag.startswith(MATHML_NAMESPACE):
            if tag == MATHML_ROOT:
                formulas.append(node)
            elif not formulas:  # a MathML element outside any formula
                return render_walk(element, dropped_entities)
            continue
        return render_walk(element, dropped_entities)
    readings = [read_formula(formula) for formula in formulas]
    for index, formula in enumerate(formulas):
        _replace_with_text(formula, f"{FORMULA_MARK}{index}{FORMULA_END}")
    serialised = etree.tostring(element, encoding=str, with_tail=False)
    content = serialised[serialised.index(">") + 1 : serialised.rindex("<")]
    if "/>" in content:  # an empty <i/> would open an element that never closes in HTML
        return render_walk(element, dropped_entities)
    text = etree.tostring(element, method="text", encoding=str, with_tail=False)
    if readings:
        if content.count(FORMULA_MARK) != len(readings):  # the marker was in the text
            return render_walk(element, dropped_entities)
        for index, (formula_text, formula_html) in enumerate(readings):
            marker = f"{FORMULA_MARK}{index}{FORMULA_END}"
            text = text.replace(marker, formula_text)
            content = content.replace(marker, formula_html)
    if "\xa0" in content:
        content = content.replace("\xa0", "&nbsp;")  # as nh3 writes it
    return collapse(text), collapse(content)


def _replace_with_text(element: etree._Element, text: str) -> None:
    """Remove an element from its tree, leaving ``text`` (and its tail) in its place."""
    parent = element.getparent()
    if parent is None:
        return
    replacement = text + (element.tail or "")
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + replacement
    else:
        parent.text = (parent.text or "") + replacement
    parent.remove(element)


def render_walk(
    element: etree._Element, dropped_entities: list[str] | None = None
) -> tuple[str, str]:
    """``render`` by walking the tree: every text and tail in document order."""
    text_parts: list[str] = []
    html_parts: list[str] = []
    _walk(element, text_parts, html_parts, dropped_entities)
    text = collapse("".join(text_parts))
    return text, sanitize_html(collapse("".join(html_parts)))


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
                formula_text, formula_html = read_formula(child)
                text_parts.append(formula_text)
                # a stray MathML element outside <math>: keep its reading only
                html_parts.append(formula_html if name == "math" else escape(formula_text))
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


def tag_name(element: etree._Element) -> str:
    """The local name of an element; "" for comments, processing instructions, entities."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = local_name(tag)
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_LIMIT:  # a hostile file may invent many tags
            _LOCAL_NAMES[tag] = name
    return name


def read_formula(formula: etree._Element) -> tuple[str, str]:
    """A MathML formula as (plain text, HTML), in one pass. The HTML holds only allow-listed
    MathML elements without attributes and escaped text: it is what nh3 returns for it
    (tested). Annotations (other encodings of the formula) are left out of both."""
    html: list[str] = []
    text = _formula_node(formula, tag_name(formula), html)
    return text, "".join(html)


def math_text(element: etree._Element) -> str:
    """The reading of a MathML element as plain text (see the module docstring)."""
    return _formula_node(element, tag_name(element), [])


def _formula_node(element: etree._Element, name: str, html: list[str]) -> str:
    if not name or name in MATHML_SKIPPED:
        return ""
    keep = name in MATHML_TAGS
    if keep:
        html.append(_OPEN_TAGS[name])
    own_text = element.text
    if name in MATHML_TOKENS or name == "mtext":
        raw = "".join(element.itertext()) if len(element) else (own_text or "")
        text = _XML_SPACE.sub(" ", raw) if name == "mtext" else collapse(raw)
        if text:
            html.append(escape(text))
        if keep:
            html.append(_CLOSE_TAGS[name])
        return text
    if own_text and not own_text.isspace():
        html.append(escape(own_text))
    texts: list[str] = []
    names: list[str] = []
    local_names = _LOCAL_NAMES
    for child in element:
        tag = child.tag
        child_name = local_names.get(tag) if isinstance(tag, str) else ""
        if child_name is None:
            child_name = tag_name(child)
        if child_name:
            texts.append(_formula_node(child, child_name, html))
            names.append(child_name)
        tail = child.tail
        if tail and not tail.isspace():
            html.append(escape(tail))
    if keep:
        html.append(_CLOSE_TAGS[name])
    if name == "mspace":
        return " "
    if name == "mmultiscripts" and texts:
        split = names.index("mprescripts") if "mprescripts" in names else len(texts)
        return "".join(texts[split + 1 :]) + texts[0] + "".join(texts[1:split])
    if name in ("mover", "munder") and len(texts) == 2:
        base, accent = texts[0], texts[1].strip()
        if accent in COMBINING_ACCENTS and base:
            return base + COMBINING_ACCENTS[accent]
        return base + accent
    if name == "mfrac" and len(texts) == 2:
        return f"{texts[0]}/{texts[1]}"
    if name == "msqrt":
        inner = "".join(texts)
        return f"√{inner}" if len(texts) <= 1 else f"√({inner})"
    if name == "mroot" and len(texts) == 2:
        return f"{texts[1]}√{texts[0]}"
    return "".join(texts)


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

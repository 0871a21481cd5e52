"""Template helpers of the literature pages: article titles with their inline markup, and
evidence levels as badges."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lifelong.literature.models import Article
from lifelong.literature.ranking import evidence_tier
from lifelong.literature.sanitize import clean_inline_html

register = template.Library()


@register.filter
def title_markup(article: Article) -> SafeString:
    """The title with its italics and super/subscripts, sanitised again on the way out (a
    title could reach the database by a path that did not clean it)."""
    if article.title_html:
        return mark_safe(clean_inline_html(article.title_html))
    return mark_safe(escape(article.title))


@register.filter
def evidence_label(level: str) -> str:
    """``systematic-review`` -> ``Systematic review``; unknown levels: ``Not classified``."""
    return evidence_tier(level).label


@register.filter
def evidence_tier_number(level: str) -> int:
    """1 (guideline, systematic review) to 6 (not classified), for the badge's style."""
    return evidence_tier(level).rank


@register.filter
def first_authors(article: Article, count: int = 3) -> str:
    names = article.author_names
    if len(names) <= count:
        return ", ".join(names)
    return ", ".join(names[:count]) + " et al."

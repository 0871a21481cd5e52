"""Inline markup as plain text with correct spacing and as sanitised HTML; identifiers and
dates as the formats write them."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from lifelong.literature.formats.dates import (
    parse_date_parts,
    parse_free_text_date,
    parse_iso_date,
    parse_pubmed_date,
    parse_slashed_date,
)
from lifelong.literature.formats.identifiers import (
    normalize_doi,
    normalize_orcid,
    normalize_pmcid,
    normalize_pmid,
)
from lifelong.literature.formats.markup import (
    render,
    render_html_fragment,
    render_walk,
    sanitize_html,
    to_csl_rich_text,
)
from tests.literature.formats.data import DATA


def rendered(xml: str) -> tuple[str, str]:
    return render(etree.fromstring(f"<ArticleTitle>{xml}</ArticleTitle>"))


@pytest.mark.parametrize(
    ("xml", "text", "html"),
    [
        (
            "the <i>APOE</i> locus: 10<sup>-19</sup> odds.",
            "the APOE locus: 10-19 odds.",
            "the <i>APOE</i> locus: 10<sup>-19</sup> odds.",
        ),
        ("<i>Lead</i> word", "Lead word", "<i>Lead</i> word"),
        ("H<sub>2</sub>O and CO<sub>2</sub>", "H2O and CO2", "H<sub>2</sub>O and CO<sub>2</sub>"),
        ("a <b><i>nested <u>deep</u></i></b> end", "a nested deep end", None),
        ("  spaced \n\t out  ", "spaced out", "spaced out"),
        ("x &amp; y &lt; z", "x & y < z", "x &amp; y &lt; z"),
        ("p<u>&lt;</u>0.05", "p≤0.05", "p≤0.05"),
        ("<u>underlined</u> text", "underlined text", "<u>underlined</u> text"),
        ("unknown <sc>small caps</sc> tag", "unknown small caps tag", "unknown small caps tag"),
    ],
)
def test_inline_markup_keeps_spacing_in_text_and_tags_in_html(
    xml: str, text: str, html: str | None
) -> None:
    got_text, got_html = rendered(xml)

    assert got_text == text
    if html is not None:
        assert got_html == html


def test_nested_markup_is_kept_in_html() -> None:
    _text, html = rendered("a <b><i>nested <u>deep</u></i></b> end")

    assert html == "a <b><i>nested <u>deep</u></i></b> end"


def test_mathml_fraction_root_and_accent_readings() -> None:
    math = (
        '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML">'
        "<mml:mfrac><mml:mi>a</mml:mi><mml:mn>2</mml:mn></mml:mfrac><mml:mo>+</mml:mo>"
        "<mml:msqrt><mml:mi>x</mml:mi></mml:msqrt><mml:mo>+</mml:mo>"
        "<mml:mover><mml:mi>y</mml:mi><mml:mo>¯</mml:mo></mml:mover>"
        "<mml:semantics><mml:mi>z</mml:mi><mml:annotation>\\zeta</mml:annotation>"
        "</mml:semantics></mml:math>"
    )

    text, html = rendered(f"Value {math} here")

    assert text == "Value a/2+√x+y\u0304z here"
    assert html.startswith("Value <math><mfrac><mi>a</mi><mn>2</mn></mfrac>")
    assert "annotation" not in html
    assert "zeta" not in html


def test_mathml_attributes_and_foreign_content_are_dropped() -> None:
    math = (
        '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block">'
        '<mi href="javascript:alert(1)" mathvariant="bold">x</mi>'
        "<mtext><img src='x' onerror='alert(1)'/>t</mtext></math>"
    )

    _text, html = rendered(math)

    assert html == "<math><mi>x</mi><mtext>t</mtext></math>"


@pytest.mark.parametrize(
    ("fragment", "text", "html"),
    [
        ("the <i>APOE</i> locus", "the APOE locus", "the <i>APOE</i> locus"),
        ("Research & Practice", "Research & Practice", "Research &amp; Practice"),
        ("p < 0.05 and p<0.01", "p < 0.05 and p<0.01", "p &lt; 0.05 and p&lt;0.01"),
        (
            "<jats:p>One <jats:italic>two</jats:italic></jats:p><jats:p>Three</jats:p>",
            "One two Three",
            "One <i>two</i> Three",
        ),
        ("<script>alert(1)</script>ok", "ok", "ok"),
        ('<span style="font-variant:small-caps;">Caps</span>', "Caps", "Caps"),
        ("<em>emphasis</em> <strong>strong</strong>", "emphasis strong", None),
    ],
)
def test_html_fragments_from_outside_are_sanitised(
    fragment: str, text: str, html: str | None
) -> None:
    got_text, got_html = render_html_fragment(fragment)

    assert got_text == text
    if html is not None:
        assert got_html == html


def test_csl_rich_text_keeps_four_tags_and_reads_math_as_text() -> None:
    html = "A <i>b</i> <u>c</u> <math><msub><mi>x</mi><mn>2</mn></msub></math> &amp; AT&amp;T &lt;d"

    assert to_csl_rich_text(html) == "A <i>b</i> c x2 & AT&amp;T &lt;d"


@pytest.mark.parametrize(
    ("value", "doi"),
    [
        ("10.1136/gutjnl-2016-312510", "10.1136/gutjnl-2016-312510"),
        ("https://doi.org/10.1177/2325967120950040", "10.1177/2325967120950040"),
        ("http://dx.doi.org/10.1177/2325967120950040", "10.1177/2325967120950040"),
        ("doi: 10.1118/1.4748329.", "10.1118/1.4748329"),
        ("not a doi", None),
        ("", None),
    ],
)
def test_dois_are_bare(value: str, doi: str | None) -> None:
    assert normalize_doi(value) == doi


def test_other_identifiers_are_bare() -> None:
    assert normalize_pmid("PMID: 0123") == "123"
    assert normalize_pmid("abc") is None
    assert normalize_pmcid("PMC2762775.2") == "PMC2762775"
    assert normalize_pmcid("2762775") == "PMC2762775"
    assert normalize_orcid("https://orcid.org/0000-0002-4590-7461") == "0000-0002-4590-7461"
    assert normalize_orcid("000000021825009x") == "0000-0002-1825-009X"
    assert normalize_orcid("12-34") is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("1998 Dec-1999 Jan", "1998-12"),
        ("2000 Spring-Summer", "2000"),
        ("2015 Nov-Dec", "2015-11"),
        ("1999-2000", "1999"),
        ("2000 Dec 23-30", "2000-12-23"),
        ("2006 Mar 1", "2006-03-01"),
        ("2002 sept", "2002-09"),
        ("2019 Feb 30", "2019-02"),
        ("Spring 1990", "1990"),
    ],
)
def test_free_text_dates_keep_the_start_of_a_range(text: str, iso: str) -> None:
    date = parse_free_text_date(text)

    assert date is not None
    assert date.iso == iso
    assert date.text == text


def test_a_text_without_a_year_keeps_the_text_and_no_date() -> None:
    date = parse_free_text_date("Winter")

    assert date is not None
    assert date.iso is None
    assert date.text == "Winter"


def test_pubmed_date_parts() -> None:
    assert parse_pubmed_date("1990", season="Spring") is not None
    spring = parse_pubmed_date("1990", season="Spring")
    assert spring is not None
    assert (spring.iso, spring.text) == ("1990", "1990 Spring")
    numeric = parse_pubmed_date("2018", "09", "7")
    assert numeric is not None
    assert (numeric.iso, numeric.text) == ("2018-09-07", "2018 Sep 7")
    lower = parse_pubmed_date("2018", "nov")
    assert lower is not None
    assert lower.iso == "2018-11"
    assert parse_pubmed_date(None) is None
    assert parse_pubmed_date("Summer") is None


def test_ris_iso_and_csl_dates() -> None:
    ris = parse_slashed_date("1948/07//")
    assert ris is not None
    assert ris.iso == "1948-07"
    full = parse_slashed_date("2019/03/05/Spring issue")
    assert full is not None
    assert full.iso == "2019-03-05"
    iso = parse_iso_date("2019-03/2019-05")
    assert iso is not None
    assert iso.iso == "2019-03"
    csl = parse_date_parts([["2022", "11", "05"]])
    assert csl is not None
    assert csl.iso == "2022-11-05"
    assert parse_date_parts([[]]) is None
    assert parse_date_parts("2019") is None


def sample_elements() -> list[etree._Element]:
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    elements = []
    for path in sorted(DATA.glob("**/*.xml")):
        if path.name in {"billion_laughs.xml", "truncated.xml", "mismatched_tag.xml"}:
            continue
        tree = etree.parse(str(path), parser)
        if tree.getroot().tag != "PubmedArticleSet":
            continue
        elements.extend(
            tree.iter("ArticleTitle", "AbstractText", "Keyword", "CollectiveName", "BookTitle")
        )
    return elements


def test_the_fast_path_and_the_walk_agree_on_every_sample() -> None:
    elements = sample_elements()

    assert len(elements) > 60
    for element in elements:
        walked = render_walk(element)
        assert render(element) == walked
        assert render(copy.deepcopy(element), disposable=True) == walked
        assert sanitize_html(walked[1]) == walked[1]  # already what nh3 returns


INLINE = ["i", "b", "sup", "sub", "u"]
MATHML = "http://www.w3.org/1998/Math/MathML"
texts = st.text(alphabet="ab <>&\"'\n\t\xa0\u2009é=", max_size=6)


@st.composite
def inline_trees(draw: st.DrawFn, depth: int = 0) -> etree._Element:
    element = etree.Element(draw(st.sampled_from(INLINE)) if depth else "AbstractText")
    element.text = draw(texts)
    for _ in range(draw(st.integers(0, 3 if depth < 2 else 0))):
        if draw(st.integers(0, 4)) == 0:
            formula = etree.SubElement(element, f"{{{MATHML}}}math")
            row = etree.SubElement(formula, f"{{{MATHML}}}msub")
            etree.SubElement(row, f"{{{MATHML}}}mi").text = draw(texts) or "x"
            etree.SubElement(row, f"{{{MATHML}}}mn").text = "2"
            child = formula
        else:
            child = draw(inline_trees(depth=depth + 1))
            element.append(child)
        child.tail = draw(texts)
    return element


@settings(max_examples=300, deadline=None)
@given(inline_trees())
def test_the_fast_path_and_the_walk_agree_on_generated_markup(element: etree._Element) -> None:
    walked = render_walk(element)

    assert render(copy.deepcopy(element), disposable=True) == walked
    assert render(element) == walked
    assert sanitize_html(walked[1]) == walked[1]

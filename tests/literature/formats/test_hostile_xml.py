"""Hostile XML fails safe: no entity expansion, no file read, no network access."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from lifelong.literature.formats import iter_pubmed_xml, parse_bytes, parse_file
from tests.literature.formats.data import EDGE
from tests.literature.loopback import LoopbackServer, Reply


def article(title: str, pmid: str = "90000009") -> str:
    return (
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>"
        f"{pmid}</PMID><Article><ArticleTitle>{title}</ArticleTitle></Article>"
        "</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )


def test_a_billion_laughs_is_refused_without_expanding_anything() -> None:
    result = parse_file(EDGE / "billion_laughs.xml")

    assert result.records == []
    assert len(result.problems) == 1
    assert result.problems[0].severity == "error"
    assert "malformed XML" in result.problems[0].message
    assert "lol" not in str(result.problems[0])


def test_internal_entities_are_left_out_not_expanded() -> None:
    data = (
        '<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY company "ACME Corp">]>'
        + article("Funded by &company; and others")
    ).encode()

    result = parse_bytes(data, "internal.xml")

    assert [record.title for record in result.records] == ["Funded by and others"]
    assert "ACME" not in result.records[0].title_html
    assert [problem.severity for problem in result.problems] == ["warning"]
    assert "&company;" in result.problems[0].message
    assert "never expanded" in result.problems[0].message


def test_external_file_entities_are_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet '
        f'[<!ENTITY leak SYSTEM "file://{secret}">]>' + article("Leaking &leak; here")
    ).encode()

    result = parse_bytes(data, "xxe.xml")

    assert [record.title for record in result.records] == ["Leaking here"]
    everything = repr(result)
    assert "TOP-SECRET-VALUE" not in everything


def test_the_sample_with_file_and_http_entities_reads_without_them() -> None:
    result = parse_file(EDGE / "external_entities.xml")

    assert [record.title for record in result.records] == ["Reading and and"]
    assert "root:" not in repr(result)
    assert [problem.severity for problem in result.problems] == ["warning"]


def test_the_xml_parser_is_opened_with_entities_dtd_and_network_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[dict[str, Any]] = []
    real_iterparse = etree.iterparse

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real_iterparse(*args, **kwargs)

    monkeypatch.setattr(etree, "iterparse", spy)
    list(iter_pubmed_xml(io.BytesIO(article("x").encode()), "options.xml"))

    assert len(calls) == 1
    options = calls[0]
    assert options["resolve_entities"] is False
    assert options["no_network"] is True
    assert options["load_dtd"] is False
    assert options["huge_tree"] is False
    assert not options.get("recover")


def test_nothing_is_fetched_from_the_network(loopback: LoopbackServer) -> None:
    """The behaviour behind the options above. (libxml2 2.14 dropped its HTTP client, so
    on such builds this also guards against a parser built with one.)"""
    loopback.routes["/evil.dtd"] = [Reply(200, b'<!ENTITY injected "INJECTED">')]
    loopback.routes["/secret.txt"] = [Reply(200, b"REMOTE-SECRET")]
    loopback.routes["/pubmed.dtd"] = [Reply(200, b'<!ENTITY dtdentity "FROM-DTD">')]
    data = (
        '<?xml version="1.0"?>'
        f'<!DOCTYPE PubmedArticleSet SYSTEM "{loopback.url("/pubmed.dtd")}" ['
        f'<!ENTITY remote SYSTEM "{loopback.url("/secret.txt")}">'
        f'<!ENTITY % evil SYSTEM "{loopback.url("/evil.dtd")}"> %evil;'
        "]>" + article("A &remote; B &injected; C &dtdentity; D")
    ).encode()

    events = list(iter_pubmed_xml(io.BytesIO(data), "network.xml"))

    assert loopback.requests == []
    assert "REMOTE-SECRET" not in repr(events)
    assert "INJECTED" not in repr(events)
    assert "FROM-DTD" not in repr(events)


def test_xinclude_is_not_processed() -> None:
    data = article(
        'Before <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        'href="file:///etc/passwd" parse="text"/> after'
    ).encode()

    result = parse_bytes(data, "xinclude.xml")

    assert [record.title for record in result.records] == ["Before after"]
    assert "root:" not in repr(result)


def test_html_in_titles_is_reduced_to_the_allow_list() -> None:
    data = article(
        'Safe <i>italic</i> <a href="javascript:alert(1)">link</a> '
        '<img src="x" onerror="alert(1)"/><b onclick="steal()">bold</b> <iframe>frame</iframe>'
    ).encode()

    record = parse_bytes(data, "html.xml").records[0]

    assert record.title_html == "Safe <i>italic</i> link <b>bold</b> frame"
    assert record.title == "Safe italic link bold frame"

"""Paths of the literature test files (see tests/literature/data/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
BIOPYTHON = DATA / "biopython"
RISPY = DATA / "rispy"
BIBTEXPARSER = DATA / "python-bibtexparser"
JABREF = DATA / "jabref"
EDGE = DATA / "edge"

"""Literature file formats: PURE readers and writers (no Django).

Read any file by its content::

    from lifelong.literature.formats import parse_file, iter_file

    result = parse_file("pubmed24n1220.xml.gz")   # records, deleted_pmids, problems
    for event in iter_file(path):                 # streamed: Record | Deletion | Problem
        ...

Formats read: PubMed XML (efetch, baseline and update files with ``DeleteCitation``, gzip
or not), MEDLINE text (nbib), RIS, BibTeX, CSL-JSON. Formats written: RIS, BibTeX,
CSL-JSON (``export_records``). Every reader returns what it could read and reports each
problem with its file and line (``Problem``; ``severity="error"`` means the file is
malformed). The record model is in ``model.py``; what each format maps to it is in
``docs/literature-formats.md``.
"""

from lifelong.literature.formats.bibtex import parse_bibtex, to_bibtex
from lifelong.literature.formats.csl_json import parse_csl_json, to_csl_json
from lifelong.literature.formats.dispatch import (
    DEFAULT_MAX_TEXT_BYTES,
    EXPORT_EXTENSIONS,
    EXPORT_FORMATS,
    EXPORT_MEDIA_TYPES,
    SOURCE_FORMATS,
    ExportFormat,
    describe_unknown,
    detect_format,
    export_records,
    iter_bytes,
    iter_file,
    parse_bytes,
    parse_file,
)
from lifelong.literature.formats.markup import render_html_fragment, sanitize_html
from lifelong.literature.formats.medline import parse_medline
from lifelong.literature.formats.model import (
    AbstractSection,
    Author,
    CommentCorrection,
    Deletion,
    Journal,
    MeshHeading,
    MeshQualifier,
    ParseEvent,
    ParseResult,
    PartialDate,
    Problem,
    Record,
    Severity,
    SourceFormat,
    author_to_dict,
    record_to_dict,
)
from lifelong.literature.formats.pubmed_xml import iter_pubmed_xml, parse_pubmed_xml
from lifelong.literature.formats.ris import parse_ris, to_ris

__all__ = [
    "DEFAULT_MAX_TEXT_BYTES",
    "EXPORT_EXTENSIONS",
    "EXPORT_FORMATS",
    "EXPORT_MEDIA_TYPES",
    "SOURCE_FORMATS",
    "AbstractSection",
    "Author",
    "CommentCorrection",
    "Deletion",
    "ExportFormat",
    "Journal",
    "MeshHeading",
    "MeshQualifier",
    "ParseEvent",
    "ParseResult",
    "PartialDate",
    "Problem",
    "Record",
    "Severity",
    "SourceFormat",
    "author_to_dict",
    "describe_unknown",
    "detect_format",
    "export_records",
    "iter_bytes",
    "iter_file",
    "iter_pubmed_xml",
    "parse_bibtex",
    "parse_bytes",
    "parse_csl_json",
    "parse_file",
    "parse_medline",
    "parse_pubmed_xml",
    "parse_ris",
    "record_to_dict",
    "render_html_fragment",
    "sanitize_html",
    "to_bibtex",
    "to_csl_json",
    "to_ris",
]

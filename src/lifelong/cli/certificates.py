"""Command: ``lifelong certificate read FILE... [--json]`` — what Lifelong reads from
certificates, without a database.

Database-free on purpose: it imports only the pure certificate checks and reader (never Django),
so anyone can see what a certificate will prefill before uploading it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from lifelong.cli.app import app
from lifelong.credits.certificates.reader import (
    FIELD_NAMES,
    UnreadableCertificate,
    confidence_label,
    read_certificate,
)
from lifelong.credits.certificates.validation import (
    DEFAULT_MAX_BYTES,
    TYPE_NAMES,
    CertificateRefused,
    check_certificate_file,
)

__all__ = ["certificate_app"]

EXIT_READ = 0
EXIT_NOT_READABLE = 2

certificate_app = typer.Typer(
    help="Read CE certificates (PDF) the way the upload page does.", no_args_is_help=True
)
app.add_typer(certificate_app, name="certificate")


def read_file(path: Path) -> dict[str, Any]:
    """``{"file", "fields", "confidence", "evidence"}``, or raise UnreadableCertificate."""
    try:
        with path.open("rb") as handle:
            data = handle.read(DEFAULT_MAX_BYTES + 1)
    except OSError as error:
        raise UnreadableCertificate(f"cannot read the file: {error.strerror or error}") from None
    try:
        checked = check_certificate_file(data, name=path.name)
    except CertificateRefused as refused:
        raise UnreadableCertificate(refused.message) from None
    if not checked.is_pdf:
        raise UnreadableCertificate(
            f"{TYPE_NAMES[checked.content_type]}: Lifelong reads text from PDFs only; keep "
            "the image as evidence and enter the activity by hand"
        )
    try:
        reading = read_certificate(data)
    except CertificateRefused as refused:
        raise UnreadableCertificate(refused.message) from None
    return {"file": str(path), **reading.to_dict()}


def _text(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        parts = []
        for item in value:
            if "body" in item:
                parts.append(f"{item['body']} {item['number']}".strip())
            else:
                hours = item.get("hours")
                parts.append(item["slug"] + (f" ({hours:g} h)" if hours is not None else ""))
        return ", ".join(parts)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_reading(result: dict[str, Any]) -> str:
    """One file's reading as aligned text: field, value, how sure, and where it came from."""
    lines = [f"{result['file']}:"]
    width = max(len(name) for name in FIELD_NAMES)
    for name in FIELD_NAMES:
        value = result["fields"][name]
        confidence = result["confidence"][name]
        label = confidence_label(confidence)
        line = f"  {name.ljust(width)}  {_text(value)}"
        if confidence > 0:
            line += f"  [{label}, {confidence:.2f}]"
            evidence = result["evidence"][name]
            if evidence:
                lines.append(line)
                line = f"  {''.ljust(width)}    read from: {evidence!r}"
        lines.append(line)
    return "\n".join(lines)


@certificate_app.command("read")
def read(
    files: Annotated[
        list[Path], typer.Argument(metavar="FILE...", help="PDF certificates to read.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list, one object per file.")
    ] = False,
) -> None:
    """Print what is read from each certificate: title, provider, participant, completion
    date, hours, format, approvals (and unit, kind, topics), each with how sure the reading is
    and the text it came from. Exit code 0: every file was read; 2: some file is not a readable
    certificate (the reason is on standard error; the others are still printed)."""
    results: list[dict[str, Any]] = []
    failed = False
    for path in files:
        try:
            results.append(read_file(path))
        except UnreadableCertificate as error:
            failed = True
            typer.echo(f"error: {path}: {error.reason}", err=True)
    if as_json:
        typer.echo(json.dumps(results, indent=2, ensure_ascii=False))
    elif results:
        typer.echo("\n\n".join(render_reading(result) for result in results))
    raise typer.Exit(code=EXIT_NOT_READABLE if failed else EXIT_READ)

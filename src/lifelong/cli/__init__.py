"""The ``lifelong`` command. Each module registers its commands on the shared Typer app."""

from __future__ import annotations

from lifelong.cli import (
    calendar,
    certificates,
    compliance,
    growth,
    literature,
    rules,
    server,
    supervision,
    tokens,
)
from lifelong.cli.app import app

__all__ = [
    "app",
    "calendar",
    "certificates",
    "compliance",
    "growth",
    "literature",
    "main",
    "rules",
    "server",
    "supervision",
    "tokens",
]


def main() -> None:
    app(prog_name="lifelong")

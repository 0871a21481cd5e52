"""Commands: rules."""

from __future__ import annotations

from lifelong.cli.app import app

__all__ = ["app"]

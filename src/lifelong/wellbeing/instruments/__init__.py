"""Validated self-report instruments as data files, and their scoring (pure: no Django)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from lifelong.wellbeing.instruments.schema import InstrumentDefinition
from lifelong.wellbeing.instruments.scoring import (
    AnswerError,
    InstrumentScore,
    SubscaleScore,
    score_answers,
)

DATA_DIR = Path(__file__).parent / "data"

__all__ = [
    "AnswerError",
    "InstrumentDefinition",
    "InstrumentError",
    "InstrumentScore",
    "SubscaleScore",
    "all_instruments",
    "get_instrument",
    "load_instrument",
    "score_answers",
]


class InstrumentError(ValueError):
    """An instrument file that does not follow the schema; the message names every problem."""


def load_instrument(path: Path) -> InstrumentDefinition:
    """Read and validate one instrument file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InstrumentError(f"{path.name}: {error}") from error
    try:
        return InstrumentDefinition.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or '(file)'}: {problem['msg']}"
            for problem in error.errors(include_url=False)
        )
        raise InstrumentError(f"{path.name}: {problems}") from error


@cache
def all_instruments() -> dict[str, InstrumentDefinition]:
    """Every shipped instrument by id, in file-name order (the order pages list them in)."""
    loaded: dict[str, InstrumentDefinition] = {}
    for path in sorted(DATA_DIR.glob("*.toml")):
        definition = load_instrument(path)
        if definition.id in loaded:
            raise InstrumentError(f"{path.name}: a second instrument with id {definition.id!r}")
        loaded[definition.id] = definition
    return loaded


def get_instrument(instrument_id: str) -> InstrumentDefinition | None:
    return all_instruments().get(instrument_id)

"""Reading rule sets: TOML text -> :class:`RuleSet`, with every problem located in the file.

Pure (no Django). The web app's "Rule sets" page, the ``lifelong rules validate FILE`` command and
the catalog all go through :func:`validate_ruleset_text` / :func:`parse_ruleset`.

A :class:`Problem` names the file, the 1-based line, the field and what is wrong::

    us-ca-lmft.toml:14: requirements[2].hours: Input should be greater than 0

Field paths use the TOML file's own key names. List positions are **0-based**, so
``requirements[2]`` is the third ``[[requirements]]`` table in the file; when the item has an
``id`` the message names it too (``... (requirement "law-and-ethics")``). Lines come from a small
locator that walks the TOML text and records where each key, table and array element is
defined; a missing field is reported on the line of its enclosing table header.
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import ValidationError

from lifelong.rules.schema import RuleSet

__all__ = [
    "CATALOG_PACKAGE",
    "Problem",
    "RuleSetError",
    "UnknownRuleSet",
    "catalog_ids",
    "catalog_text",
    "get_ruleset",
    "load_catalog",
    "locate_keys",
    "parse_ruleset",
    "validate_ruleset_text",
]

CATALOG_PACKAGE = "lifelong.rules.catalog"

PathKey = tuple[str | int, ...]

# Section name -> how the message refers to one of its items.
_ITEM_NOUNS: dict[str, str] = {
    "requirements": "requirement",
    "limits": "limit",
    "conditions": "condition",
    "sources": "source",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a rule-set file.

    ``line`` is 1-based (``None`` when the problem concerns the whole file); ``field`` is a dotted
    path with 0-based list indexes such as ``requirements[2].hours`` (empty for TOML syntax
    errors).
    """

    source: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class RuleSetError(ValueError):
    """A rule set that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in the rule set"
        super().__init__("\n".join([heading, *(str(problem) for problem in self.problems)]))


class UnknownRuleSet(LookupError):
    """No rule set has the requested id."""

    def __init__(self, ruleset_id: str, known: Iterable[str]) -> None:
        self.ruleset_id = ruleset_id
        self.known: list[str] = sorted(known)
        super().__init__(
            f"unknown rule set {ruleset_id!r}; known rule sets: {', '.join(self.known) or 'none'}"
        )


# --------------------------------------------------------------------------------------------
# Parsing and validation
# --------------------------------------------------------------------------------------------

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


def validate_ruleset_text(text: str, source: str = "<text>") -> list[Problem]:
    """Every problem in ``text`` (a rule set in TOML); an empty list means it is valid."""
    problems, _ = _check(text, source)
    return problems


def parse_ruleset(text: str, source: str = "<text>") -> RuleSet:
    """Parse and validate a rule set; raise :class:`RuleSetError` listing every problem."""
    problems, ruleset = _check(text, source)
    if problems or ruleset is None:
        raise RuleSetError(problems)
    return ruleset


def _check(text: str, source: str) -> tuple[list[Problem], RuleSet | None]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [_syntax_problem(error, text, source)], None
    try:
        return [], RuleSet.model_validate(data)
    except ValidationError as error:
        positions = _locate_safely(text)
        problems = _validation_problems(error, data, positions, source)
        return _sorted(problems), None


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str, source: str) -> Problem:
    message = str(error)
    # Python 3.11's TOMLDecodeError has no lineno attribute; 3.14 adds one. Read it if present,
    # otherwise parse the "(at line N, column M)" suffix of the message.
    line: int | None = getattr(error, "lineno", None)
    column: int | None = getattr(error, "colno", None)
    match = _TOML_POSITION.search(message)
    if match:
        line = line or int(match.group(1))
        column = column or int(match.group(2))
        message = message[: match.start()]
    elif _TOML_AT_END.search(message):
        message = _TOML_AT_END.sub("", message) + " (at the end of the file)"
        line = line or max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        column = None
    if column is not None:
        message = f"{message} (column {column})"
    return Problem(source=source, line=line, field="", message=f"TOML syntax error: {message}")


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line is not None, p.line or 0))


def _validation_problems(
    error: ValidationError, data: dict[str, Any], positions: dict[PathKey, int], source: str
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[int | None, str, str]] = set()
    for item in error.errors():
        loc: tuple[str | int, ...] = tuple(item["loc"])
        if not loc and item["type"] == "value_error":
            found = _root_problems(data, positions, source)
            if found:
                for problem in found:
                    _add(problems, seen, problem)
                continue
        path = _data_path(loc, data)
        message = _message(item, path, data)
        problem = Problem(source, _line_of(path, positions), _field_name(path), message)
        _add(problems, seen, problem)
    return problems


def _add(problems: list[Problem], seen: set[tuple[int | None, str, str]], problem: Problem) -> None:
    key = (problem.line, problem.field, problem.message)
    if key not in seen:
        seen.add(key)
        problems.append(problem)


def _data_path(loc: tuple[str | int, ...], data: Any) -> PathKey:
    """The part of a pydantic ``loc`` that names keys and indexes in the TOML data.

    Pydantic appends tags such as ``[key]`` or a type name to some locations; they are dropped
    by walking ``loc`` along the data: a component is kept while it indexes into the data, and
    a last missing key (a required field) is kept too.
    """
    path: list[str | int] = []
    cursor: Any = data
    for part in loc:
        if isinstance(cursor, dict) and isinstance(part, str):
            path.append(part)
            if part not in cursor:  # a missing (required) field: nothing further to walk
                break
            cursor = cursor[part]
        elif isinstance(cursor, list) and isinstance(part, int) and 0 <= part < len(cursor):
            path.append(part)
            cursor = cursor[part]
        else:
            break
    return tuple(path)


def _field_name(path: PathKey) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _line_of(path: PathKey, positions: Mapping[PathKey, int]) -> int | None:
    """The line defining ``path``, or the line of its nearest enclosing table or item."""
    for end in range(len(path), 0, -1):
        line = positions.get(path[:end])
        if line is not None:
            return line
    return None


def _item_label(path: PathKey, data: Mapping[str, Any]) -> str:
    """' (requirement "law-and-ethics")' when ``path`` is inside an item with an id."""
    if len(path) < 2 or not isinstance(path[0], str) or not isinstance(path[1], int):
        return ""
    noun = _ITEM_NOUNS.get(path[0])
    items = data.get(path[0])
    if noun is None or not isinstance(items, list) or not 0 <= path[1] < len(items):
        return ""
    item = items[path[1]]
    if not isinstance(item, dict):
        return ""
    name = item.get("id") if noun != "source" else item.get("url")
    if not isinstance(name, str) or not name:
        return ""
    return f' ({noun} "{name}")'


def _message(item: Mapping[str, Any], path: PathKey, data: Mapping[str, Any]) -> str:
    kind = item["type"]
    text = str(item["msg"])
    given = item.get("input")
    if kind == "extra_forbidden":
        name = path[-1] if path else "?"
        text = f"unknown field {name!r} (not part of the rule-set format; check the spelling)"
    elif kind in ("literal_error", "enum"):
        expected = (item.get("ctx") or {}).get("expected", "")
        text = f"{given!r} is not allowed here; expected {expected}"
    elif kind == "missing":
        text = "Field required"
    elif text.startswith("Value error, "):
        text = text.removeprefix("Value error, ")
    return text + _item_label(path, data)


# --- the schema's rule-set-wide checks, located ---------------------------------------------


def _root_problems(
    data: Mapping[str, Any], positions: Mapping[PathKey, int], source: str
) -> list[Problem]:
    """Locate the RuleSet model validator's findings (ids, roles, dates) in the file.

    The model validator runs only once every field is valid, so the data has the schema's
    shape here. Returns ``[]`` when nothing is found (the caller then reports the raw message).
    """
    problems: list[Problem] = []

    def problem(path: PathKey, message: str) -> None:
        problems.append(
            Problem(
                source,
                _line_of(path, positions),
                _field_name(path),
                message + _item_label(path, data),
            )
        )

    first_seen: dict[str, PathKey] = {}
    declared_roles = {role for role in data.get("roles", []) if isinstance(role, str)}
    for section in ("requirements", "limits", "conditions"):
        items = data.get(section, [])
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            item_id = item.get("id")
            if isinstance(item_id, str):
                id_path: PathKey = (section, index, "id")
                if item_id == "total":
                    problem(id_path, "'total' is reserved for the total requirement")
                elif item_id in first_seen:
                    earlier = first_seen[item_id]
                    earlier_line = _line_of(earlier, positions)
                    at = f" (line {earlier_line})" if earlier_line else ""
                    problem(
                        id_path,
                        f"id {item_id!r} is already used by {_field_name(earlier)}{at}; "
                        "ids must be unique",
                    )
                else:
                    first_seen[item_id] = id_path
            roles = item.get("roles", [])
            if section != "limits" and isinstance(roles, list):
                for role_index, role in enumerate(roles):
                    if isinstance(role, str) and role not in declared_roles:
                        problem(
                            (section, index, "roles", role_index),
                            f"role {role!r} is not declared in the top-level 'roles' list",
                        )
    start, end = data.get("effective_from"), data.get("effective_until")
    if start is not None and end is not None and end < start:
        problem(("effective_until",), "effective_until is before effective_from")
    return problems


# --------------------------------------------------------------------------------------------
# The locator: where each key, table and array element is defined in the TOML text
# --------------------------------------------------------------------------------------------


class _LocatorError(Exception):
    pass


def _locate_safely(text: str) -> dict[PathKey, int]:
    try:
        return locate_keys(text)
    except (_LocatorError, IndexError):
        return {}


def locate_keys(text: str) -> dict[PathKey, int]:
    """Map each path in a valid TOML document to the 1-based line where it is defined.

    Paths are tuples of keys and 0-based indexes, as in the parsed data: ``("cycle",)`` is the
    ``[cycle]`` header (or the ``cycle = {...}`` / ``cycle.x = ...`` line), ``("requirements",
    2)`` the third ``[[requirements]]`` header, ``("requirements", 2, "hours")`` its ``hours``
    key, ``("sources", 0, "url")`` a key in an inline table inside an array.
    """
    return _Locator(text).run()


class _Locator:
    _BARE = re.compile(r"[A-Za-z0-9_-]+")
    _BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
    _SCALAR = re.compile(r"[^,\]}#\r\n]+")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.positions: dict[PathKey, int] = {}
        self.array_counts: dict[PathKey, int] = {}
        self.newlines = [match.start() for match in re.finditer("\n", text)]

    # -- helpers --

    def line(self, pos: int | None = None) -> int:
        return bisect.bisect_left(self.newlines, self.pos if pos is None else pos) + 1

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs, comments and (if ``newlines``) line breaks."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end == -1 else end
            else:
                return

    def record(self, path: PathKey, line: int) -> None:
        self.positions.setdefault(path, line)

    # -- document --

    def run(self) -> dict[PathKey, int]:
        table: PathKey = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.positions
            if self.peek() == "[":
                table = self.header()
            else:
                self.keyval(table)

    def header(self) -> PathKey:
        line = self.line()
        is_array = self.peek(1) == "["
        self.pos += 2 if is_array else 1
        keys = self.key()
        self.skip_blank(newlines=False)
        closing = "]]" if is_array else "]"
        if not self.text.startswith(closing, self.pos):
            raise _LocatorError(f"expected {closing} at line {line}")
        self.pos += len(closing)
        resolved: list[str | int] = []
        for index, key in enumerate(keys):
            resolved.append(key)
            prefix = tuple(resolved)
            if is_array and index == len(keys) - 1:
                count = self.array_counts.get(prefix, 0)
                self.array_counts[prefix] = count + 1
                self.record(prefix, line)
                resolved.append(count)
            elif prefix in self.array_counts:
                resolved.append(self.array_counts[prefix] - 1)
            self.record(tuple(resolved), line)
        return tuple(resolved)

    def key(self) -> list[str]:
        keys: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char == '"':
                keys.append(self.basic_string())
            elif char == "'":
                keys.append(self.literal_string())
            else:
                match = self._BARE.match(self.text, self.pos)
                if not match:
                    raise _LocatorError(f"expected a key at line {self.line()}")
                keys.append(match.group())
                self.pos = match.end()
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return keys
            self.pos += 1

    def keyval(self, table: PathKey) -> None:
        self.skip_blank(newlines=False)
        line = self.line()
        keys = self.key()
        for end in range(1, len(keys) + 1):
            self.record(table + tuple(keys[:end]), line)
        self.skip_blank(newlines=False)
        if self.peek() != "=":
            raise _LocatorError(f"expected '=' at line {line}")
        self.pos += 1
        self.skip_blank(newlines=False)
        self.value(table + tuple(keys))

    # -- values --

    def value(self, path: PathKey) -> None:
        char = self.peek()
        if char == "[":
            self.array(path)
        elif char == "{":
            self.inline_table(path)
        elif char == '"':
            self.basic_string()
        elif char == "'":
            self.literal_string()
        else:
            match = self._SCALAR.match(self.text, self.pos)
            if not match:
                raise _LocatorError(f"expected a value at line {self.line()}")
            self.pos = match.end()

    def array(self, path: PathKey) -> None:
        self.pos += 1  # [
        index = 0
        while True:
            self.skip_blank(newlines=True)
            char = self.peek()
            if char == "]":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            if not char:
                raise _LocatorError("unterminated array")
            element = (*path, index)
            self.record(element, self.line())
            self.value(element)
            index += 1

    def inline_table(self, path: PathKey) -> None:
        self.pos += 1  # {
        while True:
            self.skip_blank(newlines=True)
            char = self.peek()
            if char == "}":
                self.pos += 1
                return
            if char == ",":
                self.pos += 1
                continue
            if not char:
                raise _LocatorError("unterminated inline table")
            self.keyval(path)

    def basic_string(self) -> str:
        if self.text.startswith('"""', self.pos):
            return self.multiline('"""', escapes=True)
        match = self._BASIC.match(self.text, self.pos)
        if not match:
            raise _LocatorError("unterminated string")
        self.pos = match.end()
        raw = match.group()
        if "\\" not in raw:
            return raw[1:-1]
        try:  # let tomllib decode the escapes (the text is valid TOML)
            value = tomllib.loads(f"k = {raw}")["k"]
        except tomllib.TOMLDecodeError as error:
            raise _LocatorError("bad string") from error
        return str(value)

    def literal_string(self) -> str:
        if self.text.startswith("'''", self.pos):
            return self.multiline("'''", escapes=False)
        end = self.text.find("'", self.pos + 1)
        if end == -1:
            raise _LocatorError("unterminated string")
        content = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return content

    def multiline(self, delimiter: str, *, escapes: bool) -> str:
        start = self.pos + 3
        cursor = start
        while True:
            if escapes and self.text.startswith("\\", cursor):
                cursor += 2
                continue
            if self.text.startswith(delimiter, cursor):
                break
            if cursor >= len(self.text):
                raise _LocatorError("unterminated multi-line string")
            cursor += 1
        end = cursor + 3
        # Up to two quote characters may sit right before the closing delimiter.
        extra = 0
        while extra < 2 and self.text.startswith(delimiter[0], end):
            end += 1
            extra += 1
        self.pos = end
        return self.text[start : end - 3]


# --------------------------------------------------------------------------------------------
# The catalog shipped with Lifelong
# --------------------------------------------------------------------------------------------


def _catalog_files() -> dict[str, Any]:
    root = resources.files(CATALOG_PACKAGE)
    return {
        entry.name.removesuffix(".toml"): entry
        for entry in root.iterdir()
        if entry.name.endswith(".toml") and entry.is_file()
    }


def catalog_ids() -> list[str]:
    """The ids of the rule sets shipped with Lifelong, sorted."""
    return sorted(_catalog_files())


def catalog_text(ruleset_id: str) -> str:
    """The raw TOML of a catalog rule set (to start a user's own rule set from it)."""
    files = _catalog_files()
    if ruleset_id not in files:
        raise UnknownRuleSet(ruleset_id, files)
    text: str = files[ruleset_id].read_text(encoding="utf-8")
    return text


@functools.lru_cache(maxsize=1)
def load_catalog() -> dict[str, RuleSet]:
    """Every catalog rule set by id (parsed once per process; do not mutate the result).

    A catalog file that fails to validate, or whose ``id`` differs from its file name, raises
    :class:`RuleSetError`: the catalog ships with Lifelong and its tests keep it valid.
    """
    catalog: dict[str, RuleSet] = {}
    problems: list[Problem] = []
    for ruleset_id, entry in sorted(_catalog_files().items()):
        name = f"{ruleset_id}.toml"
        text = entry.read_text(encoding="utf-8")
        found, ruleset = _check(text, name)
        problems.extend(found)
        if ruleset is None:
            continue
        if ruleset.id != ruleset_id:
            line = _locate_safely(text).get(("id",))
            problems.append(
                Problem(name, line, "id", f"id {ruleset.id!r} does not match the file name")
            )
            continue
        catalog[ruleset_id] = ruleset
    if problems:
        raise RuleSetError(problems)
    return catalog


def get_ruleset(ruleset_id: str, extra: Mapping[str, RuleSet] | None = None) -> RuleSet:
    """The rule set with ``ruleset_id``: from ``extra`` (a user's own rule sets) or the catalog.

    A rule set in ``extra`` wins over a catalog rule set with the same id, so a user can replace
    a catalog entry (for example after a board changed its rules) with an edited copy.
    """
    if extra is not None and ruleset_id in extra:
        return extra[ruleset_id]
    catalog = load_catalog()
    if ruleset_id in catalog:
        return catalog[ruleset_id]
    raise UnknownRuleSet(ruleset_id, {*catalog, *(extra or {})})

"""Full-text search over the shared library: one interface, two backends.

``search(query, filters, user, limit, offset) -> SearchPage`` is what pages, the API and the CLI
call. The backend follows the database vendor:

- **SQLite**: an FTS5 table ``literature_article_fts`` (columns title, abstract, mesh,
  keywords, authors, journal; Porter stems, diacritics removed) ranked by FTS5's ``bm25``
  with column weights. It is *contentless* (``content=''``): the Article table keeps the text
  as JSON (abstract sections, MeSH headings, authors), so an external-content table would need
  a view to flatten it, and a view on the article table makes every later Django migration
  that rebuilds that table fail on SQLite ("error in view ...: no such table"). Triggers on
  ``literature_article`` flatten the JSON with SQLite's JSON functions and keep the index in
  step on every insert, update and delete, whatever code path writes (bulk imports, the
  admin, cascades). Deletes hand FTS5 the old values, computed by the same expressions.
- **PostgreSQL**: a side table ``literature_article_search(article_id, document tsvector)``
  with a GIN index, filled by a trigger (title weight A, MeSH and keywords B, abstract C,
  authors and journal D), queried with ``@@`` and ranked with ``ts_rank_cd``.

Both are created by a migration (:func:`install_search_index`). Django rebuilds a SQLite table
(create, copy, drop, rename) for many schema changes, and dropping the table drops its
triggers: after every ``migrate`` :func:`repair_search_index` puts missing triggers back and
rebuilds the index from the articles.

User input never reaches the engine's query syntax: :func:`parse_query` reads web-search
syntax (words, "quoted phrases", ``OR``, ``-excluded``) into a small tree; every word or
phrase is then passed as an FTS5 string literal or as a parameter to ``phraseto_tsquery``, so
quotes, ``AND``, ``NEAR(``, ``*`` or any unicode are searched for as text, never parsed as
operators, and never raise a syntax error.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import OperationalError
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    from lifelong.accounts.models import User
    from lifelong.literature.models import Article, ReadingListEntry

FTS_TABLE = "literature_article_fts"
PG_TABLE = "literature_article_search"
ARTICLE_TABLE = "literature_article"
MAX_QUERY_LENGTH = 500
MAX_QUERY_TERMS = 32
COUNT_CAP = 10_000
# A search matching more articles than this ranks the newest this many of them (by when they
# reached the library): ranking costs about a microsecond per match, and a word such as
# "depression" matches a tenth of a large library. See bench/README.md.
RANKING_WINDOW = 10_000
# FTS5 bm25 weights, in column order: title, abstract, mesh, keywords, authors, journal.
SQLITE_WEIGHTS = (10.0, 2.0, 6.0, 5.0, 1.0, 1.0)
# SQLite: how many articles contain each phrase (what bm25 weighs a word by) is counted once
# and reused until more than 1/PHRASE_COUNTS_STALE_AFTER of the library has changed since.
PHRASE_TABLE = "literature_search_phrase"
STATE_TABLE = "literature_search_state"
PHRASE_COUNTS_STALE_AFTER = 1000
# The most articles that bm25 may count for one search (see ranking_query): about 50 ns each.
RANKING_BUDGET = 300_000
# PostgreSQL: how many of a broad search's matches are ranked by their whole document (see
# _postgres_ranked_matches).
RERANKED = 200
# ts_rank_cd weights for {D, C, B, A}: authors/journal, abstract, MeSH/keywords, title.
PG_WEIGHTS = "{0.1, 0.2, 0.6, 1.0}"

# --------------------------------------------------------------------------------------------
# The query language (pure)
# --------------------------------------------------------------------------------------------

# Snowball's English stop words (PostgreSQL's 'english' configuration drops the same words),
# dropped from unquoted words on both backends so that "therapy for depression" needs no
# "for" in the article.
_STOP_WORDS_TEXT = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own s same she should so some such t than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with you your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_HAS_WORD = re.compile(r"[^\W_]")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """A word or a quoted phrase, as the user typed it (spacing collapsed)."""

    text: str
    phrase: bool = False


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """All ``groups`` must match (each group: any one of its terms); no ``excluded`` term may."""

    groups: tuple[tuple[QueryTerm, ...], ...] = ()
    excluded: tuple[QueryTerm, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.groups

    def words(self) -> list[str]:
        return [term.text for group in self.groups for term in group]


def parse_query(text: str) -> ParsedQuery:
    """Web-search syntax: words (all required), "quoted phrases", ``OR`` between two items,
    ``-word`` or ``-"phrase"`` to exclude. Unquoted stop words and tokens without a letter or
    digit are dropped; anything else is text to search for, never an operator."""
    text = text[:MAX_QUERY_LENGTH].replace("\x00", " ")
    groups: list[list[QueryTerm]] = []
    excluded: list[QueryTerm] = []
    pending_or = False
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.upper() == "OR":
            pending_or = bool(groups)
            continue
        if quoted is not None:
            term = QueryTerm(_SPACES.sub(" ", quoted).strip(), phrase=True)
        else:
            assert bare is not None
            negated = "-" if bare.startswith("-") and len(bare) > 1 else ""
            word = bare[1:] if negated else bare
            if word.upper() == "AND" or word.casefold() in STOP_WORDS:
                pending_or = False
                continue
            term = QueryTerm(word)
        if not _HAS_WORD.search(term.text):
            continue
        if negated:
            excluded.append(term)
        elif pending_or and groups:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
        if sum(map(len, groups)) + len(excluded) >= MAX_QUERY_TERMS:
            break
    return ParsedQuery(tuple(tuple(group) for group in groups), tuple(excluded))


def _fts5_string(term: QueryTerm) -> str:
    """An FTS5 string literal: inside double quotes only a doubled quote is special."""
    return '"' + term.text.replace('"', '""') + '"'


def fts5_expression(query: ParsedQuery) -> str:
    """The FTS5 MATCH expression of a parsed query (every term a string literal)."""

    def group_sql(terms: Sequence[QueryTerm]) -> str:
        parts = [_fts5_string(term) for term in terms]
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"

    expression = " AND ".join(group_sql(group) for group in query.groups)
    if query.excluded:
        expression = f"({expression}) NOT {group_sql(query.excluded)}"
    return expression


def postgres_tsquery(query: ParsedQuery) -> tuple[str, list[str]]:
    """A tsquery SQL expression with one ``phraseto_tsquery`` parameter per term."""
    params: list[str] = []

    def term_sql(term: QueryTerm) -> str:
        params.append(term.text)
        return "phraseto_tsquery('english', %s)"

    def group_sql(terms: Sequence[QueryTerm]) -> str:
        parts = [term_sql(term) for term in terms]
        return parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"

    expression = " && ".join(group_sql(group) for group in query.groups)
    if query.excluded:
        expression = f"({expression}) && !!{group_sql(query.excluded)}"
    return expression, params


# --------------------------------------------------------------------------------------------
# Filters and results
# --------------------------------------------------------------------------------------------

EVIDENCE_LEVELS = (
    "guideline",
    "systematic-review",
    "randomized-trial",
    "observational",
    "case-report",
    "narrative-review",
    "editorial",
    "other",
)
READ_STATUSES = ("saved", "unsaved", "to-read", "reading", "read")


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What narrows a search. Dates compare with the article's known publication period (an
    article dated "2024" is inside 2024-06-01..2024-12-31); ``read_status`` is one of
    :data:`READ_STATUSES` (the user's reading list) or empty."""

    published_from: date | None = None
    published_to: date | None = None
    evidence_levels: tuple[str, ...] = ()
    publication_type: str = ""
    journal: str = ""
    mesh: str = ""
    read_status: str = ""
    include_retracted: bool = True

    @property
    def active(self) -> bool:
        return self != SearchFilters()


@dataclass(frozen=True, slots=True)
class SearchHit:
    article: Article
    score: float
    entry: ReadingListEntry | None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results. ``total`` is exact up to :data:`COUNT_CAP`; beyond that it is the
    cap and ``total_capped`` is true."""

    query: str
    parsed: ParsedQuery
    filters: SearchFilters
    hits: list[SearchHit]
    total: int
    total_capped: bool
    limit: int
    offset: int
    backend: str
    ignored: list[str] = field(default_factory=list)
    windowed: bool = False

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.hits) < self.total

    @property
    def first_number(self) -> int:
        return self.offset + 1 if self.hits else 0

    @property
    def last_number(self) -> int:
        return self.offset + len(self.hits)


# --------------------------------------------------------------------------------------------
# The index: schema, triggers, rebuild
# --------------------------------------------------------------------------------------------


def _json_array(column: str) -> str:
    return f"CASE WHEN json_valid({column}) THEN {column} ELSE '[]' END"


def _sqlite_document(row: str) -> list[str]:
    """SQL expressions for the indexed text of the article ``row`` (``new``, ``old`` or a
    table alias), in the FTS table's column order. Deletes recompute exactly these values."""

    def joined(column: str, item: str, separator: str) -> str:
        return (
            f"coalesce((SELECT group_concat({item}, '{separator}') "
            f"FROM json_each({_json_array(f'{row}.{column}')}) AS j), '')"
        )

    def member(*paths: str) -> str:
        found = ", ".join(f"json_extract(j.value, '$.{path}')" for path in paths)
        first = f"coalesce({found})" if len(paths) > 1 else found
        return f"CASE j.type WHEN 'object' THEN {first} WHEN 'text' THEN j.value END"

    author = (
        "CASE j.type WHEN 'object' THEN coalesce(json_extract(j.value, '$.collective'), "
        "trim(coalesce(json_extract(j.value, '$.given'), '') || ' ' || "
        "coalesce(json_extract(j.value, '$.family'), ''))) WHEN 'text' THEN j.value END"
    )
    return [
        f"coalesce({row}.title, '')",
        joined("abstract", member("text"), " "),
        joined("mesh", member("descriptor"), " ; "),
        joined("keywords", member("keyword", "text"), " ; "),
        joined("authors", author, " ; "),
        f"trim(coalesce({row}.journal, '') || ' ' || coalesce({row}.journal_abbreviation, ''))",
    ]


FTS_COLUMNS = ("title", "abstract", "mesh", "keywords", "authors", "journal")
# Articles removed from PubMed (``removed_at`` set) are not in the index, so that plain
# searches never need the article table. The trigger names carry a version: installing
# drops triggers of earlier versions.
_SQLITE_TRIGGERS = {
    "literature_article_fts_insert_v3": (
        "AFTER INSERT ON {article} WHEN new.removed_at IS NULL BEGIN {insert_new}; {changed}; END"
    ),
    "literature_article_fts_delete_v3": (
        "AFTER DELETE ON {article} WHEN old.removed_at IS NULL BEGIN {delete_old}; {changed}; END"
    ),
    "literature_article_fts_update_v3": (
        "AFTER UPDATE OF title, abstract, mesh, keywords, authors, journal, "
        "journal_abbreviation, removed_at ON {article} "
        "BEGIN {delete_old}; {insert_new}; {changed}; END"
    ),
}
_OLD_SQLITE_TRIGGERS = (
    "literature_article_fts_insert",
    "literature_article_fts_delete",
    "literature_article_fts_update",
    "literature_article_fts_insert_v2",
    "literature_article_fts_delete_v2",
    "literature_article_fts_update_v2",
)
# The phrase counts (see PHRASE_TABLE) and a counter of the index's changes, which tells when
# a count has gone stale.
_SQLITE_TABLES = {
    PHRASE_TABLE: f"""CREATE TABLE IF NOT EXISTS {PHRASE_TABLE} (
        phrase TEXT PRIMARY KEY,
        documents INTEGER NOT NULL,
        counted_at INTEGER NOT NULL
    )""",
    STATE_TABLE: f"""CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        changes INTEGER NOT NULL
    )""",
}


def _sqlite_statements() -> dict[str, str]:
    columns = ", ".join(FTS_COLUMNS)
    insert_new = (
        f"INSERT INTO {FTS_TABLE}(rowid, {columns}) "
        f"SELECT new.id, {', '.join(_sqlite_document('new'))} WHERE new.removed_at IS NULL"
    )
    delete_old = (
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {columns}) "
        f"SELECT 'delete', old.id, {', '.join(_sqlite_document('old'))} "
        "WHERE old.removed_at IS NULL"
    )
    return {
        name: f"CREATE TRIGGER IF NOT EXISTS {name} "
        + body.format(
            article=ARTICLE_TABLE,
            insert_new=insert_new,
            delete_old=delete_old,
            changed=f"UPDATE {STATE_TABLE} SET changes = changes + 1",
        )
        for name, body in _SQLITE_TRIGGERS.items()
    }


# Title (weight A), MeSH and keywords (B): the head of the document, stored on its own too,
# small enough to stay in the row (the whole document is TOASTed), to rank broad searches.
_PG_HEAD = """
    setweight(to_tsvector('english', coalesce({row}.title, '')), 'A')
    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(CASE jsonb_typeof(item) WHEN 'string' THEN item #>> '{{}}'
                          ELSE item ->> 'descriptor' END, ' ; ')
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof({row}.mesh) = 'array'
                                  THEN {row}.mesh ELSE '[]'::jsonb END) AS item), '')
        || ' ; ' || coalesce((
        SELECT string_agg(CASE jsonb_typeof(item) WHEN 'string' THEN item #>> '{{}}'
                          ELSE coalesce(item ->> 'keyword', item ->> 'text') END, ' ; ')
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof({row}.keywords) = 'array'
                                  THEN {row}.keywords ELSE '[]'::jsonb END) AS item), '')), 'B')
"""
# Then the abstract (C), authors and journal (D).
_PG_BODY = """    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(CASE jsonb_typeof(item) WHEN 'string' THEN item #>> '{{}}'
                          ELSE item ->> 'text' END, ' ')
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof({row}.abstract) = 'array'
                                  THEN {row}.abstract ELSE '[]'::jsonb END) AS item), '')), 'C')
    || setweight(to_tsvector('english', coalesce((
        SELECT string_agg(CASE jsonb_typeof(item) WHEN 'string' THEN item #>> '{{}}'
                          ELSE coalesce(item ->> 'collective', trim(coalesce(item ->> 'given', '')
                               || ' ' || coalesce(item ->> 'family', ''))) END, ' ; ')
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof({row}.authors) = 'array'
                                  THEN {row}.authors ELSE '[]'::jsonb END) AS item), '')
        || ' ; ' || coalesce({row}.journal, '') || ' ' || coalesce({row}.journal_abbreviation, '')),
        'D')
"""
_PG_DOCUMENT = f"({_PG_HEAD}) || {_PG_BODY}"

_PG_INDEX = f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_document ON {PG_TABLE} USING GIN (document)"
_PG_STATEMENTS = [
    f"""CREATE TABLE IF NOT EXISTS {PG_TABLE} (
        article_id bigint PRIMARY KEY,
        document tsvector NOT NULL
    )""",
    f"ALTER TABLE {PG_TABLE} ADD COLUMN IF NOT EXISTS head tsvector NOT NULL DEFAULT ''",
    _PG_INDEX,
    f"""CREATE OR REPLACE FUNCTION {PG_TABLE}_write() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        head_vector tsvector;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {PG_TABLE} WHERE article_id = OLD.id;
            RETURN NULL;
        END IF;
        IF NEW.removed_at IS NOT NULL THEN
            DELETE FROM {PG_TABLE} WHERE article_id = NEW.id;
            RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE'
           AND OLD.removed_at IS NULL
           AND NEW.title IS NOT DISTINCT FROM OLD.title
           AND NEW.abstract IS NOT DISTINCT FROM OLD.abstract
           AND NEW.mesh IS NOT DISTINCT FROM OLD.mesh
           AND NEW.keywords IS NOT DISTINCT FROM OLD.keywords
           AND NEW.authors IS NOT DISTINCT FROM OLD.authors
           AND NEW.journal IS NOT DISTINCT FROM OLD.journal
           AND NEW.journal_abbreviation IS NOT DISTINCT FROM OLD.journal_abbreviation THEN
            RETURN NULL;
        END IF;
        head_vector := {_PG_HEAD.format(row="NEW")};
        INSERT INTO {PG_TABLE} (article_id, document, head)
        VALUES (NEW.id, head_vector {_PG_BODY.format(row="NEW")}, head_vector)
        ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document,
            head = EXCLUDED.head;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE FUNCTION {PG_TABLE}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE {PG_TABLE};
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER {PG_TABLE}_write
        AFTER INSERT OR UPDATE OR DELETE ON {ARTICLE_TABLE}
        FOR EACH ROW EXECUTE FUNCTION {PG_TABLE}_write()""",
    f"""CREATE OR REPLACE TRIGGER {PG_TABLE}_truncate
        AFTER TRUNCATE ON {ARTICLE_TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {PG_TABLE}_truncate()""",
]
_PG_TRIGGERS = (f"{PG_TABLE}_write", f"{PG_TABLE}_truncate")


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(
            f"literature search supports SQLite and PostgreSQL, not {connection.vendor}"
        )
    return connection.vendor


def install_search_index(
    connection: BaseDatabaseWrapper = default_connection, *, rebuild: bool = True
) -> None:
    """Create the index, its triggers and (on SQLite) the ranking weights; index every
    article already present unless ``rebuild`` is false (a bulk loader that fills the index
    itself). Safe to run again."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                f"{', '.join(FTS_COLUMNS)}, content='', "
                "tokenize='porter unicode61 remove_diacritics 2')"
            )
            weights = ", ".join(str(weight) for weight in SQLITE_WEIGHTS)
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('rank', %s)",
                [f"bm25({weights})"],
            )
            for statement in _SQLITE_TABLES.values():
                cursor.execute(statement)
            cursor.execute(f"INSERT OR IGNORE INTO {STATE_TABLE} (id, changes) VALUES (1, 0)")
            for name in (*_OLD_SQLITE_TRIGGERS, *_SQLITE_TRIGGERS):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for statement in _sqlite_statements().values():
                cursor.execute(statement)
        else:
            for statement in _PG_STATEMENTS:
                cursor.execute(statement)
    if rebuild:
        rebuild_search_index(connection)


def drop_search_triggers(connection: BaseDatabaseWrapper = default_connection) -> None:
    """Remove the triggers only, for a bulk load that fills the index itself; put them back
    with ``install_search_index(connection, rebuild=False)``."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            for name in _PG_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {ARTICLE_TABLE}")


def uninstall_search_index(connection: BaseDatabaseWrapper = default_connection) -> None:
    with connection.cursor() as cursor:
        if _vendor(connection) == "sqlite":
            for name in _SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            for table in _SQLITE_TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
        else:
            for name in _PG_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {ARTICLE_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_TABLE}_write()")
            cursor.execute(f"DROP FUNCTION IF EXISTS {PG_TABLE}_truncate()")


def rebuild_search_index(connection: BaseDatabaseWrapper = default_connection) -> int:
    """Index every article from scratch (after a restore, or when triggers went missing);
    returns how many articles were indexed."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')")
            cursor.execute(f"DELETE FROM {PHRASE_TABLE}")
            cursor.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(FTS_COLUMNS)}) "
                f"SELECT a.id, {', '.join(_sqlite_document('a'))} FROM {ARTICLE_TABLE} AS a "
                "WHERE a.removed_at IS NULL"
            )
        else:
            # Filling the table first and building the GIN index after is several times
            # faster than updating the index row by row.
            cursor.execute(f"DROP INDEX IF EXISTS {PG_TABLE}_document")
            cursor.execute(f"TRUNCATE {PG_TABLE}")
            cursor.execute(
                f"INSERT INTO {PG_TABLE} (article_id, document, head) "
                f"SELECT d.id, d.head {_PG_BODY.format(row='d')}, d.head FROM "
                f"(SELECT a.*, {_PG_HEAD.format(row='a')} AS head FROM {ARTICLE_TABLE} AS a "
                "WHERE a.removed_at IS NULL) AS d"
            )
            indexed = max(int(cursor.rowcount), 0)
            cursor.execute(_PG_INDEX)
            return indexed
        return max(int(cursor.rowcount), 0)


def missing_search_objects(connection: BaseDatabaseWrapper = default_connection) -> list[str]:
    """The index's table and triggers that do not exist (empty when all is in place)."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "sqlite":
            wanted = [FTS_TABLE, *_SQLITE_TABLES, *_SQLITE_TRIGGERS]
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') "
                "AND (name LIKE %s OR name IN (%s, %s))",
                [f"{FTS_TABLE}%", *_SQLITE_TABLES],
            )
        else:
            wanted = [PG_TABLE, *_PG_TRIGGERS]
            cursor.execute(
                "SELECT relname FROM pg_class WHERE relname = %s AND relkind = 'r' "
                "UNION SELECT tgname FROM pg_trigger WHERE tgname LIKE %s",
                [PG_TABLE, f"{PG_TABLE}%"],
            )
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in wanted if name not in present]


def repair_search_index(connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Put back what a schema change removed and rebuild the index; True when it had to.
    Does nothing before the article table exists (an unmigrated database)."""
    if ARTICLE_TABLE not in connection.introspection.table_names():
        return False
    missing = missing_search_objects(connection)
    if not missing:
        return False
    install_search_index(connection)
    return True


# --------------------------------------------------------------------------------------------
# Searching
# --------------------------------------------------------------------------------------------


def _day_key(value: date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


_PERIOD_START = (
    "(a.published_year * 10000 + coalesce(a.published_month, 1) * 100 "
    "+ coalesce(a.published_day, 1))"
)
_PERIOD_END = (
    "(a.published_year * 10000 + coalesce(a.published_month, 12) * 100 "
    "+ coalesce(a.published_day, 31))"
)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _filter_sql(filters: SearchFilters, user_id: int, vendor: str) -> tuple[list[str], list[Any]]:
    """WHERE conditions on the article ``a`` (and the reading list) for ``filters``."""
    where = ["a.removed_at IS NULL"]
    params: list[Any] = []
    if filters.published_from is not None:
        where.append(f"a.published_year >= %s AND {_PERIOD_END} >= %s")
        params += [filters.published_from.year, _day_key(filters.published_from)]
    if filters.published_to is not None:
        where.append(f"a.published_year <= %s AND {_PERIOD_START} <= %s")
        params += [filters.published_to.year, _day_key(filters.published_to)]
    if filters.evidence_levels:
        levels = list(filters.evidence_levels)
        if "other" in levels:
            levels.append("")
        where.append(f"a.evidence_level IN ({', '.join(['%s'] * len(levels))})")
        params += levels
    if not filters.include_retracted:
        where.append("NOT a.retracted")
    if filters.journal:
        where.append(
            "(lower(a.journal) LIKE %s ESCAPE '\\' OR lower(a.journal_abbreviation) LIKE %s "
            "ESCAPE '\\')"
        )
        params += [_like_pattern(filters.journal)] * 2
    if filters.mesh:
        if vendor == "sqlite":
            where.append(
                f"EXISTS (SELECT 1 FROM json_each({_json_array('a.mesh')}) AS j "
                "WHERE lower(CASE j.type WHEN 'object' THEN json_extract(j.value, '$.descriptor') "
                "WHEN 'text' THEN j.value END) = lower(%s))"
            )
        else:
            where.append(
                "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(a.mesh) = "
                "'array' THEN a.mesh ELSE '[]'::jsonb END) AS item WHERE lower(CASE "
                "jsonb_typeof(item) WHEN 'string' THEN item #>> '{}' ELSE item ->> 'descriptor' "
                "END) = lower(%s))"
            )
        params.append(filters.mesh.strip())
    if filters.publication_type:
        if vendor == "sqlite":
            where.append(
                f"EXISTS (SELECT 1 FROM json_each({_json_array('a.publication_types')}) AS j "
                "WHERE j.type = 'text' AND lower(j.value) = lower(%s))"
            )
        else:
            where.append(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN "
                "jsonb_typeof(a.publication_types) = 'array' THEN a.publication_types "
                "ELSE '[]'::jsonb END) AS item WHERE lower(item) = lower(%s))"
            )
        params.append(filters.publication_type.strip())
    if filters.read_status:
        entry = (
            "SELECT 1 FROM literature_readinglistentry AS r "
            "WHERE r.article_id = a.id AND r.owner_id = %s"
        )
        if filters.read_status == "unsaved":
            where.append(f"NOT EXISTS ({entry})")
            params.append(user_id)
        elif filters.read_status == "saved":
            where.append(f"EXISTS ({entry})")
            params.append(user_id)
        else:
            where.append(f"EXISTS ({entry} AND r.status = %s)")
            params += [user_id, filters.read_status]
    return where, params


def _newest_matches(
    cursor: Any, parsed: ParsedQuery, vendor: str, match_params: list[Any]
) -> list[int]:
    """One pass over the newest matches (no ranking): their ids, newest first, up to just past
    the count cap and the ranking window."""
    enough = max(COUNT_CAP, RANKING_WINDOW) + 1
    if vendor == "sqlite":
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s ORDER BY rowid DESC "
            "LIMIT %s",
            [*match_params, enough],
        )
    else:
        tsquery, _ = postgres_tsquery(parsed)
        cursor.execute(
            f"SELECT s.article_id FROM {PG_TABLE} AS s WHERE s.document @@ ({tsquery}) "
            "ORDER BY s.article_id DESC LIMIT %s",
            [*match_params, enough],
        )
    return [int(row[0]) for row in cursor.fetchall()]


def _varint(data: bytes, position: int = 0) -> tuple[int, int]:
    """SQLite's variable-length integer at ``position``: its value and the next position."""
    value = 0
    for index in range(8):
        if position + index >= len(data):
            return value, len(data)
        byte = data[position + index]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, position + index + 1
    if position + 8 < len(data):
        return (value << 8) | data[position + 8], position + 9
    return value, len(data)


def _averages_count(block: bytes | None) -> int:
    """How many articles the SQLite index holds: the first number of the FTS5 "averages"
    record (row 1 of its data table), which FTS5 keeps up to date for bm25."""
    return _varint(bytes(block))[0] if block else 0


def indexed_article_count(connection: BaseDatabaseWrapper = default_connection) -> int:
    """How many articles the SQLite index holds (read from the index, no scan)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT block FROM {FTS_TABLE}_data WHERE id = 1")
        row = cursor.fetchone()
    return _averages_count(row[0] if row else None)


def phrase_counts(
    terms: Sequence[QueryTerm], connection: BaseDatabaseWrapper = default_connection
) -> tuple[dict[str, int], int]:
    """How many indexed articles contain each term, and how many the index holds (SQLite).

    The count is what bm25 weighs a term by, and what it would count again, through the
    term's whole posting list, in every ranked search. It is kept in :data:`PHRASE_TABLE` and
    reused until more articles than 1/:data:`PHRASE_COUNTS_STALE_AFTER` of the library were
    written since (the triggers count the index's changes), so a small library is recounted
    after any change. One query when every count is known; two more to count the others."""
    texts = list(dict.fromkeys(term.text for term in terms))
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT block FROM {FTS_TABLE}_data WHERE id = 1), "
            f"(SELECT changes FROM {STATE_TABLE} WHERE id = 1), p.phrase, p.documents, "
            f"p.counted_at FROM (SELECT 1) AS one LEFT JOIN {PHRASE_TABLE} AS p "
            f"ON p.phrase IN ({', '.join(['%s'] * len(texts)) or 'NULL'})",
            texts,
        )
        rows = cursor.fetchall()
        library = _averages_count(rows[0][0])
        changes = int(rows[0][1] or 0)
        for _, _, phrase, documents, counted_at in rows:
            if phrase is not None and (changes - counted_at) * PHRASE_COUNTS_STALE_AFTER <= library:
                counts[phrase] = int(documents)
        missing = [text for text in texts if text not in counts]
        if missing:
            count = f"(SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
            cursor.execute(
                f"SELECT {', '.join([count] * len(missing))}",
                [_fts5_string(QueryTerm(text, phrase=True)) for text in missing],
            )
            counts.update(zip(missing, map(int, cursor.fetchone()), strict=True))
            # Keeping the counts is an optimisation: a busy database (an import holding the
            # write lock past the timeout) must not fail the search. (A failed statement
            # leaves an SQLite transaction as it was.)
            with contextlib.suppress(OperationalError):
                cursor.executemany(
                    f"INSERT INTO {PHRASE_TABLE} (phrase, documents, counted_at) "
                    "VALUES (%s, %s, %s) ON CONFLICT (phrase) DO UPDATE SET "
                    "documents = excluded.documents, counted_at = excluded.counted_at",
                    [(text, counts[text], changes) for text in missing],
                )
    return counts, library


def _tokens(text: str) -> list[str]:
    """The words of a term as the index splits them (near enough: before stemming)."""
    return _WORD.findall(text)


def counted_texts(parsed: ParsedQuery) -> list[QueryTerm]:
    """What :func:`ranking_query` needs counted: every term, and each word of a term of
    several words (bm25 walks the posting lists of all the words of a phrase)."""
    terms = [term for group in parsed.groups for term in group]
    words = [
        QueryTerm(word)
        for term in terms
        if len(tokens := _tokens(term.text)) > 1
        for word in tokens[:MAX_QUERY_TERMS]
    ]
    return list(dict.fromkeys([*terms, *words]))[: 2 * MAX_QUERY_TERMS]


def ranking_query(
    parsed: ParsedQuery, counts: dict[str, int], library: int, budget: int | None = None
) -> ParsedQuery:
    """The part of a query that bm25 ranks its matches by (SQLite).

    bm25 counts the articles containing each phrase of the expression it ranks, walking the
    posting lists of the phrase's words, on every search: ranking costs as much as the number
    of articles containing those words (``counts``: of every term, and of each word of a
    term of several words; see :func:`counted_texts`). So:

    1. Excluded terms are left out: they are in no match and add nothing to its score.
    2. Groups whose every term is in at least half the library are left out: bm25 floors
       their weight to 1e-6 (the score does not change).
    3. While the words of the groups left are in more than ``budget`` articles together (by
       default :data:`RANKING_BUDGET`), the group in the most articles (the lowest weight) is
       left out: the query's rarer terms order its matches, the commonest only select them.

    Leaving out a whole group only, the result matches every article the query matches; one
    group always stays, so that bm25 still orders the matches."""
    budget = RANKING_BUDGET if budget is None else budget

    def documents(group: tuple[QueryTerm, ...]) -> int:
        return sum(counts.get(term.text, 0) for term in group)

    def cost(group: tuple[QueryTerm, ...]) -> int:
        total = 0
        for term in group:
            words = _tokens(term.text)
            if len(words) > 1:
                total += sum(counts.get(word, 0) for word in words)
            else:
                total += counts.get(term.text, 0)
        return total

    kept = [
        group
        for group in parsed.groups
        if not all(2 * counts.get(term.text, 0) >= library for term in group)
    ] or sorted(parsed.groups, key=documents)[:1]
    while len(kept) > 1 and sum(map(cost, kept)) > budget:
        kept.remove(max(kept, key=documents))
    return ParsedQuery(tuple(kept), ())


def _window(matches: list[int]) -> tuple[int, int | None]:
    """How many matches the newest-first pass found, and the smallest id among the newest
    :data:`RANKING_WINDOW` when there are more matches than that (else None)."""
    start = matches[RANKING_WINDOW - 1] if len(matches) > RANKING_WINDOW else None
    return len(matches), start


def _sqlite_ranked_matches(
    cursor: Any, parsed: ParsedQuery, limit: int, offset: int, connection: BaseDatabaseWrapper
) -> tuple[list[tuple[int, float]], int, bool]:
    """A search without filters on SQLite: only the index is read (removed articles are not
    in it; the article table's rows, JSON included, are large). The newest matches give the
    count and the ranking window; bm25 ranks them with the phrases that carry weight (see
    :func:`ranking_query`), restricted to the matches when that leaves some phrases out."""
    expression = fts5_expression(parsed)
    matches = _newest_matches(cursor, parsed, "sqlite", [expression])
    counted, start = _window(matches)
    if not matches:
        return [], 0, False
    window = matches[:RANKING_WINDOW]
    counts, library = phrase_counts(counted_texts(parsed), connection)
    ranking = ranking_query(parsed, counts, library)
    bounds, params = "", list[Any]([expression])
    if ranking == parsed:
        if start is not None:
            bounds, params = " AND f.rowid >= %s", [expression, start]
    else:
        bounds = " AND f.rowid >= %s AND +f.rowid IN (SELECT value FROM json_each(%s))"
        params = [fts5_expression(ranking), window[-1], json.dumps(window)]
    cursor.execute(
        f"SELECT f.rowid, -f.rank FROM {FTS_TABLE} AS f WHERE f.{FTS_TABLE} MATCH %s{bounds} "
        "ORDER BY f.rank, f.rowid DESC LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    rows = [(int(row[0]), float(row[1])) for row in cursor.fetchall()]
    return rows, counted, start is not None


def _postgres_ranked_matches(
    cursor: Any, parsed: ParsedQuery, limit: int, offset: int
) -> tuple[list[tuple[int, float]], int, bool]:
    """A search without filters on PostgreSQL. The newest matches give the count and the
    ranking window. Ranking a match with ``ts_rank_cd`` reads its whole document (TOASTed,
    about 2 KB), so the window is ranked in two tiers: by the stored head of each document
    (title, MeSH, keywords: small, in the row) first; the best :data:`RERANKED` of those are
    ranked by their whole document, above the others (which keep their head's score). When
    there are no more matches than that, every match is ranked by its whole document."""
    tsquery, match_params = postgres_tsquery(parsed)
    matches = _newest_matches(cursor, parsed, "postgresql", match_params)
    counted, start = _window(matches)
    if not matches:
        return [], 0, False
    cursor.execute(
        f"""WITH q AS (SELECT {tsquery} AS query),
        heads AS (
            SELECT s.article_id, ts_rank_cd('{PG_WEIGHTS}', s.head, q.query, 32) AS head_score
            FROM {PG_TABLE} AS s, q WHERE s.article_id = ANY(%s)
        ),
        tiers AS (
            SELECT article_id, head_score,
                row_number() OVER (ORDER BY head_score DESC, article_id DESC) <= %s AS best
            FROM heads
        )
        SELECT t.article_id, CASE WHEN t.best
            THEN ts_rank_cd('{PG_WEIGHTS}', s.document, q.query, 32) ELSE t.head_score END AS score
        FROM tiers AS t JOIN {PG_TABLE} AS s ON s.article_id = t.article_id, q
        ORDER BY t.best DESC, score DESC, t.article_id DESC LIMIT %s OFFSET %s""",
        [*match_params, matches[:RANKING_WINDOW], RERANKED, limit, offset],
    )
    rows = [(int(row[0]), float(row[1])) for row in cursor.fetchall()]
    return rows, counted, start is not None


def _ranked_ids(
    parsed: ParsedQuery,
    filters: SearchFilters,
    user_id: int,
    limit: int,
    offset: int,
    connection: BaseDatabaseWrapper,
) -> tuple[list[tuple[int, float]], int, bool]:
    """The ids and scores of one page, best first; the number of matches (capped); whether
    only the newest :data:`RANKING_WINDOW` matches were ranked."""
    vendor = _vendor(connection)
    where, filter_params = _filter_sql(filters, user_id, vendor)
    with connection.cursor() as cursor:
        if not parsed.empty and not filters.active:
            # Removed articles are not in the index: without filters only the index is read.
            if vendor == "sqlite":
                return _sqlite_ranked_matches(cursor, parsed, limit, offset, connection)
            return _postgres_ranked_matches(cursor, parsed, limit, offset)
        if parsed.empty:
            source = f"{ARTICLE_TABLE} AS a"
            identifier = "a.id"
            score = "0.0"
            match_params: list[Any] = []
            order = (
                "a.published_year DESC NULLS LAST, a.published_month DESC NULLS LAST, "
                "a.published_day DESC NULLS LAST, a.id DESC"
            )
        elif vendor == "sqlite":
            match_params = [fts5_expression(parsed)]
            source = f"{FTS_TABLE} AS f JOIN {ARTICLE_TABLE} AS a ON a.id = f.rowid"
            where.insert(0, f"f.{FTS_TABLE} MATCH %s")
            identifier = "f.rowid"
            score = "-f.rank"
            order = "f.rank, f.rowid DESC"
        else:
            tsquery, match_params = postgres_tsquery(parsed)
            source = (
                f"{PG_TABLE} AS s CROSS JOIN (SELECT {tsquery} AS query) AS q "
                f"JOIN {ARTICLE_TABLE} AS a ON a.id = s.article_id"
            )
            where.insert(0, "s.document @@ q.query")
            identifier = "s.article_id"
            score = f"ts_rank_cd('{PG_WEIGHTS}', s.document, q.query, 32)"
            order = "score DESC, s.article_id DESC"
        conditions = " AND ".join(where)
        params = match_params + filter_params
        cursor.execute(
            f"SELECT {identifier}, {score} AS score FROM {source} WHERE {conditions} "
            f"ORDER BY {order} LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        rows = [(int(row[0]), float(row[1])) for row in cursor.fetchall()]
        if offset == 0 and len(rows) < limit:
            total = len(rows)
        else:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {conditions} LIMIT %s) AS m",
                [*params, COUNT_CAP + 1],
            )
            total = int(cursor.fetchone()[0])
    return rows, total, False


def search(
    query: str,
    filters: SearchFilters,
    user: User,
    limit: int = 20,
    offset: int = 0,
    *,
    connection: BaseDatabaseWrapper = default_connection,
) -> SearchPage:
    """One page of the library's articles matching ``query`` and ``filters``, best first (by
    publication date, newest first, when there are no words to search for). Each hit carries
    the user's reading-list entry for it, if any. Three queries, whatever the library's size."""
    from lifelong.literature.models import Article, ReadingListEntry

    limit = max(1, min(limit, 100))
    offset = max(0, offset)
    parsed = parse_query(query)
    ignored = []
    if filters.read_status and filters.read_status not in READ_STATUSES:
        ignored.append(f"unknown reading status {filters.read_status!r}")
        filters = replace(filters, read_status="")
    if parsed.empty and query.strip():
        # Only operators, punctuation or stop words: nothing to look for, so nothing found
        # (rather than the whole library).
        ignored.append("nothing to search for: use words of at least one letter or digit")
        rows: list[tuple[int, float]] = []
        total, windowed = 0, False
    else:
        rows, total, windowed = _ranked_ids(parsed, filters, user.pk, limit, offset, connection)
        if windowed:
            ignored.append(
                f"more than {RANKING_WINDOW:,} articles match: the best of the newest "
                f"{RANKING_WINDOW:,} are shown; add words or a filter to rank them all"
            )
    ids = [article_id for article_id, _ in rows]
    articles = Article.objects.in_bulk(ids)
    entries = (
        {
            entry.article_id: entry
            for entry in ReadingListEntry.objects.filter(owner=user, article_id__in=ids)
        }
        if ids
        else {}
    )
    hits = [
        SearchHit(articles[article_id], score, entries.get(article_id))
        for article_id, score in rows
        if article_id in articles
    ]
    return SearchPage(
        query=query,
        parsed=parsed,
        filters=filters,
        hits=hits,
        total=min(total, COUNT_CAP),
        total_capped=total > COUNT_CAP,
        limit=limit,
        offset=offset,
        backend=connection.vendor,
        ignored=ignored,
        windowed=windowed,
    )

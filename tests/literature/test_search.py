"""Search over the library: the same behaviour on SQLite (FTS5) and PostgreSQL (tsvector).

The suite runs on both databases in CI, so every test here checks both backends."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from lifelong.accounts.models import User
from lifelong.literature.models import Article
from lifelong.literature.search import (
    COUNT_CAP,
    ParsedQuery,
    QueryTerm,
    SearchFilters,
    SearchPage,
    counted_texts,
    fts5_expression,
    indexed_article_count,
    missing_search_objects,
    parse_query,
    phrase_counts,
    ranking_query,
    rebuild_search_index,
    repair_search_index,
    search,
)
from tests.literature.feed_helpers import make_article, save_to_reading_list

pytestmark = pytest.mark.django_db


def titles(page: SearchPage) -> list[str]:
    return [hit.article.title for hit in page.hits]


def find(user: User, query: str, **filters: object) -> list[str]:
    return titles(search(query, SearchFilters(**filters), user))  # type: ignore[arg-type]


def test_it_finds_words_in_the_title_abstract_mesh_keywords_authors_and_journal(
    owner: User,
) -> None:
    make_article("Title word: grief", abstract="")
    make_article("Abstract", abstract="Complicated bereavement in widows.")
    make_article("MeSH", mesh=["*Stress Disorders, Post-Traumatic"])
    make_article("Keywords", keywords=["compassion fatigue"])
    make_article("Authors", authors=[{"family": "Shapiro", "given": "Francine"}])
    make_article("Collective", authors=[{"collective": "Guideline Development Panel"}])
    make_article("Journal", journal="Psychotherapy Research")

    assert find(owner, "grief") == ["Title word: grief"]
    assert find(owner, "bereavement") == ["Abstract"]
    assert find(owner, "post-traumatic") == ["MeSH"]
    assert find(owner, "compassion fatigue") == ["Keywords"]
    assert find(owner, "shapiro") == ["Authors"]
    assert find(owner, "guideline panel") == ["Collective"]
    assert find(owner, "psychotherapy research") == ["Journal"]


def test_word_forms_match_through_stemming(owner: User) -> None:
    make_article("Depressive symptoms in adolescents")

    assert find(owner, "depression") == ["Depressive symptoms in adolescents"]
    assert find(owner, "ADOLESCENT") == ["Depressive symptoms in adolescents"]


def test_a_match_in_the_title_ranks_above_a_match_in_the_abstract(owner: User) -> None:
    make_article("Sleep and mood", abstract="We studied insomnia among nurses over two years.")
    make_article("Insomnia treatment with CBT-I", abstract="A trial of sleep therapy.")

    page = search("insomnia", SearchFilters(), owner)

    assert titles(page) == ["Insomnia treatment with CBT-I", "Sleep and mood"]
    assert page.hits[0].score > page.hits[1].score > 0


def test_all_words_are_required_unless_joined_by_or(owner: User) -> None:
    make_article("EMDR for PTSD")
    make_article("Prolonged exposure for PTSD")
    make_article("EMDR for phobia")

    assert find(owner, "emdr ptsd") == ["EMDR for PTSD"]
    assert sorted(find(owner, "emdr OR exposure ptsd")) == [
        "EMDR for PTSD",
        "Prolonged exposure for PTSD",
    ]
    assert find(owner, "ptsd -emdr") == ["Prolonged exposure for PTSD"]
    assert find(owner, 'ptsd -"prolonged exposure"') == ["EMDR for PTSD"]


def test_a_quoted_phrase_needs_its_words_in_order(owner: User) -> None:
    make_article("Stress disorder after disasters")
    make_article("Disorder of stress hormones")

    assert find(owner, '"stress disorder"') == ["Stress disorder after disasters"]
    assert len(find(owner, "stress disorder")) == 2


def test_stop_words_are_not_required(owner: User) -> None:
    make_article("Mindfulness in anxiety")

    assert find(owner, "mindfulness for the anxiety") == ["Mindfulness in anxiety"]


HOSTILE_QUERIES = [
    '"',
    '""',
    '"unterminated phrase',
    'ptsd"',
    "AND",
    "OR",
    "NOT",
    "ptsd AND",
    "OR ptsd",
    "NEAR(",
    "NEAR(ptsd emdr, 2)",
    "*",
    "ptsd*",
    "-",
    "--ptsd",
    "title:ptsd",
    "{title abstract}: ptsd",
    "^ptsd",
    "(((",
    "ptsd)",
    "a:b:c",
    "'; DROP TABLE literature_article; --",
    "%_\\",
    "\x00ptsd",
    "🙂 ptsd",
    "日本語の論文",
    "ÆØÅ naïve café",
    "x" * 2000,
    " ".join(["ptsd"] * 200),
    "!!ptsd & | <-> :*",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_strings_never_raise(owner: User, query: str) -> None:
    make_article("PTSD near the front line")

    page = search(query, SearchFilters(), owner)

    assert isinstance(page, SearchPage)
    assert Article.objects.count() == 1


def test_operator_words_and_punctuation_are_searched_as_text(owner: User) -> None:
    make_article("Near-miss events in PTSD")
    make_article("Sleep in PTSD")

    assert find(owner, "NEAR(") == ["Near-miss events in PTSD"]
    assert find(owner, "ptsd AND near*") == ["Near-miss events in PTSD"]
    assert sorted(find(owner, 'ptsd"')) == ["Near-miss events in PTSD", "Sleep in PTSD"]


def test_a_query_with_nothing_to_search_for_finds_nothing(owner: User) -> None:
    make_article("Anything")

    page = search('* - "" ( ) AND OR', SearchFilters(), owner)

    assert page.hits == []
    assert page.total == 0
    assert page.ignored == ["nothing to search for: use words of at least one letter or digit"]


def test_unicode_words_are_found(owner: User) -> None:
    make_article("Psychothérapie et dépression: étude naïve")

    assert find(owner, "dépression") == ["Psychothérapie et dépression: étude naïve"]


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="FTS5 folds diacritics; PostgreSQL's "
    "english configuration does not (it would need the unaccent extension)",
)
def test_sqlite_search_ignores_diacritics(owner: User) -> None:
    make_article("Étude naïve")

    assert find(owner, "etude naive") == ["Étude naïve"]


# -- filters -------------------------------------------------------------------------------


def test_it_filters_by_evidence_level(owner: User) -> None:
    make_article("PTSD guideline", evidence_level="guideline")
    make_article("PTSD trial", evidence_level="randomized-trial")
    make_article("PTSD unknown", evidence_level="")

    assert find(owner, "ptsd", evidence_levels=("guideline",)) == ["PTSD guideline"]
    assert sorted(find(owner, "ptsd", evidence_levels=("guideline", "randomized-trial"))) == [
        "PTSD guideline",
        "PTSD trial",
    ]
    assert find(owner, "ptsd", evidence_levels=("other",)) == ["PTSD unknown"]


def test_dates_compare_with_the_known_publication_period(owner: User) -> None:
    make_article("PTSD 2024", published_year=2024, published_month=None)
    make_article("PTSD March 2025", published_year=2025, published_month=3)
    make_article("PTSD 9 Oct 2025", published_year=2025, published_month=10, published_day=9)
    make_article("PTSD undated", published_year=None, published_month=None)

    from_june_2024 = find(owner, "ptsd", published_from=date(2024, 6, 1))
    assert sorted(from_june_2024) == ["PTSD 2024", "PTSD 9 Oct 2025", "PTSD March 2025"]
    assert find(owner, "ptsd", published_from=date(2025, 4, 1)) == ["PTSD 9 Oct 2025"]
    assert sorted(find(owner, "ptsd", published_to=date(2025, 3, 1))) == [
        "PTSD 2024",
        "PTSD March 2025",
    ]
    assert find(
        owner, "ptsd", published_from=date(2025, 10, 9), published_to=date(2025, 10, 9)
    ) == ["PTSD 9 Oct 2025"]


def test_it_filters_by_journal_name_or_abbreviation_as_typed(owner: User) -> None:
    make_article(
        "PTSD A", journal="Journal of Traumatic Stress", journal_abbreviation="J Trauma Stress"
    )
    make_article(
        "PTSD B", journal="Behaviour Research and Therapy", journal_abbreviation="Behav Res Ther"
    )
    make_article("PTSD C", journal="100% Psych_Notes")

    assert find(owner, "ptsd", journal="traumatic") == ["PTSD A"]
    assert find(owner, "ptsd", journal="Behav Res") == ["PTSD B"]
    assert find(owner, "ptsd", journal="100%") == ["PTSD C"]
    assert find(owner, "ptsd", journal="h_n") == ["PTSD C"]
    assert find(owner, "ptsd", journal="%") == ["PTSD C"]


def test_the_mesh_filter_matches_a_whole_descriptor(owner: User) -> None:
    make_article("Anxious kids", mesh=["Anxiety Disorders", "Child"])
    make_article("Worry", mesh=["Anxiety"])

    assert find(owner, "", mesh="anxiety") == ["Worry"]
    assert find(owner, "", mesh="Anxiety Disorders") == ["Anxious kids"]


def test_it_filters_by_publication_type(owner: User) -> None:
    make_article("PTSD meta", publication_types=["Journal Article", "Meta-Analysis"])
    make_article("PTSD letter", publication_types=["Letter"])

    assert find(owner, "ptsd", publication_type="meta-analysis") == ["PTSD meta"]


def test_it_filters_by_the_users_own_reading_status(owner: User, peer: User) -> None:
    to_read = make_article("PTSD to read")
    done = make_article("PTSD read")
    make_article("PTSD unsaved")
    peers = make_article("PTSD the peer saved")
    save_to_reading_list(owner, to_read)
    save_to_reading_list(owner, done, status="read")
    save_to_reading_list(peer, peers, status="read")

    assert sorted(find(owner, "ptsd", read_status="saved")) == ["PTSD read", "PTSD to read"]
    assert find(owner, "ptsd", read_status="read") == ["PTSD read"]
    assert find(owner, "ptsd", read_status="to-read") == ["PTSD to read"]
    assert sorted(find(owner, "ptsd", read_status="unsaved")) == [
        "PTSD the peer saved",
        "PTSD unsaved",
    ]


def test_an_unknown_reading_status_is_reported_and_ignored(owner: User) -> None:
    make_article("PTSD")

    page = search("ptsd", SearchFilters(read_status="burnt"), owner)

    assert titles(page) == ["PTSD"]
    assert page.ignored == ["unknown reading status 'burnt'"]


def test_retracted_articles_are_found_and_flagged_unless_excluded(owner: User) -> None:
    make_article("PTSD retracted", retracted=True)
    make_article("PTSD sound")

    page = search("ptsd", SearchFilters(), owner)
    assert {hit.article.title: hit.article.retracted for hit in page.hits} == {
        "PTSD retracted": True,
        "PTSD sound": False,
    }
    assert find(owner, "ptsd", include_retracted=False) == ["PTSD sound"]


def test_articles_removed_from_pubmed_are_never_found(owner: User) -> None:
    from django.utils import timezone

    make_article("PTSD removed", removed_at=timezone.now())

    assert find(owner, "ptsd") == []
    assert find(owner, "") == []


def test_hits_carry_the_users_reading_list_entry_only(owner: User, peer: User) -> None:
    article = make_article("PTSD")
    entry = save_to_reading_list(owner, article, status="reading")

    assert search("ptsd", SearchFilters(), owner).hits[0].entry == entry
    assert search("ptsd", SearchFilters(), peer).hits[0].entry is None


# -- browsing, pagination, counts ----------------------------------------------------------


def test_without_words_it_lists_the_newest_publications_first(owner: User) -> None:
    make_article("Old", published_year=2019, published_month=None)
    make_article("New", published_year=2026, published_month=2, published_day=3)
    make_article("Undated", published_year=None, published_month=None)
    make_article("Mid", published_year=2026, published_month=1)

    assert find(owner, "") == ["New", "Mid", "Old", "Undated"]


def test_pages_follow_one_another_without_gaps_or_repeats(owner: User) -> None:
    for number in range(25):
        make_article(f"PTSD study {number}", abstract="ptsd " * (number % 5 + 1))

    pages = [
        search("ptsd", SearchFilters(), owner, limit=10, offset=offset) for offset in (0, 10, 20)
    ]

    assert [len(page.hits) for page in pages] == [10, 10, 5]
    assert all(page.total == 25 and not page.total_capped for page in pages)
    assert [page.has_next for page in pages] == [True, True, False]
    assert [page.has_previous for page in pages] == [False, True, True]
    assert (pages[1].first_number, pages[1].last_number) == (11, 20)
    seen = [title for page in pages for title in titles(page)]
    assert len(set(seen)) == 25
    scores = [hit.score for page in pages for hit in page.hits]
    assert scores == sorted(scores, reverse=True)


def test_the_limit_is_kept_between_1_and_100(owner: User) -> None:
    for number in range(3):
        make_article(f"PTSD {number}")

    assert search("ptsd", SearchFilters(), owner, limit=0).limit == 1
    assert search("ptsd", SearchFilters(), owner, limit=10_000).limit == 100


def test_counts_stop_at_the_cap(owner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    import lifelong.literature.search as search_module

    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    for number in range(5):
        make_article(f"PTSD {number}")

    page = search("ptsd", SearchFilters(), owner, limit=2)

    assert (page.total, page.total_capped) == (3, True)
    assert COUNT_CAP == 10_000


def test_a_search_runs_three_queries_whatever_the_number_of_matches(
    owner: User, django_assert_max_num_queries: object
) -> None:
    for number in range(40):
        article = make_article(f"PTSD {number}")
        if number % 3 == 0:
            save_to_reading_list(owner, article)

    with django_assert_max_num_queries(4):  # type: ignore[operator]
        page = search("ptsd", SearchFilters(read_status="saved"), owner, limit=5)

    assert len(page.hits) == 5


# -- the index follows the library ---------------------------------------------------------


def test_the_index_follows_updates_and_deletions(owner: User) -> None:
    article = make_article("Grief counselling")
    assert find(owner, "grief") == ["Grief counselling"]

    article.title = "Bereavement counselling"
    article.abstract = [{"label": "", "text": "Widowhood.", "html": ""}]
    article.save()
    assert find(owner, "grief") == []
    assert find(owner, "widowhood bereavement") == ["Bereavement counselling"]

    article.delete()
    assert find(owner, "bereavement") == []


def test_bulk_writes_are_indexed_too(owner: User) -> None:
    created = Article.objects.bulk_create(
        [Article(title=f"Burnout in nurses {number}", title_key=str(number)) for number in range(3)]
    )
    assert len(find(owner, "burnout")) == 3

    for article in created:
        article.title = "Compassion fatigue"
    Article.objects.bulk_update(created, ["title"])
    assert find(owner, "burnout") == []
    assert len(find(owner, "compassion")) == 3

    Article.objects.filter(pk__in=[article.pk for article in created]).delete()
    assert find(owner, "compassion") == []


def test_rebuilding_the_index_reindexes_every_article(owner: User) -> None:
    make_article("Grief")
    make_article("Loss")

    assert rebuild_search_index() == 2
    assert find(owner, "grief OR loss") != []
    assert len(find(owner, "grief OR loss")) == 2


def test_a_lost_trigger_is_put_back_and_the_index_rebuilt(owner: User) -> None:
    """Django rebuilds SQLite tables for many schema changes, which drops their triggers."""
    make_article("Grief")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER literature_article_fts_insert_v3")
        else:
            cursor.execute("DROP TRIGGER literature_article_search_write ON literature_article")
    assert missing_search_objects() != []
    make_article("Loss")  # not indexed: the trigger is gone
    assert find(owner, "loss") == []

    assert repair_search_index() is True

    assert missing_search_objects() == []
    assert find(owner, "loss") == ["Loss"]
    make_article("Loss again")
    assert len(find(owner, "loss")) == 2
    assert repair_search_index() is False


def test_an_article_removed_later_leaves_the_index_and_can_come_back(owner: User) -> None:
    from django.utils import timezone

    article = make_article("Grief counselling")
    article.removed_at = timezone.now()
    article.save()
    assert find(owner, "grief") == []
    assert find(owner, "grief", journal="trauma") == []

    article.removed_at = None
    article.save()
    assert find(owner, "grief") == ["Grief counselling"]
    article.delete()
    assert find(owner, "grief") == []


def test_a_very_broad_search_ranks_the_newest_matches_only(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lifelong.literature.search as search_module

    monkeypatch.setattr(search_module, "RANKING_WINDOW", 3)
    make_article("Grief grief grief, the oldest and best match")
    for number in range(4):
        make_article(f"Grief {number}")

    page = search("grief", SearchFilters(), owner)

    assert page.windowed is True
    assert page.ignored == [
        "more than 3 articles match: the best of the newest 3 are shown; add words or a "
        "filter to rank them all"
    ]
    assert sorted(titles(page)) == ["Grief 1", "Grief 2", "Grief 3"]
    assert page.total == 5
    narrow = search("oldest", SearchFilters(), owner)
    assert narrow.windowed is False
    assert titles(narrow) == ["Grief grief grief, the oldest and best match"]
    filtered = search("grief", SearchFilters(journal="trauma"), owner)
    assert filtered.windowed is False
    assert len(filtered.hits) == 5


# -- SQLite: phrase counts and the ranking expression --------------------------------------

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="phrase counts serve FTS5's bm25 (SQLite)"
)


def bm25_scores(expression: str) -> dict[int, float]:
    """What FTS5's bm25 gives every match of ``expression`` (the whole query ranked)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, -rank FROM literature_article_fts WHERE literature_article_fts MATCH %s",
            [expression],
        )
        return {int(row[0]): float(row[1]) for row in cursor.fetchall()}


def stored_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phrase, documents FROM literature_search_phrase")
        return {row[0]: int(row[1]) for row in cursor.fetchall()}


@sqlite_only
def test_the_index_knows_how_many_articles_it_holds(owner: User) -> None:
    from django.utils import timezone

    assert indexed_article_count() == 0
    first = make_article("Grief")
    make_article("Loss")
    make_article("Removed", removed_at=timezone.now())
    assert indexed_article_count() == 2

    first.delete()
    assert indexed_article_count() == 1


@sqlite_only
def test_phrase_counts_are_kept_and_recounted_after_a_change(owner: User) -> None:
    make_article("Grief in widows", abstract="Grief and loss.")
    make_article("Grief counselling")
    make_article("Loss of a parent")

    terms = [QueryTerm("grief"), QueryTerm("loss"), QueryTerm("prolonged grief", phrase=True)]
    assert phrase_counts(terms) == ({"grief": 2, "loss": 2, "prolonged grief": 0}, 3)
    assert stored_counts() == {"grief": 2, "loss": 2, "prolonged grief": 0}

    make_article("Prolonged grief disorder")  # a change in a small library: recounted
    assert phrase_counts(terms)[0] == {"grief": 3, "loss": 2, "prolonged grief": 1}
    assert stored_counts()["grief"] == 3


@sqlite_only
def test_a_count_is_reused_until_enough_of_the_library_changed(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lifelong.literature.search as search_module

    monkeypatch.setattr(search_module, "PHRASE_COUNTS_STALE_AFTER", 5)
    for number in range(10):
        make_article(f"Grief {number}" if number < 4 else f"Loss {number}")
    assert phrase_counts([QueryTerm("grief")])[0] == {"grief": 4}

    make_article("Grief again")
    make_article("Grief once more")  # 2 changes x 5 <= 12 articles: the count still holds
    assert phrase_counts([QueryTerm("grief")])[0] == {"grief": 4}

    make_article("Grief a third time")  # 3 x 5 > 13: counted again
    assert phrase_counts([QueryTerm("grief")])[0] == {"grief": 7}


@sqlite_only
def test_words_in_half_the_library_are_left_out_of_the_ranking_only(owner: User) -> None:
    make_article("Grief therapy for widows", abstract="Therapy for grief and more grief.")
    make_article("Therapy after loss", abstract="Grief is mentioned once in this therapy trial.")
    make_article("Therapy for insomnia")
    make_article("Therapy for panic", abstract="Therapy.")
    make_article("Grief without the other word")
    make_article("Therapy for phobia")
    make_article("Therapy for tics")
    for number in range(3):
        make_article(f"Sleep study {number}")

    parsed = parse_query("grief therapy -panic")
    counts, library = phrase_counts([term for group in parsed.groups for term in group])
    assert counts == {"grief": 3, "therapy": 6}
    assert library == 10
    assert ranking_query(parsed, counts, library) == parse_query("grief")

    page = search("grief therapy -panic", SearchFilters(), owner)

    assert titles(page) == ["Grief therapy for widows", "Therapy after loss"]
    whole = bm25_scores(fts5_expression(parsed))
    assert [hit.score for hit in page.hits] == pytest.approx(
        [whole[hit.article.pk] for hit in page.hits], rel=1e-4
    )


@sqlite_only
def test_a_group_stays_in_the_ranking_while_one_of_its_words_is_not_common(owner: User) -> None:
    parsed = parse_query("ketamine OR esketamine therapy")

    assert ranking_query(parsed, {"ketamine": 9, "esketamine": 1, "therapy": 9}, 10) == (
        ParsedQuery(((QueryTerm("ketamine"), QueryTerm("esketamine")),))
    )
    assert ranking_query(parsed, {"ketamine": 9, "esketamine": 5, "therapy": 6}, 10) == (
        ParsedQuery(((QueryTerm("therapy"),),))
    )  # all common: the rarest group stays, so that bm25 still orders the matches
    assert ranking_query(parsed, {"ketamine": 1, "esketamine": 1, "therapy": 1}, 10) == (
        ParsedQuery(parsed.groups)
    )


@sqlite_only
def test_rankings_follow_inserts_updates_and_deletions(owner: User) -> None:
    for number in range(4):
        make_article(f"Therapy study {number}", abstract="Therapy.")
    widows = make_article("Grief therapy for widows", abstract="Grief.")
    other = make_article("Therapy", abstract="Grief therapy in one line.")
    assert titles(search("grief therapy", SearchFilters(), owner)) == [
        "Grief therapy for widows",
        "Therapy",
    ]

    other.title = "Grief, grief and grief in therapy"
    other.save()
    page = search("grief therapy", SearchFilters(), owner)
    assert titles(page) == ["Grief, grief and grief in therapy", "Grief therapy for widows"]
    whole = bm25_scores('"grief" AND "therapy"')
    assert [hit.score for hit in page.hits] == pytest.approx(
        [whole[hit.article.pk] for hit in page.hits], rel=1e-4
    )

    other.delete()
    make_article("Grief therapy in groups")
    assert sorted(find(owner, "grief therapy")) == [
        "Grief therapy for widows",
        "Grief therapy in groups",
    ]
    widows.delete()
    assert find(owner, "grief therapy") == ["Grief therapy in groups"]


@sqlite_only
def test_over_the_budget_the_commonest_groups_only_select(owner: User) -> None:
    parsed = parse_query("cognitive behavioral therapy insomnia -children")
    counts = {"cognitive": 40, "behavioral": 160, "therapy": 470, "insomnia": 20}

    assert ranking_query(parsed, counts, 1000, budget=10_000) == ParsedQuery(parsed.groups)
    assert ranking_query(parsed, counts, 1000, budget=250) == parse_query(
        "cognitive behavioral insomnia"
    )
    assert ranking_query(parsed, counts, 1000, budget=60) == parse_query("cognitive insomnia")
    assert ranking_query(parsed, counts, 1000, budget=0) == parse_query("insomnia")


@sqlite_only
def test_a_search_over_the_budget_still_finds_exactly_the_matches(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lifelong.literature.search as search_module

    monkeypatch.setattr(search_module, "RANKING_BUDGET", 1)
    make_article("Grief counselling for widows", abstract="Grief, grief.")
    make_article("Counselling", abstract="Counselling after grief.")
    make_article("Counselling without the other word")
    make_article("Counselling in schools")
    make_article("Grief without the other word")
    for number in range(4):
        make_article(f"Sleep study {number}")

    page = search("counselling grief", SearchFilters(), owner)

    # Ranked by "grief" alone (3 articles, "counselling" 4); both words are required.
    assert titles(page) == ["Grief counselling for widows", "Counselling"]
    alone = bm25_scores('"grief"')
    assert [hit.score for hit in page.hits] == pytest.approx(
        [alone[hit.article.pk] for hit in page.hits], rel=1e-9
    )


# -- PostgreSQL: broad searches ranked in two tiers ----------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the stored head vector serves PostgreSQL"
)


@postgres_only
def test_postgres_ranks_the_best_heads_by_their_whole_document(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lifelong.literature.search as search_module

    make_article("Grief and loss", abstract="A study.")
    make_article("Grief", abstract="Grief, grief, grief and grief.")
    keyword = make_article("Sleep", keywords=["grief"], abstract="A study.")
    body = make_article("Panic", abstract="Grief grief grief grief grief grief grief grief.")
    every = titles(search("grief", SearchFilters(), owner))
    assert every[:2] == ["Grief", "Panic"]  # ranked by their whole documents

    monkeypatch.setattr(search_module, "RERANKED", 2)
    page = search("grief", SearchFilters(), owner)

    # The two best by title, MeSH and keywords, by their whole documents; then the others by
    # their heads (a keyword before nothing).
    assert titles(page) == ["Grief", "Grief and loss", "Sleep", "Panic"]
    pages = [search("grief", SearchFilters(), owner, limit=1, offset=n) for n in range(4)]
    assert [title for one in pages for title in titles(one)] == titles(page)

    body.title = "Grief in panic disorder"  # the head follows the article
    body.save()
    keyword.delete()
    assert titles(search("grief", SearchFilters(), owner))[:1] == ["Grief in panic disorder"]
    assert len(find(owner, "grief")) == 3


@sqlite_only
def test_a_term_of_several_words_costs_the_articles_of_each_word(owner: User) -> None:
    parsed = parse_query("meta-analysis depression -children")
    assert counted_texts(parsed) == [
        QueryTerm("meta-analysis"),
        QueryTerm("depression"),
        QueryTerm("meta"),
        QueryTerm("analysis"),
    ]
    counts = {"meta-analysis": 200, "meta": 250, "analysis": 600, "depression": 150}

    assert ranking_query(parsed, counts, 1000, budget=1000) == parse_query(
        "meta-analysis depression"
    )
    assert ranking_query(parsed, counts, 1000, budget=999) == parse_query("depression")

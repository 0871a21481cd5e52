"""Literature search over a 1,000,000-article library: the top 20 ranked results per query.

Target: p95 <= 50 ms on SQLite (FTS5) over a set of realistic queries; the same benchmark on
PostgreSQL (full-text search) is reported beside it.

The corpus is synthesised, reproducibly (seeded), from a realistic term distribution:

- the general scientific vocabulary is the words of the real PubMed sample records in
  tests/literature/data (titles and abstracts, weighted by how often they occur there), mixed
  with a Zipf-distributed long tail of rarer words, as in real abstracts;
- every article is about one or two of 40 clinical topics (PTSD, depression, insomnia, ...)
  chosen with a Zipf popularity, and draws its title words, keywords and MeSH descriptors
  mostly from those topics' vocabularies (real MeSH descriptor names), so that a topic's
  words occur in a realistic share of the library (half the articles are about none of
  them; the commonest topic is in about 1 article in 7, the rarest in about 1 in 300);
- evidence levels, retractions, journals, authors and years follow plausible frequencies.

Articles are written with executemany straight into ``literature_article`` and the FTS5
table (the triggers are dropped during the load and put back after); on PostgreSQL the
tsvector table is filled in one INSERT ... SELECT and its GIN index built afterwards.
Queries run through ``lifelong.literature.search.search`` (the interface the pages, API and
CLI use: ranking query, count, and fetching the 20 articles and the user's reading-list
entries); the script also times the ranking SQL alone.

Commands (see bench/README.md):

    .venv/bin/python bench/literature_search.py build [--articles 1000000]
    .venv/bin/python bench/literature_search.py run [--rounds 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lifelong_bench_search \\
        .venv/bin/python bench/literature_search.py build|run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "literature-search.sqlite3"
SAMPLES = ROOT / "tests" / "literature" / "data"
TARGET_P95_MS = 50.0
TOP = 20
BATCH = 20_000
SEED = 20261127

# 40 clinical topics: (label, title/abstract terms, MeSH descriptors). Popularity follows
# the order (Zipf, s = 1).
TOPICS: list[tuple[str, list[str], list[str]]] = [
    (
        "depression",
        ["depression", "depressive symptoms", "major depressive disorder", "antidepressant"],
        ["Depression", "Depressive Disorder, Major"],
    ),
    (
        "anxiety",
        ["anxiety", "anxiety disorders", "generalized anxiety", "worry"],
        ["Anxiety", "Anxiety Disorders"],
    ),
    (
        "ptsd",
        ["posttraumatic stress disorder", "PTSD", "trauma", "traumatic events"],
        ["Stress Disorders, Post-Traumatic"],
    ),
    (
        "substance",
        ["substance use", "alcohol use disorder", "opioid", "addiction"],
        ["Substance-Related Disorders", "Alcoholism"],
    ),
    (
        "suicide",
        ["suicide", "suicidal ideation", "self-harm", "suicide prevention"],
        ["Suicide", "Suicidal Ideation", "Self-Injurious Behavior"],
    ),
    (
        "cbt",
        [
            "cognitive behavioral therapy",
            "CBT",
            "cognitive restructuring",
            "behavioural activation",
        ],
        ["Cognitive Behavioral Therapy"],
    ),
    (
        "insomnia",
        ["insomnia", "sleep", "sleep quality", "CBT-I"],
        ["Sleep Initiation and Maintenance Disorders"],
    ),
    (
        "psychosis",
        ["schizophrenia", "psychosis", "antipsychotic", "first-episode psychosis"],
        ["Schizophrenia", "Psychotic Disorders"],
    ),
    ("bipolar", ["bipolar disorder", "mania", "mood stabiliser", "lithium"], ["Bipolar Disorder"]),
    (
        "adhd",
        ["ADHD", "attention-deficit/hyperactivity disorder", "stimulant medication", "inattention"],
        ["Attention Deficit Disorder with Hyperactivity"],
    ),
    (
        "autism",
        ["autism", "autism spectrum disorder", "parent training", "social communication"],
        ["Autism Spectrum Disorder"],
    ),
    (
        "eating",
        ["eating disorders", "anorexia nervosa", "bulimia", "family-based treatment"],
        ["Feeding and Eating Disorders", "Anorexia Nervosa"],
    ),
    (
        "ocd",
        ["obsessive-compulsive disorder", "OCD", "exposure and response prevention", "compulsions"],
        ["Obsessive-Compulsive Disorder"],
    ),
    (
        "borderline",
        [
            "borderline personality disorder",
            "dialectical behavior therapy",
            "DBT",
            "emotion dysregulation",
        ],
        ["Borderline Personality Disorder", "Dialectical Behavior Therapy"],
    ),
    (
        "mindfulness",
        ["mindfulness", "meditation", "mindfulness-based cognitive therapy", "acceptance"],
        ["Mindfulness", "Meditation"],
    ),
    (
        "emdr",
        [
            "EMDR",
            "eye movement desensitization and reprocessing",
            "prolonged exposure",
            "trauma-focused",
        ],
        ["Eye Movement Desensitization Reprocessing", "Implosive Therapy"],
    ),
    (
        "grief",
        ["grief", "bereavement", "prolonged grief disorder", "loss"],
        ["Grief", "Bereavement"],
    ),
    (
        "couples",
        ["couples therapy", "relationship distress", "marital satisfaction", "partners"],
        ["Couples Therapy", "Marriage"],
    ),
    (
        "family",
        ["family therapy", "parenting", "family functioning", "caregivers"],
        ["Family Therapy", "Parenting"],
    ),
    (
        "adolescent",
        ["adolescents", "youth", "school-based", "teenagers"],
        ["Adolescent", "Adolescent Behavior"],
    ),
    (
        "perinatal",
        ["perinatal depression", "postpartum", "pregnancy", "maternal mental health"],
        ["Depression, Postpartum", "Pregnancy"],
    ),
    ("older", ["older adults", "late life", "loneliness", "aging"], ["Aged", "Loneliness"]),
    (
        "dementia",
        ["dementia", "Alzheimer disease", "dementia caregivers", "cognitive decline"],
        ["Dementia", "Caregivers"],
    ),
    (
        "burnout",
        ["burnout", "compassion fatigue", "therapist well-being", "secondary traumatic stress"],
        ["Burnout, Professional", "Compassion Fatigue"],
    ),
    (
        "alliance",
        ["therapeutic alliance", "working alliance", "psychotherapy process", "dropout"],
        ["Professional-Patient Relations", "Psychotherapy"],
    ),
    (
        "telehealth",
        ["telehealth", "videoconferencing", "internet-delivered", "digital intervention"],
        ["Telemedicine", "Internet-Based Intervention"],
    ),
    (
        "ipv",
        ["intimate partner violence", "domestic violence", "abuse", "survivors"],
        ["Intimate Partner Violence", "Domestic Violence"],
    ),
    (
        "refugee",
        ["refugees", "asylum seekers", "migration", "war trauma"],
        ["Refugees", "Transients and Migrants"],
    ),
    (
        "minority",
        ["minority stress", "LGBTQ", "sexual minority", "discrimination"],
        ["Sexual and Gender Minorities", "Racism"],
    ),
    (
        "chronic-pain",
        ["chronic pain", "acceptance and commitment therapy", "ACT", "pain catastrophizing"],
        ["Chronic Pain", "Acceptance and Commitment Therapy"],
    ),
    (
        "panic",
        ["panic disorder", "panic attacks", "agoraphobia", "interoceptive exposure"],
        ["Panic Disorder", "Agoraphobia"],
    ),
    (
        "social-anxiety",
        ["social anxiety disorder", "social phobia", "fear of evaluation", "shyness"],
        ["Phobia, Social"],
    ),
    (
        "gambling",
        ["gambling disorder", "problem gambling", "gaming disorder", "betting"],
        ["Gambling"],
    ),
    (
        "mi",
        ["motivational interviewing", "brief intervention", "readiness to change", "ambivalence"],
        ["Motivational Interviewing"],
    ),
    (
        "contingency",
        ["contingency management", "incentives", "abstinence", "stimulant use"],
        ["Behavior Therapy", "Reward"],
    ),
    (
        "psychedelic",
        ["psilocybin", "psychedelic-assisted therapy", "MDMA", "ketamine"],
        ["Psilocybin", "Hallucinogens", "Ketamine"],
    ),
    (
        "self-harm",
        ["non-suicidal self-injury", "self-injury", "cutting", "emergency department"],
        ["Self-Injurious Behavior"],
    ),
    (
        "tf-cbt",
        [
            "trauma-focused cognitive behavioral therapy",
            "TF-CBT",
            "child maltreatment",
            "foster care",
        ],
        ["Child Abuse", "Foster Home Care"],
    ),
    (
        "supervision",
        ["clinical supervision", "training", "competence", "trainees"],
        ["Education, Professional", "Clinical Competence"],
    ),
    (
        "ethics",
        ["ethics", "informed consent", "confidentiality", "boundaries"],
        ["Ethics, Professional", "Confidentiality"],
    ),
]
COMMON_MESH = [
    "Humans",
    "Female",
    "Male",
    "Adult",
    "Middle Aged",
    "Young Adult",
    "Adolescent",
    "Child",
    "Aged",
    "Treatment Outcome",
    "Prospective Studies",
    "Retrospective Studies",
    "Cross-Sectional Studies",
    "Surveys and Questionnaires",
    "Risk Factors",
    "Quality of Life",
    "Follow-Up Studies",
    "Psychotherapy",
    "Mental Health",
    "Prevalence",
    "United States",
    "Cohort Studies",
    "Psychiatric Status Rating Scales",
    "Time Factors",
    "Severity of Illness Index",
]
EVIDENCE = [
    ("other", 0.53, ["Journal Article"]),
    ("observational", 0.16, ["Journal Article", "Observational Study"]),
    ("randomized-trial", 0.09, ["Journal Article", "Randomized Controlled Trial"]),
    ("systematic-review", 0.06, ["Journal Article", "Systematic Review", "Meta-Analysis"]),
    ("narrative-review", 0.07, ["Journal Article", "Review"]),
    ("case-report", 0.04, ["Case Reports"]),
    ("editorial", 0.04, ["Editorial"]),
    ("guideline", 0.01, ["Practice Guideline"]),
]
_FAMILY_NAMES_TEXT = """
Smith Garcia Chen Okafor Rivera Nguyen Müller Rossi Kim Patel Cohen Johansson Silva Tanaka
Dubois Novak Haddad Kowalski Brown Wilson Ahmed Singh Ivanova Lopez Martin
"""
FAMILY_NAMES = _FAMILY_NAMES_TEXT.split()
_GIVEN_NAMES_TEXT = """
Ana Chidi Li Maria James Aiko Omar Sara Lukas Priya David Eva Mateo Yuki Fatima Noah Elena
Kwame Hana Tomás
"""
GIVEN_NAMES = _GIVEN_NAMES_TEXT.split()

# What clinicians type: narrow and broad, one to four words, phrases, OR, exclusions.
QUERIES = [
    "PTSD",
    "EMDR PTSD",
    "prolonged exposure veterans",
    "depression",
    "anxiety",
    "trauma",
    "cognitive behavioral therapy insomnia",
    "depression adolescents",
    "suicide risk",
    "mindfulness anxiety",
    "borderline personality disorder dialectical behavior therapy",
    "couples therapy",
    "grief",
    "burnout therapists",
    "motivational interviewing alcohol",
    '"posttraumatic stress disorder" children',
    "eating disorders family-based treatment",
    "telehealth psychotherapy",
    "obsessive-compulsive exposure response prevention",
    "schizophrenia CBT",
    "ADHD adults",
    "autism parent training",
    "panic disorder",
    "bipolar disorder lithium",
    "contingency management stimulant",
    "self-harm adolescents",
    "perinatal depression",
    "older adults loneliness",
    "TF-CBT foster care",
    "acceptance and commitment therapy chronic pain",
    "therapeutic alliance dropout",
    "sleep depression",
    "racism minority stress",
    "refugees war trauma",
    "intimate partner violence survivors",
    "social anxiety",
    "gambling disorder",
    "dementia caregivers",
    "psilocybin depression",
    "ketamine OR esketamine",
    "meta-analysis depression psychotherapy",
    "randomized trial anxiety -children",
    "clinical supervision competence",
    "informed consent confidentiality",
]


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------


def sample_vocabulary() -> Counter[str]:
    """Word counts of the titles and abstracts of the real PubMed samples."""
    sys.path.insert(0, str(ROOT / "src"))
    from lifelong.literature.formats import parse_file

    words: Counter[str] = Counter()
    for path in sorted(SAMPLES.glob("pubmed*.xml")) + sorted(SAMPLES.glob("biopython/*.xml")):
        for record in parse_file(path).records:
            text = " ".join([record.title, *(section.text for section in record.abstract)])
            words.update(word.lower() for word in re.findall(r"[A-Za-z][A-Za-z-]+", text))
    return words


# Words of clinical research papers that the samples (mostly biomedicine) lack, placed among
# the common words of the distribution.
_CLINICAL_WORDS_TEXT = """
patients participants treatment therapy outcomes intervention study trial randomized
randomised controlled meta-analysis systematic review effects effect symptoms symptom
psychotherapy clinical mental health disorder disorders severity baseline follow-up weeks
months months' sessions session group groups control waitlist usual care adults children
women men veterans students clinicians therapists nurses parents families community primary
care outpatient inpatient sample cohort longitudinal cross-sectional qualitative interviews
measures scale questionnaire reliability validity associations associated predictors risk
factors prevalence incidence remission response relapse recovery functioning impairment
quality life wellbeing well-being stress distress coping resilience emotion regulation
self-efficacy stigma access barriers implementation feasibility acceptability fidelity
training delivery online digital app face-to-face individual brief long-term short-term
evidence-based efficacy effectiveness cost-effectiveness moderators mediators mechanisms
adherence attrition engagement alliance satisfaction screening assessment diagnosis comorbid
comorbidity medication pharmacotherapy combined augmentation trajectories survivors military
civilians refugees minority rural urban low-income countries national
"""
CLINICAL_WORDS = _CLINICAL_WORDS_TEXT.split()


class Corpus:
    """Seeded article generator: ``batch(n)`` returns n articles as plain dicts, its random
    draws vectorised with NumPy (a million articles take a few minutes)."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = np.random.default_rng(seed)
        sample = sample_vocabulary()
        general = [word for word, _ in sample.most_common()]
        clinical = [word for word in CLINICAL_WORDS if word not in sample]
        # Function words of the samples first, then clinical words mixed into the common ones.
        head, rest = general[:40], general[40:]
        mixed: list[str] = []
        for index, word in enumerate(clinical):
            mixed.append(word)
            mixed.extend(rest[index * 4 : index * 4 + 4])
        mixed.extend(rest[len(clinical) * 4 :])
        syllables = "ba ce di fo gu la me ni po ru sa te vi xo zu ka le mi no pu ra se ti vo"
        parts = syllables.split()
        tail = {
            "".join(self.rng.choice(parts, size=int(self.rng.integers(3, 5))))
            for _ in range(60_000)
        }
        known = set(head) | set(mixed)
        self.words = np.array(head + mixed + sorted(tail - known))
        weights = 1.0 / np.arange(1, len(self.words) + 1) ** 1.05
        self.word_cdf = np.cumsum(weights / weights.sum())
        topic_weights = 1.0 / np.arange(1, len(TOPICS) + 1)
        self.topic_cdf = np.cumsum(topic_weights / topic_weights.sum())
        evidence = np.array([share for _, share, _ in EVIDENCE])
        self.evidence_cdf = np.cumsum(evidence / evidence.sum())
        self.journals = [
            f"{prefix} {subject}"
            for prefix in ("Journal of", "Annals of", "Archives of", "International Journal of")
            for subject in (
                "Clinical Psychology",
                "Traumatic Stress",
                "Psychotherapy Research",
                "Anxiety Disorders",
                "Affective Disorders",
                "Consulting and Clinical Psychology",
                "Family Therapy",
                "Behavior Therapy",
                "Sleep Research",
                "Addiction Medicine",
                "Child Psychology and Psychiatry",
                "Geriatric Psychiatry",
                "Counseling Psychology",
            )
        ]
        self.count = 0

    def _draw(self, cdf: np.ndarray, size: int) -> np.ndarray:
        return np.minimum(np.searchsorted(cdf, self.rng.random(size)), len(cdf) - 1)

    def _words(self, sizes: np.ndarray) -> list[list[str]]:
        drawn = self.words[self._draw(self.word_cdf, int(sizes.sum()))].tolist()
        bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
        return [drawn[bounds[i] : bounds[i + 1]] for i in range(len(sizes))]

    def batch(self, n: int) -> list[dict[str, Any]]:
        rng = self.rng
        titles = self._words(rng.integers(5, 11, size=n))
        sections = self._words(rng.integers(30, 60, size=4 * n))
        second_topic = rng.random(n) < 0.35
        on_topic = rng.random(n) < 0.5
        first, other = self._draw(self.topic_cdf, n), self._draw(self.topic_cdf, n)
        levels = self._draw(self.evidence_cdf, n)
        years = (2026 - np.minimum(25, rng.exponential(6, size=n))).astype(int)
        months = rng.integers(1, 13, size=n)
        picks = rng.integers(0, 1_000_000, size=(n, 16))
        articles = []
        for i in range(n):
            self.count += 1
            # Half the library is about none of the 40 topics (general clinical research).
            topics = [int(first[i])] if on_topic[i] else []
            if topics and second_topic[i] and other[i] != first[i]:
                topics.append(int(other[i]))
            terms = [term for index in topics for term in TOPICS[index][1]] or titles[i][:4]
            pick = picks[i]
            title_words = titles[i]
            for k in range(1 + pick[0] % 2):
                title_words.insert(
                    int(pick[1 + k] % (len(title_words) + 1)), terms[pick[3 + k] % len(terms)]
                )
            level, _, types = EVIDENCE[int(levels[i])]
            if level == "systematic-review" and pick[5] % 2:
                title_words.append(": a systematic review and meta-analysis")
            elif level == "randomized-trial" and pick[5] % 2:
                title_words.append(": a randomized controlled trial")
            abstract = []
            for j, label in enumerate(("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS")):
                words = sections[4 * i + j]
                for k in range(1 + pick[6 + j] % 3):
                    words.insert(
                        int((pick[10] + 7 * k) % (len(words) + 1)),
                        terms[(pick[11] + k) % len(terms)],
                    )
                text = " ".join(words).capitalize() + "."
                abstract.append({"label": label, "text": text, "html": text})
            mesh_names = [name for index in topics for name in TOPICS[index][2]]
            common = 3 + pick[12] % 5
            mesh_names += [
                COMMON_MESH[(pick[13] + 3 * k) % len(COMMON_MESH)] for k in range(common)
            ]
            mesh = [
                {"descriptor": name, "major": position < len(topics), "qualifiers": []}
                for position, name in enumerate(dict.fromkeys(mesh_names))
            ]
            authors = [
                {
                    "family": FAMILY_NAMES[(pick[14] + 7 * k) % len(FAMILY_NAMES)],
                    "given": GIVEN_NAMES[(pick[15] + 3 * k) % len(GIVEN_NAMES)],
                }
                for k in range(1 + pick[14] % 6)
            ]
            title = " ".join(title_words).replace(" :", ":").capitalize()
            articles.append(
                {
                    "pmid": str(30_000_000 + self.count),
                    "title": title,
                    "abstract": abstract,
                    "authors": authors,
                    "journal": self.journals[pick[2] % len(self.journals)],
                    "published_year": int(years[i]),
                    "published_month": int(months[i]),
                    "publication_types": types,
                    "mesh": mesh,
                    "keywords": list(
                        dict.fromkeys(terms[(pick[9] + k) % len(terms)] for k in range(3))
                    ),
                    "evidence_level": level,
                    "evidence_reason": f"publication type: {types[-1]}" if level != "other" else "",
                    "retracted": bool(pick[13] % 2000 == 0),
                }
            )
        return articles


# --------------------------------------------------------------------------------------------
# Django against the bench database
# --------------------------------------------------------------------------------------------


def setup_django() -> str:
    """Django on the bench database: $DATABASE_URL (PostgreSQL) or var/bench's SQLite file."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
    os.environ.setdefault("LIFELONG_DATA_DIR", str(BENCH_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifelong.settings")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    return str(connection.vendor)


def ensure_postgres_database() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def build(articles: int) -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") and SQLITE_PATH.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    ensure_postgres_database()
    vendor = setup_django()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from lifelong.literature import search
    from lifelong.literature.models import Article

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM literature_article")
    search.drop_search_triggers()
    fields = [field for field in Article._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(field.column for field in fields)
    insert = (
        f"INSERT INTO literature_article (id, {columns}) "
        f"VALUES (%s, {', '.join(['%s'] * len(fields))})"
    )
    fts_insert = (
        f"INSERT INTO {search.FTS_TABLE} (rowid, {', '.join(search.FTS_COLUMNS)}) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {search.PG_TABLE}_document")
            cursor.execute(f"TRUNCATE {search.PG_TABLE}")
    corpus = Corpus()
    now = timezone.now()
    defaults = {field.attname: field.get_default() for field in fields}
    json_fields = {field.attname for field in fields if field.get_internal_type() == "JSONField"}
    if vendor == "postgresql":
        from psycopg.types.json import Jsonb

        def as_json(value: Any) -> Any:
            return Jsonb(value)
    else:

        def as_json(value: Any) -> Any:
            return json.dumps(value)

    started = time.perf_counter()
    for start in range(0, articles, BATCH):
        batch = corpus.batch(min(BATCH, articles - start))
        rows, fts_rows = [], []
        for offset, values in enumerate(batch):
            article_id = start + offset + 1
            record = {
                **defaults,
                **values,
                "title_html": values["title"],
                "created_at": now,
                "updated_at": now,
            }
            rows.append(
                [
                    article_id,
                    *(
                        as_json(record[field.attname])
                        if field.attname in json_fields
                        else record[field.attname]
                        for field in fields
                    ),
                ]
            )
            if vendor == "sqlite":
                fts_rows.append(
                    [
                        article_id,
                        values["title"],
                        " ".join(section["text"] for section in values["abstract"]),
                        " ; ".join(item["descriptor"] for item in values["mesh"]),
                        " ; ".join(values["keywords"]),
                        " ; ".join(f"{a['given']} {a['family']}" for a in values["authors"]),
                        values["journal"],
                    ]
                )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(insert, rows)
            if fts_rows:
                cursor.executemany(fts_insert, fts_rows)
        done = start + len(batch)
        elapsed = time.perf_counter() - started
        print(f"\r{done:,} articles, {elapsed:.0f} s ({done / elapsed:,.0f}/s)", end="", flush=True)
    print()
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('literature_article', 'id'), {articles})"
            )
            print("indexing (tsvectors, then the GIN index) ...", flush=True)
            begun = time.perf_counter()
            cursor.execute("SET maintenance_work_mem = '1GB'")
            search.rebuild_search_index()
            print(f"  {time.perf_counter() - begun:.0f} s", flush=True)
            cursor.execute("ANALYZE")
        else:
            print("optimising the FTS5 index ...", flush=True)
            cursor.execute(
                f"INSERT INTO {search.FTS_TABLE}({search.FTS_TABLE}) VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")
    search.install_search_index(rebuild=False)
    print(f"built {articles:,} articles in {time.perf_counter() - started:.0f} s")


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(rounds: int, window: int | None = None) -> int:
    vendor = setup_django()
    from django.db import connection

    from lifelong.accounts.models import User
    from lifelong.literature import search

    if window is not None:  # to compare ranking windows; the app's is search.RANKING_WINDOW
        search.RANKING_WINDOW = window
    from lifelong.literature.models import Article, ReadingListEntry

    total = Article.objects.count()
    user, _ = User.objects.get_or_create(email="bench-reader@example.org")
    if not ReadingListEntry.objects.filter(owner=user).exists():
        ReadingListEntry.objects.bulk_create(
            ReadingListEntry(owner=user, article_id=article_id)
            for article_id in range(1, total + 1, max(1, total // 200))
        )
    filters = search.SearchFilters()
    first: list[float] = []
    if vendor == "sqlite":  # the first searches count their phrases' articles (kept after)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {search.PHRASE_TABLE}")
    for query in QUERIES:  # warm the page cache
        begun = time.perf_counter()
        search.search(query, filters, user, limit=TOP)
        first.append((time.perf_counter() - begun) * 1000)
    timings: dict[str, list[float]] = {query: [] for query in QUERIES}
    ranking: dict[str, list[float]] = {query: [] for query in QUERIES}
    counts: dict[str, int] = {}
    windowed: dict[str, bool] = {}
    for _ in range(rounds):
        for query in QUERIES:
            begun = time.perf_counter()
            page = search.search(query, filters, user, limit=TOP)
            timings[query].append((time.perf_counter() - begun) * 1000)
            counts[query] = page.total
            begun = time.perf_counter()
            search._ranked_ids(page.parsed, filters, user.pk, TOP, 0, connection)
            windowed[query] = page.windowed
            ranking[query].append((time.perf_counter() - begun) * 1000)
    every = [value for values in timings.values() for value in values]
    every_ranking = [value for values in ranking.values() for value in values]
    print(
        f"{vendor}: {total:,} articles, {len(QUERIES)} queries x {rounds} rounds; "
        f"machine {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"load {os.getloadavg()[0]:.1f}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"{'query':58} {'matches':>8} {'median':>8} {'max':>8}")
    print(f"(ranking window: the newest {search.RANKING_WINDOW:,} matches of a broader query)")
    for query in sorted(QUERIES, key=lambda q: -statistics.median(timings[q])):
        capped = "+" if counts[query] >= search.COUNT_CAP else ""
        capped += " (newest ranked)" if windowed[query] else ""
        if vendor == "sqlite":
            parsed = search.parse_query(query)
            known, library = search.phrase_counts(search.counted_texts(parsed))
            ranked_by = search.ranking_query(parsed, known, library)
            if ranked_by != parsed:
                capped += f" (ranked by: {' '.join(ranked_by.words())})"
        print(
            f"{query[:58]:58} {counts[query]:>7,}{capped[:1]:1} "
            f"{statistics.median(timings[query]):7.1f}ms {max(timings[query]):7.1f}ms{capped[1:]}"
        )
    summary = {
        "vendor": vendor,
        "articles": total,
        "search_p50_ms": round(statistics.median(every), 1),
        "search_p95_ms": round(percentile(every, 0.95), 1),
        "search_max_ms": round(max(every), 1),
        "ranking_sql_p50_ms": round(statistics.median(every_ranking), 1),
        "ranking_sql_p95_ms": round(percentile(every_ranking, 0.95), 1),
        "windowed_queries": sum(windowed.values()),
        "first_round_p50_ms": round(statistics.median(first), 1),
        "first_round_p95_ms": round(percentile(first, 0.95), 1),
    }
    print(json.dumps(summary))
    if vendor == "sqlite":
        met = summary["search_p95_ms"] <= TARGET_P95_MS
        print(f"target p95 <= {TARGET_P95_MS:.0f} ms: {'met' if met else 'MISSED'}")
        return 0 if met else 1
    return 0


def feed(candidates: int, rounds: int) -> int:
    """The feed's ranking alone (pure Python): ``candidates`` corpus articles, five interests."""
    sys.path.insert(0, str(ROOT / "src"))
    from datetime import date, timedelta

    from lifelong.literature import ranking

    corpus = Corpus()
    today = date(2026, 11, 27)
    items = [
        ranking.Candidate(
            id=number,
            title=values["title"],
            abstract=" ".join(section["text"] for section in values["abstract"]),
            mesh=tuple(
                ranking.MeshDescriptor(item["descriptor"], item["major"]) for item in values["mesh"]
            ),
            evidence_level=values["evidence_level"],
            evidence_reason=values["evidence_reason"],
            retracted=values["retracted"],
            first_seen=today - timedelta(days=number % 56),
        )
        for number, values in enumerate(corpus.batch(candidates), start=1)
    ]
    interests = [
        ranking.InterestQuery.from_text(
            1,
            "PTSD",
            "PTSD, posttraumatic stress disorder, trauma",
            ["Stress Disorders, Post-Traumatic"],
        ),
        ranking.InterestQuery.from_text(2, "EMDR", "EMDR, prolonged exposure"),
        ranking.InterestQuery.from_text(3, "Insomnia", "insomnia, sleep quality, CBT-I"),
        ranking.InterestQuery.from_text(4, "Veterans", "veterans, military"),
        ranking.InterestQuery.from_text(5, "Depression", "depression", ["Depression"], weight=0.5),
    ]
    ranking.rank(items, interests, today)  # warm the stem cache, as a running server has
    timings = []
    for _ in range(rounds):
        begun = time.perf_counter()
        ranked = ranking.rank(items, interests, today)
        timings.append((time.perf_counter() - begun) * 1000)
    print(
        f"feed ranking: {candidates} candidates, 5 interests, {rounds} rounds: "
        f"median {statistics.median(timings):.0f} ms, p95 {percentile(timings, 0.95):.0f} ms; "
        f"{len(ranked)} ranked; load {os.getloadavg()[0]:.1f}"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="(re)build the corpus")
    build_parser.add_argument("--articles", type=int, default=1_000_000)
    run_parser = commands.add_parser("run", help="time the queries")
    run_parser.add_argument("--rounds", type=int, default=5)
    run_parser.add_argument(
        "--window", type=int, help="rank the newest N matches (default: the app's window)"
    )
    feed_parser = commands.add_parser("feed", help="time the feed's ranking (no database)")
    feed_parser.add_argument("--candidates", type=int, default=500)
    feed_parser.add_argument("--rounds", type=int, default=20)
    arguments = parser.parse_args()
    if arguments.command == "feed":
        return feed(arguments.candidates, arguments.rounds)
    if arguments.command == "build":
        build(arguments.articles)
        return 0
    return run(arguments.rounds, arguments.window)


if __name__ == "__main__":
    sys.exit(main())

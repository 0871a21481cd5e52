"""Benchmark of the rules engine: ``evaluate`` on 10,000 license cycles of 40 activities each.

Run: ``.venv/bin/python bench/engine.py`` (options: ``--cycles``, ``--activities``, ``--seed``).

The cycles are generated deterministically from a seed across the catalog's rule sets
(``lifelong.rules.loader.load_catalog()``; a few in-script rule sets if the catalog is not
available): random formats, kinds and approvals, a third of activities with several topics,
some with per-topic hours, a ledger that also holds activities from before and after the cycle,
and hours scaled so that roughly half the cycles are compliant. Inputs are built before timing;
only ``evaluate`` is timed, one call per cycle, pinned to one CPU core. The script also counts
how often the optimiser's fast path answered and how often it fell back to the linear program.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lifelong.rules import allocation, engine
from lifelong.rules.cycles import add_months, cycle_start
from lifelong.rules.model import Activity, Approval, LicenseContext, TopicShare
from lifelong.rules.schema import RuleSet
from lifelong.rules.vocabulary import APPROVAL_BODIES, TOPICS

FORMAT_WEIGHTS = {"in-person": 35, "live-online": 35, "self-study": 30}
KIND_WEIGHTS = {
    "course": 60,
    "conference": 15,
    "academic-course": 3,
    "teaching": 5,
    "publication": 3,
    "peer-consultation": 8,
    "supervision-received": 4,
    "exam": 1,
    "other": 1,
}
HOURS = (0.5, 1, 1, 1, 1.5, 1.5, 2, 2, 3, 3, 6)


@dataclass(frozen=True)
class Case:
    ruleset: RuleSet
    context: LicenseContext
    activities: tuple[Activity, ...]


def rulesets() -> list[RuleSet]:
    try:
        from lifelong.rules.loader import load_catalog

        catalog = load_catalog()
        if catalog:
            return [catalog[key] for key in sorted(catalog)]
    except Exception as error:  # the catalog is another module; fall back, but say so
        print(f"catalog not available ({error}); using in-script rule sets", file=sys.stderr)
    return fallback_rulesets()


def fallback_rulesets() -> list[RuleSet]:
    source = [{"url": "https://example.org", "title": "bench", "retrieved": date(2025, 1, 1)}]
    common: dict[str, Any] = {
        "jurisdiction": "US-XX",
        "board": "Bench board",
        "credential": "Bench credential",
        "effective_from": date(2020, 1, 1),
        "verified_on": date(2025, 1, 1),
        "sources": source,
    }
    return [
        RuleSet.model_validate(
            {
                **common,
                "id": "bench-ny",
                "title": "NY-like",
                "total_hours": 36,
                "cycle": {"length_months": 36},
                "providers": {"accepted": ["ny-sed"]},
                "limits": [
                    {
                        "id": "self-study",
                        "title": "Self-study",
                        "formats": ["self-study"],
                        "max_hours": 12,
                    }
                ],
            }
        ),
        RuleSet.model_validate(
            {
                **common,
                "id": "bench-tx",
                "title": "TX-like",
                "total_hours": 24,
                "cycle": {"length_months": 24},
                "carry_over": {"max_hours": 10},
                "requirements": [
                    {"id": "ethics", "title": "Ethics", "topics": ["ethics"], "hours": 6},
                    {
                        "id": "cultural",
                        "title": "Cultural",
                        "topics": ["cultural-competence"],
                        "hours": 3,
                    },
                ],
                "limits": [
                    {
                        "id": "self-study",
                        "title": "Self-study",
                        "formats": ["self-study"],
                        "max_hours": 1,
                    },
                    {
                        "id": "listed",
                        "title": "Listed",
                        "approvals": ["apa", "nbcc", "board"],
                        "min_share": 0.5,
                    },
                ],
            }
        ),
        RuleSet.model_validate(
            {
                **common,
                "id": "bench-ca",
                "title": "CA-like",
                "total_hours": 36,
                "cycle": {"length_months": 24},
                "first_renewal": {"total_hours": 18},
                "requirements": [
                    {
                        "id": "law-and-ethics",
                        "title": "Law and ethics",
                        "topics": ["law-and-ethics", "ethics", "laws-and-rules"],
                        "hours": 6,
                    },
                    {
                        "id": "suicide",
                        "title": "Suicide",
                        "topics": ["suicide-prevention"],
                        "hours": 6,
                        "frequency": "once",
                    },
                    {
                        "id": "hiv",
                        "title": "HIV",
                        "topics": ["hiv-aids"],
                        "hours": 7,
                        "frequency": "once",
                        "first_renewal": "only",
                    },
                ],
            }
        ),
    ]


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def deadline_for(rng: random.Random, ruleset: RuleSet) -> date:
    cycle = ruleset.cycle
    year = rng.randint(2024, 2027)
    if cycle.deadline == "fixed-date":
        assert cycle.month is not None
        assert cycle.day is not None
        if cycle.years == "odd" and year % 2 == 0:
            year += 1
        if cycle.years == "even" and year % 2 == 1:
            year += 1
        return date(year, cycle.month, cycle.day)
    month = rng.randint(1, 12)
    if cycle.deadline == "birth-month":
        return add_months(date(year, month, 1), 1) - timedelta(days=1)
    return date(year, month, rng.randint(1, 28))


def make_case(rng: random.Random, ruleset: RuleSet, activity_count: int, number: int) -> Case:
    expires_on = deadline_for(rng, ruleset)
    start = cycle_start(ruleset, expires_on)
    span = (expires_on - start).days
    relevant = sorted({topic for r in ruleset.requirements for topic in r.topics})
    general = ["clinical-practice", "trauma", "assessment", "substance-use", "self-care"]
    accepted = list(ruleset.providers.accepted) or list(APPROVAL_BODIES)
    cycle_number = rng.choice([1, 2, 2, 3, 3, 4, 5, None])
    # Hours scaled so that about half the cycles have enough.
    target = ruleset.total_hours * rng.uniform(0.55, 1.5) + 4
    weights = [rng.choice(HOURS) for _ in range(activity_count)]
    in_cycle_share = 0.8
    scale = target / max(1.0, sum(weights) * in_cycle_share)
    activities = []
    for index in range(activity_count):
        where = rng.random()
        if where < in_cycle_share:
            completed = start + timedelta(days=rng.randint(0, span))
        elif where < 0.95:
            completed = start - timedelta(days=rng.randint(1, 3 * 365))
        else:
            completed = expires_on + timedelta(days=rng.randint(1, 120))
        hours = max(0.5, round(weights[index] * scale * 2) / 2)
        topic_count = 1 if rng.random() < 2 / 3 else rng.randint(2, 3)
        pool = relevant + general if relevant and rng.random() < 0.6 else list(TOPICS)
        slugs = rng.sample(pool, k=min(topic_count, len(pool)))
        topics = []
        for slug in slugs:
            share = None
            if topic_count > 1 and hours > 1 and rng.random() < 0.3:
                share = max(0.5, round(rng.uniform(0.2, 0.8) * hours * 2) / 2)
            topics.append(TopicShare(slug, share))
        approval_body = rng.choice(accepted) if rng.random() < 0.9 else "other"
        activities.append(
            Activity(
                id=f"{number}-{index}",
                title=f"Course {rng.randint(1, 400)}",
                provider=f"Provider {rng.randint(1, 40)}",
                completed_on=completed,
                hours=hours,
                format=weighted(rng, FORMAT_WEIGHTS),
                kind=weighted(rng, KIND_WEIGHTS),
                topics=tuple(topics),
                approvals=(Approval(approval_body, str(rng.randint(1000, 9999))),),
            )
        )
    context = LicenseContext(
        expires_on=expires_on,
        issued_on=None,
        first_renewal=None if cycle_number is not None else rng.random() < 0.15,
        cycle_number=cycle_number,
        roles=frozenset(role for role in ruleset.roles if rng.random() < 0.3),
        carry_over_in_hours=rng.choice([0.0, 0.0, 0.0, 4.0, 10.0]),
        completed_once=frozenset(
            r.id for r in ruleset.requirements if r.frequency == "once" and rng.random() < 0.3
        ),
        attested=frozenset(c.id for c in ruleset.conditions if rng.random() < 0.7),
    )
    return Case(ruleset, context, tuple(activities))


def counting(counts: Counter[str]) -> Callable[..., allocation.Allocation]:
    original = allocation.allocate

    def allocate(problem: allocation.Problem, *, force_lp: bool = False) -> allocation.Allocation:
        result = original(problem, force_lp=force_lp)
        counts[result.method] += 1
        return result

    return allocate


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=10_000)
    parser.add_argument("--activities", type=int, default=40)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rng = random.Random(args.seed)
    catalog = rulesets()
    cases = [
        make_case(rng, catalog[number % len(catalog)], args.activities, number)
        for number in range(args.cycles)
    ]
    counts: Counter[str] = Counter()
    engine.allocate = counting(counts)  # type: ignore[assignment]
    evaluate = engine.evaluate
    evaluate(cases[0].ruleset, cases[0].context, cases[0].activities)  # warm up imports
    counts.clear()

    timings: list[float] = []
    compliant = 0
    wall_start = time.perf_counter()
    cpu_start = time.process_time()
    for case in cases:
        began = time.perf_counter()
        verdict = evaluate(case.ruleset, case.context, case.activities)
        timings.append(time.perf_counter() - began)
        compliant += verdict.compliant
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start

    by_ruleset: dict[str, list[float]] = {}
    for case, seconds in zip(cases, timings, strict=True):
        by_ruleset.setdefault(case.ruleset.id, []).append(seconds)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"rules engine benchmark: {args.cycles} cycles x {args.activities} activities")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores")
    print(f"rule sets: {len(catalog)} ({', '.join(r.id for r in catalog)})")
    print(f"load average at the end: {load:.2f}")
    print(f"total wall time: {wall:.2f} s  (CPU time {cpu:.2f} s)")
    print(
        f"per cycle: median {statistics.median(timings) * 1000:.3f} ms, "
        f"p95 {percentile(timings, 0.95) * 1000:.3f} ms, max {max(timings) * 1000:.3f} ms"
    )
    print(f"compliant cycles: {compliant} of {len(cases)} ({compliant / len(cases):.0%})")
    optimiser_calls = sum(counts.values())
    print(
        "optimiser: "
        + ", ".join(
            f"{method} {count} ({count / optimiser_calls:.1%})"
            for method, count in counts.most_common()
        )
    )
    print("median per rule set (ms):")
    for ruleset_id, values in sorted(by_ruleset.items()):
        print(f"  {ruleset_id:20s} {statistics.median(values) * 1000:7.3f}")


if __name__ == "__main__":
    main()

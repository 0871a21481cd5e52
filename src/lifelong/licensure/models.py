"""Licenses and certifications a user holds, and the rule sets users add themselves."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from lifelong.rules import model as rules


class LicenseQuerySet(models.QuerySet["License"]):
    def for_user(self, user: Any) -> LicenseQuerySet:
        return self.filter(user=user)


class License(models.Model):
    """A license or certification, tied to the rule set its board applies.

    ``expires_on`` is the current renewal deadline, which closes the current CE cycle.
    ``completed_once`` lists one-time requirements (ids or topic slugs) met before the
    activities on record; ``attestations`` maps a cycle's deadline (ISO date) to the condition
    ids attested for that cycle.
    """

    KIND_CHOICES = [("license", "License"), ("certification", "Certification")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="licenses"
    )
    ruleset_id = models.CharField("rule set", max_length=80)
    kind = models.CharField(max_length=20, choices=KIND_CHOICES, default="license")
    label = models.CharField(
        max_length=100, blank=True, help_text="A short name, e.g. “LMFT”. Optional."
    )
    number = models.CharField("license number", max_length=60, blank=True)
    issued_on = models.DateField("first issued on", null=True, blank=True)
    expires_on = models.DateField("expires on (renewal deadline)")
    first_renewal = models.BooleanField(
        "first renewal after licensure",
        null=True,
        blank=True,
        help_text="Leave unknown to work it out from the issue date.",
    )
    roles = models.JSONField(default=list, blank=True)
    completed_once = models.JSONField(default=list, blank=True)
    attestations = models.JSONField(default=dict, blank=True)
    carry_over_in_hours = models.DecimalField(
        "hours carried over from the previous cycle",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Leave empty to work it out from your activities in the previous cycle.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LicenseQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "pk"]

    def __str__(self) -> str:
        return self.label or self.ruleset_id

    def get_absolute_url(self) -> str:
        return reverse("licensure:license_detail", args=[self.pk])

    def attested_for(self, deadline: date) -> frozenset[str]:
        return frozenset(self.attestations.get(deadline.isoformat(), []))

    @property
    def attested_now(self) -> list[str]:
        """Condition ids attested for the current cycle."""
        return sorted(self.attested_for(self.expires_on))

    def set_attested(self, deadline: date, condition_ids: Iterable[str]) -> None:
        """Record the conditions attested for the cycle ending ``deadline`` (others are kept)."""
        attested = sorted(set(condition_ids))
        attestations = dict(self.attestations)
        if attested:
            attestations[deadline.isoformat()] = attested
        else:
            attestations.pop(deadline.isoformat(), None)
        self.attestations = attestations

    def renew(self, next_deadline: date) -> None:
        """The user renewed: the next cycle starts; what was entered for the old one is dropped.

        Entered carry-over hours and "first renewal" described the cycle that just ended.
        """
        self.expires_on = next_deadline
        self.carry_over_in_hours = None
        if self.first_renewal:
            self.first_renewal = False

    def context(
        self,
        *,
        expires_on: date | None = None,
        carry_over_in_hours: Decimal | float | None = None,
    ) -> rules.LicenseContext:
        """The engine's view of this license for the cycle ending ``expires_on``."""
        deadline = expires_on or self.expires_on
        current = deadline == self.expires_on
        carry = carry_over_in_hours if carry_over_in_hours is not None else 0
        return rules.LicenseContext(
            expires_on=deadline,
            issued_on=self.issued_on,
            first_renewal=self.first_renewal if current else None,
            roles=frozenset(self.roles),
            carry_over_in_hours=float(carry),
            completed_once=frozenset(self.completed_once),
            attested=self.attested_for(deadline),
        )


class RuleSetDocumentQuerySet(models.QuerySet["RuleSetDocument"]):
    def for_user(self, user: Any) -> RuleSetDocumentQuerySet:
        return self.filter(owner=user)


class RuleSetDocument(models.Model):
    """A rule set a user added (a board changed its rules): the TOML text, validated on save."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_sets"
    )
    ruleset_id = models.CharField("rule set id", max_length=80)
    title = models.CharField(max_length=200)
    text = models.TextField("rule set (TOML)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RuleSetDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["ruleset_id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "ruleset_id"], name="unique_ruleset_per_owner")
        ]

    def __str__(self) -> str:
        return self.ruleset_id

    def get_absolute_url(self) -> str:
        return reverse("licensure:ruleset_detail", args=[self.ruleset_id])

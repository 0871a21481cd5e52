"""Users (email login, profile fields) and personal access tokens for the API."""

from __future__ import annotations

import hashlib
import secrets
import zoneinfo
from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core import signing
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

TIME_ZONE_CHOICES = sorted(
    (name, name.replace("_", " ")) for name in zoneinfo.available_timezones()
)
MONTH_CHOICES = [
    (1, "January"), (2, "February"), (3, "March"), (4, "April"), (5, "May"), (6, "June"),
    (7, "July"), (8, "August"), (9, "September"), (10, "October"), (11, "November"),
    (12, "December"),
]  # fmt: skip


class EmailUserManager(UserManager["User"]):
    """Users are identified by email; there is no username."""

    use_in_migrations = True

    def _create_user_object(self, email: str, password: str | None, **extra_fields: Any) -> User:
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.password = ""
        user.set_password(password) if password else user.set_unusable_password()
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        user = self._create_user_object(email, password, **extra_fields)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField("full name", max_length=150, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    birth_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=MONTH_CHOICES,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Some boards renew licenses in the holder's birth month.",
    )
    # Kept by lifelong.core.notifications with every change, so that the unread count in the
    # navigation costs no query on any page (the user row is loaded anyway).
    unread_notification_count = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


TOKEN_PREFIX = "lfl_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PersonalAccessTokenQuerySet(models.QuerySet["PersonalAccessToken"]):
    def for_user(self, user: User) -> PersonalAccessTokenQuerySet:
        return self.filter(user=user)

    def active(self) -> PersonalAccessTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class PersonalAccessToken(models.Model):
    """A token for scripts calling the API. Only its SHA-256 is stored; it is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PersonalAccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[PersonalAccessToken, str]:
        """Create a token; return it with the secret, which is never shown again."""
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, token_hash=hash_token(secret), prefix=secret[:8]
        )
        return token, secret

    @classmethod
    def authenticate(cls, secret: str) -> User | None:
        token = (
            cls.objects.active()
            .select_related("user")
            .filter(token_hash=hash_token(secret), user__is_active=True)
            .first()
        )
        if token is None:
            return None
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user

    def revoke(self, when: datetime | None = None) -> None:
        self.revoked_at = when or timezone.now()
        self.save(update_fields=["revoked_at"])


# --------------------------------------------------------------------------------------------
# Email preferences and unsubscribe links
# --------------------------------------------------------------------------------------------

UNSUBSCRIBE_SALT = "lifelong.accounts.unsubscribe"


class EmailKind(models.TextChoices):
    """The emails a user may turn off. Account emails (verification, password reset) are not
    among them: they are sent only when the user asks."""

    REMINDERS = "reminders", "Renewal reminders"
    WEEKLY_SUMMARY = "weekly-summary", "Weekly summary"
    LITERATURE_DIGEST = "literature-digest", "Weekly research digest"
    WELLBEING = "wellbeing", "Well-being reminders and notes"
    SUPERVISION = "supervision", "Supervision requests"


class EmailPreferences(models.Model):
    """Which emails a user receives. A user without a row receives every kind (the defaults)."""

    FIELD_FOR_KIND: ClassVar[dict[str, str]] = {
        EmailKind.REMINDERS: "reminder_emails",
        EmailKind.WEEKLY_SUMMARY: "weekly_summary",
        EmailKind.LITERATURE_DIGEST: "literature_digest",
        EmailKind.WELLBEING: "wellbeing_emails",
        EmailKind.SUPERVISION: "supervision_emails",
    }

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="email_preferences")
    reminder_emails = models.BooleanField(
        "renewal reminders by email",
        default=True,
        help_text="Before a renewal deadline (180, 90, 30 and 7 days by default, set per "
        "license), while something is still missing.",
    )
    weekly_summary = models.BooleanField(
        "weekly summary email",
        default=True,
        help_text="Once a week: each license's status, days left, what is missing and the next "
        "steps.",
    )
    literature_digest = models.BooleanField(
        "weekly research digest email",
        default=True,
        help_text="Once a week, when there is something new: the best new articles for your "
        "research interests.",
    )
    wellbeing_emails = models.BooleanField(
        "well-being reminders and notes by email",
        default=False,
        help_text="Off unless you turn it on. When a self-check is due, and when your own "
        "answers suggest it may be time to take care (the subject line never says more than "
        '"A note from Lifelong").',
    )
    supervision_emails = models.BooleanField(
        "supervision emails",
        default=True,
        help_text="When an associate asks you to sign a period of their supervised hours, and "
        "when your supervisor signs or returns one of yours.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "email preferences"

    def __str__(self) -> str:
        return f"Email preferences of {self.user_id}"

    @classmethod
    def for_user(cls, user: User) -> EmailPreferences:
        """The user's preferences; an unsaved row with the defaults when they never changed any."""
        try:
            preferences: EmailPreferences = user.email_preferences
        except cls.DoesNotExist:
            return cls(user=user)
        return preferences

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, self.FIELD_FOR_KIND[kind]))

    @classmethod
    def set_wanted(cls, user: User, kind: str, wanted: bool) -> None:
        """Turn one kind on or off (race-free: two clicks at once leave one row)."""
        cls.objects.update_or_create(user=user, defaults={cls.FIELD_FOR_KIND[kind]: wanted})


def unsubscribe_token(user: User, kind: str) -> str:
    """A signed token for ``kind``'s unsubscribe link: it works without signing in, for that
    user and that kind of email only, and does not expire (old emails keep working links)."""
    return signing.dumps({"user": user.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The user and kind of a valid token, else None (forged, altered, unknown kind or user)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("kind") not in EmailKind.values:
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return (user, data["kind"]) if user is not None else None


# --------------------------------------------------------------------------------------------
# Organizations: group practices, agencies and associations, their members and invitations
# --------------------------------------------------------------------------------------------


class OrganizationKind(models.TextChoices):
    GROUP_PRACTICE = "group-practice", "Group practice"
    AGENCY = "agency", "Agency"
    ASSOCIATION = "association", "Association"


class Role(models.TextChoices):
    """What a member may do (see ``lifelong.accounts.organizations`` for the rules)."""

    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    SUPERVISOR = "supervisor", "Supervisor"
    MEMBER = "member", "Member"


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def for_user(self, user: Any) -> OrganizationQuerySet:
        """The organizations ``user`` belongs to."""
        return self.filter(memberships__user=user)


class Organization(models.Model):
    name = models.CharField(max_length=150)
    kind = models.CharField(
        max_length=20, choices=OrganizationKind.choices, default=OrganizationKind.GROUP_PRACTICE
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: Any) -> MembershipQuerySet:
        return self.filter(user=user)


class Membership(models.Model):
    """A user in an organization, with a role and their consent to share compliance status."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    shares_compliance = models.BooleanField(
        "share my CE compliance with this organization",
        default=False,
        help_text="Its owners, admins and supervisors then see each of your licenses' status, "
        "deadline and missing hours — never your activities, well-being, reflections, caseload "
        "or outcomes.",
    )
    joined_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="one_membership_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id} ({self.role})"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, declined_at__isnull=True)


class Invitation(models.Model):
    """An invitation to join an organization, sent to an email address.

    The link in the email carries a signed token naming the invitation; it is accepted by a
    signed-in user who owns that address (verified), after signing up if needed.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} to {self.organization_id}"

    @property
    def pending(self) -> bool:
        return self.accepted_at is None and self.declined_at is None

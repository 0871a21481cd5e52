"""The security settings the accounts rely on, as production reads them (tests override the
password hasher for speed, so this reads the settings module itself)."""

from __future__ import annotations

from lifelong import settings as project_settings


def test_passwords_are_hashed_with_argon2_first() -> None:
    assert project_settings.PASSWORD_HASHERS[0] == (
        "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_rate_limits_use_the_shared_database_cache() -> None:
    cache = project_settings.CACHES["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert project_settings.ACCOUNT_RATE_LIMITS["login_failed"]


def test_sign_in_is_by_verified_email_with_totp_and_recovery_codes() -> None:
    assert {"email"} == project_settings.ACCOUNT_LOGIN_METHODS
    assert project_settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"
    assert set(project_settings.MFA_SUPPORTED_TYPES) >= {"totp", "recovery_codes"}

"""Where certificate files are stored: the filesystem by default, an S3-compatible bucket with
LIFELONG_STORAGE=s3 (django-storages), and a clear error for anything else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from lifelong import settings as lifelong_settings


def test_files_are_on_the_filesystem_by_default() -> None:
    assert lifelong_settings._file_storage() == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }


def test_s3_storage_is_configured_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifelong_settings, "LIFELONG_STORAGE", "s3")
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "lifelong-files")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://s3.example.org")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")

    storage = lifelong_settings._file_storage()

    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "lifelong-files"
    assert options["endpoint_url"] == "https://s3.example.org"
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")
    # Private objects that are never overwritten; read back through the app.
    assert (options["default_acl"], options["file_overwrite"]) == ("private", False)


def test_s3_storage_needs_a_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifelong_settings, "LIFELONG_STORAGE", "s3")
    monkeypatch.delenv("AWS_STORAGE_BUCKET_NAME", raising=False)

    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        lifelong_settings._file_storage()


def test_an_unknown_storage_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lifelong_settings, "LIFELONG_STORAGE", "ftp")

    with pytest.raises(ImproperlyConfigured, match="'filesystem' or 's3'"):
        lifelong_settings._file_storage()

"""Finding the system Chromium, and what happens without one (no browser needed here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import find_chromium, no_browser


def test_it_takes_the_first_executable_candidate(tmp_path: Path) -> None:
    not_executable = tmp_path / "chromium-text"
    not_executable.write_text("")
    executable = tmp_path / "chromium"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)

    found = find_chromium([None, str(tmp_path / "missing"), str(not_executable), str(executable)])

    assert found == str(executable)


def test_it_prefers_lifelong_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    executable = tmp_path / "my-chromium"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    monkeypatch.setenv("LIFELONG_CHROMIUM", str(executable))

    assert find_chromium() == str(executable)


def test_it_finds_nothing_among_missing_candidates(tmp_path: Path) -> None:
    assert find_chromium([str(tmp_path / "missing"), None]) is None


def test_a_missing_browser_skips_the_tests_unless_one_is_required() -> None:
    with pytest.raises(pytest.skip.Exception, match="browser tests skipped"):
        no_browser(required=False)
    with pytest.raises(pytest.fail.Exception, match="LIFELONG_REQUIRE_BROWSER"):
        no_browser(required=True)

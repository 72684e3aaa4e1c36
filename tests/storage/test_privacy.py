"""Pseudonyms, the secret behind them, and scrubbing of personal data."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from bot.knowledge.scrub import REDACTED, scrub_personal_data
from bot.storage.privacy import pseudonymise, resolve_secret


def test_pseudonymise_is_stable_keyed_and_hides_the_id() -> None:
    first = pseudonymise(123456789, "secret-a")
    assert first == pseudonymise(123456789, "secret-a")
    assert first == pseudonymise("123456789", "secret-a")  # int and str ids agree
    assert len(first) == 32 and all(c in "0123456789abcdef" for c in first)
    assert "123456789" not in first
    assert first != pseudonymise(123456789, "secret-b")
    assert first != pseudonymise(123456780, "secret-a")


def test_pseudonymise_refuses_an_empty_secret() -> None:
    with pytest.raises(ValueError):
        pseudonymise(1, "")


def test_configured_secret_wins_and_writes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    assert resolve_secret("from-env", db) == "from-env"
    assert list(tmp_path.iterdir()) == []


def test_dev_key_is_created_once_with_0600_and_reused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "data" / "bot.sqlite3"  # parent directory does not exist yet
    with caplog.at_level(logging.WARNING, logger="bot.storage.privacy"):
        first = resolve_secret(None, db)
    key_file = tmp_path / "data" / "bot.sqlite3.key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert "TLB_HMAC_SECRET" in caplog.text
    content = key_file.read_bytes()

    assert resolve_secret(None, str(db)) == first
    assert resolve_secret("", db) == first  # an empty env variable counts as unset
    assert key_file.read_bytes() == content
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["bot.sqlite3.key"]  # no temp


def test_empty_key_file_is_an_error_not_a_silent_new_key(tmp_path: Path) -> None:
    db = tmp_path / "bot.sqlite3"
    Path(f"{db}.key").write_text("\n")
    with pytest.raises(RuntimeError, match="clé vide"):
        resolve_secret(None, db)


def test_in_memory_database_gets_a_process_secret_and_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    secret = resolve_secret(None, ":memory:")
    assert secret and resolve_secret(None, ":memory:") == secret
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "text",
    [
        "écrivez-moi à jean.dupont+tl@exemple-mail.fr svp",
        "mon numéro : 06 12 34 56 78",
        "mon numéro : 06.12.34.56.78",
        "mon numéro : 06-12-34-56-78",
        "mon numéro : 0612345678",
        "mon numéro : +33 6 12 34 56 78",
        "mon numéro : +33612345678",
        "mon numéro : +33 (0)1 47 29 30 00",
        "mon numéro : 0033 1 47 29 30 00",
        "mon dossier 1234567890123 est bloqué",
    ],
)
def test_scrub_removes_contact_details(text: str) -> None:
    scrubbed = scrub_personal_data(text)
    assert REDACTED in scrubbed
    assert "@" not in scrubbed
    assert not any(run in scrubbed for run in ("12", "34", "56", "78", "47", "29", "1234"))


def test_scrub_keeps_ordinary_text_and_short_numbers() -> None:
    text = "Un tiers-lieu à Nanterre (92000) ouvert en 2024, de 9h à 18h, 2 salles, 15 €."
    assert scrub_personal_data(text) == text


def test_scrub_keeps_the_rest_of_the_sentence() -> None:
    assert scrub_personal_data("Appelez le 01 47 29 30 00 ou a@b.fr, merci") == (
        f"Appelez le {REDACTED} ou {REDACTED}, merci"
    )

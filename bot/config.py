"""Configuration: frozen dataclasses read from YAML, secrets only from the environment.

Resolution order for the file: ``--config`` → ``$TLB_CONFIG`` → built-in defaults. Secrets
(``TELEGRAM_BOT_TOKEN``, ``TLB_HMAC_SECRET``) are never read from a file, so a config file can
be committed or shared without leaking anything.
"""

from __future__ import annotations

import os
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_BASE_FILE_URL = "https://api.telegram.org/file/bot"  # where documents are downloaded


class ConfigError(ValueError):
    """A configuration file that cannot be used, with the key at fault."""


@dataclass(frozen=True)
class RateLimit:
    overall_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    # First wait before sending again after a 5xx or a network error (then doubled, ≤ 8 s).
    backoff_seconds: float = 0.5


@dataclass(frozen=True)
class Webhook:
    url: str = ""
    listen: str = "0.0.0.0"
    port: int = 8443
    path: str = "telegram"


@dataclass(frozen=True)
class TelegramConfig:
    base_url: str = DEFAULT_BASE_URL
    base_file_url: str = DEFAULT_BASE_FILE_URL
    admin_ids: tuple[int, ...] = ()
    rate_limit: RateLimit = field(default_factory=RateLimit)
    webhook: Webhook | None = None
    flood_messages_per_minute: int = 20
    # At start-up, seconds between the attempts to reach Telegram before giving up.
    start_retry_seconds: float = 2.0


@dataclass(frozen=True)
class KnowledgeConfig:
    path: str = ""  # empty: the knowledge shipped with the package
    learned: str = ""  # staff-accepted phrasings; empty: learned.yaml in the knowledge folder
    watch_seconds: float = 5.0


@dataclass(frozen=True)
class StorageConfig:
    database: str = "tiers-lieux-bot.sqlite3"
    retention_days: int = 180
    # How long a write waits for another process's write lock before it is retried later.
    busy_timeout_seconds: float = 5.0


@dataclass(frozen=True)
class ContactConfig:
    """The deployment's own staff contact, shown only when at least one field is set."""

    name: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""

    @property
    def is_set(self) -> bool:
        return any((self.email, self.phone, self.website))


@dataclass(frozen=True)
class PrivacyConfig:
    controller: str = "le Département des Hauts-de-Seine"


@dataclass(frozen=True)
class Config:
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    knowledge: KnowledgeConfig = field(default_factory=KnowledgeConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    contact: ContactConfig = field(default_factory=ContactConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)

    @property
    def token(self) -> str | None:
        return os.environ.get("TELEGRAM_BOT_TOKEN") or None

    @property
    def hmac_secret(self) -> str | None:
        return os.environ.get("TLB_HMAC_SECRET") or None


def _build(cls: type, data: Any, where: str) -> Any:
    """Build dataclass ``cls`` from a mapping, rejecting unknown keys with their dotted path."""
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'config'}: attendu un dictionnaire, trouvé {data!r}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{where or 'config'}: clé inconnue « {unknown[0]} »")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        f = known[name]
        path = f"{where}.{name}" if where else name
        sample = f.default_factory() if f.default_factory is not MISSING else f.default
        if name == "webhook":
            kwargs[name] = None if value is None else _build(Webhook, value, path)
        elif is_dataclass(sample):
            kwargs[name] = _build(type(sample), value, path)
        elif name == "admin_ids":
            try:
                kwargs[name] = tuple(int(v) for v in (value or []))
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{path}: liste d'identifiants numériques attendue") from exc
        else:
            kwargs[name] = _coerce(value, sample, path)
    return cls(**kwargs)


def _coerce(value: Any, sample: Any, path: str) -> Any:
    if value is None:
        return sample
    if isinstance(sample, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{path}: booléen attendu")
        return value
    if isinstance(sample, int | float) and not isinstance(value, int | float):
        raise ConfigError(f"{path}: nombre attendu, trouvé {value!r}")
    if isinstance(sample, int) and not isinstance(sample, bool):
        return int(value)
    if isinstance(sample, float):
        return float(value)
    if isinstance(sample, str):
        return str(value)
    return value


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read the configuration file (``path`` or ``$TLB_CONFIG``), or the defaults."""
    chosen = path or os.environ.get("TLB_CONFIG")
    if not chosen:
        return Config()
    file = Path(chosen)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{file}: fichier illisible ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: YAML invalide ({exc})") from exc
    try:
        return _build(Config, data, "")
    except ConfigError as exc:
        raise ConfigError(f"{file}: {exc}") from exc

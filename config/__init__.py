"""Settings for the three ways cswjobs runs: embedded (default), production and test.

Every setting an operator may change is one row of SETTINGS, read from an environment variable
``CSWJOBS_<NAME>`` when the app is built (never at import), checked, and given a clear message
naming the variable when it is wrong. The profile is chosen by ``CSWJOBS_CONFIG``. The table in
docs/configuration.md is generated from SETTINGS (`python -m config --markdown`); a test keeps
the two the same.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Once the embedded default's key, published in this repository: refused everywhere, so no instance
# ever signs sessions with a key an attacker can read here.
DEFAULT_SECRET_KEY = "dev-only-secret-key-change-me"
SECRET_KEY_FILE = "secret_key"  # in the instance folder: the embedded default's own key, made on first run
# Tests sign with a key of their process's own: random, never written anywhere.
_TEST_SECRET_KEY = secrets.token_urlsafe(48)


def _test_secret_key(settings: Mapping[str, Any]) -> str:
    """random for each test run"""
    return _TEST_SECRET_KEY
PREFIX = "CSWJOBS_"
PROFILES = ("embedded", "production", "test")


class SettingsError(RuntimeError):
    """A setting is missing or wrong; the message names the variable and what to do."""


def _text(value: str) -> str:
    return value


def _whole_number(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise ValueError(f"must be a whole number, not {value!r}") from None
        if number < low or (high is not None and number > high):
            raise ValueError(f"must be from {low} to {high}, not {number}" if high is not None
                             else f"must be {low} or more, not {number}")
        return number

    parse.__doc__ = f"whole number ≥ {low}" + (f" and ≤ {high}" if high is not None else "")
    return parse


def _yes_no(value: str) -> bool:
    """true/false (1/0, yes/no, on/off)"""
    text = value.strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"must be true or false, not {value!r}")


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    parse.__doc__ = " or ".join(f"`{c}`" for c in choices)
    return parse


def _url(*schemes: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if not value.startswith(tuple(f"{s}://" for s in schemes)):
            raise ValueError(f"must be a URL starting {' or '.join(s + '://' for s in schemes)}, not {value!r}")
        return value

    parse.__doc__ = "URL (" + ", ".join(f"{s}://" for s in schemes) + ")"
    return parse


def _search_url(value: str) -> str:
    """`sqlite`, or an http(s):// Elasticsearch URL"""
    if value in ("", "sqlite"):
        return "sqlite"
    if value.startswith(("http://", "https://")):
        return value
    raise ValueError(f"must be 'sqlite' or an Elasticsearch URL starting http:// or https://, not {value!r}")


def _host_names(value: str) -> list[str]:
    """comma-separated host names"""
    hosts = [h.strip().lower() for h in value.split(",") if h.strip()]
    bad = [h for h in hosts if any(c in h for c in "/: \t")]
    if bad:  # Werkzeug ignores the port when it compares; a scheme or path would never match anything
        raise ValueError(f"must be host names without a scheme, port or path (jobs.example.org), not {bad[0]!r}")
    return hosts


def instance_secret_key(folder: Path) -> str:
    """The embedded default's own secret key: made at random on first run and kept in the instance folder
    (readable by its owner only), so sessions survive a restart and no two instances share a key."""
    path = Path(folder) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)  # atomic and never overwrites: two processes starting at once keep one key
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip()
    if len(key) < 32:
        raise SettingsError(f"{path} holds no usable secret key: delete it (a new one is made) or set "
                            f"{PREFIX}SECRET_KEY.")
    return key


def _path(value: str) -> Path:
    """folder or file path"""
    return Path(value).expanduser()


_text.__doc__ = "text"


@dataclass(frozen=True)
class Setting:
    """One setting: its name in app.config, how its variable is read, its default and what it is for."""

    name: str
    help: str
    parse: Callable[[str], Any] = _text
    default: Any = None  # a value, or a callable of the settings read so far (for paths in the instance folder)
    profiles: Mapping[str, Any] = field(default_factory=dict)  # a different default in some profiles
    variable: str | None = None  # when the variable is not CSWJOBS_<name>
    optional: bool = False  # None (unset) is a valid value
    default_text: str | None = None  # how docs/configuration.md shows a callable default

    @property
    def env_name(self) -> str:
        return PREFIX + (self.variable or self.name)

    def default_for(self, profile: str, read: dict[str, Any]) -> Any:
        value = self.profiles.get(profile, self.default)
        return value(read) if callable(value) else value


SETTINGS: tuple[Setting, ...] = (
    Setting("INSTANCE_PATH", "The folder for the embedded database, the search index file and written mail.",
            _path, PROJECT_ROOT / "instance"),
    Setting("SECRET_KEY", "Signs sessions, CSRF tokens and links in emails. Production needs one of at least 32 "
            "random characters; unset elsewhere, the app makes its own and keeps it in `instance/secret_key`.",
            default=lambda s: instance_secret_key(s["INSTANCE_PATH"]),
            profiles={"production": None, "test": _test_secret_key}, default_text="made on first run"),
    Setting("SQLALCHEMY_DATABASE_URI", "The database: a `postgresql+psycopg://` URL in production; a SQLite file in "
            "the instance folder by default.", _url("sqlite", "postgresql+psycopg", "postgresql"),
            lambda s: f"sqlite:///{s['INSTANCE_PATH'] / 'cswjobs.sqlite3'}", variable="DATABASE_URL",
            default_text="`instance/cswjobs.sqlite3`"),
    Setting("SEARCH_URL", "The search engine: `sqlite` for the embedded FTS5 engine, or Elasticsearch's URL.",
            _search_url, "sqlite"),
    Setting("SEARCH_INDEX_PREFIX", "Elasticsearch index and alias names start with this.", default="cswjobs"),
    Setting("SEARCH_REPLICAS", "Copies of each Elasticsearch index on other nodes: 0 on one node, 1 or more once the "
            "cluster has more nodes (a node can then fail without losing search). Applies from the next reindex.",
            _whole_number(0, 5), 0),
    Setting("SEARCH_SQLITE_PATH", "Where the embedded search engine keeps its index file.", _path,
            lambda s: s["INSTANCE_PATH"] / "search.sqlite3", default_text="`instance/search.sqlite3`"),
    Setting("REDIS_URL", "Redis, for RQ's queues (and the rate limits' shared counts in production).",
            _url("redis", "rediss", "unix"), optional=True),
    Setting("TASKS_MODE", "`inline` runs background work in-process right after the commit; `rq` enqueues it on "
            "Redis for `rq worker`.", _one_of("inline", "rq"), "inline", {"production": "rq"}),
    Setting("MAIL_FOLDER", "Where mail is written as .eml files when no SMTP host is set.", _path,
            lambda s: s["INSTANCE_PATH"] / "outbox-mail", default_text="`instance/outbox-mail/`"),
    Setting("MAIL_SENDER", "The From address of every email.", default="no-reply@cswjobs.example"),
    Setting("BOUNCE_WEBHOOK_TOKEN", "The password the mail provider's bounce webhook (POST /mail/bounces, "
            "Postmark's format) gives with HTTP Basic authentication; unset, the webhook answers 404.", optional=True),
    Setting("SMTP_HOST", "The mail server; unset, mail is written to the mail folder (production refuses that).",
            optional=True),
    Setting("SMTP_PORT", "The mail server's port (587 for STARTTLS, 465 for TLS from the start).",
            _whole_number(1, 65535), 587),
    Setting("SMTP_SECURITY", "How mail to the server is encrypted: `starttls`, `tls` (from the first byte) or "
            "`none` (refused in production). The server's certificate is always verified.",
            _one_of("starttls", "tls", "none"), "starttls"),
    Setting("SMTP_USERNAME", "The account the app signs in to the mail server as (required in production).",
            optional=True),
    Setting("SMTP_PASSWORD", "That account's password (required in production).", optional=True),
    Setting("SMTP_TIMEOUT", "Seconds to wait for the mail server before the send fails and is retried.",
            _whole_number(1, 300), 10),
    Setting("SITE_URL", "The site's public address: every absolute link (emails, canonical links, JSON-LD, feeds) "
            "names it, never the request's Host (https in production for one-click unsubscribe).",
            _url("http", "https"), "http://127.0.0.1:5000", {"test": "http://localhost"}),
    Setting("REGION_NAME", "The region the board serves, in page text.", default="London"),
    Setting("CONTACT_EMAIL", "Where people write about the service, their personal data or accessibility (the "
            "contact, privacy and accessibility pages name it).", default="help@cswjobs.example"),
    Setting("RATELIMIT_ENABLED", "Limit sign-in and apply attempts.", _yes_no, True, {"test": False}),
    Setting("RATELIMIT_STORAGE_URI", "Where the rate limits count (`memory://`, or a Redis URL so every web "
            "process shares one count); production uses REDIS_URL when this is unset.",
            default="memory://", profiles={"production": lambda s: s["REDIS_URL"] or "memory://"},
            default_text="REDIS_URL, else `memory://`"),
    Setting("PROXY_HOPS", "How many reverse proxies in front of the app to trust for X-Forwarded-* headers: 0 when "
            "browsers reach the app directly, 1 behind one proxy. Production makes you say which.",
            _whole_number(0, 5), 0, {"production": None}),
    Setting("TRUSTED_HOSTS", "The host names the site answers to; a request naming any other Host gets a 400. "
            "Required in production.", _host_names, optional=True),
    Setting("METRICS_TOKEN", "Prometheus reads /metrics with `Authorization: Bearer <this>`; unset, /metrics is "
            "open in the embedded and test profiles and switched off (404) in production.", optional=True),
    Setting("READY_OUTBOX_LAG", "Seconds the oldest undelivered outbox message may wait before /readyz says the "
            "instance is not ready.", _whole_number(1), 300),
    Setting("APPLY_RATE_LIMIT", "How often one person may apply (Flask-Limiter's notation).",
            default="10 per minute"),
    Setting("SIGN_IN_RATE_LIMIT", "How often one address may try to sign in (Flask-Limiter's notation).",
            default="10 per minute"),
    Setting("ACCOUNT_RATE_LIMIT", "How often one account (the email address a sign-in, registration or password "
            "reset names) may be tried, from any address (Flask-Limiter's notation).",
            default="10 per minute;50 per day"),
    Setting("API_RATE_LIMIT", "How often one council API key may call the council API (Flask-Limiter's "
            "notation); over it, 429 with Retry-After.", default="600 per minute"),
    Setting("PUBLIC_READ_RATE_LIMIT", "How often one address may read the public API and the job feeds "
            "(Flask-Limiter's notation).", default="120 per minute"),
    Setting("FEED_CACHE_SECONDS", "How long browsers, feed readers and proxies may keep a feed, sitemap or public API "
            "answer before asking again.", _whole_number(0, 86400), 300),
    Setting("DWP_EXPORTS_KEPT", "How many nightly DWP Find a job exports to keep for the programme team to download.",
            _whole_number(1, 365), 14),
    Setting("FEATURED_SLOTS_PER_COUNCIL", "Featured jobs one council may have on any day.", _whole_number(1), 3),
    Setting("FEATURED_SLOT_MAX_DAYS", "The longest a job may be featured at once, in days.", _whole_number(1), 31),
    Setting("REFERENCE_LINK_DAYS", "How many days a referee's link to the reference form works.",
            _whole_number(1, 90), 21),
    Setting("REFERENCE_REMINDER_DAYS", "Days between reminders to a referee who has not answered.",
            _whole_number(1, 30), 5),
    Setting("REFERENCE_REMINDERS_MAX", "How many reminders a referee is sent at most.", _whole_number(0, 5), 2),
    # The retention schedule (services.retention; docs/retention.md): how long personal data is kept.
    Setting("RETENTION_INACTIVE_ACCOUNT_MONTHS", "A social worker's account unused (no sign-in) for this many months "
            "is warned by email, then deleted.", _whole_number(1, 120), 24),
    Setting("RETENTION_ACCOUNT_WARNING_DAYS", "Days between that warning and the deletion, if its owner does not "
            "sign in.", _whole_number(7, 365), 30),
    Setting("RETENTION_STAFF_INACTIVE_MONTHS", "A staff account (recruiter, administrator, programme team) unused "
            "for this many months is switched off.", _whole_number(1, 120), 12),
    Setting("RETENTION_APPLICATION_YEARS", "An application unchanged for this many years has its free text emptied "
            "(the anonymous row stays for the figures).", _whole_number(1, 10), 2),
    Setting("RETENTION_REFEREE_DAYS", "Days after an application ends before its referees' details and references "
            "are deleted.", _whole_number(1, 3650), 180),
    Setting("RETENTION_MAIL_DAYS", "Days a copy of an email the service sent is kept.", _whole_number(1, 3650), 90),
    Setting("RETENTION_AUDIT_YEARS", "Years an audit log entry is kept.", _whole_number(1, 20), 6),
    Setting("RETENTION_FEEDBACK_MONTHS", "Months a message sent through the feedback form is kept.",
            _whole_number(1, 120), 24),
    Setting("WORKFORCE_ID_KEY", "Keys the hash of leavers' Social Work England numbers (the cooling-off check); "
            "the secret key when unset.", optional=True),
    Setting("LOG_FORMAT", "How log lines are written to stderr: `json` (one object a line, with the request id) "
            "or `text`.", _one_of("json", "text"), "text", {"production": "json"}),
    Setting("LOG_LEVEL", "The least important log records written.", _one_of("DEBUG", "INFO", "WARNING", "ERROR"),
            "INFO"),
    Setting("SESSION_COOKIE_SECURE", "Send the session and remember-me cookies over HTTPS only.", _yes_no, False,
            {"production": True}, variable="SECURE_COOKIES"),
    Setting("WEBHOOK_SIGNING_KEY", "Derives each council webhook endpoint's signing secret (never stored); the "
            "secret key when unset. Changing it changes every endpoint's secret.", optional=True),
    Setting("WEBHOOKS_ALLOW_LOCAL_HTTP", "Let webhook endpoints be plain http:// on this machine (127.0.0.1, "
            "localhost), for tests and local development; production refuses it.", _yes_no, False,
            {"test": True}),
    Setting("WEBHOOK_TIMEOUT", "Seconds a council's webhook endpoint has to answer before the attempt fails and "
            "is retried.", _whole_number(1, 30), 10),
    Setting("WEBHOOK_DISABLE_AFTER_FAILURES", "A webhook endpoint is turned off, and its council's administrators "
            "told, after this many failed attempts in a row (and WEBHOOK_DISABLE_AFTER_HOURS).", _whole_number(1), 15),
    Setting("WEBHOOK_DISABLE_AFTER_HOURS", "Hours a webhook endpoint must have been failing, with no success in "
            "between, before it is turned off.",
            _whole_number(0), 72),
    Setting("INDEXING_NOTIFIER_URL", "A search engine's indexing API batch endpoint "
            "(`https://indexing.googleapis.com/batch`): job pages are announced there when published and "
            "closed. Unset, no notices are made.", _url("http", "https"), optional=True),
    Setting("INDEXING_NOTIFIER_TOKEN", "A bearer token for the indexing API (for a stand-in or a token made "
            "elsewhere); see INDEXING_NOTIFIER_TOKEN_PROVIDER for Google's OAuth.", optional=True),
    Setting("INDEXING_NOTIFIER_TOKEN_PROVIDER", "`module:function` returning a fresh bearer token for the "
            "indexing API (e.g. from a Google service account); used instead of INDEXING_NOTIFIER_TOKEN.",
            optional=True),
    Setting("INDEXING_NOTIFIER_BATCH_SIZE", "Notices sent in one batch request (Google allows 100).",
            _whole_number(1, 100), 100),
)

# Fixed for every deployment: not read from the environment.
CONSTANTS: dict[str, Any] = {
    "SERVICE_NAME": "Children's Social Work Jobs",
    # hide_parameters: a database error's message (which reaches the log) never carries the values of
    # the query, which are people's names, addresses and what they wrote.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "RATELIMIT_HEADERS_ENABLED": True,
    # Redis down must not turn sign-in into a 500: each process counts in memory until Redis is back, and a
    # slow Redis is given up on quickly rather than holding the request.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    "PASSWORD_RESET_MAX_AGE": 3600,
    "JOBS_PER_PAGE": 20,
    "SITEMAP_URLS_PER_FILE": 50_000,  # the sitemaps.org protocol's limit for one file
}
PROFILE_CONSTANTS: dict[str, dict[str, Any]] = {
    # Tests turn CSRF checks on where they test them.
    "test": {"TESTING": True, "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True}, "WTF_CSRF_ENABLED": False},
}


def profile_name(name: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    name = name or environ.get(PREFIX + "CONFIG") or "embedded"
    if name not in PROFILES:
        raise SettingsError(f"{PREFIX}CONFIG is {name!r}: use one of {', '.join(PROFILES)}.")
    return name


def _parse(setting: Setting, raw: str, source: str) -> Any:
    if raw == "" and setting.optional:
        return None
    try:
        return setting.parse(raw)
    except ValueError as problem:
        raise SettingsError(f"{source} {problem}. {setting.help}") from None


def load(name: str | None = None, overrides: Mapping[str, Any] | None = None,
         environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Every setting for this profile: the environment read now, then ``overrides`` (tests, benchmarks),
    then defaults that depend on other settings (paths in the instance folder), then the checks."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    profile = profile_name(name, environ)
    settings: dict[str, Any] = {**CONSTANTS, **PROFILE_CONSTANTS.get(profile, {}), "CONFIG_NAME": profile}
    for setting in SETTINGS:
        if setting.name in overrides:
            value = overrides.pop(setting.name)
            if isinstance(value, str):  # given as text, checked as if it came from the environment
                value = _parse(setting, value, setting.name)
        elif setting.env_name in environ:
            value = _parse(setting, environ[setting.env_name], setting.env_name)
        else:
            value = setting.default_for(profile, settings)
        if value is None and not setting.optional:
            raise SettingsError(f"{setting.env_name} must be set. {setting.help}")
        if setting.name == "SECRET_KEY" and value == DEFAULT_SECRET_KEY:
            raise SettingsError(f"{setting.env_name} is the key once published in this repository, which anyone can "
                                "use to forge a session: unset it (the app makes its own) or set a random one.")
        settings[setting.name] = value
    settings.update(overrides)  # anything else a caller sets (e.g. SERVER_NAME in tests)
    settings["INSTANCE_PATH"] = Path(settings["INSTANCE_PATH"])
    settings["REMEMBER_COOKIE_SECURE"] = settings["SESSION_COOKIE_SECURE"]
    if profile == "production":
        check_production(settings)
    return settings


def check_production(settings: Mapping[str, Any]) -> None:
    """Refuse settings that would be unsafe with real people's data, one message naming what to set."""
    key = settings.get("SECRET_KEY")
    if not key or key == DEFAULT_SECRET_KEY or len(key) < 32:
        raise SettingsError(
            f"Production refuses to start with the default or a short secret key: set {PREFIX}SECRET_KEY to at "
            "least 32 random characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if settings["TASKS_MODE"] == "rq" and not settings.get("REDIS_URL"):
        raise SettingsError(f"Production runs background work on RQ: set {PREFIX}REDIS_URL to the Redis server.")
    if not settings["RATELIMIT_ENABLED"]:
        raise SettingsError(f"Production refuses to run without rate limits on sign-in and apply: remove "
                            f"{PREFIX}RATELIMIT_ENABLED=false.")
    if str(settings["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        raise SettingsError(
            f"Production refuses rate limits counted in each process's memory (every gunicorn worker would allow "
            f"the limit again): set {PREFIX}REDIS_URL, or {PREFIX}RATELIMIT_STORAGE_URI to a Redis URL.")
    if not settings.get("SMTP_HOST"):
        raise SettingsError(f"Production sends real mail: set {PREFIX}SMTP_HOST (and {PREFIX}SMTP_USERNAME, "
                            f"{PREFIX}SMTP_PASSWORD) to your mail server.")
    if settings["SMTP_SECURITY"] == "none":
        raise SettingsError(f"Production refuses to send mail unencrypted: set {PREFIX}SMTP_SECURITY to starttls "
                            "(port 587) or tls (port 465).")
    for name in ("SMTP_USERNAME", "SMTP_PASSWORD"):
        if not settings.get(name):
            raise SettingsError(f"Production signs in to the mail server: set {PREFIX}{name}.")
    if not settings.get("TRUSTED_HOSTS"):
        raise SettingsError(f"Production answers only to its own host names: set {PREFIX}TRUSTED_HOSTS "
                            "(e.g. jobs.example.org).")
    if settings.get("WEBHOOKS_ALLOW_LOCAL_HTTP"):
        raise SettingsError(f"Production refuses webhook endpoints on this machine or over plain http: remove "
                            f"{PREFIX}WEBHOOKS_ALLOW_LOCAL_HTTP.")
    # Plain http only on this machine (make run-full): anywhere else, sessions and links would cross the
    # network readable by anyone on the path.
    site = urlsplit(settings["SITE_URL"])
    on_this_machine = site.hostname in {"127.0.0.1", "localhost", "::1"}
    if site.scheme != "https" and not on_this_machine:
        raise SettingsError(f"Production serves people over HTTPS: set {PREFIX}SITE_URL to the https:// address.")
    if not settings["SESSION_COOKIE_SECURE"] and not on_this_machine:
        raise SettingsError(f"Production sends sign-in cookies over HTTPS only: remove {PREFIX}SECURE_COOKIES=false.")
    token = settings.get("METRICS_TOKEN")
    if token and len(token) < 24:
        raise SettingsError(f"{PREFIX}METRICS_TOKEN is too short: use at least 24 random characters.")


def markdown_table() -> str:
    """The settings as the table in docs/configuration.md."""

    def shown(setting: Setting, value: Any) -> str:
        if callable(value):  # a value made from other settings: its docstring, or the setting's own words
            return (value.__doc__ if value is not setting.default else None) or setting.default_text or "derived"
        if value is None:
            return "unset"
        if isinstance(value, Path):
            return f"`{value.relative_to(PROJECT_ROOT)}/`" if value.is_relative_to(PROJECT_ROOT) else f"`{value}`"
        return f"`{str(value).lower() if isinstance(value, bool) else value}`"

    rows = ["| variable | what it is for | value | default | production | test |", "|---|---|---|---|---|---|"]
    for s in SETTINGS:
        production, test = (shown(s, s.profiles[p]) if p in s.profiles else "same" for p in ("production", "test"))
        rows.append(f"| `{s.env_name}` | {s.help} | {(s.parse.__doc__ or 'text').strip()} | {shown(s, s.default)} | "
                    f"{production} | {test} |")
    return "\n".join(rows)

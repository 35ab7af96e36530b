"""Configuration classes, read from environment variables.

`create_app()` picks one by the COMMUNITY_CONFIG variable (development,
production or test); development is the default so that `make run` works on a
fresh machine with no settings at all.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

# Keys that are never acceptable in production, whatever their length.
WEAK_SECRET_KEYS = {"", "dev", "change-me", "changeme", "secret", "development", "test"}
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message says what to set."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def database_url(default: str) -> str:
    """DATABASE_URL, with plain postgres:// URLs pointed at the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL") or default
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict:
    """SQLAlchemy engine settings: a connection pool per app process on PostgreSQL.

    Each gunicorn worker holds its own pool, so the most connections one app
    server opens is workers × (DB_POOL_SIZE + DB_MAX_OVERFLOW); keep the total
    over every app server below PostgreSQL's max_connections.
    """
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        options.update(
            pool_size=_int("DB_POOL_SIZE", 5),
            max_overflow=_int("DB_MAX_OVERFLOW", 5),
            pool_recycle=_int("DB_POOL_RECYCLE_SECONDS", 1800),
            pool_timeout=_int("DB_POOL_TIMEOUT_SECONDS", 10),
        )
    return options


def _domains(value: str | None) -> frozenset[str]:
    return frozenset(d.strip().lower().lstrip("@") for d in (value or "").split(",") if d.strip())


class Config:
    TESTING = False
    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY", "")

    SQLALCHEMY_DATABASE_URI = database_url(f"sqlite:///{INSTANCE_DIR / 'community.db'}")
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    SQLITE_BUSY_TIMEOUT_MS = _int("SQLITE_BUSY_TIMEOUT_MS", 5000)
    # PostgreSQL: how long a statement waits for another transaction's row or table lock.
    DB_LOCK_TIMEOUT_MS = _int("DB_LOCK_TIMEOUT_MS", 5000)

    # Accounts
    # Email domains allowed to make accounts, with those administrators keep on the admin
    # pages (community/directory/email_domains.py says how they combine); while neither
    # lists any, any address may be used. EMAIL_DOMAIN_ALLOW_LIST=false: open pilots.
    ALLOWED_EMAIL_DOMAINS = _domains(os.environ.get("ALLOWED_EMAIL_DOMAINS"))
    EMAIL_DOMAIN_ALLOW_LIST = _bool("EMAIL_DOMAIN_ALLOW_LIST", True)
    # Who a refused address is told to ask to add their organisation's domain.
    SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "").strip()
    EMAIL_TOKEN_MAX_AGE = timedelta(hours=_int("EMAIL_TOKEN_MAX_AGE_HOURS", 48))
    RESET_TOKEN_MAX_AGE = timedelta(hours=2)
    SIGN_IN_LIMIT_PER_ACCOUNT = os.environ.get("SIGN_IN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    SIGN_IN_LIMIT_PER_ADDRESS = os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS", "20 per 15 minutes")
    REGISTER_LIMIT_PER_ADDRESS = os.environ.get("REGISTER_LIMIT_PER_ADDRESS", "10 per hour")
    # Threads and replies a member may post, across every discussion.
    POST_LIMIT_PER_MEMBER = os.environ.get("POST_LIMIT_PER_MEMBER", "20 per minute;300 per day")
    # Previews of a post being written (the editor asks after a pause in typing, or on a press).
    PREVIEW_LIMIT_PER_MEMBER = os.environ.get(
        "PREVIEW_LIMIT_PER_MEMBER", "30 per minute;1000 per day"
    )
    # Suggestions as a member types a name (GET /people/lookup): one request a keystroke or so.
    PEOPLE_LOOKUP_LIMIT_PER_MEMBER = os.environ.get(
        "PEOPLE_LOOKUP_LIMIT_PER_MEMBER", "60 per minute"
    )

    # Single sign-on by OpenID Connect (NHSmail: Microsoft Entra ID). Unset OIDC_ISSUER: no
    # button, and email and password is the only way in (docs/single-sign-on.md).
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip().rstrip("/")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "").strip() or "Sign in with NHSmail"

    # Sessions and cookies
    SESSION_COOKIE_NAME = "ic_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_NAME = "ic_remember"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Rate limits: memory on one machine, Redis when several app servers share them.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True

    # Email: sent through the outbox; SMTP when MAIL_SERVER is set, else logged.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Improvement Commons <no-reply@improvement-commons.invalid>"
    )
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 8)

    # How many proxies (nginx, a load balancer) stand in front and set X-Forwarded-For,
    # -Proto and -Host; 0 when the app server faces visitors directly.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # The public address every emailed link starts with (community/web/urls.py), whichever
    # host a request came in on. Production refuses to start without it; `make run` sets
    # it from its HOST and PORT; elsewhere it falls back to http://127.0.0.1:5000.
    SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    # New communities wait for a site administrator unless this is switched off.
    COMMUNITY_APPROVAL_REQUIRED = _bool("COMMUNITY_APPROVAL_REQUIRED", True)

    # The hour (UK time, 0-23) the daily digests go, and the weekly ones on Mondays; the
    # outbox watcher (`flask outbox send --watch`) sends them (community/notifications/digests.py).
    DIGEST_HOUR = _int("DIGEST_HOUR", 7)

    # Mentoring: an ask not answered in this many days expires (`flask mentoring expire-asks`).
    MENTORING_ASK_EXPIRY_DAYS = _int("MENTORING_ASK_EXPIRY_DAYS", 14)

    PER_PAGE = 25
    # How long each app process reuses the people directory's expertise counts.
    POPULAR_TAGS_CACHE_SECONDS = _int("POPULAR_TAGS_CACHE_SECONDS", 300)
    # How many rendered posts each app process keeps for thread pages (0: render every time).
    POST_CACHE_ENTRIES = _int("POST_CACHE_ENTRIES", 2000)
    # Caches that end with the content version (thread pages, lineage pages: see
    # community/caching) keep an entry until content is taken away or altered, and this
    # long at most (0: not kept) …
    KEPT_ANSWER_SECONDS = _int("KEPT_ANSWER_SECONDS", 60)
    # … and use it for this long after something new was added (0: not at all).
    NEW_CONTENT_WAIT_SECONDS = _int("NEW_CONTENT_WAIT_SECONDS", 15)
    # Caches switched off, by name (comma-separated, as in community/caching/stores.py):
    # to measure what each is worth.
    CACHES_OFF = frozenset(
        name.strip() for name in os.environ.get("CACHES_OFF", "").split(",") if name.strip()
    )
    # How long each app process reuses a request's ranking of suggested mentors (who may
    # be suggested is checked again on every view; 0: rank on every view).
    MENTOR_SUGGESTIONS_CACHE_SECONDS = _int("MENTOR_SUGGESTIONS_CACHE_SECONDS", 120)
    # How long each app process reuses who is ranked for a "who else is working on this"
    # panel (each piece of evidence is checked again whenever a panel is drawn; 0: rank
    # for every panel drawn).
    WORKING_ON_RANKING_SECONDS = _int("WORKING_ON_RANKING_SECONDS", 120)
    # Tell a new post's watchers once the reply's response has gone, not before it.
    NOTIFY_AFTER_RESPONSE = _bool("NOTIFY_AFTER_RESPONSE", True)

    # Files and images (community/files, docs/files.md).
    UPLOAD_MAX_MB = _int("UPLOAD_MAX_MB", 10)  # a file
    # Files on one post, method, project or PDSA cycle: one number for every kind of item
    # (UPLOAD_FILES_PER_POST, its name when only posts had files, is still read).
    UPLOAD_FILES_PER_ITEM = _int("UPLOAD_FILES_PER_ITEM", _int("UPLOAD_FILES_PER_POST", 5))
    UPLOAD_DAILY_QUOTA_MB = _int("UPLOAD_DAILY_QUOTA_MB", 50)  # a member, in any 24 hours
    # An image larger than this on either side is scaled down to it …
    UPLOAD_IMAGE_MAX_SIDE = _int("UPLOAD_IMAGE_MAX_SIDE", 2560)
    # … and one of more pixels than this is refused unopened (a decompression bomb).
    UPLOAD_IMAGE_MAX_PIXELS = _int("UPLOAD_IMAGE_MAX_PIXELS", 40_000_000)
    # A request may carry a full item's files (a bigger one is refused before it is read).
    MAX_CONTENT_LENGTH = (UPLOAD_MAX_MB * UPLOAD_FILES_PER_ITEM + 1) * 1024 * 1024
    FILES_STORAGE = os.environ.get("FILES_STORAGE", "local")  # or "s3"
    FILES_DIR = os.environ.get("FILES_DIR", str(INSTANCE_DIR / "files"))
    FILES_S3_BUCKET = os.environ.get("FILES_S3_BUCKET", "")
    FILES_S3_PREFIX = os.environ.get("FILES_S3_PREFIX", "")
    FILES_S3_ENDPOINT_URL = os.environ.get("FILES_S3_ENDPOINT_URL", "")
    FILES_S3_REGION = os.environ.get("FILES_S3_REGION", "")
    # "clamav" scans every upload with clamd (Debian's clamav-daemon) before it is served.
    FILES_SCANNER = os.environ.get("FILES_SCANNER", "")
    CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "/var/run/clamav/clamd.ctl")

    @classmethod
    def validate(cls) -> None:
        """Refuse settings that cannot run safely. Subclasses tighten it."""
        if not 0 <= cls.DIGEST_HOUR <= 23:
            raise ConfigError(
                f"DIGEST_HOUR is {cls.DIGEST_HOUR}: set it to an hour of the day, 0 to 23 "
                "(UK time), or leave it unset for 7am."
            )


class DevelopmentConfig(Config):
    @classmethod
    def load_secret_key(cls) -> str:
        """Use SECRET_KEY if set; otherwise make one once and keep it under instance/."""
        if cls.SECRET_KEY:
            return cls.SECRET_KEY
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key_file = INSTANCE_DIR / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


class TestConfig(Config):
    TESTING = True
    SITE_URL = ""  # links in tests' emails start with urls.DEFAULT_SITE_URL
    SECRET_KEY = "test-secret-key-that-is-only-used-by-the-test-suite"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = database_url("sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    WTF_CSRF_ENABLED = False  # tests that prove CSRF switch it back on
    SERVER_NAME = None
    MAIL_SERVER = ""
    ALLOWED_EMAIL_DOMAINS = frozenset()
    EMAIL_DOMAIN_ALLOW_LIST = True
    SUPPORT_EMAIL = ""
    OIDC_ISSUER = ""  # tests that sign in with NHSmail point it at a provider on loopback
    OIDC_CLIENT_ID = ""
    OIDC_CLIENT_SECRET = ""
    RATELIMIT_STORAGE_URI = "memory://"
    POPULAR_TAGS_CACHE_SECONDS = 0  # tests see every change at once
    NEW_CONTENT_WAIT_SECONDS = 0  # tests find what they add at once
    NOTIFY_AFTER_RESPONSE = False  # notifications are there when the service returns
    MENTOR_SUGGESTIONS_CACHE_SECONDS = 0
    WORKING_ON_RANKING_SECONDS = 0
    FILES_DIR = os.path.join(tempfile.gettempdir(), "ic-test-files")


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")

    @classmethod
    def validate(cls) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if key.strip().lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                "Production needs a strong SECRET_KEY: set the SECRET_KEY environment "
                f"variable to a random value of at least {MIN_SECRET_KEY_LENGTH} characters, "
                'for example the output of: python3 -c "import secrets; '
                'print(secrets.token_urlsafe(48))"'
            )
        super().validate()
        if _bool("FLASK_DEBUG"):
            raise ConfigError("Production refuses to run in debug mode: unset FLASK_DEBUG.")
        site = os.environ.get("SITE_URL", "").strip()
        parts = urlsplit(site)
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
            raise ConfigError(
                "Production needs SITE_URL, the public address every emailed link starts "
                "with: set the SITE_URL environment variable to it, for example "
                f"SITE_URL=https://improvement.example.org (it is {site!r})."
            )


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "test": TestConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("COMMUNITY_CONFIG", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise ConfigError(
            f"COMMUNITY_CONFIG={name!r} is not one of: {', '.join(CONFIGS)}."
        ) from None

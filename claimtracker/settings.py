"""Settings for claimtracker: one module, configured from the environment.

Development defaults are safe: with no environment at all, debug is off and start-up
stops until DJANGO_SECRET_KEY is set. `make run` and `make test` set DJANGO_DEBUG=1.
Every variable read here is listed in docs/operations.md, "Configuration".
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from claims.domain import vocabulary

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Return the environment variable `name` read as a yes/no flag."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Return the comma-separated environment variable `name` as a list."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value in "
            "production, for instance the output of "
            '`python -c "import secrets; print(secrets.token_urlsafe(50))"`, '
            "or set DJANGO_DEBUG=1 for local development."
        )
    # Only ever used with DJANGO_DEBUG=1, on a developer's own machine.
    SECRET_KEY = "django-insecure-development-only-key-not-for-production"
elif not DEBUG and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use at least 50 random characters, e.g. "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # intcomma: the job page's row counts read "100,000".
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "csp",
    "axes",
    # Background jobs (docs/jobs.md): Django's tasks API
    # through the backport, and its database queue, which needs no broker on either
    # engine.
    # claims.jobs comes before django_tasks_db so that its `db_worker` (which waits
    # out a busy SQLite database instead of exiting) is the one manage.py runs.
    "claims.jobs",
    "django_tasks",
    "django_tasks_db",
    "sources",
    "claims",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer load balancers' probes, which come by address
    # over plain HTTP, before the host check and the HTTPS redirect (claims/health.py).
    "claims.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that a 400 answered by a later middleware (a disallowed host, a bad
    # cookie) carries the policy too.
    "csp.middleware.CSPMiddleware",
    # Compresses pages, JSON, CSV and feeds (whitenoise serves static files
    # precompressed, before this). It pads each response against BREACH:
    # docs/scaling.md, "Compression".
    "django.middleware.gzip.GZipMiddleware",
    # Readers' queries on PostgreSQL run under a statement timeout; one that runs
    # longer answers a 503 page, not a killed worker (docs/operations.md).
    "claims.reader.timeouts.StatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change in the django-simple-history tables, including
    # changes saved through admin inlines.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes counts failed logins before Django checks the password (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "claimtracker.urls"
WSGI_APPLICATION = "claimtracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # `personal`: base.html reads the user and messages only for visitors
                # with a session, so anonymous pages carry no `Vary: Cookie`.
                "claims.http_cache.personal",
            ],
            # The readers' template tags live with the reader pages (claims/reader/),
            # not in an app-level templatetags package.
            "libraries": {
                "claims_tags": "claims.reader.templatetags",
                "chart_tags": "claims.reader.chart_tags",
                "figure_tags": "claims.reader.figure_tags",
            },
        },
    },
]

# SQLite in the project directory unless DATABASE_URL names another database;
# postgres://... selects PostgreSQL through psycopg 3.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fast by default (docs/operations.md, "Database connections"): opening a
    # PostgreSQL connection costs more than serving a cached page, so each process
    # keeps its connections. CLAIMTRACKER_DB_POOL=N gives each process a psycopg pool
    # of at most N connections shared by its threads instead (Django's pool refuses
    # persistent connections beside it); behind PgBouncer set DJANGO_CONN_MAX_AGE=0.
    DB_POOL_SIZE = int(os.environ.get("CLAIMTRACKER_DB_POOL", "0"))
    if DB_POOL_SIZE > 0:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": 10,
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = int(
            os.environ.get("DJANGO_CONN_MAX_AGE", "60")
        )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(
        os.environ.get("DJANGO_CONN_MAX_AGE", "0")
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a handful of concurrent writers (docs/operations.md,
    # "Writers at once"): WAL lets readers go on during a write; a write transaction
    # takes the write lock when it begins (IMMEDIATE), so writers queue for it
    # instead of failing half-way with "database is locked"; and a writer waits up
    # to CLAIMTRACKER_SQLITE_TIMEOUT seconds for its turn.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("CLAIMTRACKER_SQLITE_TIMEOUT", "30")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not memory: concurrent connections to an in-memory database
    # fail with SQLITE_LOCKED, which no timeout retries.
    # One file per test process, so that two runs in one folder do not collide.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "claimtracker.cache.RedisCache",  # one client per server
            "LOCATION": REDIS_URL,
            # Lets several deployments (or test runs) share one Redis database.
            "KEY_PREFIX": os.environ.get("CLAIMTRACKER_CACHE_PREFIX", ""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How many proxies (a load balancer, a CDN) stand in front of the app and append the
# address they saw to X-Forwarded-For. 0: the connection's own address is the client.
# The limits below and DRF's throttles (NUM_PROXIES) read the client from it.
CLAIMTRACKER_TRUSTED_PROXIES = int(os.environ.get("CLAIMTRACKER_TRUSTED_PROXIES", "0"))

# Per-client limits (docs/traffic.md, "Limits"): the API, and the reader views
# that cost a render each (search, a claim as of a date or with chart options, the
# chart download, the exports). Counted in the default cache: shared by every process
# with Redis, per process with local memory. CLAIMTRACKER_LIMITS=0 lifts them all
# (`make bench` does, to measure the pages rather than the limits).
CLAIMTRACKER_LIMITS = env_bool("CLAIMTRACKER_LIMITS", default=True)
CLAIMTRACKER_LIMIT_RATES = {
    "reader": os.environ.get("CLAIMTRACKER_LIMIT_READER", "60/minute"),
    "export": os.environ.get("CLAIMTRACKER_LIMIT_EXPORT", "20/minute"),
    "anon": os.environ.get("CLAIMTRACKER_LIMIT_API", "120/minute"),
    "user": os.environ.get("CLAIMTRACKER_LIMIT_API_USER", "600/minute"),
}

# How long browsers and shared caches (a CDN, a reverse proxy) may keep an anonymous
# reader's page, feed, download or API answer, and then serve it stale while they
# revalidate it with a conditional GET (docs/scaling.md, "HTTP caching").
CLAIMTRACKER_HTTP_MAX_AGE = int(os.environ.get("CLAIMTRACKER_HTTP_MAX_AGE", "60"))
CLAIMTRACKER_HTTP_STALE_WHILE_REVALIDATE = int(
    os.environ.get("CLAIMTRACKER_HTTP_STALE_WHILE_REVALIDATE", "300")
)

# Each query of a reader's request (GET or HEAD outside /admin/) on PostgreSQL is
# cancelled after this many milliseconds, and the reader gets a 503 with Retry-After
# (claims/reader/timeouts.py). Below the server's worker timeout; 0 turns it off.
# SQLite has no statement timeout, so there it does nothing.
CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS = int(
    os.environ.get("CLAIMTRACKER_READER_STATEMENT_TIMEOUT_MS", "5000")
)

# A reader's download (CSV or JSON) of more figures than this is refused with a
# message instead of streamed: a stream that outlasts the worker's timeout is cut
# mid-row. About 500 bytes a figure: 50,000 is some 25 MB, seconds to send.
CLAIMTRACKER_EXPORT_MAX_ROWS = int(
    os.environ.get("CLAIMTRACKER_EXPORT_MAX_ROWS", "50000")
)

# The claim list counts at most this many claims: past it, it says "more than"
# and pages on without a count, since a full count under some filters costs a
# probe per claim (claims/pagination.py). Not from the environment: tests
# lower it.
CLAIMTRACKER_LIST_COUNT_CAP = 1000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates are shown as “13 Oct 2025” and typed as YYYY-MM-DD everywhere, the admin
# included (claims/formats/).
FORMAT_MODULE_PATH = ["claims.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Archived document files (sources/archive.py): the local disk by default; an
# S3-compatible bucket (django-storages) when CLAIMTRACKER_ARCHIVE_BUCKET is set.
ARCHIVE_ROOT = Path(os.environ.get("CLAIMTRACKER_ARCHIVE_ROOT", BASE_DIR / "archive"))
if os.environ.get("CLAIMTRACKER_ARCHIVE_BUCKET"):
    ARCHIVE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["CLAIMTRACKER_ARCHIVE_BUCKET"],
            "endpoint_url": os.environ.get("CLAIMTRACKER_ARCHIVE_ENDPOINT") or None,
            "region_name": os.environ.get("CLAIMTRACKER_ARCHIVE_REGION") or None,
            # Content-addressed names never change: never rename, never overwrite.
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    ARCHIVE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": ARCHIVE_ROOT},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "archive": ARCHIVE_STORAGE,
    "staticfiles": {
        # Hashed, compressed files in production; the plain backend in development
        # and tests, which need no collectstatic run.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# Settings are read with DEBUG from the environment, before the test runner forces
# DEBUG off: development and tests serve static files from the apps, uncollected.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    # The API is read-only: its viewsets offer GET alone, to anyone.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # It serves everyone the same, so it takes no credentials at all: no session (and
    # no CSRF questions), no Basic auth to guess passwords through.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: DRF's browsable pages need inline styles, which the Content Security
    # Policy forbids; /api/docs/ (Swagger UI) is the way to explore the API.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Per-client limits, from CLAIMTRACKER_LIMIT_RATES at each request, in the shared
    # cache, for the client claims/limits.py names (docs/traffic.md, "Limits").
    "DEFAULT_THROTTLE_CLASSES": [
        "claims.api.throttles.AnonThrottle",
        "claims.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        scope: CLAIMTRACKER_LIMIT_RATES[scope] for scope in ("anon", "user")
    },
    "NUM_PROXIES": CLAIMTRACKER_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Claimtracker API",
    "DESCRIPTION": "Read-only access to claims, their sourced figures, sources and the "
    "editors' published judgements. Figures are decimals written as strings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The documentation page's files come from this site, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Each vocabulary is one enum of the schema, named here: several fields called
    # `kind` (of a figure, a source, a document) would otherwise get made-up names.
    "ENUM_NAME_OVERRIDES": {
        "FigureKindEnum": "claims.domain.vocabulary.FIGURE_KINDS",
        "DatePrecisionEnum": "claims.domain.vocabulary.DATE_PRECISIONS",
        "ClaimStatusEnum": "claims.domain.vocabulary.CLAIM_STATUSES",
        "DiscrepancyStateEnum": "claims.domain.vocabulary.DISCREPANCY_STATES",
        "SourceKindEnum": "sources.models.SourceKind",
        "DocumentKindEnum": "sources.models.DocumentKind",
    },
}

# The most rows one CSV import may hold, and the largest file the admin accepts. The
# upload is streamed to a temporary file, then to storage (MEDIA_ROOT/imports/); the
# preview and the import run as background jobs, not in the request.
CLAIMTRACKER_IMPORT_MAX_ROWS = int(
    os.environ.get("CLAIMTRACKER_IMPORT_MAX_ROWS", "200000")
)
CLAIMTRACKER_IMPORT_MAX_MB = int(os.environ.get("CLAIMTRACKER_IMPORT_MAX_MB", "200"))
# The processes an import (and its preview) starts to check its rows' quotes while
# it reads and checks the rest (claims/interchange/quotechecks.py); 0 checks them
# in the import's own process. One for each core but the import's own, at most
# two: the quote rule was half of an import's checks (issue 26), and each process
# holds about 23 MB. On two cores one helper did as well as two.
CLAIMTRACKER_IMPORT_PROCESSES = int(
    os.environ.get(
        "CLAIMTRACKER_IMPORT_PROCESSES", str(max(0, min(2, (os.cpu_count() or 1) - 1)))
    )
)

# Uploaded import files. No URL serves this folder: only the workers read it.
MEDIA_ROOT = Path(os.environ.get("CLAIMTRACKER_MEDIA_ROOT", BASE_DIR / "media"))

# Background jobs: one database queue, worked by `manage.py db_worker`
# (docs/jobs.md). A running job whose worker has not written
# its heartbeat for CLAIMTRACKER_JOB_STALE_MINUTES is marked failed by
# `manage.py sweep_jobs`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CLAIMTRACKER_JOB_STALE_MINUTES = int(
    os.environ.get("CLAIMTRACKER_JOB_STALE_MINUTES", "10")
)
# A running job writes its progress and heartbeat this often (seconds).
CLAIMTRACKER_JOB_PROGRESS_SECONDS = float(
    os.environ.get("CLAIMTRACKER_JOB_PROGRESS_SECONDS", "1")
)
# An import job waits this long for the import before it (another worker's) to end,
# then fails saying who is importing; imports take turns, site-wide.
CLAIMTRACKER_IMPORT_WAIT_MINUTES = int(
    os.environ.get("CLAIMTRACKER_IMPORT_WAIT_MINUTES", "60")
)
# /readyz fails when the oldest queued job has waited longer than this (the workers
# are down or swamped); 0 reports the queue's age without failing on it.
CLAIMTRACKER_READY_QUEUE_MINUTES = int(
    os.environ.get("CLAIMTRACKER_READY_QUEUE_MINUTES", "15")
)
# `sweep_jobs` deletes finished imports' uploads, and files under imports/ and
# exports/ that no job names, once they are this many days old.
CLAIMTRACKER_FILE_KEEP_DAYS = int(os.environ.get("CLAIMTRACKER_FILE_KEEP_DAYS", "30"))

# History rows say why a change was made ("Superseded: …", "Retracted: …"); these
# run past simple-history's default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGIN_URL = "admin:login"

# Two sources' current figures this far apart (the higher 1.5 times the lower) open a
# discrepancy for review; a claim can set its own threshold. The default is the
# domain's (claims/domain/vocabulary.py, Django-free, so safe to import here).
CLAIMTRACKER_DISCREPANCY_RATIO = (
    Decimal(os.environ["CLAIMTRACKER_DISCREPANCY_RATIO"])
    if "CLAIMTRACKER_DISCREPANCY_RATIO" in os.environ
    else vocabulary.DEFAULT_DISCREPANCY_RATIO
)

# With CLAIMTRACKER_TRUSTED_PROXIES (above) at 0, X-Forwarded-Proto is ignored (a
# visitor could send it) and a request is https only when it reaches the app over TLS
# (docs/traffic.md, "Behind a proxy"). Behind nginx or a load balancer that sets it
# (and overwrites the visitor's), set 1 or more. The page cache's key reads it too.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if CLAIMTRACKER_TRUSTED_PROXIES > 0 else None
)

# Production hardening: on whenever debug is off, so `check --deploy` passes.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): pages load scripts, styles, images and fonts
# from this site alone; no inline script or style, no plugins, no framing.
# The charts are inline SVG drawn with presentation attributes, which CSP allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI draws its icons from data: URLs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}


def _static_headers(headers, path, url):
    """Give static files the pages' policy: WhiteNoise answers them before any
    middleware, and an SVG opened on its own could otherwise run script."""
    from csp.utils import build_policy  # reads these settings, so not at the top

    headers["Content-Security-Policy"] = build_policy()


WHITENOISE_ADD_HEADERS_FUNCTION = _static_headers

# Login throttling (django-axes): after DJANGO_LOGIN_FAILURE_LIMIT failed logins for
# one username from one address, that pair is locked out for
# DJANGO_LOGIN_COOLOFF_MINUTES. `manage.py axes_reset` lifts every lockout.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    # django-axes tells of every login at INFO; lockouts come at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}

"""Project settings, read from the environment with safe development defaults."""

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from redis.connection import parse_url as parse_redis_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """Return the environment variable `name`, or `default` when it is unset."""
    return os.environ.get(name, default)


_YES = ("1", "true", "yes", "on")
_NO = ("0", "false", "no", "off", "")


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable: 1/true/yes/on or 0/false/no/off (or empty).

    Anything else stops the start: a typo such as DJANGO_DEBUG=ture must not quietly mean no.
    """
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is neither yes nor no: use one of {', '.join(_YES)} for yes, "
        f"or one of {', '.join(w for w in _NO if w)} (or leave it empty) for no."
    )


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable."""
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list without blanks."""
    return [part.strip() for part in env_str(name, default).split(",") if part.strip()]


_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def cache_settings(redis_url: str) -> dict[str, dict[str, Any]]:
    """CACHES for REDIS_URL: one Redis every process shares, or each process's own memory.

    A value that is not a Redis address stops the start. The message does not repeat it,
    as the address may carry the Redis password.
    """
    if not redis_url:
        # Per process: with several gunicorn workers each counts the status page's visitors
        # alone, so an address gets the limit once per worker.
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not redis_url.startswith(_REDIS_SCHEMES):
        raise ImproperlyConfigured(
            "REDIS_URL must start with redis://, rediss:// or unix:// "
            "(e.g. redis://127.0.0.1:6379/0); the value given does not."
        )
    try:
        parse_redis_url(redis_url)
    except ValueError as error:
        raise ImproperlyConfigured(f"REDIS_URL could not be read: {error}.") from error
    return {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": redis_url,
            # Another program's keys in the same Redis database are not ours to read or clash with.
            "KEY_PREFIX": "powdercoat",
            # A Redis that stopped answering costs a status page a second, not a hung worker:
            # the page is then served without counting (admin_views/views/status_page.py).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


######################################################################
# Core
######################################################################
DEBUG = env_bool("DJANGO_DEBUG", False)

# The development key is public (it is in the repository); config/wsgi.py and config/asgi.py
# refuse to serve with it when DEBUG is off, so production must set DJANGO_SECRET_KEY.
DEV_SECRET_KEY = "dev-only-insecure-key"
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Absolute address of this site, used in emails and in the QR codes printed on work orders.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The customer's status page (/s/<token>/) is public: asks per client address and minute
# before it answers 429. A customer reloads a few times; a guesser needs billions of tries.
# The counters live in Django's cache: shared through Redis when REDIS_URL is set (below).
STATUS_PAGE_RATE_LIMIT = env_int("STATUS_PAGE_RATE_LIMIT", 60)
# Photos on the page are separate requests: a page with a dozen photos, reloaded a few times.
STATUS_PAGE_PHOTO_RATE_LIMIT = env_int("STATUS_PAGE_PHOTO_RATE_LIMIT", 300)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

VAR_DIR = Path(env_str("DJANGO_VAR_DIR", str(BASE_DIR / "var")))

######################################################################
# Applications
######################################################################
INSTALLED_APPS = [
    # unfold's basic config leaves the admin site alone: ShopAdminConfig below brings its own
    # (unfold's site plus the item wizard and reports, admin_views/sites.py).
    "unfold.apps.BasicAppConfig",
    "unfold.contrib.filters",
    "unfold.contrib.inlines",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "admin_views.apps.ShopAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "import_export",
    "simple_history",
    "axes",
    # The email outbox's task queue; before powdercoat, whose admin hides its stock admin page.
    "django_tasks_db",
    "powdercoat",
    "admin_views",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "powdercoat.middleware.RejectNulBytesMiddleware",
    "powdercoat.middleware.ImpossibleInputMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "powdercoat.middleware.ShopTimezoneMiddleware",
    # Last, as axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

######################################################################
# Cache: the status page's counters; Redis when REDIS_URL is set, else per process
######################################################################
# Django's Redis backend increments a counter in one atomic step, so every gunicorn worker and
# every server sharing the Redis sees one count per address.
CACHES = cache_settings(env_str("REDIS_URL"))

######################################################################
# Database: SQLite under var/ unless DATABASE_URL says otherwise
######################################################################
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Give up on an unreachable server after a few seconds instead of hanging a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
    # No JIT compilation: it pays off for long analytic scans, not for pages. A report whose
    # estimated cost passed the threshold spent 1.2 s compiling a 0.3 s query (revenue, a
    # year at 100,000 jobs). DATABASE_PG_OPTIONS replaces it (say "" to keep the server's).
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", env_str("DATABASE_PG_OPTIONS", "-c jit=off")
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Wait for a busy writer instead of failing at once; WAL lets readers and a writer coexist.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # Tests get a real file, not Django's shared in-memory database, so the live server's
    # threads use connections of their own as in production. The process id keeps two test
    # runs on one checkout apart; Django deletes the file when the run ends.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"powdercoat-test-{os.getpid()}.sqlite3")
    }

######################################################################
# Authentication
######################################################################
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = reverse_lazy("admin:index")

######################################################################
# Login throttling (django-axes)
######################################################################
# The axes backend goes first: it refuses a locked login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Wrong passwords count per user name and address together: a guesser elsewhere cannot lock a
# person out of their own desk, and one login being guessed leaves colleagues' logins alone.
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# What was typed as the user name, cut to the longest a user name can be.
AXES_USERNAME_CALLABLE = "powdercoat.admin.logins.login_username"
# A locked login opens again on its own after this many minutes; 0 keeps it locked until the
# Administrator unlocks it (admin, Failed logins, or `manage.py axes_reset_username NAME`).
_LOGIN_COOLOFF_MINUTES = env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 60)
AXES_COOLOFF_TIME = timedelta(minutes=_LOGIN_COOLOFF_MINUTES) if _LOGIN_COOLOFF_MINUTES else None
# A person who gets their password right starts counting from zero again.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "powdercoat/login_locked.html"
AXES_HTTP_RESPONSE_CODE = 429
# Keep each refused try for the Administrator to read, even after an unlock clears the count.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# powdercoat/admin/logins.py shows these records in the unfold admin, Administrators only.
AXES_ENABLE_ADMIN = False
# Behind the TLS proxy every request arrives from the proxy, so all logins would share its
# address. DJANGO_TRUSTED_PROXY_COUNT says how many proxies in front of the app add to
# X-Forwarded-For (1 for the nginx or Caddy of the README); the client is the address the outermost
# of them saw, counted from the right, so whatever a client writes into the header itself is
# ignored. 0 (the default) trusts no header and uses the connection's own address.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    # ipware counts the hops listed after the client; the nearest proxy is the connection
    # itself, not an entry of the header.
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    # Strict mode would throw away a header with extra entries a client wrote itself; counting
    # from the right still finds the real client in it.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

######################################################################
# Localisation
######################################################################
LANGUAGE_CODE = "en-us"
# The default shop time zone; the Administrator can change it in Company settings.
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

######################################################################
# Static and uploaded files
######################################################################
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are served only to logged-in people (admin_views/views/media.py). Behind nginx,
# set this to an `internal` location aliased to MEDIA_ROOT (e.g. /protected-media/) and nginx
# sends the file after the app has checked the login; empty: the app streams it itself.
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: names with a content hash (collectstatic writes them and the manifest), so
    # browsers keep each file for ever and an upgrade still reaches them at once. Debug runs
    # use the plain names and need no collectstatic; so do the tests (tests/conftest.py).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

######################################################################
# Email
######################################################################
# Django 6.1 mailers. Development prints mail to the console; production sends through SMTP.
_SMTP = "django.core.mail.backends.smtp.EmailBackend"
_CONSOLE = "django.core.mail.backends.console.EmailBackend"
_EMAIL_BACKEND = env_str("EMAIL_BACKEND", _CONSOLE if DEBUG else _SMTP)
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        }
        if _EMAIL_BACKEND == _SMTP
        else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "shop@localhost")

######################################################################
# Background tasks (django.tasks): every email leaves through the outbox
######################################################################
# "database" (the default): tasks wait in the database until `manage.py db_worker`
# (django-tasks-db) runs them, so no page waits for the mail server. "immediate": a task runs
# in the process that enqueued it, right after the commit (the tests use this).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": ["default"]}}

######################################################################
# Photo quote estimator (optional, off unless a URL is set; SPEC L6)
######################################################################
VISION_ESTIMATOR_URL = env_str("VISION_ESTIMATOR_URL", "")
VISION_ESTIMATOR_KEY = env_str("VISION_ESTIMATOR_KEY", "")
VISION_ESTIMATOR_TIMEOUT = env_int("VISION_ESTIMATOR_TIMEOUT", 10)

######################################################################
# Security (production)
######################################################################
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    # A load balancer probes the health check over plain HTTP, behind the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Off unless asked for: preloading is hard to undo, and it is the owner's choice to make.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Not an oversight: preloading is opt-in (DJANGO_HSTS_PRELOAD=1), so don't nag.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True

######################################################################
# Content-Security-Policy (every environment, so tests run under it)
######################################################################
# Scripts and styles only from this site. No page has an inline <script>; Alpine.js (unfold's
# dialogs and tabs) evaluates its x-… attributes, which needs 'unsafe-eval', and swatches and
# unfold use style="…" attributes, which need 'unsafe-inline' for styles. Nothing may be sent
# to, framed by or loaded from another site.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

######################################################################
# Spreadsheets (django-import-export, SPEC X)
######################################################################
# Every import runs in one transaction: a file with any bad row imports no row at all.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# A control character in some text must not break an Excel export.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
# Uploads above this size are refused before they are read (Django's own limits skip files).
SPREADSHEET_MAX_MB = env_int("SPREADSHEET_MAX_MB", 10)
SPREADSHEET_MAX_ROWS = env_int("SPREADSHEET_MAX_ROWS", 50_000)
# A file of more rows is checked and imported by the task worker, with a progress bar, so no
# web worker waits past its timeout (2,000 rows take about a second to check).
SPREADSHEET_BACKGROUND_ROWS = env_int("SPREADSHEET_BACKGROUND_ROWS", 2_000)
# An .xlsx is a zip: what it may unpack to, whatever its packed size.
SPREADSHEET_MAX_UNPACKED_MB = env_int("SPREADSHEET_MAX_UNPACKED_MB", 100)
# Uploaded files wait here between the preview and Confirm import (a day at most).
SPREADSHEET_PREVIEW_DIR = Path(
    env_str("SPREADSHEET_PREVIEW_DIR", str(VAR_DIR / "spreadsheet-previews"))
)

######################################################################
# Audit history
######################################################################
# History is for reading: reverting an old version would bypass the job state machine.
SIMPLE_HISTORY_REVERT_DISABLED = True

######################################################################
# Logging
######################################################################
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # The shop's own record (status moves, spreadsheet imports, PDF failures) reaches the
    # console at INFO whatever DJANGO_LOG_LEVEL quietens; it goes through the root's handler.
    "loggers": {"powdercoat": {"level": "INFO"}},
}

######################################################################
# Admin (django-unfold)
######################################################################


def _can(permission: str):
    """Sidebar permission callback: show the link only to users holding `permission`."""
    return lambda request: request.user.has_perm(permission)


def _changelist(model: str):
    return reverse_lazy(f"admin:powdercoat_{model}_changelist")


def _shop_display_link(request) -> str:
    """The shop TV's address with the current key (the link is shown to Administrators only)."""
    from powdercoat.addresses import shop_display_path
    from powdercoat.models import CompanySettings

    return shop_display_path(getattr(request, "company", None) or CompanySettings.load())


UNFOLD = {
    "SITE_TITLE": _("Powder Coat Shop"),
    "SITE_HEADER": _("Powder Coat Shop"),
    "SITE_SUBHEADER": _("Jobs from drop-off to pickup"),
    "SITE_SYMBOL": "format_paint",
    "SITE_URL": "/",
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    # ⌘K finds jobs, customers, quotes and invoices by number or name, a few of each.
    "COMMAND": {
        "search_models": False,
        "search_callback": "powdercoat.admin.command_search.command_search",
        "show_history": False,
    },
    "STYLES": [
        lambda request: static("powdercoat/badges.css"),
        lambda request: static("powdercoat/admin.css"),
    ],
    "SCRIPTS": [
        lambda request: static("powdercoat/forms.js"),
    ],
    "COLORS": {
        "primary": {
            "50": "oklch(97.7% .014 308.299)",
            "100": "oklch(94.6% .033 307.174)",
            "200": "oklch(90.2% .063 306.703)",
            "300": "oklch(82.7% .119 306.383)",
            "400": "oklch(71.4% .203 305.504)",
            "500": "oklch(62.7% .265 303.9)",
            "600": "oklch(55.8% .288 302.321)",
            "700": "oklch(49.6% .265 301.924)",
            "800": "oklch(43.8% .218 303.724)",
            "900": "oklch(38.1% .176 304.987)",
            "950": "oklch(29.1% .149 302.717)",
        },
    },
    "TABS": "powdercoat.admin.navigation.tabs",
    "DASHBOARD_CALLBACK": "powdercoat.admin.dashboard.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": [
            {
                "title": _("Operations"),
                "items": [
                    {
                        "title": _("Dashboard"),
                        "icon": "dashboard",
                        "link": reverse_lazy("admin:index"),
                    },
                    {
                        "title": _("Jobs"),
                        "icon": "work",
                        "link": _changelist("job"),
                        "permission": _can("powdercoat.view_job"),
                    },
                    {
                        "title": _("Job templates"),
                        "icon": "content_copy",
                        "link": _changelist("jobtemplate"),
                        "permission": _can("powdercoat.view_jobtemplate"),
                    },
                    {
                        "title": _("Quotes"),
                        "icon": "request_quote",
                        "link": _changelist("quote"),
                        "permission": _can("powdercoat.view_quote"),
                    },
                    {
                        "title": _("Invoices"),
                        "icon": "receipt",
                        "link": _changelist("invoice"),
                        "permission": _can("powdercoat.view_invoice"),
                    },
                    {
                        "title": _("Customers"),
                        "icon": "groups",
                        "link": _changelist("customer"),
                        "permission": _can("powdercoat.view_customer"),
                    },
                    {
                        "title": _("Workers"),
                        "icon": "engineering",
                        "link": _changelist("worker"),
                        "permission": _can("powdercoat.view_worker"),
                    },
                    {
                        "title": _("Rework"),
                        "icon": "build",
                        "link": _changelist("reworkrecord"),
                        "permission": _can("powdercoat.view_reworkrecord"),
                    },
                    {
                        "title": _("Reports"),
                        "icon": "monitoring",
                        "link": reverse_lazy("admin:reports"),
                        "permission": _can("powdercoat.view_job"),
                    },
                ],
            },
            {
                "title": _("Shop floor"),
                "items": [
                    {
                        "title": _("Priority board"),
                        "icon": "view_kanban",
                        "link": reverse_lazy("admin_views:priority_board"),
                        "permission": _can("powdercoat.view_job"),
                    },
                    {
                        "title": _("Oven plan"),
                        "icon": "local_fire_department",
                        "link": reverse_lazy("admin_views:oven_plan"),
                        "permission": _can("powdercoat.view_job"),
                    },
                    {
                        "title": _("Phone view"),
                        "icon": "smartphone",
                        "link": reverse_lazy("admin_views:shop_mobile"),
                        "permission": _can("powdercoat.view_job"),
                    },
                    {
                        "title": _("Shop display"),
                        "icon": "tv",
                        "link": _shop_display_link,
                        "link_attrs": {"target": "_blank", "rel": "noreferrer"},
                        "permission": _can("powdercoat.change_companysettings"),
                    },
                ],
            },
            {
                "title": _("Inventory"),
                "items": [
                    {
                        "title": _("Items"),
                        "icon": "inventory_2",
                        "link": _changelist("inventoryitem"),
                        "permission": _can("powdercoat.view_inventoryitem"),
                    },
                    {
                        "title": _("Activity"),
                        "icon": "receipt_long",
                        "link": _changelist("inventoryactivity"),
                        "permission": _can("powdercoat.view_inventoryactivity"),
                    },
                    {
                        "title": _("Powder demand"),
                        "icon": "monitoring",
                        "link": reverse_lazy("admin:powdercoat_inventoryitem_demand"),
                        "permission": _can("powdercoat.view_inventoryitem"),
                    },
                    {
                        "title": _("Prep services"),
                        "icon": "cleaning_services",
                        "link": _changelist("prepservice"),
                        "permission": _can("powdercoat.view_prepservice"),
                    },
                ],
            },
            {
                "title": _("Catalog"),
                "items": [
                    {
                        "title": _("Products"),
                        "icon": "category",
                        "link": _changelist("catalogproduct"),
                        "permission": _can("powdercoat.view_catalogproduct"),
                    },
                ],
            },
            {
                "title": _("Settings"),
                "items": [
                    {
                        "title": _("Company settings"),
                        "icon": "storefront",
                        "link": _changelist("companysettings"),
                        "permission": _can("powdercoat.change_companysettings"),
                    },
                    {
                        "title": _("Ovens"),
                        "icon": "local_fire_department",
                        "link": _changelist("oven"),
                        "permission": _can("powdercoat.view_oven"),
                    },
                    {
                        "title": _("Users"),
                        "icon": "person",
                        "link": reverse_lazy("admin:auth_user_changelist"),
                        "permission": _can("auth.view_user"),
                    },
                    {
                        "title": _("Roles"),
                        "icon": "shield_person",
                        "link": reverse_lazy("admin:auth_group_changelist"),
                        "permission": _can("auth.view_group"),
                    },
                    {
                        "title": _("Failed logins"),
                        "icon": "lock_person",
                        "link": reverse_lazy("admin:axes_accessattempt_changelist"),
                        "permission": _can("axes.view_accessattempt"),
                    },
                ],
            },
        ],
    },
}

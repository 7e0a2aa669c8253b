"""Settings for yijian, read from the environment.

DATABASE_URL   SQLite file by default (db.sqlite3 beside manage.py); postgres://… in production and CI
SECRET_KEY     required when DEBUG is off
DEBUG          "1"/"true" to enable; off unless set (scripts/setup and scripts/serve set DEBUG=1 for the demo and
               say so; the tests use yijian.test_settings). README "Production settings" lists the rest:
               SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, SECURE_HSTS_INCLUDE_SUBDOMAINS, SECURE_HSTS_PRELOAD,
               BEHIND_PROXY, SECURE_COOKIES, CSRF_TRUSTED_ORIGINS
ALLOWED_HOSTS  comma-separated
YIJIAN_NOTIFICATION_SENDER  dotted path of the SMS sender (default: log to the console)
YIJIAN_PUBLIC_URL  the address citizens reach the platform at (default http://127.0.0.1:8000): QR codes on
                   guides, receipts, decisions and e-licences point there
YIJIAN_TASKS_BACKEND  the background task backend: "database" (default: the queue is a table, run by `manage.py
                      db_worker`), "rq" (Redis and RQ: `manage.py rqworker --job-class django_tasks_rq.Job`), or a
                      dotted backend path; the test suite runs tasks at once (conftest.py) except where it tests the
                      queue itself (`pytest -m tasks`, on the backend named here)
YIJIAN_REDIS_URL  the Redis of the RQ backend (default redis://127.0.0.1:6379/0)
YIJIAN_STORAGE    where materials and stored PDFs live: "local" (default: MEDIA_ROOT) or "s3" (YIJIAN_S3_*)
DATABASE_REPLICA_URL  a read replica of DATABASE_URL: the supervision pages read from it (core.routers)
YIJIAN_STATIC_ROOT  where `collectstatic` puts the static files WhiteNoise serves (default staticfiles/)
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (the demo: DEBUG=1 or scripts/serve).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

# Keys that encrypt personal data at rest (core.crypto: ID numbers, mobiles, bank accounts): base64url 64-byte keys,
# comma-separated, the encrypting one first (`manage.py rotate_field_keys --new-key` makes one; rotation: README).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k.strip()]
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be set when DEBUG is off (README: Production settings).")
    import base64
    import hashlib

    # the demo's key, derived from its (insecure) secret key: fine for a laptop, never for real data
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(hashlib.sha512(b"field-encryption:" + SECRET_KEY.encode()).digest()).decode()
    ]

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "core",
    "regions",
    "accounts",
    "catalog",
    "workcalendar",
    "guidance",
    "shareddata",
    "oneform",
    "materials",
    "cases",
    "approvals",
    "results",
    "documents",
    "evaluation",
    "supervision",
    "notifications",
    "guides",
    "axes",  # login throttling and lockout (README "Production settings": LOGIN_*)
    "django_otp",  # second factor for staff (TOTP), required for system administrators
    "django_otp.plugins.otp_totp",
    "django_tasks",  # Django's task API (django.tasks from Django 6.0), backported
    "django_tasks_db",  # its database backend: the queue is a table, `manage.py db_worker` runs it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.StaffSessionMiddleware",  # idle timeout and the second factor (accounts/middleware.py)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (CONTENT_SECURITY_POLICY below)
    "core.middleware.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the Chinese lockout page (HTTP 429)
]

ROOT_URLCONF = "yijian.urls"

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
                "django.template.context_processors.i18n",
                "workcalendar.context_processors.calendar_warning_banner",
                "core.display.display",  # 长辈模式
            ],
        },
    },
]

WSGI_APPLICATION = "yijian.wsgi.application"

# CONN_MAX_AGE: seconds a worker keeps its database connection (0: one per request). >0 straight to PostgreSQL
# (a connection costs a process fork there), 0 behind PgBouncer (README "Deployment"); checked before reuse.
CONN_MAX_AGE = int(os.environ.get("CONN_MAX_AGE", "0"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=CONN_MAX_AGE > 0,
    )
}
# Behind PgBouncer in transaction pooling a connection is someone else's after each transaction: no server-side
# cursors (they live across transactions) and CONN_MAX_AGE=0 (README "Deployment").
if env_bool("PGBOUNCER", default=False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# A read replica (streaming replication of the primary): reads that tolerate a little lag — the supervision pages,
# marked with core.routers.replica_reads — go there; every write, and every read inside a transaction, goes to the
# primary (core.routers.ReplicaRouter).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_MAX_AGE > 0
    )
    if env_bool("PGBOUNCER", default=False):
        DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]
# The alias replica reads go to (None: none configured, everything reads the primary), and the apps whose models
# may be read there. Accounts, sessions, permissions and login throttling always read the primary: a role just
# revoked, or a session just opened, must not be missed because of replication lag.
REPLICA_DATABASE = "replica" if "replica" in DATABASES else None
REPLICA_APPS = [
    "regions",
    "catalog",
    "workcalendar",
    "cases",
    "approvals",
    "results",
    "documents",
    "materials",
    "supervision",
]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing at once. IMMEDIATE: a transaction takes the write lock when it
    # begins, so that it waits (up to the timeout) rather than failing with "database is locked" when it would
    # otherwise have to upgrade a read lock while another connection writes (the server and the background worker
    # write at the same time).
    DATABASES["default"].setdefault("OPTIONS", {}).update(timeout=20, transaction_mode="IMMEDIATE")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "display_name", "email")},
    },
    {"NAME": "accounts.password_validation.PersonalDataValidator"},  # own ID number, mobile, credit code
    {"NAME": "accounts.password_validation.SimplePatternValidator"},  # 111111, 123456, abcdef, qwerty…
]
# Login protection (等保2.0 身份鉴别): after LOGIN_FAILURE_LIMIT wrong passwords for one account, or from one address,
# further attempts are refused for LOGIN_LOCKOUT_MINUTES (the site's and the admin's login alike); a system
# administrator unlocks earlier in the admin (Axes › access attempts) or with `manage.py axes_reset_username <name>` /
# `axes_reset_ip <address>`. The address is the one the server saw (core.http.client_ip).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "30")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account and per address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip_for_axes"
AXES_VERBOSE = False
# Staff sessions end after this many minutes without a request (applicants' sessions keep Django's default).
STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
# A second factor (TOTP app) is optional for staff, who turn it on under "Account security"; system administrators
# cannot use the platform without one (they set it up at their first login).
OTP_REQUIRED_FOR_SUPERUSERS = env_bool("OTP_REQUIRED_FOR_SUPERUSERS", default=True)
OTP_TOTP_ISSUER = "yijian 一件"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:index"
LOGOUT_REDIRECT_URL = "catalog:index"

LANGUAGE_CODE = "zh-hans"  # the UI is Simplified Chinese whatever the browser asks for
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("YIJIAN_STATIC_ROOT", BASE_DIR / "staticfiles"))  # `collectstatic` fills it
WHITENOISE_USE_FINDERS = DEBUG  # serve straight from static/ in development

MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"  # uploaded materials; git-ignored
# Files go through Django's storage API: "default" holds the materials (materials.Upload, case materials, supplement
# answers), "pdfs" the stored case documents and e-licences (core.pdf). Neither is served by a URL: the views hand
# files out after their permission check. Locally both live under MEDIA_ROOT (the PDFs in MEDIA_ROOT/pdfs, 0600, in
# 0700 directories, written whole: core.storage.StoredPdfStorage); YIJIAN_STORAGE=s3 puts both in one private
# bucket of an S3-compatible object store (django-storages; MinIO, Ceph, a cloud's OSS/COS), under materials/ and
# pdfs/ (README "Deployment").
STATICFILES_STORAGE_SETTING = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


def s3_storages(bucket: str, **options) -> dict:
    """STORAGES for one private bucket of an S3-compatible store: materials under materials/, PDFs under pdfs/."""
    s3 = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,  # no public URL: a URL, if one is ever asked for, is signed and expires
        "file_overwrite": False,
        **options,
    }
    return {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**s3, "location": "materials"}},
        "pdfs": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**s3, "location": "pdfs"}},
        "staticfiles": STATICFILES_STORAGE_SETTING,
    }


STORAGE_KIND = os.environ.get("YIJIAN_STORAGE", "local")
if STORAGE_KIND == "s3":
    STORAGES = s3_storages(
        os.environ.get("YIJIAN_S3_BUCKET", "yijian"),
        endpoint_url=os.environ.get("YIJIAN_S3_ENDPOINT_URL") or None,  # MinIO, Ceph, a cloud's OSS/COS
        region_name=os.environ.get("YIJIAN_S3_REGION") or None,
        access_key=os.environ.get("YIJIAN_S3_ACCESS_KEY") or None,  # else boto3's own (AWS_* variables, roles)
        secret_key=os.environ.get("YIJIAN_S3_SECRET_KEY") or None,
        addressing_style=os.environ.get("YIJIAN_S3_ADDRESSING_STYLE", "path"),
    )
elif STORAGE_KIND == "local":
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "pdfs": {"BACKEND": "core.storage.StoredPdfStorage"},
        "staticfiles": STATICFILES_STORAGE_SETTING,
    }
else:
    raise ImproperlyConfigured(f"YIJIAN_STORAGE must be local or s3, not {STORAGE_KIND!r}.")
# What users may send: uploaded materials (materials.services.check_file, materials.filecheck) and Excel imports
# of one-thing lists (catalog.excel.ImportLimits); past a limit the file is refused with a message naming it.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_IMAGE_PIXELS = 40_000_000
EXCEL_IMPORT_MAX_ROWS = 5000
EXCEL_IMPORT_MAX_COLUMNS = 60
EXCEL_IMPORT_MAX_CELLS = 200_000
EXCEL_IMPORT_MAX_SECONDS = 20
# PDFs of frozen documents (published guides) laid out once (core.pdf.html_to_pdf_cached); may be emptied any time
PDF_CACHE_DIR = Path(os.environ.get("YIJIAN_PDF_CACHE_DIR", BASE_DIR / "cache" / "pdf"))  # git-ignored
# Case documents and e-licences are rendered in the background once the change that issues them commits and kept
# under MEDIA_ROOT/pdfs/ (documents.rendering, results.documents); off, the first download renders and stores them.
PRERENDER_PDFS = env_bool("YIJIAN_PRERENDER_PDFS", default=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Where the seed catalog lives (YAML files, see docs/catalog-data.md).
CATALOG_DATA_DIR = BASE_DIR / "data"

# Shared-data sources (人口库, 市场主体库, 电子证照库): a shareddata.sources.SharedDataSource subclass.
# The default reads the demo registries (manage.py load_demo_shared_data); set an adapter for the real exchange.
SHARED_DATA_SOURCE = os.environ.get("SHARED_DATA_SOURCE", "shareddata.sources.LocalDemoSource")

# Office hours of the service halls (办公时间), on every working day of workcalendar (including 调休 Saturdays and
# Sundays). The hour clocks count only this time: 2 hours for the formal review of an online application and for
# scanning paper materials after intake (seeds 003/004). Override as YIJIAN_OFFICE_HOURS="09:00-12:00,13:00-17:00".
OFFICE_HOURS = tuple(
    tuple(part.strip() for part in span.split("-", 1))
    for span in os.environ.get("YIJIAN_OFFICE_HOURS", "09:00-12:00,13:00-17:00").split(",")
    if span.strip()
)
# Deadline clocks (workcalendar/clocks.py) turn to 预警: day-based limits this many working days ahead,
# hour-based limits (the 2-hour clocks) this many working minutes ahead.
CLOCK_WARNING_WORKING_DAYS = 1

# 好差评 and complaints (evaluation/rules.py): working days to verify a 差评, to rectify or explain it, to answer a
# complaint; how long the window's rating screen and the SMS rating link stay valid
RATING_VERIFY_WORKDAYS = int(os.environ.get("YIJIAN_RATING_VERIFY_WORKDAYS", "1"))
RATING_ANSWER_WORKDAYS = int(os.environ.get("YIJIAN_RATING_ANSWER_WORKDAYS", "5"))
COMPLAINT_ANSWER_WORKDAYS = int(os.environ.get("YIJIAN_COMPLAINT_ANSWER_WORKDAYS", "5"))
RATING_TABLET_MINUTES = int(os.environ.get("YIJIAN_RATING_TABLET_MINUTES", "15"))
RATING_SMS_LINK_DAYS = int(os.environ.get("YIJIAN_RATING_SMS_LINK_DAYS", "30"))
CLOCK_WARNING_WORKING_MINUTES = 30
# The departments' 1-working-day acceptance limit (受理) falls due at a closing time: warn this many working hours
# ahead, so that a reviewer still has the time to act (the 30-minute default is for the 2-hour clocks).
CLOCK_WARNING_ACCEPTANCE_WORKING_MINUTES = 120

# Notifications (notifications app): the sender that delivers SMS, a notifications.senders.Sender subclass. The
# default writes each message to the log ("yijian.outbox", on the console) instead of sending it.
# QR codes on paper point here; the printed documents outlive any request, so this is a setting, not request.host.
PUBLIC_URL = os.environ.get("YIJIAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

NOTIFICATION_SENDER = os.environ.get("YIJIAN_NOTIFICATION_SENDER", "notifications.senders.ConsoleSender")
# The developer outbox (/notifications/outbox/) exists only while DEBUG is on, for system administrators, and never
# shows login codes (notifications.views.outbox); the console sender logs no codes, identity or mobile numbers.

# Background work (README "Background work"): Django's task API through the django-tasks backport. The default
# backend keeps the queue in the database (django_tasks_db) and `manage.py db_worker` runs it; `manage.py
# run_periodic` enqueues the PERIODIC_TASKS. Another backend (django_tasks_rq.RQBackend with Redis) needs no change
# to the task code. The tests run every task at once (ImmediateBackend, set in conftest.py).
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = TASK_BACKENDS.get(os.environ.get("YIJIAN_TASKS_BACKEND", ""), "") or os.environ.get(
    "YIJIAN_TASKS_BACKEND", TASK_BACKENDS["database"]
)
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
# Redis and RQ (YIJIAN_TASKS_BACKEND=rq): the queue lives in Redis and `manage.py rqworker --job-class
# django_tasks_rq.Job` runs it (scripts/serve --production starts them). Tasks past their DEFAULT_TIMEOUT are killed.
RQ_QUEUES = {"default": {"URL": os.environ.get("YIJIAN_REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 600}}
if TASKS_BACKEND.startswith("django_tasks_rq."):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
# Every save of a status field checked against its state table (core/statemachine.py): on in development and in
# the tests (test_settings), where a code path that changes a status behind its table's back fails.
STATE_GUARD = DEBUG
# Task (dotted path to a @task) -> seconds between runs; enqueued by `manage.py run_periodic`.
PERIODIC_TASKS = {
    "approvals.tasks.scan_deadlines": 60,
    "cases.tasks.scan_review_clocks": 60,
    "supervision.tasks.scan_escalations": 300,
    "notifications.tasks.retry_messages": 60,
}
# 督办 (supervision.scans): an item overdue by this many working days is escalated automatically to its department's
# head and the region's supervisors (once; again only after the earlier one was answered or closed).
SUPERVISION_ESCALATE_AFTER_WORKDAYS = int(os.environ.get("YIJIAN_ESCALATE_AFTER_WORKDAYS", "2"))
# The outbox (notifications.services): an SMS the gateway refused is retried after OUTBOX_RETRY_SECONDS, doubling
# each time (1, 2, 4, 8 min), and marked undeliverable after OUTBOX_MAX_ATTEMPTS; one still queued after
# OUTBOX_STALE_SECONDS was never handed to the worker and is sent by the retry sweep.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("YIJIAN_OUTBOX_MAX_ATTEMPTS", "5"))
OUTBOX_RETRY_SECONDS = int(os.environ.get("YIJIAN_OUTBOX_RETRY_SECONDS", "60"))
OUTBOX_STALE_SECONDS = int(os.environ.get("YIJIAN_OUTBOX_STALE_SECONDS", "120"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"yijian": {"handlers": ["console"], "level": "INFO"}},
}

# Security (README "Production settings"; `manage.py check --deploy` is clean with them). Without DEBUG the platform
# assumes HTTPS: cookies only over HTTPS, HTTP redirected, HSTS. Behind a reverse proxy that terminates TLS set
# BEHIND_PROXY=1 so that its X-Forwarded-Proto tells Django the request was secure.
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy (django-csp): only this site's own files run or load; no inline script, no eval (htmx is
# configured without eval and without injected styles in templates/base.html), no inline <style> element. Style
# attributes stay allowed (style-src-attr): the guides' SVG flowcharts size themselves with one.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (core.middleware.PermissionsPolicyMiddleware): browser features no page of the platform uses.
PERMISSIONS_POLICY = {
    "camera": "()",
    "microphone": "()",
    "geolocation": "()",
    "payment": "()",
    "usb": "()",
    "serial": "()",
    "bluetooth": "()",
    "browsing-topics": "()",
}
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if env_bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

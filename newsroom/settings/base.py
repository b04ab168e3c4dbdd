"""
Newsroom settings, read from the environment.

Every variable is listed in `.env.example` and in the README. Development defaults are safe:
debug is off unless asked for, and with debug off a missing secret key or host list stops
start-up with one sentence saying what to set.
"""

import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local `.env` file is a convenience for development; the real environment wins over it.
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it in the environment (see .env.example), "
            "or set DEBUG=true for local development."
        )
    # Development only: never used with debug off (see the check above).
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set: list the site's host names, comma-separated "
            "(for example ALLOWED_HOSTS=news.example.org)."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -------------------------------------------------------------------------------

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin, with the project's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "axes",
    "captcha",
    "csp",
    "django_prose_editor",
    "imagekit",
    "reversion",
    "taggit",
    # The newsroom's own apps (README, "Architecture"); `newsroom/` itself is configuration.
    "desk",
    "photos",
    "articles",
    "comments",
    "donations",
    "pages",
    "staff",
    "operations",
    # The importer fills the apps above; nothing depends on it.
    "wordpress",
    # Background jobs: Django's tasks framework (its backport) and its database queue. After
    # `operations`, whose `db_worker` (retries, jobs of a dead worker taken back) wins.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First, so that it compresses what every other layer produced (text only: see the class).
    "newsroom.middleware.TextCompressionMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Uploads, like static files, before the session and language layers (SERVE_MEDIA).
    "operations.media.MediaMiddleware",
    "newsroom.middleware.ContentSecurityPolicyMiddleware",
    # A database outage answers a friendly 503 (keeping a comment being sent), never a 500.
    "operations.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After CSRF and authentication: an admin form posted once the session ended is kept.
    "desk.middleware.KeepPostAfterSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old WordPress addresses: looks only at 404s and WordPress's short links (/?p=12).
    "wordpress.middleware.WordPressRedirectMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE transactions take the write
    # lock up front so that two writers queue instead of failing with "database is locked"
    # when one of them upgrades its lock mid-transaction. They queue on a file lock rather than
    # SQLite's sleeps: Django's backend, wrapped in operations/sqlite/base.py.
    DATABASES["default"]["ENGINE"] = "operations.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Connections outlive a request: opening one costs more than most pages (PostgreSQL's handshake;
# SQLite reads the whole schema again on each new connection).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
            "OPTIONS": {
                # The cache is an optimisation: when Redis is down, pages are built from the
                # database instead of failing.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    # Without Redis, files on the local disk: unlike a local-memory cache they are shared by
    # every worker process of the server, so a change one worker makes (an approved comment, a
    # new section) drops the copies the others would serve.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": env.int("CACHE_MAX_ENTRIES", default=5000)},
        }
    }

# A session (a reader who just commented, staff) is read on every request its visitor makes: with
# Redis, from the cache, written through to the database, which still holds it when the cache is
# emptied or down; several servers share it (README, "Running several servers"). Not through the
# cache folder: it lists its files on every write, and a new session per comment would slow every
# write of the cache.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)

# --- Background jobs ----------------------------------------------------------------------------

# Emails and photo renditions are jobs (each app's tasks.py), queued in the database once the
# change that calls for them commits, and run by `manage.py db_worker` (`make worker`).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job that fails runs again after TASKS_RETRY_DELAY seconds, doubled at each try, up to
# TASKS_MAX_ATTEMPTS tries in all; then it stays failed, with its error, in the admin.
TASKS_MAX_ATTEMPTS = env.int("TASKS_MAX_ATTEMPTS", default=5)
TASKS_RETRY_DELAY = env.int("TASKS_RETRY_DELAY", default=60)
# A job still running after this many seconds is taken for one whose worker died (killed, or its
# machine lost) and runs again: keep it above the longest job (an email or a photo's renditions
# take seconds).
TASKS_STALE_AFTER = env.int("TASKS_STALE_AFTER", default=600)
# /healthz reports the queue down when a job has waited longer than this many seconds: no
# worker is taking them.
TASKS_MAX_WAIT = env.int("TASKS_MAX_WAIT", default=900)

# --- Authentication -----------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Internationalisation -----------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# A small newsroom runs on one machine: Django serves uploads itself (with headers that stop a
# disguised file from running) unless a front server does it.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Photos on object storage (README, "Photos on object storage"): with MEDIA_STORAGE=s3, originals
# and renditions (django-imagekit writes its cache files through the default storage too) go to
# an S3-compatible bucket, served from its public address or a CDN in front of it. Their names
# are unique and never reused (a changed photo is a new file, and so are its renditions), so
# browsers and the CDN may keep them for a year.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
if MEDIA_STORAGE == "s3":
    from botocore.config import Config as BotocoreConfig

    _s3 = {}
    for _name in (
        "S3_BUCKET",
        "S3_ENDPOINT_URL",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_REGION",
        "S3_PUBLIC_URL",
    ):
        _s3[_name] = env.str(_name, default="")
        if not _s3[_name]:
            raise ImproperlyConfigured(
                f"{_name} is not set: MEDIA_STORAGE=s3 needs S3_BUCKET, S3_ENDPOINT_URL, "
                "S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION and S3_PUBLIC_URL "
                "(see .env.example)."
            )
    _protocol, _sep, _public_host = _s3["S3_PUBLIC_URL"].rstrip("/").partition("//")
    if _protocol not in ("http:", "https:") or not _sep:
        raise ImproperlyConfigured(
            "S3_PUBLIC_URL must be an http(s) address, such as https://media.example.org "
            "or https://s3.example.org/bucket."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _s3["S3_BUCKET"],
            "endpoint_url": _s3["S3_ENDPOINT_URL"],
            "access_key": _s3["S3_ACCESS_KEY_ID"],
            "secret_key": _s3["S3_SECRET_ACCESS_KEY"],
            "region_name": _s3["S3_REGION"],
            # Readers get plain, public addresses: no signature that would change every page.
            "custom_domain": _public_host,
            "url_protocol": _protocol,
            "querystring_auth": False,
            # A name taken gets a new one, never overwrites: what a browser kept stays right.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            # A store that is away is told in seconds (/healthz, an upload), not in minutes.
            "client_config": BotocoreConfig(
                connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 3}
            ),
        },
    }
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE is {MEDIA_STORAGE!r}: set it to local (the default, MEDIA_ROOT) or s3."
    )

DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Email --------------------------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------------------------

# Production is HTTPS only; README "Running in production" lists the values that make
# `manage.py check --deploy` pass with no warning. Every default here suits development.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No script of the site reads a cookie: every one the site sets is out of scripts' reach.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# A monitor on the machine itself probes the health check over plain HTTP: no redirect for it.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
# Preloading is hard to undo (browsers ship the list), so it is a deliberate production choice.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# HSTS for every subdomain too: a newsroom on its bare domain would force HTTPS on all of them
# (mail, a shop, an old blog) for as long as SECURE_HSTS_SECONDS. Off unless asked, or unless
# preloading, which requires it.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_PRELOAD
)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The browser features the site never uses, denied to it and to anything it embeds. Those a
# video player needs are given to the players alone (EMBED_PLAYER_FEATURES, below).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "ambient-light-sensor",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
}

# No inline script anywhere: scripts come from our own static files only. The admin alone also
# allows inline styles (see newsroom.middleware).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # "frame-src": the video players articles show, and nothing else (EMBED_PLAYER_ORIGINS).
    },
}

# --- Logging ------------------------------------------------------------------------------------

# One line per record, from the root logger. Django's own "django" logger has a console handler
# of its own in debug mode, and propagates to the root too: without it, every Django record
# (a 404, a refused CSRF token) was printed twice.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}

# --- Newsroom -----------------------------------------------------------------------------------

NEWSROOM_NAME = env.str("NEWSROOM_NAME", default="L'Écho du Val")
NEWSROOM_TAGLINE = env.str("NEWSROOM_TAGLINE", default="")
NEWSROOM_CONTACT_EMAIL = env.str("NEWSROOM_CONTACT_EMAIL", default="redaction@localhost")
# The publisher's logo in structured data and feeds: a static file, square PNG of 144×144 pixels
# (the largest width RSS allows, and above the 112 pixels search engines ask for).
NEWSROOM_LOGO = env.str("NEWSROOM_LOGO", default="logo.png")
NEWSROOM_LOGO_SIZE = (144, 144)
ADMIN_URL = env.str("ADMIN_URL", default="admin/")
# The site's address, for the links of emails sent outside a request (commenters' notices):
# by default the first of ALLOWED_HOSTS over HTTPS, or `make run`'s address when debugging.
NEWSROOM_URL = env.str("NEWSROOM_URL", default="").rstrip("/") or (
    "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
)

# --- Third-party apps ---------------------------------------------------------------------------

TAGGIT_CASE_INSENSITIVE = True

# The article editor's own extensions (static/articles/editor/): the module that defines each,
# and the tags and attributes it writes. articles/sanitize.py keeps exactly these, and checks
# every figure attribute's value.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("articles/editor/photos.js")],
        "extensions": {
            "Photo": html_tags(
                ["figure"],
                {"figure": ["data-photo", "data-width", "data-alt", "data-caption", "data-credit"]},
            ),
            "Gallery": html_tags(["figure"], {"figure": ["data-gallery"]}),
        },
    },
    {
        "js": [static_lazy("articles/editor/embeds.js")],
        "extensions": {
            "Embed": html_tags(
                ["figure"],
                {"figure": ["data-embed", "data-embed-id", "data-embed-host", "data-embed-title"]},
            ),
        },
    },
    {
        "js": [static_lazy("articles/editor/pullquote.js")],
        "extensions": {
            "PullQuote": html_tags(
                ["figure"], {"figure": ["data-pullquote", "data-quote", "data-source"]}
            ),
        },
    },
    {
        "js": [static_lazy("articles/editor/table.js")],
        "extensions": {
            # Tiptap's table (TableRow, TableHeader and TableCell are the library's), without
            # merged cells: no colspan or rowspan.
            "SimpleTable": html_tags(["table", "thead", "tbody", "tr", "th", "td"]),
        },
    },
]

# --- comments -----------------------------------------------------------------------------------

# A reader who writes slowly must not find their captcha expired (the library's default is 5).
CAPTCHA_TIMEOUT = env.int("CAPTCHA_TIMEOUT", default=60)  # minutes
# The most challenges a worker stores in one INSERT for shared article pages
# (comments/captcha_batch.py); each still goes to one reader only.
COMMENTS_CAPTCHA_BATCH = env.int("COMMENTS_CAPTCHA_BATCH", default=200)
# The audio captcha needs the `flite` program; without it the form simply offers no audio link.
CAPTCHA_FLITE_PATH = env.str("CAPTCHA_FLITE_PATH", default="") or None
CAPTCHA_SOX_PATH = env.str("CAPTCHA_SOX_PATH", default="") or None
# Large enough to read without zooming; the library's default image is tiny.
CAPTCHA_IMAGE_SIZE = (180, 60)
CAPTCHA_FONT_SIZE = 40
COMMENTS_MAX_LENGTH = env.int("COMMENTS_MAX_LENGTH", default=5000)  # characters
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=50)
# Moderators get at most one "comments are waiting" email per this many minutes.
COMMENTS_NOTIFY_EVERY_MINUTES = env.int("COMMENTS_NOTIFY_EVERY_MINUTES", default=15)
# IP addresses and user agents of commenters are forgotten after this many days.
COMMENTS_PURGE_AFTER_DAYS = env.int("COMMENTS_PURGE_AFTER_DAYS", default=90)
# A form sent after its token expired is shown again with what was typed: a reader's comment
# (comments), a staff member's admin form (desk). See newsroom/views.py.
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"

# --- desk ---
# What staff write in the admin is kept for them (desk/): autosaves of their forms for this many
# days, forms posted after their token or session expired for this many hours; `purge_desk`
# deletes what is older.
DESK_AUTOSAVE_DAYS = env.int("DESK_AUTOSAVE_DAYS", default=30)
DESK_KEPT_FORM_HOURS = env.int("DESK_KEPT_FORM_HOURS", default=24)

# --- donations ---

# A reader who clicked a donation prompt sees no prompt on articles for this many days
# (a cookie set by the click endpoint); 0 keeps showing them.
DONATIONS_SNOOZE_DAYS = env.int("DONATIONS_SNOOZE_DAYS", default=14)

# --- articles (core) ---
# Largest photo a journalist may upload, in bytes, and in pixels (width × height): larger
# uploads are refused with a message, never decoded (a decompression bomb is refused here too).
ARTICLES_IMAGE_MAX_BYTES = env.int("ARTICLES_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
ARTICLES_IMAGE_MAX_PIXELS = env.int("ARTICLES_IMAGE_MAX_PIXELS", default=40_000_000)
# The PeerTube instances whose videos journalists may embed in articles (host names,
# comma-separated, e.g. video.example.org): a video from any other instance is refused.
ARTICLES_PEERTUBE_HOSTS = env.list("ARTICLES_PEERTUBE_HOSTS", default=[])
# The origins of the video players articles show (articles/embeds.py, which a test holds to
# this list): a reader's press on play loads one in a frame. Only they may be framed, and only
# they get what a player needs; the page itself must hold a feature to pass it on ("self").
EMBED_PLAYER_ORIGINS = [
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://www.dailymotion.com",
    *(f"https://{host.lower()}" for host in ARTICLES_PEERTUBE_HOSTS),
]
EMBED_PLAYER_FEATURES = ["autoplay", "encrypted-media", "fullscreen", "picture-in-picture"]
CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"] = EMBED_PLAYER_ORIGINS
PERMISSIONS_POLICY.update(
    {feature: ["self", *EMBED_PLAYER_ORIGINS] for feature in EMBED_PLAYER_FEATURES}
)

# --- articles (reader) ---
# How long a rendered article page is served to readers, with their own parts filled in, before
# it is rendered again (articles/page_cache.py); any edit or approved comment shows at once
# regardless. 0 renders every page in full.
ARTICLE_PAGE_CACHE_SECONDS = env.int("ARTICLE_PAGE_CACHE_SECONDS", default=600)
# French numbers group thousands with a narrow no-break space ("1 234 vues"): see newsroom/formats.
FORMAT_MODULE_PATH = ["newsroom.formats"]

# --- operations ---
# Reverse proxies whose X-Forwarded-For header is believed (addresses or networks). Empty means
# the peer address is the client, and the header is ignored (operations/network.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# --- staff ---
# Staff roles are groups (staff/roles.py; `manage.py sync_roles`). The admin login is guarded
# by django-axes: after AXES_FAILURE_LIMIT failed logins for one account from one address, that
# account is locked from that address for AXES_COOLOFF minutes (the lockout page says so).
# Locking the account+address pair, not the account alone, stops a stranger from locking an
# editor out of their own newsroom by typing wrong passwords.
AUTHENTICATION_BACKENDS = [
    "staff.login_protection.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "staff.login_protection.lockout_response"
# The same client address as the comments use: X-Forwarded-For only from TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "operations.network.client_ip"
AXES_RESET_ON_SUCCESS = True

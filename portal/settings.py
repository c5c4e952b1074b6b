"""Settings for the portal, read from the environment.

Without any environment the portal runs on SQLite under ``var/`` with an embedded Celery
broker, so ``make run`` works on a bare machine. ``DATABASE_URL`` and ``REDIS_URL`` switch to
PostgreSQL and Redis. Production uses ``portal.settings_production`` on top of this module.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The development key is only ever used when SECRET_KEY is unset; production refuses it.
DEV_SECRET_KEY = "dev-only-insecure-key-never-used-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
CSRF_FAILURE_VIEW = "portal.errorpages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "portal.apps.SignInSecurityConfig",  # django-axes
    "portal",
    "stations",
    "petitions",
    "supervision",
    "supervision.suggestions",
    "voting",
    "open311",
]

MIDDLEWARE = [
    # First: a database, Redis or disk that is down answers 503 with a page that needs none
    # of them (portal/outage.py), never a server error.
    "portal.outage.OutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lag-tolerant GET requests may read from the replica (portal/db_router.py).
    "portal.db_router.ReplicaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a sign-in refused for a locked account into the portal's lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.site",
                "portal.context_processors.staff",
                "portal.inbox.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # BEGIN IMMEDIATE: a transaction takes the write lock at its start and waits for it
    # (timeout), instead of failing with "database is locked" when it upgrades a read lock
    # while the Celery worker writes too.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # Short queries only: PostgreSQL's JIT compiles a large search's ranking for longer than
    # the query runs (bench/README.md, search), and never pays off on these pages.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A PostgreSQL streaming replica of "default" (docs/SCALING.md). Reads that may lag go there
# through portal.db_router: the views below, staff list exports, and code in
# `replica.reads()`; writes, transactions, sign-in and everything else stay on "default".
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    if "postgresql" not in DATABASES["default"]["ENGINE"]:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = {
        "options": "-c jit=off",
        # A replica that does not answer costs a page this long, once per REPLICA_RETRY_SECONDS.
        "connect_timeout": int(os.environ.get("REPLICA_CONNECT_TIMEOUT", "2")),
    }
    # Tests: pytest-django creates test_<name> on the primary, which streams it to the
    # standby. A mirror keeps the replica's own host and port and takes only that name, so
    # the alias reads the real standby; nothing is created, migrated or flushed there.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
# The lag guard: the replica serves reads while it lags at most REPLICA_MAX_LAG_SECONDS,
# checked every REPLICA_CHECK_SECONDS in each process; one that cannot be reached is left
# alone for REPLICA_RETRY_SECONDS. A browser that has just sent a POST reads from the primary
# for REPLICA_STICKY_SECONDS (more than the lag and the check together).
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "2"))
REPLICA_RETRY_SECONDS = float(os.environ.get("REPLICA_RETRY_SECONDS", "30"))
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "10"))
# Views whose GET answers may lag by that much: public pages (not the forms, a citizen's
# tracking or the live vote count), statistics pages and API, the dashboard and exports.
REPLICA_VIEWS = [
    "home",
    "petitions:results",
    "petitions:result",
    "supervision:results",
    "supervision:result",
    "stations:list",
    "stations:detail",
    "stations:poster",
    "voting:index",
    "voting:cycle",
    "statistic-list",
    "statistic-detail",
    "dashboard",
    "dashboard_export",
    "stations_desk:statistics",
    "stations_desk:contact_compliance",
    "stations_desk:archive_export",
    "supervision_desk:statistics",
    "suggestions_desk:statistics",
    "suggestions_desk:report",
    "suggestions_desk:report_xlsx",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Serve static files from the app directories without collectstatic during development.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "portal"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery: Redis when REDIS_URL is set, otherwise an embedded file-system broker so that
# `make run` needs no server. Tasks queue through transaction.on_commit.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_RESULT_BACKEND = REDIS_URL or f"file://{VAR_DIR / 'celery' / 'results'}"
# A request never waits for a Redis that is down: one try to reach the broker (the rows stay
# pending for the delivery sweep) and no retry loop of the result backend (tests/drills).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 0}}
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": 3600, "max_retries": 0}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
)
if not REDIS_URL:
    for _folder in ("queue", "processed", "results", "control"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# One deployment's queue; workers on more machines listen to it (`celery -A portal worker`).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# Periodic sweeps (beat runs as a single instance). Deadlines are read from the database by
# `portal.run_sweeps` (every app's `reminders.py`), never scheduled as one ETA task each.
REMINDER_SWEEP_MINUTES = int(os.environ.get("REMINDER_SWEEP_MINUTES", "15"))
REMINDER_BATCH_SIZE = int(os.environ.get("REMINDER_BATCH_SIZE", "200"))
CELERY_BEAT_SCHEDULE: dict = {
    "reminder-sweeps": {
        "task": "portal.run_sweeps",
        "schedule": REMINDER_SWEEP_MINUTES * 60.0,
        "options": {"expires": REMINDER_SWEEP_MINUTES * 60.0},
    },
    # Notifications whose after-commit delivery task never reached the broker.
    "deliver-pending-notifications": {
        "task": "portal.deliver_pending",
        "schedule": float(os.environ.get("NOTIFICATION_SWEEP_SECONDS", "120")),
        "options": {"expires": 110.0},
    },
    # Concentrated issues: issues missed at intake, and all after the lexicon changed.
    "regroup-topics": {
        "task": "petitions.regroup_topics",
        "schedule": float(os.environ.get("TOPICS_REGROUP_SECONDS", "3600")),
        "options": {"expires": 3500.0},
    },
    "daily-digest": {
        "task": "portal.send_digests",
        "schedule": crontab(hour=int(os.environ.get("DIGEST_HOUR", "8")), minute=0),
    },
    # The dashboards' figures: today's changes (the current month) every few minutes, and
    # the last twelve months every night (older issues closing change their month).
    "figures-current-month": {
        "task": "portal.refresh_figures",
        "schedule": float(os.environ.get("FIGURES_REFRESH_SECONDS", "600")),
        "kwargs": {"months_back": 0},
        "options": {"expires": 590.0},
    },
    "figures-nightly": {
        "task": "portal.refresh_figures",
        "schedule": crontab(hour=int(os.environ.get("FIGURES_NIGHT_HOUR", "2")), minute=30),
        "kwargs": {"months_back": 12},
    },
    # Long exports of staff lists the broker lost; export files older than a day removed.
    "sweep-exports": {
        "task": "portal.sweep_exports",
        "schedule": 300.0,
        "options": {"expires": 290.0},
    },
}

# Notifications: email through Django's mail backends, SMS through portal.sms's adapter.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # filebased backend
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "portal.sms.ConsoleBackend")
NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAX_ATTEMPTS", "10"))
# Links in emails: the portal's public address, e.g. https://rd.example.gov.cn
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "")

# --- trust: client addresses and sign-in lockout ---------------------------------------
# How many reverse proxies stand in front of the portal, each appending the address it saw
# to X-Forwarded-For (nginx: proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for).
# 0 (the default) trusts no header: the connection's address is the client's. Every rate
# limit and the sign-in lockout read the address through portal.ratelimit.client_ip.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Failed sign-ins are counted per account (django-axes) on every way in: the sign-in page,
# the admin's and the API token. After AXES_FAILURE_LIMIT failures the account waits
# SIGNIN_LOCKOUT_MINUTES, doubled for every further lockout within a day (at most
# SIGNIN_LOCKOUT_MAX_HOURS); tries during the wait do not restart it. Office staff release
# an account in the admin (登录失败与锁定).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = "portal.signin.cool_off"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False  # the portal's own, scoped admin is in portal/admin_signin.py
AXES_CLIENT_IP_CALLABLE = "portal.ratelimit.axes_client_ip"
AXES_USERNAME_CALLABLE = "portal.signin.username_of"
AXES_LOCKOUT_CALLABLE = "portal.signin.lockout_response"
AXES_VERBOSE = False
# Addresses are limited by portal.ratelimit ("login", "token"), not by axes: locking an
# address after a few failures would lock out a whole township office behind one NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SIGNIN_LOCKOUT_MINUTES = int(os.environ.get("SIGNIN_LOCKOUT_MINUTES", "5"))
SIGNIN_LOCKOUT_MAX_HOURS = int(os.environ.get("SIGNIN_LOCKOUT_MAX_HOURS", "24"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated request is 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "portal.api_schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api_errors.exception_handler",
    # Every list refuses unknown or malformed query parameters (400 naming the parameter).
    "DEFAULT_FILTER_BACKENDS": ["portal.filters.StrictFilterBackend"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "人大代表履职服务平台 API",
    "DESCRIPTION": "区域分级授权的 REST 接口。超出调用者辖区的对象一律返回 404。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several processes have a "state", "kind", "channel", "outcome" or "stage": name each
    # choice set after its model so that the schema's enums do not collide.
    "ENUM_NAME_OVERRIDES": {
        "DepartmentKindEnum": "portal.models.Department.Kind",
        "UserKindEnum": "portal.models.User.Kind",
        "RegionLevelEnum": "portal.models.Region.Level",
        "MandateLevelEnum": "stations.models.MandateLevel",
        "StationKindEnum": "stations.models.Station.Kind",
        "ReceptionMatterOutcomeEnum": "stations.models.ReceptionMatter.Outcome",
        "HouseholdKindEnum": "stations.models.Household.Kind",
        "ActivityKindEnum": "stations.models.Activity.Kind",
        "PetitionChannelEnum": "petitions.models.Channel",
        "PetitionStateEnum": "petitions.models.Petition.State",
        "PetitionReplyKindEnum": "petitions.models.PetitionReply.Kind",
        "MatterStateEnum": "supervision.models.Matter.State",
        "WorkLogKindEnum": "supervision.models.WorkLog.Kind",
        "SuggestionStateEnum": "supervision.suggestions.models.Suggestion.State",
        "ReviewStageEnum": "supervision.suggestions.models.Review.Stage",
        "DeadlineExtensionStateEnum": "supervision.suggestions.models.DeadlineExtension.State",
        "ContactLogStageEnum": "supervision.suggestions.models.ContactLog.Stage",
        "SupervisionRecordKindEnum": "supervision.suggestions.models.SupervisionRecord.Kind",
        "CycleStageEnum": "voting.models.Cycle.Stage",
        "ProposalStateEnum": "voting.models.Proposal.State",
        "CandidateOutcomeEnum": "voting.models.Candidate.Outcome",
        "VoteStateEnum": "voting.models.Vote.State",
        "BallotChannelEnum": "voting.models.VoterRecord.Channel",
        "PaperEntryStateEnum": "voting.models.PaperEntry.State",
        "PetitionCategoryEnum": "petitions.models.Category",
        "SuggestionCategoryEnum": "supervision.suggestions.models.Category",
        "MatterSourceEnum": "supervision.models.Matter.Source",
        "ProposalSourceEnum": "voting.models.Proposal.Source",
        "SatisfactionEnum": "supervision.suggestions.models.Satisfaction",
    },
}

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no guardian anonymous user: anonymous people hold no grants

# Rate limits for public endpoints: (requests, seconds).
RATE_LIMITS = {
    "login": (int(os.environ.get("RATE_LOGIN_COUNT", "10")), 300),
    "token": (int(os.environ.get("RATE_TOKEN_COUNT", "10")), 60),
    "password_reset": (int(os.environ.get("RATE_PASSWORD_RESET_COUNT", "5")), 3600),
    "password_reset_account": (3, 3600),
    "poster": (int(os.environ.get("RATE_POSTER_COUNT", "30")), 60),
    "petition_ip": (int(os.environ.get("RATE_PETITION_IP_COUNT", "10")), 3600),
    "petition_phone": (int(os.environ.get("RATE_PETITION_PHONE_COUNT", "5")), 86400),
    "track_ip": (int(os.environ.get("RATE_TRACK_IP_COUNT", "20")), 600),
    "track_code": (int(os.environ.get("RATE_TRACK_CODE_COUNT", "20")), 3600),
    "captcha_ip": (int(os.environ.get("RATE_CAPTCHA_IP_COUNT", "60")), 600),
    # The check code by text message (the image captcha's alternative): per address, and
    # per phone once a minute and a few times a day.
    "captcha_sms_ip": (int(os.environ.get("RATE_CAPTCHA_SMS_IP_COUNT", "10")), 3600),
    "captcha_sms_phone": (1, 60),
    # Activating an account with the SMS code: per address, and per phone (wrong codes also
    # void a code after activation.MAX_MISSES).
    "activate": (int(os.environ.get("RATE_ACTIVATE_COUNT", "20")), 3600),
    "activate_phone": (10, 3600),
    "activate_resend": (int(os.environ.get("RATE_ACTIVATE_RESEND_COUNT", "5")), 86400),
    # Open311 (city systems): per client address, per key, and reads per address.
    "open311_ip": (int(os.environ.get("RATE_OPEN311_IP_COUNT", "300")), 3600),
    "open311_key": (int(os.environ.get("RATE_OPEN311_KEY_COUNT", "600")), 3600),
    "open311_read": (int(os.environ.get("RATE_OPEN311_READ_COUNT", "600")), 600),
    "captcha_sms_phone_day": (int(os.environ.get("RATE_CAPTCHA_SMS_PHONE_COUNT", "5")), 86400),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

PORTAL_SITE_NAME = os.environ.get("PORTAL_SITE_NAME", "")

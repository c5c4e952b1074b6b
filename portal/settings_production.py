"""Production settings: every secret from the environment, HTTPS behind a reverse proxy."""

import os

from django.core.exceptions import ImproperlyConfigured

from portal.settings import *  # noqa: F403
from portal.settings import (
    DATABASES,
    DEV_SECRET_KEY,
    SECRET_KEY,
    SILENCED_SYSTEM_CHECKS,
    env_bool,
)

DEBUG = False
if not os.environ.get("SECRET_KEY") or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of 50+ characters.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not env_bool(
    "ALLOW_SQLITE", False
):
    raise ImproperlyConfigured("Production needs DATABASE_URL pointing at PostgreSQL.")

WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the reverse proxy set TRUSTED_PROXY_COUNT=1 (one nginx appending $remote_addr to
# X-Forwarded-For), 2 with a load balancer in front of it, and so on: every rate limit and
# the sign-in lockout then see the real client. Left at 0, every client looks like the proxy
# and shares its limits; set higher than the real chain, a caller could choose its address.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list binds the whole domain for years: the domain's owner
    # decides that (SECURE_HSTS_PRELOAD=1), not the portal's defaults.
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

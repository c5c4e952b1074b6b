from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from portal import (
            access,  # noqa: F401  (registers the scope rules of portal models)
            notifications,  # noqa: F401  (registers the rule of Notification)
        )


class SignInSecurityConfig(AxesConfig):
    """django-axes under a Chinese name in the admin (its failure counts and log)."""

    verbose_name = _("Sign-in security")

from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True  # this module holds two configs: "portal" is this one
    name = "portal"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from portal import (
            access,  # noqa: F401  (registers the scope rules of portal models)
            events,
            menu,  # noqa: F401  (adds its links to the side menu)
            notifications,  # noqa: F401  (registers the rule of Notification, its kind)
            tasks,  # noqa: F401  (registers the core's Celery tasks, queued by name)
            vocabulary,
        )

        vocabulary.register_actions(events.Action)


class SignInSecurityConfig(AxesConfig):
    """django-axes under a Chinese name in the admin (its failure counts and log)."""

    default = False
    verbose_name = _("Sign-in security")

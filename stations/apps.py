from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Liaison stations")

    def ready(self) -> None:
        from stations import access_rules  # noqa: F401  (registers the scope rules)

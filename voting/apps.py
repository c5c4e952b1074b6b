from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Livelihood-project ballots")

    def ready(self) -> None:
        from voting import access_rules  # noqa: F401  (registers the scope rules)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "voting"
    verbose_name = _("Livelihood-project ballots")

    def ready(self) -> None:
        from portal import vocabulary
        from voting import (
            access_rules,  # noqa: F401  (registers the scope rules)
            figures,  # noqa: F401  (the dashboards' figures)
            menu,  # noqa: F401  (adds its links to the side menu)
            search,  # noqa: F401  (the keyword search)
            tables,  # noqa: F401  (registers the staff tables for the export worker)
        )
        from voting import vocabulary as words

        vocabulary.register_kinds(words.NOTIFICATION_KINDS)
        vocabulary.register_actions(words.Action)

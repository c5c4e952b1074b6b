from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Citizen issues")

    def ready(self) -> None:
        from petitions import (  # noqa: F401  (each registers itself)
            access_rules,  # scope rules
            figures,  # noqa: F401  (the dashboards' figures)
            menu,  # side-menu links
            reminders,  # reminder sweeps
            search,  # the keyword search
            tables,  # the staff table
        )
        from petitions import vocabulary as words
        from portal import vocabulary

        vocabulary.register_kinds(words.NOTIFICATION_KINDS)
        vocabulary.register_actions(words.Action)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Citizen issues")

    def ready(self) -> None:
        from petitions import (  # noqa: F401  (side-menu links; the staff table)
            access_rules,  # noqa: F401  (registers the scope rules)
            menu,
            reminders,  # noqa: F401  (registers the reminder sweeps)
            tables,
        )
        from petitions import vocabulary as words
        from portal import vocabulary

        vocabulary.register_kinds(words.NOTIFICATION_KINDS)
        vocabulary.register_actions(words.Action)

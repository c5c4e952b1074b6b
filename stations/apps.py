from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("Liaison stations")

    def ready(self) -> None:
        from portal import vocabulary
        from stations import (
            access_rules,  # noqa: F401  (registers the scope rules)
            figures,  # noqa: F401  (the dashboards' figures)
            menu,  # noqa: F401  (adds its links to the side menu)
            reminders,  # noqa: F401  (registers the reminder sweeps)
            search,  # noqa: F401  (the keyword search)
            tables,  # noqa: F401  (registers the staff tables for the export worker)
        )
        from stations import vocabulary as words

        vocabulary.register_kinds(words.NOTIFICATION_KINDS)
        vocabulary.register_actions(words.Action)

        # One-way hooks (portal/hooks.py): the issue workflow tells stations, never the reverse.
        from portal import hooks
        from stations import workflow

        hooks.register(hooks.ISSUE_SETTLED, workflow.matter_issue_settled)
        hooks.register(hooks.ISSUE_PARTICIPANTS, access_rules.issues_from_own_receptions)

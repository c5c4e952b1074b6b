from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    """Deputies' suggestions (建议办理): part of the supervision app's domain, kept as a nested
    app so that it has its own models and migrations beside the matters."""

    name = "supervision.suggestions"
    label = "suggestions"
    verbose_name = _("Deputies' suggestions")

    def ready(self) -> None:
        from portal import vocabulary
        from supervision.suggestions import (
            access_rules,  # noqa: F401  (registers the scope rules)
            figures,  # noqa: F401  (the dashboards' figures)
            menu,  # noqa: F401  (adds its links to the side menu)
            reminders,  # noqa: F401  (registers the reminder sweeps)
            search,  # noqa: F401  (the keyword search)
            tables,  # noqa: F401  (the staff table, for the export worker)
        )
        from supervision.suggestions import vocabulary as words

        vocabulary.register_kinds(words.NOTIFICATION_KINDS)
        vocabulary.register_actions(words.Action)

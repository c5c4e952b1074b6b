from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = _("Supervision of matters")

    def ready(self):
        from portal import vocabulary
        from supervision import (
            access_rules,  # noqa: F401  (registers the scope rules)
            figures,  # noqa: F401  (the dashboards' figures)
            menu,  # noqa: F401  (adds its links to the side menu)
            search,  # noqa: F401  (the keyword search)
            tables,  # noqa: F401  (the staff table, for the export worker)
        )
        from supervision import vocabulary as words

        vocabulary.register_kinds(words.NOTIFICATION_KINDS)
        vocabulary.register_actions(words.Action)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "open311"
    verbose_name = _("Open311 interface")

    def ready(self) -> None:
        from open311 import access_rules  # noqa: F401  (registers the scope rules)
        from open311 import vocabulary as words
        from portal import vocabulary

        vocabulary.register_actions(words.Action)

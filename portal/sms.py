"""Text messages behind an adapter: the console backend in development and tests, a real
gateway plugged in by settings (``SMS_BACKEND``: a dotted path to a class with ``send``)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)
outbox: list[tuple[str, str]] = []  # what the console backend sent, for tests and the console


class ConsoleBackend:
    """Print the message instead of sending it."""

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))
        log.info("SMS to %s: %s", phone, text)


def send(phone: str, text: str) -> None:
    backend = import_string(getattr(settings, "SMS_BACKEND", "portal.sms.ConsoleBackend"))()
    backend.send(phone, text)

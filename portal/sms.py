"""Text messages behind an adapter: the console backend in development and tests, a real
gateway plugged in by settings (``SMS_BACKEND``: a dotted path to a class with ``send``).

``send(phone, text, key=…)``: a message that may be sent again after a failure (a worker
killed mid-delivery) carries a key, the same on every attempt. A gateway adapter passes it as
the client's message id so that the gateway drops a repeat (most SMS gateways take such an
id; one that does not cannot promise a single message); the console backend drops a repeat
within its process."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)
outbox: list[tuple[str, str]] = []  # what the console backend sent, for tests and the console
_keys: set[str] = set()  # the keys the console backend has sent under


class ConsoleBackend:
    """Print the message instead of sending it."""

    def send(self, phone: str, text: str, key: str | None = None) -> None:
        if key is not None:
            if key in _keys:
                log.info("SMS %s to %s already sent: dropped", key, phone)
                return
            _keys.add(key)
        outbox.append((phone, text))
        log.info("SMS to %s: %s", phone, text)


def send(phone: str, text: str, *, key: str | None = None) -> None:
    backend = import_string(getattr(settings, "SMS_BACKEND", "portal.sms.ConsoleBackend"))()
    if key is None:
        backend.send(phone, text)
    else:
        backend.send(phone, text, key=key)

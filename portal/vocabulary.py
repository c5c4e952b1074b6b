"""The words of the portal's records, declared by the apps that own them.

Each app declares, in its own ``vocabulary.py``, its audit event actions as ``TextChoices``
and its notification kinds as a mapping, and registers both from its ``AppConfig.ready``::

    class Action(models.TextChoices):
        ACCEPT = "petition_accept", _("Accepted")

    NOTIFICATION_KINDS = {"petitions.forwarded": _("Citizen issue forwarded to the unit")}

    vocabulary.register_actions(Action)
    vocabulary.register_kinds(NOTIFICATION_KINDS)

Pages, the API, the admin and exports take labels from here (``action_label``,
``kind_label``), so a word is written once. This module imports nothing of the portal: any
module may read it, and no app needs the core to know its names in advance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models

_actions: dict[str, object] = {}
_kinds: dict[str, object] = {}
_reminder_kinds: set[str] = set()


def _pairs(declared) -> Iterable[tuple[str, object]]:
    if isinstance(declared, type) and issubclass(declared, models.Choices):
        return [(member.value, member.label) for member in declared]
    if isinstance(declared, Mapping):
        return declared.items()
    return declared


def register_actions(declared) -> None:
    """Add audit event actions: a ``TextChoices`` class, a mapping or (code, label) pairs."""
    for code, label in _pairs(declared):
        _actions[str(code)] = label


def register_kinds(declared, *, reminders: bool = False) -> None:
    """Add notification kinds (``reminders``: kinds sent by deadline sweeps)."""
    for code, label in _pairs(declared):
        _kinds[str(code)] = label
        if reminders:
            _reminder_kinds.add(str(code))


def action_label(code: str) -> str:
    """Return the label of an event action for people; the code itself when unknown."""
    label = _actions.get(code)
    return str(label) if label is not None else code


def action_choices() -> list[tuple[str, str]]:
    """Return (code, label) of every registered event action, sorted by label."""
    return sorted(((code, str(label)) for code, label in _actions.items()), key=lambda p: p[1])


def known_actions() -> set[str]:
    return set(_actions)


def kind_label(code: str) -> str:
    """Return the label of a notification kind for people; the dotted code when unknown."""
    label = _kinds.get(code)
    return str(label) if label is not None else code


def kind_choices(*, reminders_only: bool = False) -> list[tuple[str, str]]:
    """Return (kind, label) of every registered notification kind, sorted by label."""
    pairs = (
        (code, str(label))
        for code, label in _kinds.items()
        if not reminders_only or code in _reminder_kinds
    )
    return sorted(pairs, key=lambda pair: pair[1])


def known_kinds() -> set[str]:
    return set(_kinds)

"""One-way hooks between apps, kept by the core.

An app that has something to announce (an issue was settled) or a question other apps may
answer (which issues does this user take part in) calls ``emit`` with a hook name declared
here; an app that cares registers a function for that name from its ``AppConfig.ready``.
The announcing app never imports the listening one, so dependencies point one way::

    # stations/apps.py, in ready()
    hooks.register(hooks.ISSUE_SETTLED, workflow.matter_issue_settled)

    # petitions/workflow.py, inside the transition's transaction
    hooks.emit(hooks.ISSUE_SETTLED, actor=actor, issue_id=petition.pk, resolved=True)

Receivers run at once, in the order they registered, inside the caller's transaction: what
they write commits or rolls back with the change that announced it, and an error in one
fails that change. A receiver that writes is a function of its own app's ``workflow.py``
(it records its audit event there like any other transition). Every hook is declared
below with its keywords, so a reader finds here who may tell whom what. This module imports
nothing of the portal, so any module may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A citizen issue reached a closed state (resolved, rejected, duplicate, closed without
# resolution). Keywords: ``actor`` (the user, or None for the citizen or the system),
# ``issue_id`` (the issue's primary key) and ``resolved`` (True only for "resolved").
# Emitted by the issue workflow inside the transaction that closed it.
ISSUE_SETTLED = "issue_settled"

# Which citizen issues a user takes part in (beyond their region and unit), for the scope
# rule of issues. Keyword: ``user``. A receiver returns a queryset of issue primary keys
# (``values("petition_id")``) or None; the issue scope rule ORs them together.
ISSUE_PARTICIPANTS = "issue_participants"

HOOKS = frozenset({ISSUE_SETTLED, ISSUE_PARTICIPANTS})

_receivers: dict[str, list[Callable[..., Any]]] = {}


def register(name: str, receiver: Callable[..., Any]) -> None:
    """Call ``receiver(**kwargs)`` on every ``emit(name, **kwargs)``; registering the same
    function twice (``ready()`` run again) keeps one."""
    if name not in HOOKS:
        raise LookupError(f"unknown hook {name!r}: declare it in portal/hooks.py")
    receivers = _receivers.setdefault(name, [])
    if receiver not in receivers:
        receivers.append(receiver)


def unregister(name: str, receiver: Callable[..., Any]) -> None:
    """Stop calling ``receiver`` for ``name`` (for tests)."""
    receivers = _receivers.get(name, [])
    if receiver in receivers:
        receivers.remove(receiver)


def receivers(name: str) -> list[Callable[..., Any]]:
    """Return the functions registered for ``name``, in calling order."""
    return list(_receivers.get(name, ()))


def emit(name: str, **kwargs: Any) -> list[Any]:
    """Call every receiver of ``name`` with ``kwargs``; return what each returned."""
    if name not in HOOKS:
        raise LookupError(f"unknown hook {name!r}: declare it in portal/hooks.py")
    return [receiver(**kwargs) for receiver in receivers(name)]

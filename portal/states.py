"""The one state machine of every workflow model.

A workflow model declares its states as ``TextChoices`` and its allowed changes as one table,
``TRANSITIONS = {State.X: {State.Y, ...}}``, and mixes in ``StateMachine``. Workflow functions
change state only through ``move``: it checks the table, sets the state (and any other field
the caller names), saves, writes the audit event, and schedules what must happen after the
commit — all inside the caller's transaction, on a row the caller has locked
(``select_for_update``)::

    petition = Petition.objects.select_for_update().get(pk=petition_id)
    access.require(actor, access.MANAGE, petition)
    states.move(petition, Petition.State.ACCEPTED, actor=actor, action=Action.ACCEPT)

The admin and the API never keep tables of their own: they ask ``can_move_to`` /
``next_states``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models, transaction

from portal import events, search
from portal.errors import TransitionError


class StateMachine:
    """``can_move_to`` / ``ensure_can_move_to`` over the model's ``TRANSITIONS`` table."""

    TRANSITIONS: dict[str, set[str]] = {}
    state_field = "state"

    @property
    def current_state(self) -> str:
        return getattr(self, self.state_field)

    def next_states(self) -> set[str]:
        """Return the states this object may move to now."""
        return set(self.TRANSITIONS.get(self.current_state, ()))

    def can_move_to(self, state: str) -> bool:
        return state in self.TRANSITIONS.get(self.current_state, ())

    def ensure_can_move_to(self, state: str) -> None:
        """Raise ``TransitionError`` (a clear Chinese message) unless the table allows it."""
        if not self.can_move_to(state):
            labels = dict(type(self)._meta.get_field(self.state_field).choices or ())
            current = self.current_state
            raise TransitionError.not_allowed(
                self, labels.get(current, current), labels.get(state, state)
            )

    @classmethod
    def transition_pairs(cls) -> Iterable[tuple[str, str]]:
        """Yield every allowed (from, to) pair, for tests that walk the table."""
        for source, targets in cls.TRANSITIONS.items():
            for target in targets:
                yield source, target


def move(
    obj: models.Model,
    to: str,
    *,
    actor,
    action: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    after_commit: Callable[[], None] | None = None,
    save: bool = True,
) -> events.Event:
    """Move ``obj`` to state ``to`` and record it; return the audit event.

    ``changes`` are other fields set in the same save (``closed_at``, a reason, …);
    ``after_commit`` runs once the caller's transaction commits (notifications, tasks).
    Must run inside the caller's ``transaction.atomic`` on a locked row.
    """
    obj.ensure_can_move_to(to)
    before = obj.current_state
    setattr(obj, obj.state_field, to)
    for field, value in (changes or {}).items():
        setattr(obj, field, value)
    if save:
        obj.save()
        search.refresh(obj)  # the record's words, for the keyword search
    event = events.record(
        actor=actor,
        target=obj,
        action=str(action),
        before=before,
        after=to,
        note=note,
        data=data,
    )
    if after_commit is not None:
        transaction.on_commit(after_commit)
    return event

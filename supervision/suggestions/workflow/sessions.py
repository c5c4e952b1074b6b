"""Congress sessions, under which suggestions are numbered: the office of a congress adds
and corrects its own (a session's dates bound when suggestions may be filed)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import access, events
from portal.errors import DomainError
from supervision.suggestions.models import Session
from supervision.suggestions.vocabulary import Action

FIELDS = ("name", "opens_on", "closes_on")


def _check(session: Session) -> None:
    session.name = (session.name or "").strip()
    if not session.name:
        raise DomainError(_("Enter the session's name."), field="name")
    if session.closes_on < session.opens_on:
        raise DomainError(_("The session closes before it opens."), field="closes_on")
    clash = Session.objects.filter(region=session.region, name=session.name).exclude(pk=session.pk)
    if clash.exists():
        raise DomainError(_("This congress has a session of that name."), field="name")


def _save(session: Session) -> None:
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError:  # the same name saved a moment ago
        raise DomainError(_("This congress has a session of that name."), field="name") from None


@transaction.atomic
def session_create(*, actor, region_id: int, name: str, opens_on, closes_on) -> Session:
    access.require_office(actor)
    session = Session(region=access.region_to_manage(actor, region_id), name=name, opens_on=opens_on,
                      closes_on=closes_on)  # fmt: skip
    _check(session)
    _save(session)
    events.record(actor=actor, target=session, action=Action.SESSION_CREATE, after=session.name)
    return session


@transaction.atomic
def session_update(*, actor, session_id: int, data: dict) -> Session:
    session = access.get_object_or_404(
        actor, Session.objects.select_for_update(), access.MANAGE, pk=session_id
    )
    changed = [name for name in FIELDS if name in data and data[name] != getattr(session, name)]
    if "region" in data and data["region"] != session.region_id:
        if session.last_number:
            raise DomainError(
                _("Suggestions are numbered in this session: its congress stays."),
                field="region",
            )
        session.region = access.region_to_manage(actor, data["region"])
        changed.append("region")
    for name in changed:
        if name != "region":
            setattr(session, name, data[name])
    if changed:
        _check(session)
        _save(session)
        events.record(
            actor=actor, target=session, action=Action.SESSION_UPDATE, data={"fields": changed}
        )
    return session

"""Proposing (提议): a deputy drafts, revises, submits (or resubmits) and withdraws a
suggestion; the office may enter a paper suggestion for a deputy."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, events, search, states
from portal.errors import DomainError, optional_text, required_text
from portal.models import Region
from supervision.suggestions import queries
from supervision.suggestions.models import Category, Cosigner, Session, Submission, Suggestion
from supervision.suggestions.vocabulary import Action
from supervision.suggestions.workflow.common import (
    CONTENT_MAX,
    TITLE_MAX,
    State,
    deputy_of,
    is_lead_deputy,
    locked,
    locked_for_author,
    record_event,
)

MAX_COSIGNERS = 50


def _clean_text(title: str, content: str, category: str) -> tuple[str, str]:
    title = required_text(title, "title", _("Give the suggestion a title."), TITLE_MAX)
    content = required_text(content, "content", _("Write the suggestion."), CONTENT_MAX)
    if category not in Category.values:
        raise DomainError(_("Choose a category."), field="category")
    return title, content


def _set_cosigners(suggestion: Suggestion, cosigner_ids: Sequence[int]) -> None:
    """Store the co-signers: active deputies of the lead deputy's own district/county."""
    ids = sorted({int(pk) for pk in cosigner_ids} - {suggestion.lead_id})
    if len(ids) > MAX_COSIGNERS:
        raise DomainError(_("At most 50 co-signing deputies."), field="cosigners")
    found = list(
        queries.cosigner_candidates(suggestion.lead).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(found) != len(ids):
        raise DomainError(
            _("Choose co-signing deputies of the lead deputy's own district or county."),
            field="cosigners",
        )
    Cosigner.objects.filter(suggestion=suggestion).exclude(representative_id__in=ids).delete()
    have = set(
        Cosigner.objects.filter(suggestion=suggestion).values_list("representative_id", flat=True)
    )
    Cosigner.objects.bulk_create(
        [
            Cosigner(region=suggestion.region, suggestion=suggestion, representative_id=pk)
            for pk in ids
            if pk not in have
        ]
    )


@transaction.atomic
def suggestion_draft(
    *, actor, title: str, content: str, category: str, session_id: int | None = None,
    region_id: int | None = None, cosigner_ids: Sequence[int] = (), lead_id: int | None = None,
) -> Suggestion:  # fmt: skip
    """Draft a suggestion: during a session (``session_id``) or between sessions
    (``region_id``: the congress it is addressed to). A deputy drafts their own; the office
    may enter a paper suggestion for a deputy (``lead_id``)."""
    from stations.models import Representative

    title, content = _clean_text(title, content, category)
    session = None
    if session_id is not None:
        session = Session.objects.select_related("region").filter(pk=session_id).first()
        if session is None:
            raise DomainError(_("No such session."), field="session")
        region = session.region
    else:
        region = Region.objects.filter(pk=region_id).first() if region_id else None
        if region is None:
            raise DomainError(
                _("Choose the congress the suggestion is addressed to."), field="region"
            )
    if lead_id is not None:
        if not access.can_by_region(actor, access.MANAGE, region):
            raise PermissionDenied(_("Only the congress office enters suggestions for deputies."))
        lead = (
            Representative.objects.filter(pk=lead_id, is_active=True)
            .select_related("region")
            .first()
        )
        if lead is None:
            raise DomainError(_("Choose the lead deputy from the roster."), field="lead")
    else:
        lead = deputy_of(actor)
    if not lead.region.path.startswith(region.path):
        raise DomainError(
            _("A deputy files suggestions to the congress of their own area or above."),
            field="session" if session else "region",
        )
    origin = None
    if lead.region_id != region.pk and lead.region.level == Region.Level.TOWNSHIP:
        origin = lead.region  # the township congress does the first review
    suggestion = Suggestion(
        region=region, origin_region=origin, session=session,
        period=Suggestion.Period.SESSION if session else Suggestion.Period.INTERIM,
        lead=lead, title=title, content=content, category=category, created_by=actor,
    )  # fmt: skip
    suggestion.search_text = search.text_of(suggestion)  # its words, for the keyword search
    suggestion.save()
    _set_cosigners(suggestion, cosigner_ids)
    events.record(actor=actor, target=suggestion, action=Action.DRAFT, after=suggestion.state)
    return suggestion


@transaction.atomic
def suggestion_update(
    *, actor, suggestion_id: int, title: str, content: str, category: str,
    cosigner_ids: Sequence[int] = (),
) -> Suggestion:  # fmt: skip
    """Revise a draft or a returned suggestion (each submission keeps its own text)."""
    suggestion = locked_for_author(actor, suggestion_id)
    if suggestion.state not in Suggestion.EDITABLE_STATES:
        raise DomainError(_("Only a draft or a returned suggestion can be revised."))
    suggestion.title, suggestion.content = _clean_text(title, content, category)
    suggestion.category = category
    suggestion.save(update_fields=["title", "content", "category"])
    search.refresh(suggestion)
    _set_cosigners(suggestion, cosigner_ids)
    record_event(actor, suggestion, Action.UPDATE)
    return suggestion


@transaction.atomic
def suggestion_submit(*, actor, suggestion_id: int) -> Suggestion:
    """Submit (or resubmit after a return): to the township's first review when it comes
    from a township, else to the secretariat's review."""
    suggestion = locked_for_author(actor, suggestion_id)
    to = State.FIRST_REVIEW if suggestion.origin_region_id else State.SUBMITTED
    suggestion.ensure_can_move_to(to)
    suggestion.revision += 1
    now = timezone.now()
    suggestion.submitted_at = suggestion.submitted_at or now
    Submission.objects.create(
        region=suggestion.region, suggestion=suggestion, revision=suggestion.revision,
        title=suggestion.title, content=suggestion.content, submitted_at=now,
    )  # fmt: skip
    states.move(
        suggestion, to, actor=actor, action=Action.SUBMIT, data={"revision": suggestion.revision}
    )
    return suggestion


@transaction.atomic
def suggestion_withdraw(*, actor, suggestion_id: int, note: str = "") -> Suggestion:
    suggestion = locked(actor, suggestion_id)
    if not is_lead_deputy(actor, suggestion):
        raise PermissionDenied(_("Only the lead deputy withdraws the suggestion."))
    states.move(
        suggestion, State.WITHDRAWN, actor=actor, action=Action.WITHDRAW,
        note=optional_text(note, "note"), changes={"closed_at": timezone.now()},
    )  # fmt: skip
    return suggestion

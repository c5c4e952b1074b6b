"""The matter list (督事清单): a matter made from citizen issues or entered directly, more
issues linked to it, and the leadership group's study that classifies it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import workflow as petitions_workflow
from portal import access, events, search, states
from portal.errors import DomainError, required_text
from portal.models import Region
from supervision.models import Matter, MatterIssue
from supervision.vocabulary import Action
from supervision.workflow.common import MAX_ISSUES, closing, office_matter, parse_date

State = Matter.State
Classification = Matter.Classification


@transaction.atomic
def matter_create(
    *, actor, region_id: int, title: str, description: str,
    petition_ids: Sequence[int] = (), source: str | None = None,
) -> Matter:  # fmt: skip
    """Put a matter on the list, made from citizen issues (or a topic of concentrated issues)
    or entered directly. Every linked issue is accepted and escalated with it."""
    # A region the actor's office does not manage is answered like an unknown one; matters
    # are studied by a township's (or a higher) leadership group, never by a village.
    region = (
        access.visible(
            actor, Region.objects.filter(level__lte=Region.Level.TOWNSHIP), access.MANAGE
        )
        .filter(pk=region_id)
        .first()
    )
    if region is None:
        raise DomainError(
            _("Choose a township or higher region of your jurisdiction."), field="region"
        )
    title = required_text(title, "title", _("Give the matter a short title."), limit=100)
    description = required_text(description, "description", _("Describe the matter."), limit=5000)
    ids = sorted({int(pk) for pk in petition_ids})
    if len(ids) > MAX_ISSUES:
        raise DomainError(_("At most 500 issues at a time."), field="petitions")
    if source is None:
        source = Matter.Source.ISSUES if ids else Matter.Source.DIRECT
    if source not in Matter.Source.values:
        raise DomainError(_("Unknown source."), field="source")
    if source != Matter.Source.DIRECT and not ids:
        raise DomainError(_("Choose the citizen issues of the matter."), field="petitions")
    matter = Matter(
        region=region, title=title, description=description, source=source, created_by=actor
    )
    matter.search_text = search.text_of(matter)  # its words, for the keyword search
    matter.save()
    events.record(actor=actor, target=matter, action=Action.CREATE, after=matter.state,
                  data={"issues": len(ids), "source": source})  # fmt: skip
    _link(actor, matter, ids)
    return matter


def _link(actor, matter: Matter, ids: Sequence[int]) -> None:
    from petitions.models import Petition

    for pk in ids:
        petition = access.get_object_or_404(actor, Petition.objects.all(), pk=pk)
        if not petition.region.path.startswith(matter.region.path):
            raise DomainError(
                _("Issue %(code)s is outside the matter's region.")
                % {"code": petition.tracking_code},
                field="petitions",
            )
        petitions_workflow.petition_put_on_matter(
            actor=actor,
            petition_id=pk,
            note=_("Supervision matter: %(title)s") % {"title": matter.title},
        )
        MatterIssue.objects.create(region=petition.region, matter=matter, petition_id=pk)


@transaction.atomic
def matter_link_issues(*, actor, matter_id: int, petition_ids: Sequence[int]) -> Matter:
    """Add more citizen issues about the same problem to an open matter."""
    matter = office_matter(actor, matter_id)
    if matter.is_closed:
        raise DomainError(_("The matter is closed; open a new one."))
    ids = sorted({int(pk) for pk in petition_ids})
    if not ids:
        raise DomainError(_("Choose the citizen issues of the matter."), field="petitions")
    if len(ids) > MAX_ISSUES:
        raise DomainError(_("At most 500 issues at a time."), field="petitions")
    _link(actor, matter, ids)
    events.record(actor=actor, target=matter, action=Action.LINK, data={"issues": len(ids)})
    return matter


@transaction.atomic
def matter_study(
    *, actor, matter_id: int, studied_on, decision: str, classification: str,
    explanation: str = "",
) -> Matter:  # fmt: skip
    """Record the leadership group's study (专题研究) and its classification: supervise
    (the group is formed next), hand to a department for ordinary handling (the linked issues
    go back to screening, to be forwarded as usual), or answer by explanation (the
    explanation is the citizens' answer, which they rate)."""
    matter = office_matter(actor, matter_id)
    studied_on = parse_date(studied_on, "studied_on")
    if studied_on > timezone.localdate():
        raise DomainError(_("The study cannot be in the future."), field="studied_on")
    decision = required_text(decision, "decision", _("Record the decision of the study."), 5000)
    if classification not in Classification.values:
        raise DomainError(_("Choose how the matter is handled."), field="classification")
    to = {
        Classification.SUPERVISE: State.ORGANIZING,
        Classification.ORDINARY: State.HANDED_OVER,
        Classification.EXPLAIN: State.EXPLAINED,
    }[classification]
    matter.ensure_can_move_to(to)  # before asking for an explanation it could not use
    if classification == Classification.EXPLAIN:
        matter.explanation = required_text(
            explanation, "explanation", _("Write the explanation the citizens will read."), 5000
        )
    states.move(
        matter, to, actor=actor, action=Action.STUDY, note=decision,
        changes={"classification": classification, "studied_on": studied_on,
                 "study_decision": decision, **closing(to)},
        data={"classification": classification},
    )  # fmt: skip
    if classification != Classification.SUPERVISE:
        outcome = "returned" if classification == Classification.ORDINARY else "explained"
        text = matter.explanation or decision
        for petition_id in matter.links.values_list("petition_id", flat=True).order_by("pk"):
            petitions_workflow.petition_settle_by_matter(
                actor=actor, petition_id=petition_id, matter_id=matter.pk, outcome=outcome,
                text=text,
            )  # fmt: skip
        if classification == Classification.ORDINARY:
            # Back in ordinary handling, an issue is free to join a later matter; the event
            # keeps which issues this matter handed back.
            links = matter.links.select_related("petition")
            codes = [link.petition.tracking_code for link in links]
            links.delete()
            events.record(actor=actor, target=matter, action=Action.RELEASE,
                          data={"issues": codes})  # fmt: skip
    return matter

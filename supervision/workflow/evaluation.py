"""One evaluation per round (一事一评) and the publication of a closed matter (事结公示)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import workflow as petitions_workflow
from portal import events, search, states
from portal.errors import DomainError, required_text
from supervision.models import Evaluation, Matter, Round
from supervision.vocabulary import Action
from supervision.workflow.common import (
    check_due,
    closing,
    current_round,
    member_matter,
    members,
    notify,
    office_matter,
    parse_date,
    unit_users,
)

State = Matter.State


@transaction.atomic
def matter_evaluate(
    *, actor, matter_id: int, round_number: int, verdict: str, checked_on, findings: str,
    result: str = "", rectification: str = "", new_due_on=None,
) -> Evaluation:  # fmt: skip
    """Record the group's verdict on the round after checking on site. Satisfied: the
    citizens of every linked issue are told ``result`` and the matter closes with them
    (办结销号). Not satisfied: ``rectification`` opinions and a new round with ``new_due_on``."""
    matter, _member = member_matter(actor, matter_id)
    if verdict not in Evaluation.Verdict.values:
        raise DomainError(_("Choose the verdict."), field="verdict")
    if matter.state != State.EVALUATING or round_number != matter.round:
        if Evaluation.objects.filter(round__matter=matter, round__number=round_number).exists():
            raise DomainError(_("This round has already been evaluated."), field="round")
        raise DomainError(
            _("A matter that is “%(state)s” cannot be evaluated now.")
            % {"state": matter.get_state_display()}
        )
    checked_on = parse_date(checked_on, "checked_on")
    if checked_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="checked_on")
    findings = required_text(findings, "findings", _("Record what the group found on site."), 5000)
    satisfied = verdict == Evaluation.Verdict.SATISFIED
    if satisfied:
        result = required_text(result, "result", _("Write the result the citizens will be told."),
                               5000)  # fmt: skip
    else:
        rectification = required_text(
            rectification, "rectification", _("Write the rectification opinions."), 5000
        )
        new_due_on = check_due(new_due_on, "new_due_on")
    current = current_round(matter)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                region=matter.region, round=current, verdict=verdict, checked_on=checked_on,
                findings=findings, rectification=rectification if not satisfied else "",
                evaluated_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(_("This round has already been evaluated."), field="round") from None
    data = {"round": matter.round, "verdict": verdict}
    if satisfied:
        _close(actor, matter, findings, result, data)
    else:
        _rectify(actor, matter, rectification, new_due_on, data)
    return evaluation


def _close(actor, matter: Matter, findings: str, result: str, data: dict) -> None:
    """Satisfied: the matter closes as solved, and every linked issue with it."""
    states.move(matter, State.CLOSED, actor=actor, action=Action.CLOSE, note=findings,
                changes={"result": result, **closing(State.CLOSED)}, data=data)  # fmt: skip
    for petition_id in matter.links.values_list("petition_id", flat=True).order_by("pk"):
        petitions_workflow.petition_settle_by_matter(
            actor=actor, petition_id=petition_id, matter_id=matter.pk, outcome="resolved",
            text=result,
        )  # fmt: skip
    subject = _("“%(title)s” is closed as solved") % {"title": matter.title}
    notify(members(matter) + unit_users(matter.department), "supervision.closed", subject,
           matter, body=result)  # fmt: skip


def _rectify(actor, matter: Matter, rectification: str, new_due_on, data: dict) -> None:
    """Not satisfied: the department rectifies in a new round with a new deadline."""
    number = matter.round + 1
    Round.objects.create(region=matter.region, matter=matter, number=number,
                         department=matter.department, due_on=new_due_on,
                         rectification=rectification)  # fmt: skip
    states.move(
        matter, State.HANDLING, actor=actor, action=Action.RECTIFY, note=rectification,
        changes={"round": number, "due_on": new_due_on},
        data={"new_round": number, "due_on": new_due_on.isoformat(), **data},
    )  # fmt: skip
    subject = _("“%(title)s” needs rectification by %(due)s") % {
        "title": matter.title,
        "due": new_due_on.isoformat(),
    }
    notify(unit_users(matter.department) + members(matter), "supervision.rectify", subject,
           matter, body=rectification)  # fmt: skip


@transaction.atomic
def matter_publish(*, actor, matter_id: int, title: str, summary: str) -> Matter:
    """Publish a closed matter on the public results page, in words without any citizen."""
    matter = office_matter(actor, matter_id)
    if matter.state != State.CLOSED:
        raise DomainError(_("Only a matter closed as solved can be published."))
    matter.published_title = required_text(title, "title", _("Give the published title."), 100)
    matter.published_summary = required_text(
        summary, "summary", _("Describe the outcome to publish."), 5000
    )
    matter.published = True
    matter.save(update_fields=["published", "published_title", "published_summary"])
    search.refresh(matter)
    events.record(actor=actor, target=matter, action=Action.PUBLISH)
    return matter

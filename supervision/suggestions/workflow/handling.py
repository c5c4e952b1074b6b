"""Handling and reply (承办, 答复): the lead unit records its 五定, every unit logs its
contacts with the deputy (三联系), co-handling units send their opinion to the lead unit
(会签), the lead unit replies with a class signed off by its leader, and the office may
change that class."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import states, uploads
from portal.errors import DomainError, optional_text, required_text
from supervision.suggestions import conf
from supervision.suggestions.models import (
    CoHandlerOpinion,
    ContactLog,
    Reply,
    ReplyClass,
    Suggestion,
    UnitAssignment,
)
from supervision.suggestions.vocabulary import Action
from supervision.suggestions.workflow.common import (
    CONTENT_MAX,
    State,
    deputy_users,
    locked,
    locked_for_lead_unit,
    locked_for_office,
    notify,
    record_event,
    unit_assignment,
    unit_users,
)


@transaction.atomic
def suggestion_plan(
    *, actor, suggestion_id: int, unit_leader: str, handler_name: str, handler_phone: str = "",
    measures: str, standard: str,
) -> Suggestion:  # fmt: skip
    """The lead unit records its 五定: responsible leader, handler, measures and standard
    (the fifth, the deadline, is the round's)."""
    suggestion, assignment = locked_for_lead_unit(actor, suggestion_id)
    if suggestion.state != State.HANDLING:
        raise DomainError(_("Only a suggestion being handled is planned."))
    assignment.unit_leader = required_text(
        unit_leader, "unit_leader", _("Name the responsible leader."), 64
    )
    assignment.handler_name = required_text(
        handler_name, "handler_name", _("Name the handler."), 64
    )
    assignment.handler_phone = optional_text(handler_phone, "handler_phone", 32)
    assignment.measures = required_text(measures, "measures", _("Describe the measures."))
    assignment.standard = required_text(
        standard, "standard", _("Describe the standard of completion.")
    )
    assignment.save()
    record_event(actor, suggestion, Action.PLAN, handler=assignment.handler_name)
    return suggestion


@transaction.atomic
def suggestion_contact(
    *, actor, suggestion_id: int, stage: str, method: str, date: datetime.date, note: str
) -> ContactLog:
    """三联系: log a contact with the deputy before, during or after handling."""
    suggestion = locked(actor, suggestion_id)
    assignment = unit_assignment(actor, suggestion)
    if assignment is None:
        raise PermissionDenied(_("Only the handling unit of the suggestion does this."))
    if suggestion.state not in (State.HANDLING, State.REPLIED, State.COMPLETED):
        raise DomainError(_("Contacts are logged while the suggestion is handled."))
    if stage not in ContactLog.Stage.values:
        raise DomainError(_("Choose before, during or after handling."), field="stage")
    if method not in ContactLog.Method.values:
        raise DomainError(_("Choose how the deputy was contacted."), field="method")
    if not isinstance(date, datetime.date) or date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="date")
    log = ContactLog.objects.create(
        region=suggestion.region, suggestion=suggestion, department_id=actor.department_id,
        round=suggestion.round, stage=stage, method=method, date=date,
        note=required_text(note, "note", _("Write what was discussed.")), recorded_by=actor,
    )  # fmt: skip
    record_event(actor, suggestion, Action.CONTACT, stage=stage, method=method)
    return log


@transaction.atomic
def suggestion_co_opinion(
    *, actor, suggestion_id: int, text: str, signed_off_by: str
) -> CoHandlerOpinion:
    """A co-handling unit sends its view to the lead unit (会签), once per round."""
    suggestion = locked(actor, suggestion_id)
    assignment = unit_assignment(actor, suggestion)
    if assignment is None or assignment.role != UnitAssignment.Role.CO:
        raise PermissionDenied(_("Only a co-handling unit of the suggestion does this."))
    if suggestion.state != State.HANDLING:
        raise DomainError(_("Opinions are sent while the suggestion is being handled."))
    if CoHandlerOpinion.objects.filter(suggestion=suggestion, round=suggestion.round,
                                       department_id=actor.department_id).exists():  # fmt: skip
        raise DomainError(_("Your unit has already sent its opinion in this round."))
    opinion = CoHandlerOpinion.objects.create(
        region=suggestion.region, suggestion=suggestion, department_id=actor.department_id,
        round=suggestion.round, text=required_text(text, "text", _("Write the opinion.")),
        signed_off_by=required_text(signed_off_by, "signed_off_by", _("Name the leader who signed it off."), 64),
        author=actor,
    )  # fmt: skip
    record_event(actor, suggestion, Action.CO_OPINION, unit=assignment.department.name)
    notify(unit_users([suggestion.lead_unit_id]), "co_opinion",
            _("Co-handling opinion on suggestion %(label)s") % {"label": suggestion.label}, suggestion)  # fmt: skip
    return opinion


def _document(upload) -> uploads.Document | None:
    """Return the checked ``upload`` (None without one); refuse a file that is not a
    document a reply takes, before anything is stored."""
    if not upload:
        return None
    try:
        return uploads.check_document(upload)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="attachment") from None


def reply_classes() -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in ReplyClass.choices if value in conf.get("REPLY_CLASSES")
    ]


@transaction.atomic
def suggestion_reply(
    *, actor, suggestion_id: int, reply_class: str, text: str, signed_off_by: str,
    attachment=None,
) -> Reply:  # fmt: skip
    """The lead unit replies (答复) with class A/B/C, signed off by the unit's leader.
    Only the lead unit replies; a co-handling unit is refused. ``attachment`` (optional) is
    checked by its content (``portal.uploads``) and stored under a generated name."""
    suggestion, _assignment = locked_for_lead_unit(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.REPLIED)
    if suggestion.state != State.HANDLING:
        raise DomainError(_("Only a suggestion being handled is replied to."))
    if reply_class not in dict(reply_classes()):
        raise DomainError(_("Choose the class of the reply."), field="reply_class")
    text = required_text(text, "text", _("Write the reply."), CONTENT_MAX)
    signed_off_by = required_text(
        signed_off_by, "signed_off_by", _("Name the unit leader who signed the reply off."), 64
    )
    document = _document(attachment)
    today = timezone.localdate()
    reply = Reply(
        region=suggestion.region, suggestion=suggestion, round=suggestion.round,
        department_id=suggestion.lead_unit_id, reply_class=reply_class, text=text,
        signed_off_by=signed_off_by, author=actor, due_on=suggestion.due_on,
        in_time=today <= suggestion.due_on,
    )  # fmt: skip
    if document is not None:
        name = uploads.stored_name(f"suggestion-{suggestion.pk}-{suggestion.round}", document)
        reply.attachment.save(name, attachment, save=False)
    try:
        reply.save()
    except Exception:  # no file is left behind without its row
        if document is not None:
            reply.attachment.delete(save=False)
        raise
    if suggestion.first_replied_on is None:
        suggestion.first_replied_on, suggestion.replied_in_time = today, reply.in_time
    suggestion.reply_class = reply_class
    states.move(
        suggestion, State.REPLIED, actor=actor, action=Action.REPLY,
        data={"reply_class": reply_class, "in_time": reply.in_time},
    )  # fmt: skip
    notify(deputy_users(suggestion), "replied",
            _("Suggestion %(label)s “%(title)s” has been replied to; please rate it")
            % {"label": suggestion.label, "title": suggestion.title}, suggestion)  # fmt: skip
    return reply


@transaction.atomic
def suggestion_reclassify(
    *, actor, suggestion_id: int, reply_class: str, reason: str
) -> Suggestion:
    """The supervising office changes the class the unit chose for the latest reply."""
    suggestion = locked_for_office(actor, suggestion_id)
    if suggestion.state not in (State.REPLIED, State.COMPLETED):
        raise DomainError(_("Only the class of a replied or completed suggestion is changed."))
    reply = suggestion.replies.filter(round=suggestion.round).order_by("-id").first()
    if reply is None:
        raise DomainError(_("The suggestion has no reply yet."))
    if reply_class not in dict(reply_classes()):
        raise DomainError(_("Choose the class of the reply."), field="reply_class")
    reason = required_text(reason, "reason", _("Say why the class is changed."))
    before = reply.effective_class
    reply.office_class = reply_class
    reply.save(update_fields=["office_class"])
    suggestion.reply_class = reply_class
    suggestion.save(update_fields=["reply_class"])
    record_event(actor, suggestion, Action.RECLASSIFY, reason, before=before, after=reply_class)
    return suggestion

"""The page of one suggestion (``portal.desk.ObjectDesk``): what it is, what happened to it,
and the actions that fit its state and the person looking at it. Each action runs one
``workflow`` function; a refused change re-renders the page with the message beside the
form (400); an action the user may not take is 403; a suggestion out of scope is 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.desk import DeskAction, ObjectDesk
from portal.models import Region
from portal.views import private_file
from supervision.suggestions import forms as f
from supervision.suggestions import queries, similar, workflow
from supervision.suggestions.models import (
    Committee,
    DeadlineExtension,
    HandlingDeadline,
    Reply,
    Suggestion,
    SupervisionRecord,
    UnitAssignment,
)

State = Suggestion.State

# The parts a person plays on a suggestion; each action names those that may take it.
LEAD_DEPUTY, FIRST_REVIEWER, OFFICE, APPROVER = (
    "lead_deputy",
    "first_reviewer",
    "office",
    "approver",
)
SUPERVISOR, UNIT, LEAD_UNIT, CO_UNIT = "supervisor", "unit", "lead_unit", "co_unit"


def _open_extension(s: Suggestion) -> bool:
    return DeadlineExtension.objects.filter(
        deadline__suggestion=s, deadline__round=s.round, state="requested"
    ).exists()


def _sid(s):
    return {"suggestion_id": s.pk}


def _action(title, done, form, run, who, applies, files=False) -> DeskAction:
    return DeskAction(title, done, form, run, frozenset({who}), applies, files)


ACTIONS: dict[str, DeskAction] = {
    "submit": _action(_("Submit"), _("The suggestion has been submitted."), f.NoteForm,
        lambda u, s, d: workflow.suggestion_submit(actor=u, **_sid(s)), LEAD_DEPUTY,
        lambda s: s.state in Suggestion.EDITABLE_STATES),
    "withdraw": _action(_("Withdraw"), _("The suggestion has been withdrawn."), f.NoteForm,
        lambda u, s, d: workflow.suggestion_withdraw(actor=u, note=d["note"], **_sid(s)), LEAD_DEPUTY,
        lambda s: s.can_move_to(State.WITHDRAWN)),
    "rate": _action(_("Rate the reply and its implementation"), _("Thank you: your rating has been recorded."),
        f.RateForm, lambda u, s, d: workflow.suggestion_rate(actor=u, **_sid(s), **d), LEAD_DEPUTY,
        lambda s: s.state == State.REPLIED),
    "pass": _action(_("First review: pass on"), _("Passed on to the secretariat."), f.NoteForm,
        lambda u, s, d: workflow.suggestion_first_review(actor=u, passed=True, note=d["note"], **_sid(s)),
        FIRST_REVIEWER, lambda s: s.state == State.FIRST_REVIEW),
    "first_return": _action(_("First review: return for revision"), _("Returned to the deputy."),
        f.ReturnForm, lambda u, s, d: workflow.suggestion_first_review(actor=u, passed=False, **_sid(s), **d),
        FIRST_REVIEWER, lambda s: s.state == State.FIRST_REVIEW),
    "accept": _action(_("Accept"), _("The suggestion has been accepted."), f.NoteForm,
        lambda u, s, d: workflow.suggestion_accept(actor=u, note=d["note"], **_sid(s)), OFFICE,
        lambda s: s.state == State.SUBMITTED),
    "return": _action(_("Return for revision"), _("Returned to the deputy."), f.ReturnForm,
        lambda u, s, d: workflow.suggestion_return(actor=u, **_sid(s), **d), OFFICE,
        lambda s: s.state == State.SUBMITTED),
    "explain": _action(_("Answer by explanation"), _("The deputy has been answered."), f.TextForm,
        lambda u, s, d: workflow.suggestion_explain(actor=u, text=d["text"], **_sid(s)), OFFICE,
        lambda s: s.can_move_to(State.EXPLAINED)),
    "convert": _action(_("Convert to another channel"), _("The suggestion has been converted."),
        f.RequiredNoteForm, lambda u, s, d: workflow.suggestion_convert(actor=u, note=d["note"], **_sid(s)),
        OFFICE, lambda s: s.can_move_to(State.CONVERTED)),
    "assign": _action(_("Assign to handling units"), _("The suggestion has been assigned."),
        f.AssignForm, lambda u, s, d: workflow.suggestion_assign(
            actor=u, lead_unit_id=d["lead_unit"], co_unit_ids=d["co_units"], lead_leader=d["lead_leader"],
            received_on=d["received_on"], note=d["note"], **_sid(s)),
        OFFICE, lambda s: s.state == State.ACCEPTED),
    "decide_extension": _action(_("Decide on the extension"), _("The decision has been recorded."),
        f.DecideExtensionForm, lambda u, s, d: workflow.suggestion_decide_extension(
            actor=u, approve=d["decision"] == "approve", note=d["note"], **_sid(s)),
        APPROVER, lambda s: s.state == State.HANDLING and _open_extension(s)),
    "reclassify": _action(_("Change the reply class"), _("The reply class has been changed."),
        f.ClassForm, lambda u, s, d: workflow.suggestion_reclassify(actor=u, **_sid(s), **d), OFFICE,
        lambda s: s.state in (State.REPLIED, State.COMPLETED)),
    "close": _action(_("Complete without a rating"), _("The suggestion has been completed."),
        f.RequiredNoteForm, lambda u, s, d: workflow.suggestion_close(actor=u, note=d["note"], **_sid(s)),
        OFFICE, lambda s: s.state == State.REPLIED),
    "mark_key": _action(_("Key supervision (重点督办)"), _("The suggestion is under key supervision."),
        f.CommitteeForm, lambda u, s, d: workflow.suggestion_mark_key(
            actor=u, committee_id=d["committee"], note=d["note"], **_sid(s)),
        OFFICE, lambda s: not s.is_key and s.state in (State.SUBMITTED, State.ACCEPTED, State.HANDLING, State.REPLIED)),
    "supervise": _action(_("Record a supervision"), _("The supervision has been recorded."),
        f.SuperviseForm, lambda u, s, d: workflow.suggestion_supervise(actor=u, **_sid(s), **d), SUPERVISOR,
        lambda s: s.state in Suggestion.ASSIGNED_STATES),
    "recheck": _action(_("Re-check (回头看)"), _("The re-check has been recorded."),
        f.RecheckForm, lambda u, s, d: workflow.suggestion_recheck(actor=u, **_sid(s), **d), SUPERVISOR,
        lambda s: s.state in (State.REPLIED, State.COMPLETED) and s.reply_class in ("B", "C")),
    "plan": _action(_("五定: leader, handler, measures, standard"), _("The plan has been recorded."),
        f.PlanForm, lambda u, s, d: workflow.suggestion_plan(actor=u, **_sid(s), **d), LEAD_UNIT,
        lambda s: s.state == State.HANDLING),
    "contact": _action(_("Log a contact with the deputy (三联系)"), _("The contact has been logged."),
        f.ContactForm, lambda u, s, d: workflow.suggestion_contact(actor=u, **_sid(s), **d), UNIT,
        lambda s: s.state in Suggestion.ASSIGNED_STATES),
    "reply": _action(_("Reply to the deputy"), _("The reply has been sent to the deputy."),
        f.ReplyForm, lambda u, s, d: workflow.suggestion_reply(actor=u, **_sid(s), **d), LEAD_UNIT,
        lambda s: s.state == State.HANDLING, files=True),
    "extension": _action(_("Ask for more time"), _("The request has been sent for approval."),
        f.ExtensionForm, lambda u, s, d: workflow.suggestion_request_extension(actor=u, **_sid(s), **d),
        LEAD_UNIT, lambda s: s.state == State.HANDLING and not _open_extension(s)),
    "opinion": _action(_("Send our opinion to the lead unit (会签)"), _("The opinion has been sent."),
        f.OpinionForm, lambda u, s, d: workflow.suggestion_co_opinion(actor=u, **_sid(s), **d), CO_UNIT,
        lambda s: s.state == State.HANDLING),
    "not_ours": _action(_("Return: not our responsibility"), _("The suggestion has been returned to the office."),
        f.ReasonForm, lambda u, s, d: workflow.suggestion_return_misassigned(actor=u, reason=d["reason"], **_sid(s)),
        UNIT, lambda s: s.state == State.HANDLING),
}  # fmt: skip


def roles(user, s: Suggestion) -> set[str]:
    """Return the parts ``user`` plays on the suggestion (no query but the unit's)."""
    found = set()
    rep = getattr(user, "representative", None) if user.is_authenticated else None
    if rep is not None and rep.pk == s.lead_id:
        found.add(LEAD_DEPUTY)
    if access.can_by_region(user, access.MANAGE, s):
        found |= {OFFICE, SUPERVISOR}
    if access.can_by_region(user, access.APPROVE, s):
        found.add(APPROVER)
    if s.origin_region_id and access.can_by_region(user, access.MANAGE, s.origin_region):
        found.add(FIRST_REVIEWER)
    if getattr(user, "department_id", None):
        assignment = UnitAssignment.objects.filter(
            suggestion=s, department_id=user.department_id, active=True
        ).first()
        if assignment is not None:
            found.add(LEAD_UNIT if assignment.role == UnitAssignment.Role.LEAD else CO_UNIT)
            found.add(UNIT)
    if s.committee_id and s.committee.members.filter(pk=user.pk).exists():
        found.add(SUPERVISOR)
    return found


class SuggestionDesk(ObjectDesk):
    template = "suggestions/desk_detail.html"
    url_namespace = "suggestions_desk"
    object_name = "s"
    detail_url_name = "detail"
    list_url_name = "list"
    actions = ACTIONS

    def get_object(self, user, pk):
        return queries.suggestion_for(user, pk)

    def roles(self, user, obj) -> set[str]:
        # Asked for the actions and for the page: computed once per loaded suggestion.
        cached = obj.__dict__.get("_desk_roles")
        if cached is None or cached[0] != user.pk:
            cached = obj.__dict__["_desk_roles"] = (user.pk, roles(user, obj))
        return cached[1]

    def action_url_name(self) -> str:
        return "action"

    def form_kwargs(self, name: str, obj) -> dict:
        if name == "assign":
            return {"units": workflow.units_for(obj)}
        if name == "mark_key":
            paths = Region.ancestor_paths_of(obj.region.path)
            return {"committees": Committee.objects.filter(region__path__in=paths)}
        return {}

    def history(self, obj) -> list:
        """The audit events; the state column only where the state changed."""
        rows = super().history(obj)
        for event in rows:
            if event.from_state == event.to_state:
                event.from_label = event.to_label = ""
        return rows

    def extra_context(self, request, s) -> dict:
        mine = self.roles(request.user, s)
        may_check = s.state in Suggestion.EDITABLE_STATES and LEAD_DEPUTY in mine
        checking = request.method == "GET" and request.GET.get("check") == "similar"
        extensions = DeadlineExtension.objects.select_related("requested_by", "decided_by")
        return {
            "roles": mine,
            "light": queries.deadline_light(s),
            "cosigners": list(s.cosigners.all()),
            "units": list(s.units.select_related("department")),
            "deadlines": list(
                HandlingDeadline.objects.filter(suggestion=s).prefetch_related(
                    Prefetch("extensions", extensions)
                )
            ),
            "replies": list(
                Reply.objects.filter(suggestion=s).select_related("department", "author")
            ),
            "opinions": list(s.opinions.select_related("department")),
            "contacts": list(s.contacts.select_related("department")),
            "ratings": list(s.ratings.all()),
            "reviews": list(s.reviews.select_related("reviewer")),
            "submissions": list(s.submissions.all()),
            "supervision": list(SupervisionRecord.objects.filter(suggestion=s)),
            "may_edit": LEAD_DEPUTY in mine and s.state in Suggestion.EDITABLE_STATES,
            # Comparing with the ledger costs hundreds of rows: only when the deputy asks.
            "similar": similar.similar_to(s.title, s.content, s.lead, exclude=s.pk)
            if checking and may_check
            else [],
            "may_check": may_check,
            "checked": checking and may_check,
        }


desk = SuggestionDesk()


@login_required
def reply_attachment(request, reply_pk):
    """Serve a reply's attachment to those who see the suggestion, never from a public URL:
    always as a download (``portal.uploads``), never shown in the portal's origin."""
    reply = access.get_object_or_404(request.user, Reply.objects.all(), pk=reply_pk)
    response = private_file(reply.attachment, download=True)
    response["Content-Security-Policy"] = "sandbox"  # even if a browser did open it
    return response

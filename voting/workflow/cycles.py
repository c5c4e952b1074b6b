"""Selection cycles: opening one, its counting and evaluation rules, and its stages
(征集 → 初定 → 审议 → 票决 → 公布 → 监督 → 评估, ``Cycle.TRANSITIONS``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from portal import access, events, states
from portal.errors import DomainError, required_text
from portal.models import Region
from voting.models import Cycle, Vote
from voting.projects import notify_evaluation
from voting.vocabulary import Action

Stage = Cycle.Stage


def office_object(actor, queryset, pk, *, lock: bool = True):
    """Return the row ``pk`` (locked) when the actor's office manages its region: 404 when
    the actor does not see it, 403 when the actor sees it but is not the office."""
    if lock:
        queryset = queryset.select_for_update()
    obj = access.get_object_or_404(actor, queryset, pk=pk)
    if not access.can_by_region(actor, access.MANAGE, obj):
        raise PermissionDenied(_("Only the congress office of the region does this."))
    return obj


CYCLE_SETTINGS = (
    "description", "seats", "require_more_candidates", "pass_base", "live_tally",
    "evaluation_mode", "satisfaction_rule",
)  # fmt: skip


def _check_settings(values: dict) -> None:
    choices = {
        "pass_base": Cycle.PassBase.values,
        "evaluation_mode": Cycle.EvaluationMode.values,
        "satisfaction_rule": Cycle.SatisfactionRule.values,
    }
    for name, allowed in choices.items():
        if name in values and values[name] not in allowed:
            raise DomainError(_("Choose one of the offered values."), field=name)
    if "seats" in values and not (isinstance(values["seats"], int) and 1 <= values["seats"] <= 500):
        raise DomainError(_("Adopt between 1 and 500 projects."), field="seats")


@transaction.atomic
def cycle_create(*, actor, region_id: int, year: int, title: str, **settings) -> Cycle:
    """Open a selection cycle of a region's congress, in the soliciting stage."""
    region = access.visible(actor, Region.objects.filter(pk=region_id), access.MANAGE).first()
    if region is None:
        raise DomainError(_("Choose a region of your jurisdiction."), field="region")
    if region.level == Region.Level.VILLAGE:
        raise DomainError(
            _("Villages have no people's congress; choose a township or above."), field="region"
        )
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    unknown = set(settings) - set(CYCLE_SETTINGS)
    if unknown:
        raise DomainError(_("Unknown setting."), field=sorted(unknown)[0])
    _check_settings(settings)
    title = required_text(title, "title", _("Give the cycle a title."), 100)
    if Cycle.objects.filter(region=region, year=year, title=title).exists():
        raise DomainError(_("This region already has a cycle with this title."), field="title")
    cycle = Cycle.objects.create(region=region, year=year, title=title, **settings)
    events.record(actor=actor, target=cycle, action=Action.CYCLE_CREATE, after=cycle.stage)
    return cycle


@transaction.atomic
def cycle_configure(*, actor, cycle_id: int, **settings) -> Cycle:
    """Change the counting and evaluation rules; the counting rules are fixed once voting
    has started."""
    cycle = office_object(actor, Cycle.objects.all(), cycle_id)
    unknown = set(settings) - set(CYCLE_SETTINGS)
    if unknown:
        raise DomainError(_("Unknown setting."), field=sorted(unknown)[0])
    _check_settings(settings)
    counting = {"seats", "require_more_candidates", "pass_base"}
    if counting & set(settings) and cycle.votes.exists():
        raise DomainError(_("The counting rules cannot change once a vote has been prepared."))
    before = {name: getattr(cycle, name) for name in settings}
    for name, value in settings.items():
        setattr(cycle, name, value)
    cycle.save()
    events.record(actor=actor, target=cycle, action=Action.CYCLE_CONFIGURE,
                  data={"before": {k: str(v) for k, v in before.items()},
                        "after": {k: str(v) for k, v in settings.items()}})  # fmt: skip
    return cycle


def open_candidates(cycle: Cycle):
    """Return the cycle's candidates that have not been withdrawn."""
    return cycle.candidates.filter(withdrawn=False)


def check_candidate_count(cycle: Cycle) -> None:
    """Refuse a list that cannot be voted on: none, or not more than the seats (差额)."""
    total = open_candidates(cycle).count()
    if total == 0:
        raise DomainError(_("The cycle has no candidate projects yet."))
    if cycle.require_more_candidates and total <= cycle.seats:
        raise DomainError(
            _("The list must hold more candidates (%(count)d now) than projects to adopt "
              "(%(seats)d).") % {"count": total, "seats": cycle.seats}
        )  # fmt: skip


@transaction.atomic
def cycle_advance(*, actor, cycle_id: int, to: str | None = None, note: str = "") -> Cycle:
    """Move the cycle to stage ``to`` (征集 → 初定 → 审议 → 票决 → 公布 → 监督 → 评估); without
    ``to``, to the next stage along the table, read on the locked row."""
    cycle = office_object(actor, Cycle.objects.select_related("region"), cycle_id)
    if to is None:
        to = cycle.forward_stage()
    if to not in Stage.values:
        raise DomainError(_("Unknown stage."), field="to")
    cycle.ensure_can_move_to(to)
    if to in (Stage.DELIBERATE, Stage.VOTE):
        check_candidate_count(cycle)
    if to == Stage.ANNOUNCE:
        last = cycle.votes.order_by("-round").first()
        if last is None or last.state != Vote.State.CLOSED:
            raise DomainError(_("Announce after the vote has been closed and counted."))
        if last.outcome != Vote.Outcome.DECIDED:
            raise DomainError(_("A tie at the cut-off needs a run-off before the announcement."))
    states.move(cycle, to, actor=actor, action=Action.CYCLE_ADVANCE, note=note)
    if to == Stage.EVALUATE:
        notify_evaluation(cycle)
    return cycle

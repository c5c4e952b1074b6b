"""Staff teach the concentrated issues: confirm a group, split it, move issues out, merge two.

Each decision is audited on the group and holds in every later grouping (``topic_store``):
the members of a confirmed group are pinned, split groups are both confirmed and stay apart,
an issue moved out stays alone and never returns to that group. A merge of two groups that
name different problems (or none) suggests the merged group's words as phrases of the
other's problem in the lexicon (``ProblemPhrase``, waiting for approval in the admin).

The office acts on a group only when it manages every issue in it: a group spanning two
townships (one bus line) is the county office's.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import topic_store
from petitions.models import IssueTopic, Petition, TopicGroup
from petitions.vocabulary import Action
from portal import access, events
from portal.errors import DomainError
from portal.lexicon_models import ProblemPhrase

MAX_SUGGESTED = 3  # phrases a merge suggests


def _group(actor, group_id: int) -> tuple[TopicGroup, list[IssueTopic]]:
    group = TopicGroup.objects.select_for_update().filter(pk=group_id).first()
    if group is None:
        raise DomainError(_("No such group: it may have changed. Reload the page."), field="group")
    members = list(
        IssueTopic.objects.select_for_update().filter(group=group).select_related("region")
    )
    visible = set(
        access.visible(
            actor, Petition.objects.filter(pk__in=[m.petition_id for m in members])
        ).values_list("pk", flat=True)
    )
    if not members or len(visible) < len(members):
        raise PermissionDenied(_("This group includes issues outside your region."))
    if not all(access.can_by_region(actor, access.MANAGE, m) for m in members):
        raise PermissionDenied(_("This group includes issues outside your region."))
    return group, members


def _confirm(group: TopicGroup, actor) -> None:
    group.confirmed_by = actor
    group.confirmed_at = timezone.now()
    group.save(update_fields=["confirmed_by", "confirmed_at"])
    IssueTopic.objects.filter(group=group).update(pinned=True)


def _chosen(members: Sequence[IssueTopic], petition_ids: Sequence[int]) -> list[IssueTopic]:
    wanted = set(petition_ids)
    chosen = [m for m in members if m.petition_id in wanted]
    if not chosen or len(chosen) < len(wanted):
        raise DomainError(
            _("Uncheck the issues of this group that do not belong."), field="petition"
        )
    return chosen


@transaction.atomic
def topic_confirm(*, actor, group_id: int) -> TopicGroup:
    group, members = _group(actor, group_id)
    _confirm(group, actor)
    events.record(actor=actor, target=group, action=Action.TOPIC_CONFIRM,
                  region=members[0].region, data={"issues": len(members)})  # fmt: skip
    return group


@transaction.atomic
def topic_split(*, actor, group_id: int, petition_ids: Sequence[int]) -> TopicGroup:
    """The checked issues become a group of their own; both groups are confirmed."""
    group, members = _group(actor, group_id)
    chosen = _chosen(members, petition_ids)
    if len(chosen) == len(members):
        raise DomainError(_("Leave at least one issue in the group."), field="petition")
    new = TopicGroup.objects.create(county=group.county, problem=group.problem, label=group.label)
    IssueTopic.objects.filter(pk__in=[m.pk for m in chosen]).update(group=new)
    _confirm(group, actor)
    _confirm(new, actor)
    topic_store.refresh([group.pk, new.pk])
    events.record(actor=actor, target=group, action=Action.TOPIC_SPLIT, region=members[0].region,
                  data={"issues": [m.petition_id for m in chosen], "new_group": new.pk})  # fmt: skip
    return new


@transaction.atomic
def topic_move_out(*, actor, group_id: int, petition_ids: Sequence[int]) -> TopicGroup:
    """The checked issues leave the group and stay alone; the rest is confirmed."""
    group, members = _group(actor, group_id)
    chosen = _chosen(members, petition_ids)
    IssueTopic.objects.filter(pk__in=[m.pk for m in chosen]).update(
        group=None, pinned=True, kept_out_of=group
    )
    if len(chosen) < len(members):
        _confirm(group, actor)
    events.record(actor=actor, target=group, action=Action.TOPIC_MOVE_OUT,
                  region=members[0].region,
                  data={"issues": [m.petition_id for m in chosen]})  # fmt: skip
    topic_store.refresh([group.pk])
    return group


@transaction.atomic
def topic_merge(*, actor, group_id: int, into_id: int) -> TopicGroup:
    """Group ``group_id`` joins group ``into_id``, which is confirmed."""
    if group_id == into_id:
        raise DomainError(_("Choose another group to merge with."), field="into")
    first, second = sorted((group_id, into_id))  # lock in one order: no deadlock
    locked = {first: _group(actor, first), second: _group(actor, second)}
    (group, members), (into, into_members) = locked[group_id], locked[into_id]
    if group.county_id != into.county_id:
        raise DomainError(_("Groups of two counties are not merged."), field="into")
    IssueTopic.objects.filter(group=group).update(group=into)
    _confirm(into, actor)
    suggested = _suggest_phrases(actor, group, into, members)
    events.record(actor=actor, target=into, action=Action.TOPIC_MERGE,
                  region=into_members[0].region,
                  data={"merged_group": group.pk, "issues": [m.petition_id for m in members],
                        "suggested_phrases": suggested})  # fmt: skip
    group.delete()
    topic_store.refresh([into.pk])
    return into


def _suggest_phrases(actor, group: TopicGroup, into: TopicGroup, members) -> list[str]:
    """When the merged group named another problem, or none, its most characteristic words
    are suggested as phrases of ``into``'s problem (not used before approval)."""
    if not into.problem or group.problem == into.problem:
        return []
    from petitions import thesaurus

    texts = Petition.objects.filter(pk__in=[m.petition_id for m in members]).only(
        "title", "description"
    )
    weights: dict[str, float] = {}
    for petition in texts:
        for word, weight in thesaurus.terms(petition.title, "").items():
            weights[word] = weights.get(word, 0.0) + weight
    known = topic_store.reader().lexicon.by_phrase
    words = [w for w, _v in sorted(weights.items(), key=lambda kv: -kv[1]) if w not in known]
    suggested = words[:MAX_SUGGESTED]
    for word in suggested:
        ProblemPhrase.objects.get_or_create(
            concept=into.problem, phrase=word[:32],
            defaults={"approved": False, "created_by": actor,
                      "note": _("Suggested by merging two concentrated issues.")},
        )  # fmt: skip
    return suggested

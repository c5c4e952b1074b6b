"""Deputies' suggestions on top of the stations world (tests/stations/conftest.py).

A session of 甲县's congress; 甲县单位 (handler m_handler) leads, 甲县另一单位 (handler h_co)
co-handles; m_county_leader is the county office's leader (approves extensions); deputies
dep_a1 (m_deputy) and dep_a1b (m_deputy2) of 甲一镇 file to the county, so 甲一镇's office
(m_township) does the first review.
"""

import datetime
from dataclasses import dataclass

import pytest

from portal import access
from portal.models import Event, User
from supervision.suggestions import workflow
from supervision.suggestions.models import Committee, Session
from tests.factories import UserFactory, staff_with_role
from tests.stations.conftest import StationWorld, sworld, world  # noqa: F401  (fixtures)


@dataclass
class SuggestionWorld:
    s: StationWorld
    session: Session
    users: dict
    regions: dict
    deps: dict
    units: dict
    committee: Committee


@pytest.fixture
def gworld(sworld):  # noqa: F811
    base = sworld.base
    r = base.regions
    session = Session.objects.create(
        region=r["countyA"], name="甲县第一届人大第三次会议",
        opens_on=datetime.date(2024, 1, 10), closes_on=datetime.date(2024, 1, 13),
    )  # fmt: skip
    units = {"lead": base.depts["countyA"], "co": base.depts["countyA_other"],
             "city": base.depts["city"], "sibling": base.depts["countyB"]}  # fmt: skip
    users = dict(base.users)
    users["co"] = UserFactory(
        username="h_co", kind=User.Kind.HANDLER, department=units["co"], region=r["countyA"]
    )
    users["sibling_handler"] = UserFactory(
        username="h_b", kind=User.Kind.HANDLER, department=units["sibling"], region=r["countyB"]
    )
    users["leader"] = staff_with_role(r["countyA"], access.Role.LEADER, username="m_county_leader")
    users["county_b"] = staff_with_role(r["countyB"], username="m_county_b")
    users["township2"] = staff_with_role(r["townA2"], username="m_township2")
    users["committee_member"] = UserFactory(username="m_committee", region=r["countyA"])
    committee = Committee.objects.create(region=r["countyA"], name="财经委员会")
    committee.members.add(users["committee_member"])
    return SuggestionWorld(sworld, session, users, r, sworld.deps, units, committee)


def actions(suggestion) -> list[str]:
    """The actions recorded on a suggestion, oldest first."""
    return list(
        Event.objects.filter(target_id=suggestion.pk, action__startswith="suggestion_")
        .order_by("id")
        .values_list("action", flat=True)
    )


def draft(gw: SuggestionWorld, actor="deputy", **kwargs):
    values = {
        "title": "增加石浦至县城公交班次", "content": "早高峰公交太挤，建议增加班次。",
        "category": "urban_rural", "session_id": gw.session.pk,
    }  # fmt: skip
    values.update(kwargs)
    return workflow.suggestion_draft(actor=gw.users[actor], **values)


def accepted(gw: SuggestionWorld, **kwargs):
    """Draft by m_deputy, submit, pass the township's first review, accept at the county."""
    suggestion = draft(gw, **kwargs)
    workflow.suggestion_submit(actor=gw.users["deputy"], suggestion_id=suggestion.pk)
    workflow.suggestion_first_review(
        actor=gw.users["township"], suggestion_id=suggestion.pk, passed=True
    )
    workflow.suggestion_accept(actor=gw.users["county"], suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    return suggestion


def assigned(gw: SuggestionWorld, received_on=None, co=True, **kwargs):
    suggestion = accepted(gw, **kwargs)
    workflow.suggestion_assign(
        actor=gw.users["county"], suggestion_id=suggestion.pk, lead_unit_id=gw.units["lead"].pk,
        co_unit_ids=[gw.units["co"].pk] if co else [], lead_leader="王副县长",
        received_on=received_on,
    )  # fmt: skip
    suggestion.refresh_from_db()
    return suggestion


def replied(gw: SuggestionWorld, reply_class="A", **kwargs):
    suggestion = assigned(gw, **kwargs)
    workflow.suggestion_reply(
        actor=gw.users["handler"], suggestion_id=suggestion.pk, reply_class=reply_class,
        text="已增加早高峰班次。", signed_off_by="李局长",
    )  # fmt: skip
    suggestion.refresh_from_db()
    return suggestion

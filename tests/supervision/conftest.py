"""Supervision matters on top of the citizen-issues world (tests/petitions/conftest.py).

townA1: three issues about the same bus line, submitted from villageA1; the township
        staff ``m_township`` leads groups, deputies ``m_deputy`` and ``m_deputy2`` are members;
        the township government unit (handler ``h_townA1``) handles the matter.
townA2: the sibling township with its deputy ``m_deputy3`` and its own unit.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from petitions.models import Petition
from supervision import workflow
from tests.petitions.conftest import pworld, submit  # noqa: F401  (fixtures)
from tests.stations.conftest import sworld, world  # noqa: F401  (fixtures)


@dataclass
class MatterWorld:
    p: object  # the petitions world

    @property
    def users(self):
        return self.p.base.users

    @property
    def regions(self):
        return self.p.base.regions


@pytest.fixture
def mworld(pworld):  # noqa: F811
    return MatterWorld(pworld)


def three_issues(mworld) -> list[Petition]:
    return [
        submit(mworld.p, title=f"去石浦的公交太少{i}", citizen_phone=f"1380000111{i}")
        for i in range(3)
    ]


def future(days=20) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def today() -> datetime.date:
    return timezone.localdate()


def matter_in_handling(mworld, issues=None):
    """A townA1 matter made from issues, studied, with its group, handled by the unit."""
    staff = mworld.users["township"]
    issues = three_issues(mworld) if issues is None else issues
    matter = workflow.matter_create(
        actor=staff, region_id=mworld.regions["townA1"].pk, title="公交班次",
        description="多名群众反映去石浦的公交班次太少", petition_ids=[p.pk for p in issues],
    )  # fmt: skip
    workflow.matter_study(
        actor=staff, matter_id=matter.pk, studied_on=today(), decision="列入督事",
        classification="supervise",
    )  # fmt: skip
    workflow.matter_form_group(
        actor=staff, matter_id=matter.pk, duties="督促增加班次",
        members=[(staff.pk, "leader", "组长"), (mworld.users["deputy"].pk, "member", "走访")],
    )  # fmt: skip
    workflow.matter_start(
        actor=staff, matter_id=matter.pk, department_id=mworld.p.units["townA1"].pk,
        due_on=future(),
    )  # fmt: skip
    matter.refresh_from_db()
    return matter

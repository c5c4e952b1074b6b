"""Selection cycles on top of the stations world (tests/stations/conftest.py).

``make_deputies`` adds township deputies of townA1 with accounts and current township
mandates, so that the default roll of a townA1 cycle is exactly them.
"""

import datetime
import itertools

import pytest

from portal.models import User
from stations.models import Mandate, MandateLevel, Representative
from tests.stations.conftest import StationWorld, sworld, world  # noqa: F401  (fixtures)
from voting import ballots, workflow
from voting.models import Cycle, Proposal

_serial = itertools.count(1)
START, END = datetime.date(2026, 3, 1), datetime.date(2026, 12, 31)


def make_deputies(region, count: int, prefix: str = "v") -> list[Representative]:
    """Create ``count`` deputies with accounts and a current township mandate of ``region``."""
    batch = next(_serial)
    password = User(username="x")
    password.set_password("pw-for-tests-2026")
    users = User.objects.bulk_create(
        [
            User(username=f"{prefix}{batch}_{n}", kind=User.Kind.DEPUTY, region=region,
                 is_staff=False, password=password.password, full_name=f"代表{batch}-{n}")
            for n in range(count)
        ]
    )  # fmt: skip
    if users[0].pk is None:  # pragma: no cover - SQLite before 3.35
        users = list(User.objects.filter(username__startswith=f"{prefix}{batch}_"))
    deputies = Representative.objects.bulk_create(
        [
            Representative(region=region, name=user.full_name, id_code=f"R{batch}-{n}", user=user)
            for n, user in enumerate(users)
        ]
    )
    Mandate.objects.bulk_create(
        [
            Mandate(representative=d, region=region, level=MandateLevel.TOWNSHIP, term="第十八届")
            for d in deputies
        ]
    )
    return deputies


def build_cycle(staff, region, *, proposals=15, candidates=12, seats=10,
                stage=Cycle.Stage.VOTE, **settings) -> Cycle:  # fmt: skip
    """A cycle in the vote stage (or ``stage`` deliberate): proposals collected, candidates
    built from them."""
    cycle = workflow.cycle_create(
        actor=staff, region_id=region.pk, year=2026, title=f"民生实事{next(_serial)}",
        seats=seats, **settings,
    )  # fmt: skip
    made = [
        workflow.proposal_submit(
            cycle_id=cycle.pk,
            source=Proposal.Source.CITIZEN,
            title=f"建议{n}",
            description=f"建议{n}的内容",
            proposer_name="张三",
            proposer_phone="13800001111",
        )  # fmt: skip
        for n in range(proposals)
    ]
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Cycle.Stage.SHORTLIST)
    # Duplicates merged (support counted), the rest built into candidates.
    spare = made[candidates:]
    for n, proposal in enumerate(spare):
        workflow.proposal_merge(actor=staff, proposal_id=proposal.pk, into_id=made[n].pk)
    for n in range(candidates):
        workflow.candidate_create(
            actor=staff, cycle_id=cycle.pk, proposal_ids=[made[n].pk], title=f"项目{n + 1}",
            description="说明", budget="100.50", department=region.departments.first(),
            starts_on=START, ends_on=END,
        )  # fmt: skip
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Cycle.Stage.DELIBERATE)
    if stage == Cycle.Stage.VOTE:
        workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Cycle.Stage.VOTE)
    return cycle


def allocate(deputies, targets: dict[int, int], seats: int) -> dict[int, dict]:
    """Return ballots (deputy pk → {candidate pk: choice}) giving each candidate exactly
    ``targets[pk]`` yes-votes with at most ``seats`` yes per ballot; the rest alternate
    no / abstain."""
    given = {d.pk: 0 for d in deputies}
    ballots_of = {d.pk: {} for d in deputies}
    for candidate, wanted in sorted(targets.items(), key=lambda item: -item[1]):
        for pk in sorted(given, key=lambda pk: (given[pk], pk))[:wanted]:
            assert given[pk] < seats
            ballots_of[pk][candidate] = "yes"
            given[pk] += 1
    for n, marks in enumerate(ballots_of.values()):
        for candidate in targets:
            marks.setdefault(candidate, "no" if (n + candidate) % 2 else "abstain")
    return ballots_of


def cast_all(vote, deputies, ballots_of) -> dict[int, str]:
    """Cast each deputy's ballot through the workflow; return the receipts by deputy."""
    return {
        d.pk: ballots.ballot_cast(actor=d.user, vote_id=vote.pk, choices=ballots_of[d.pk])
        for d in deputies
        if d.pk in ballots_of
    }


@pytest.fixture
def vworld(sworld):  # noqa: F811
    """townA1's staff (m_township) and 41 deputies of townA1 (plus the world's two)."""
    sworld.voters = make_deputies(sworld.base.regions["townA1"], 41)
    sworld.staff = sworld.base.users["township"]
    return sworld

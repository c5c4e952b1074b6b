"""Livelihood-project vote: N deputies cast electronic ballots at once; time from the last
ballot to the final tally (close + count + frozen results).

Runs on PostgreSQL (``BENCH_DATABASE_URL``, default ``.../portal_bench``): migrates, builds a
township with N deputies and a cycle of 12 candidates for 10 seats, opens the vote, and has
``--threads`` workers (each with its own database connection) call ``ballot_cast`` for every
deputy. Then, right after the last ballot has committed, it closes the vote (which counts it
with aggregate queries and freezes the result) and checks the result against a count made
independently in Python from the stored ballot rows.

    python -m bench.voting_tally [--deputies 500] [--threads 16] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from bench.common import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deputies", type=int, default=500)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    figures = [run(args.deputies, args.threads) for _round in range(args.rounds)]
    print(f"deputies: {args.deputies}, concurrent workers: {args.threads}, rounds: {args.rounds}")
    for name in ("cast_s", "per_ballot_ms", "close_ms", "tally_ms", "live_ms"):
        values = [f[name] for f in figures]
        print(f"  {name:>14}: median {statistics.median(values):8.2f}  "
              f"(min {min(values):.2f}, max {max(values):.2f})")  # fmt: skip
    print("  every ballot counted once, tally == independent count: yes")


def run(deputies: int, threads: int) -> dict:
    from django.db import connection, connections

    from portal import access
    from portal.models import Department, Region, User
    from stations.models import Mandate, Representative
    from voting import ballots, queries, workflow
    from voting.models import BallotChoice, Candidate, Cycle

    stamp = f"{time.time_ns()}"[-9:]
    county = Region.objects.filter(level=2).first()
    if county is None:
        city = Region.objects.create(code="990000000000", name="基准市", level=1, parent=None,
                                     path="/990000000000/")  # fmt: skip
        county = Region.objects.create(code="990100000000", name="基准县", level=2, parent=city,
                                       path=f"{city.path}990100000000/")  # fmt: skip
    code = f"{county.code[:6]}{int(stamp) % 900 + 100:03d}000"
    region = Region.objects.filter(code=code).first() or Region.objects.create(
        code=code, name=f"基准镇{stamp}", level=3, parent=county, path=f"{county.path}{code}/"
    )
    staff = User.objects.create_user(f"bench_staff_{stamp}", password="x", is_staff=True)
    access.grant_role(staff, region, access.Role.STAFF)
    department, _created = Department.objects.get_or_create(
        region=region, name="基准镇人民政府", defaults={"kind": "township_government"}
    )
    password = User(username="x")
    password.set_password("bench")
    users = User.objects.bulk_create(
        [User(username=f"bench_{stamp}_{n}", kind="deputy", password=password.password)
         for n in range(deputies)]
    )  # fmt: skip
    reps = Representative.objects.bulk_create(
        [Representative(region=region, name=f"代表{n}", id_code=f"B{stamp}-{n}", user=u)
         for n, u in enumerate(users)]
    )  # fmt: skip
    Mandate.objects.bulk_create(
        [Mandate(representative=r, region=region, level="township", term="第十八届") for r in reps]
    )
    cycle = workflow.cycle_create(actor=staff, region_id=region.pk, year=2026,
                                  title=f"基准{stamp}", seats=10)  # fmt: skip
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Cycle.Stage.SHORTLIST)
    import datetime

    for n in range(12):
        workflow.candidate_create(
            actor=staff, cycle_id=cycle.pk, title=f"项目{n}", description="说明", budget="10",
            department=department, starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
        )  # fmt: skip
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Cycle.Stage.DELIBERATE)
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Cycle.Stage.VOTE)
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=staff, vote_id=vote.pk)
    candidates = list(Candidate.objects.filter(cycle=cycle).values_list("pk", flat=True))

    def marks(n: int) -> dict:
        chosen = {candidates[(n + k) % 12] for k in range(10 if n % 7 else 8)}
        return {pk: "yes" if pk in chosen else ("no" if (n + pk) % 3 else "abstain")
                for pk in candidates}  # fmt: skip

    def cast(n: int) -> None:
        try:
            ballots.ballot_cast(actor=users[n], vote_id=vote.pk, choices=marks(n))
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(cast, range(deputies)))
    last_ballot = time.perf_counter()
    vote = ballots.vote_close(actor=staff, vote_id=vote.pk)
    closed = time.perf_counter()
    tally_started = time.perf_counter()
    queries.tally(vote)
    tally_ms = (time.perf_counter() - tally_started) * 1000
    live_started = time.perf_counter()
    queries.live(vote)
    live_ms = (time.perf_counter() - live_started) * 1000

    independent = Counter(
        pk for pk, choice in BallotChoice.objects.filter(ballot__vote=vote, ballot__valid=True)
        .values_list("candidate_id", "choice") if choice == "yes"
    )  # fmt: skip
    counted = dict(vote.results.values_list("candidate_id", "yes"))
    assert vote.returned == vote.issued == deputies, (vote.returned, vote.issued)
    assert counted == {pk: independent.get(pk, 0) for pk in candidates}
    connection.close()
    cast_s = last_ballot - started
    return {
        "cast_s": cast_s,
        "per_ballot_ms": cast_s * 1000 / deputies,
        "close_ms": (closed - last_ballot) * 1000,
        "tally_ms": tally_ms,
        "live_ms": live_ms,
    }


if __name__ == "__main__":
    main()

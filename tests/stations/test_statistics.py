"""Station statistics reproduce exact counts on generated data, rolled up city > county >
township, at a fixed number of queries however many stations there are."""

import datetime
import random
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stations import queries
from stations.models import Reception, ReceptionMatter, Station

YEAR = 2025
FROM, TO = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)


def generate(sworld, extra_stations: int, seed: int):
    """Random stations, receptions and matters; return the expected figures per region key."""
    rng = random.Random(seed)
    regions = sworld.base.regions
    owners = ["townA1", "villageA1", "townA2", "townB1"]
    stations = list(sworld.stations.values())
    for i in range(extra_stations):
        key = owners[i % len(owners)]
        stations.append(
            Station.objects.create(region=regions[key], name=f"联络站{i}", kind="village")
        )
    author = sworld.base.users["city"]
    expected = {key: Counter() for key in regions}
    township_of = {
        "townA1": "townA1",
        "villageA1": "townA1",
        "townA2": "townA2",
        "townB1": "townB1",
    }
    key_of = {region.pk: key for key, region in regions.items()}
    for station in stations:
        key = key_of[station.region_id]
        chain = {
            "townA1": ["city", "countyA"],
            "townA2": ["city", "countyA"],
            "townB1": ["city", "countyB"],
        }[township_of[key]]
        for target in [*chain, township_of[key]]:
            expected[target]["stations"] += 1
        for _ in range(rng.randint(0, 4)):
            in_period = rng.random() < 0.8
            date = datetime.date(
                YEAR if in_period else YEAR - 1, rng.randint(1, 12), rng.randint(1, 28)
            )
            people = rng.randint(1, 40)
            reception = Reception.objects.create(
                region=station.region,
                station=station,
                date=date,
                form="sitting",
                people_count=people,
                recorded_by=author,
            )
            matters = [rng.random() < 0.6 for _ in range(rng.randint(0, 3))]
            ReceptionMatter.objects.bulk_create(
                [
                    ReceptionMatter(
                        region=station.region,
                        reception=reception,
                        content="事项",
                        outcome="forwarded",
                        solved=s,
                    )
                    for s in matters
                ]
            )
            if not in_period:
                continue
            for target in [*chain, township_of[key]]:
                expected[target]["receptions"] += 1
                expected[target]["people"] += people
                expected[target]["matters"] += len(matters)
                expected[target]["solved"] += sum(matters)
    refresh()
    return expected


def refresh():
    """Compute the monthly figures, as the beat does every few minutes (portal.figures)."""
    from portal.figures import periods, snapshots

    snapshots.refresh(periods.months_between(datetime.date(YEAR - 1, 1, 1), TO))


def as_counter(figures) -> Counter:
    return Counter(
        {
            k: getattr(figures, k)
            for k in ("stations", "receptions", "people", "matters", "solved")
            if getattr(figures, k)
        }
    )


def test_figures_are_exact_and_rolled_up(sworld):
    expected = generate(sworld, extra_stations=12, seed=7)
    nodes = {
        node.region.pk: node
        for node in queries.station_statistics(sworld.base.users["city"], FROM, TO)
    }
    regions = sworld.base.regions
    for key in ("city", "countyA", "countyB", "townA1", "townA2", "townB1"):
        assert as_counter(nodes[regions[key].pk].figures) == +expected[key], key
    assert regions["villageA1"].pk not in nodes  # village stations count under their township
    station_rows = sum(len(node.stations) for node in nodes.values())
    assert station_rows == Station.objects.count()


def test_figures_are_scoped_to_the_jurisdiction(sworld):
    expected = generate(sworld, extra_stations=4, seed=3)
    regions = sworld.base.regions
    nodes = {
        node.region.pk: node
        for node in queries.station_statistics(sworld.base.users["county"], FROM, TO)
    }
    assert regions["countyB"].pk not in nodes and regions["townB1"].pk not in nodes
    assert as_counter(nodes[regions["countyA"].pk].figures) == +expected["countyA"]
    # The tree starts at the county: no city row that would look like the city's total.
    assert regions["city"].pk not in nodes


def _queries_for(user):
    from portal import access

    access.forget(user)
    with CaptureQueriesContext(connection) as ctx:
        queries.station_statistics(user, FROM, TO)
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_stations(sworld):
    user = sworld.base.users["city"]
    generate(sworld, extra_stations=0, seed=1)
    few = _queries_for(user)
    generate(sworld, extra_stations=40, seed=2)
    assert _queries_for(user) == few


def test_statistics_page_shows_the_rolled_up_figures(client, sworld):
    expected = generate(sworld, extra_stations=2, seed=5)
    client.force_login(sworld.base.users["city"])
    page = client.get(f"/desk/stations/statistics/?year={YEAR}")
    assert page.status_code == 200
    city = page.context["nodes"][0]
    assert city.figures.people == expected["city"]["people"]

"""The demo's Open311 key (CONTRACT.md) on the whole demo: it reads 象山县 and nothing of
江北区, and seeding again changes nothing."""

from open311 import demo as open311_demo
from open311.models import ApiClient
from tests.open311.conftest import JIANGBEI, error_of, get, parse


def test_the_demo_key_reads_the_demo_county(client, seeded_demo, db):
    # seeded_demo: ``seed_demo`` on the empty database (tests/conftest.py)
    open311_demo.build()  # what seed_demo calls; a no-op when it already has
    open311_demo.build()
    assert ApiClient.objects.filter(key_hint="demo-ope").count() == 1
    demo_client = ApiClient.objects.get(key_hint="demo-ope")
    assert demo_client.region.code == "330225000000" and demo_client.is_active
    rows = parse(
        get(client, "requests.json", api_key="demo-open311-2026", jurisdiction_id="330225")
    )
    assert rows and all(row["address"].startswith("宁波市象山县") for row in rows)
    response = get(client, "requests.xml", api_key="demo-open311-2026", jurisdiction_id=JIANGBEI)
    assert error_of(response)[0] == 403

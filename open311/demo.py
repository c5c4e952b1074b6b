"""The demo's Open311 client (CONTRACT.md): the key ``demo-open311-2026`` for 象山县
(jurisdiction_id 330225), issued by the county office's staff. Idempotent."""

from django.db import transaction

from open311 import keys, workflow
from open311.models import ApiClient
from portal.models import Region, User

DEMO_KEY = "demo-open311-2026"  # demo data only, never in production
COUNTY = "330225000000"


@transaction.atomic
def build(regions: dict[str, Region] | None = None) -> ApiClient:
    existing = ApiClient.objects.filter(key_hash=keys.hash_key(DEMO_KEY)).first()
    if existing is not None:
        return existing
    county = regions[COUNTY] if regions else Region.objects.get(code=COUNTY)
    staff = User.objects.get(username="county_staff")
    client, _raw = workflow.client_create(
        actor=staff, name="象山县12345政务服务热线", region_id=county.pk, raw_key=DEMO_KEY
    )
    return client

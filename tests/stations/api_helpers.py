"""Helpers of the stations API tests: a reception logged through the workflow, JSON calls."""

import datetime

from django.utils import timezone

from portal.models import Event
from stations import workflow
from stations.models import Reception, ReceptionMatter

URL = "/api/v1/receptions/"
YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


def record(sworld, actor, station="a1", deputies=("a1",), matters=(), **kwargs):
    """Log a reception through the workflow, as the pages and the API do."""
    return workflow.reception_record(
        actor=actor,
        station_id=sworld.stations[station].pk,
        date=kwargs.pop("date", YESTERDAY),
        form=kwargs.pop("form", Reception.Form.SITTING),
        people_count=kwargs.pop("people_count", 3),
        deputy_ids=[sworld.deps[d].pk for d in deputies],
        matters=[workflow.MatterInput(**m) for m in matters],
        **kwargs,
    )


def body(sworld, **overrides):
    data = {
        "station": sworld.stations["a1"].pk,
        "date": YESTERDAY.isoformat(),
        "form": "sitting",
        "people_count": 5,
        "deputies": [sworld.deps["a1"].pk],
        "summary": "群众反映道路和路灯问题",
        "matters": [
            {"content": "村口路灯不亮", "outcome": "answered", "answer": "已联系供电所"},
            {
                "content": "道路破损需要维修",
                "outcome": "forwarded",
                "citizen_name": "王某",
                "citizen_phone": "13800000000",
            },
        ],
    }
    data.update(overrides)
    return data


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def stored():
    return (Reception.objects.count(), ReceptionMatter.objects.count(), Event.objects.count())

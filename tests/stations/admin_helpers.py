"""Helpers of the stations admin tests: receptions through the workflow, admin actions and
change forms submitted as they are."""

from django.contrib.messages import get_messages
from django.utils import timezone

from stations import workflow
from stations.models import Reception

RECEPTIONS = "/admin/stations/reception/"
STATIONS = "/admin/stations/station/"


def ids(response):
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def record(actor, station, deputy, **kwargs) -> Reception:
    return workflow.reception_record(
        actor=actor,
        station_id=station.pk,
        date=kwargs.pop("date", timezone.localdate()),
        form=Reception.Form.SITTING,
        people_count=kwargs.pop("people_count", 3),
        deputy_ids=[deputy.pk],
        **kwargs,
    )


def make_receptions(sworld):
    county = sworld.base.users["county"]
    s, d = sworld.stations, sworld.deps
    return {
        "a1": record(county, s["a1"], d["a1"]),
        "a1v": record(county, s["a1v"], d["a1"]),
        "a2": record(county, s["a2"], d["a2"]),
    }


def messages(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def action(client, url, action, pks):
    return client.post(url, {"action": action, "index": "0", "_selected_action": pks})


def form_data(response) -> dict:
    """Return the POST data that submits an admin change form unchanged, inlines included."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management[name].html_name] = management[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for bound in form:
            if bound.field.disabled:
                continue
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif value is not None:
                data[bound.html_name] = str(value)
    return data

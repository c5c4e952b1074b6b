"""The desk's list of citizen issues (filters, deadline lights, paging) and its desk card."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petitions import queries
from petitions.models import Petition
from tests.petitions.conftest import submit
from tests.petitions.desk_helpers import LIST, State, forwarded, listed

# --- filters, lights, paging --------------------------------------------------------


def test_filters_by_state_category_region_and_overdue(client, pworld):
    late = forwarded(pworld)
    Petition.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    soon = forwarded(pworld, category="housing")
    Petition.objects.filter(pk=soon.pk).update(
        due_on=timezone.localdate() + datetime.timedelta(days=2)
    )
    fresh = submit(pworld, region_key="townA1")
    client.force_login(pworld.base.users["county"])
    assert listed(client.get(LIST, {"state": "submitted"})) == {fresh.pk}
    assert listed(client.get(LIST, {"category": "housing"})) == {soon.pk}
    assert listed(client.get(LIST, {"overdue": "on"})) == {late.pk}
    village = pworld.base.regions["villageA1"]
    assert listed(client.get(LIST, {"region": village.pk})) == {late.pk, soon.pk}
    assert listed(client.get(LIST, {"region": pworld.base.regions["townA2"].pk})) == set()
    assert listed(client.get(LIST, {"state": "submitted", "page": "x"})) == {fresh.pk}
    html = client.get(LIST).content.decode()
    assert "light-red" in html and "light-yellow" in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "nonsense"}, "state"),
        ({"category": "nonsense"}, "category"),
        ({"region": "abc"}, "region"),
        ({"department": "-1"}, "department"),
        ({"overdue": "maybe"}, "overdue"),
        ({"stat": "submitted"}, "stat"),  # not a filter of this list
    ],
)
def test_a_bad_filter_is_a_form_error_and_lists_nothing(client, pworld, params, field):
    submit(pworld, region_key="townA1")
    client.force_login(pworld.base.users["county"])
    response = client.get(LIST, params)
    assert listed(response) == set()
    assert field in response.context["filter_errors"]
    assert 'id="filter-errors"' in response.content.decode()


def test_a_region_outside_the_users_scope_is_a_form_error(client, pworld):
    submit(pworld, region_key="townA1")
    client.force_login(pworld.base.users["township"])
    outside = pworld.base.regions["city2"].pk
    response = client.get(LIST, {"region": outside, "state": "submitted"})
    assert listed(response) == set() and "region" in response.context["filter_errors"]
    sibling = pworld.base.regions["townA2"].pk
    assert "region" in client.get(LIST, {"region": sibling}).context["filter_errors"]


def test_handlers_filter_their_units_issues_without_a_region_box(client, pworld):
    mine = forwarded(pworld)
    client.force_login(pworld.handlers["townA1"])
    response = client.get(LIST, {"state": "forwarded", "overdue": "off"})
    assert listed(response) == {mine.pk}
    assert "region" not in [field.name for field in response.context["filter_fields"]]
    assert listed(client.get(LIST, {"state": "replied"})) == set()


def test_township_region_filter_offers_its_villages_but_not_siblings(client, pworld):
    client.force_login(pworld.base.users["township"])
    page = client.get(LIST).content.decode()
    select = re.search(r'<select name="region".*?</select>', page, re.S).group(0)
    choices = {int(v) for v in re.findall(r'<option value="(\d+)"', select)}
    regions = pworld.base.regions
    assert regions["villageA1"].pk in choices and regions["townA1"].pk in choices
    assert regions["townA2"].pk not in choices


def test_deadline_light():
    today = datetime.date(2026, 3, 10)
    petition = Petition(state=State.FORWARDED, due_on=today + datetime.timedelta(days=4))
    assert queries.deadline_light(petition, today) == ""
    petition.due_on = today + datetime.timedelta(days=3)
    assert queries.deadline_light(petition, today) == "light-yellow"
    petition.due_on = today
    assert queries.deadline_light(petition, today) == "light-yellow"
    petition.due_on = today - datetime.timedelta(days=1)
    assert queries.deadline_light(petition, today) == "light-red"
    petition.state = State.REPLIED  # replied in time or late: nothing left to wait for
    assert queries.deadline_light(petition, today) == ""


def _list_queries(client):
    from django.core.cache import cache

    cache.clear()  # the side menu's counts are cached: count them every time
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["page"].object_list)


@pytest.mark.parametrize("who", ["township", "handler"])
def test_list_costs_the_same_queries_at_5_or_40_issues(client, pworld, who):
    user = pworld.handlers["townA1"] if who == "handler" else pworld.base.users["township"]
    client.force_login(user)
    for _unused in range(5):
        forwarded(pworld)
    small, rows = _list_queries(client)
    assert rows == 5
    for _unused in range(35):
        forwarded(pworld)
    large, rows = _list_queries(client)
    assert rows == 20  # one page
    assert small == large


# --- the desk card ------------------------------------------------------------------


def test_desk_card_counts_for_the_office_and_for_the_unit(client, pworld):
    late = forwarded(pworld)
    Petition.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    forwarded(pworld)
    submit(pworld)
    submit(pworld, region_key="townA2")
    staff = pworld.base.users["township"]
    counts = queries.desk_counts(staff)
    assert (counts.office, counts.submitted, counts.handling, counts.overdue) == (True, 1, 2, 1)
    client.force_login(staff)
    html = client.get("/desk/").content.decode()  # the card reads the counts itself
    assert "/desk/petitions/?state=submitted" in html and "/desk/petitions/?overdue=on" in html
    handler = pworld.handlers["townA1"]
    counts = queries.desk_counts(handler)
    assert (counts.office, counts.assigned, counts.overdue) == (False, 2, 1)
    assert queries.desk_counts(pworld.handlers["townA2"]).assigned == 0
    assert queries.desk_counts(pworld.base.users["deputy"]) is None
    assert queries.state_counts(staff)[State.SUBMITTED] == 1

    client.force_login(handler)
    assert "/desk/petitions/" in client.get("/desk/").content.decode()
    client.force_login(staff)
    assert "/desk/petitions/" in client.get("/desk/").content.decode()

"""The reception form opens ready for the deputy (station, their colleagues, themselves
ticked, today, one person), refuses a forwarded matter without a category and says, once
saved, which citizen issues it created."""

import re

import pytest
from django.utils import timezone

from petitions.models import Petition
from portal import hooks
from stations import access_rules, workflow
from stations.models import Reception, ReceptionMatter
from tests.stations.test_desk import post_data

pytestmark = pytest.mark.django_db

NEW = "/desk/receptions/new/"
ANSWERED = {"content": "村口路灯不亮", "outcome": "answered", "answer": "已联系村委会当天修复"}
FORWARDED = {"content": "去石浦的公交班次太少", "outcome": "forwarded", "citizen_name": "李大姐",
             "citizen_phone": "13800001111"}  # fmt: skip
TODAY = timezone.localdate


def open_form(client, user, query=""):
    client.force_login(user)
    response = client.get(NEW + query)
    assert response.status_code == 200
    return response.context["form"], response.content.decode()


def listed(form) -> set[int]:
    return set(form.fields["deputies"].queryset.values_list("pk", flat=True))


def test_form_opens_at_the_deputys_first_station_with_them_ticked_today_and_one_person(
    client, sworld
):
    form, html = open_form(client, sworld.base.users["deputy"])
    a1 = sworld.stations["a1"]  # entered before the village station
    assert form["station"].value() == a1.pk
    assert listed(form) == {sworld.deps["a1"].pk, sworld.deps["a1b"].pk}
    assert form["deputies"].value() == [sworld.deps["a1"].pk]
    assert form["date"].value() == TODAY()
    assert form["people_count"].value() == 1
    assert f'<option value="{a1.pk}" selected>' in html
    assert re.search(rf'value="{sworld.deps["a1"].pk}"[^>]*checked', html)
    assert not re.search(rf'value="{sworld.deps["a1b"].pk}"[^>]*checked', html)
    assert "甲二代表" not in html and "乙一代表" not in html
    assert f'value="{TODAY().isoformat()}"' in html


def test_form_opens_at_the_station_of_the_deputys_latest_reception(client, sworld):
    village = sworld.stations["a1v"]
    workflow.reception_record(
        actor=sworld.base.users["deputy"], station_id=village.pk, date=TODAY(), form="sitting",
        people_count=1, deputy_ids=[sworld.deps["a1"].pk],
        matters=[workflow.MatterInput(**ANSWERED)],
    )  # fmt: skip
    form, html = open_form(client, sworld.base.users["deputy"])
    assert form["station"].value() == village.pk
    assert listed(form) == {sworld.deps["a1"].pk}  # only the village station's deputy
    assert "甲一乙代表" not in html


def test_a_colleagues_reception_counts_as_the_latest_when_the_deputy_was_present(client, sworld):
    workflow.reception_record(
        actor=sworld.base.users["deputy"], station_id=sworld.stations["a1v"].pk, date=TODAY(),
        form="sitting", people_count=1, deputy_ids=[sworld.deps["a1"].pk],
    )  # fmt: skip
    workflow.reception_record(
        actor=sworld.base.users["deputy2"], station_id=sworld.stations["a1"].pk, date=TODAY(),
        form="sitting", people_count=1, deputy_ids=[sworld.deps["a1b"].pk, sworld.deps["a1"].pk],
    )  # fmt: skip
    form, _html = open_form(client, sworld.base.users["deputy"])
    assert form["station"].value() == sworld.stations["a1"].pk


def test_the_station_parameter_lists_that_stations_deputies(client, sworld):
    village = sworld.stations["a1v"]
    form, html = open_form(client, sworld.base.users["deputy"], f"?station={village.pk}")
    assert form["station"].value() == village.pk
    assert listed(form) == {sworld.deps["a1"].pk}
    assert form["deputies"].value() == [sworld.deps["a1"].pk]
    assert 'id="deputies-slot"' in html  # what the page's script reloads


@pytest.mark.parametrize("station", ["b1", "nonsense"])
def test_a_station_that_is_not_the_deputys_falls_back_to_their_own(client, sworld, station):
    value = sworld.stations[station].pk if station in sworld.stations else station
    form, html = open_form(client, sworld.base.users["deputy"], f"?station={value}")
    assert form["station"].value() == sworld.stations["a1"].pk
    assert "乙一镇中心联络站" not in html


def test_deputies_of_the_posted_station_are_the_choices(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    response = client.post(
        NEW, post_data(sworld.stations["a1v"], [sworld.deps["a1b"]], [ANSWERED])
    )  # a1b sits at the central station only
    assert response.status_code == 400
    assert "deputies" in response.context["form"].errors
    assert listed(response.context["form"]) == {sworld.deps["a1"].pk}
    assert not Reception.objects.exists()


def test_staff_open_the_form_without_a_guess_and_still_log_receptions(client, sworld):
    staff = sworld.base.users["township"]  # townA1: the central and the village station
    form, html = open_form(client, staff)
    assert form["station"].value() is None and listed(form) == set()
    assert f"?station={sworld.stations['a1v'].pk}" in html  # without script, a link per station
    form, _html = open_form(client, staff, f"?station={sworld.stations['a1'].pk}")
    assert form["deputies"].value() == []  # staff are nobody's colleague
    response = client.post(
        NEW, post_data(sworld.stations["a1"], [sworld.deps["a1"], sworld.deps["a1b"]], [ANSWERED])
    )
    assert response.status_code == 302
    assert Reception.objects.get().recorded_by == staff
    form, _html = open_form(client, staff)
    assert form["station"].value() == sworld.stations["a1"].pk  # their last one


def test_matters_are_numbered(client, sworld):
    _form, html = open_form(client, sworld.base.users["deputy"])
    assert "<legend>事项 1</legend>" in html
    assert 'data-legend="事项 {n}"' in html  # the script numbers the added ones


def test_forwarding_without_a_category_is_refused(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    response = client.post(
        NEW,
        post_data(sworld.stations["a1"], [sworld.deps["a1"]], [ANSWERED, FORWARDED]),
    )
    assert response.status_code == 400
    formset = response.context["formset"]
    assert not formset.forms[0].errors and "category" in formset.forms[1].errors
    assert "请选择分类" in response.content.decode()
    assert not Reception.objects.exists() and not Petition.objects.exists()


def test_an_answered_matter_needs_no_category(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    response = client.post(NEW, post_data(sworld.stations["a1"], [sworld.deps["a1"]], [ANSWERED]))
    assert response.status_code == 302


def test_the_saved_message_links_the_citizen_issues_created(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    second = {**FORWARDED, "content": "菜市场门口积水", "category": "environment"}
    response = client.post(
        NEW,
        post_data(
            sworld.stations["a1"],
            [sworld.deps["a1"]],
            [ANSWERED, {**FORWARDED, "category": "traffic"}, second],
        ),  # fmt: skip
        follow=True,
    )
    assert response.status_code == 200
    issues = list(Petition.objects.order_by("id"))
    assert [p.category for p in issues] == ["traffic", "environment"]
    message = str(list(response.context["messages"])[0])
    assert message.startswith("接待记录已保存。已生成群众诉求 2 件：")
    for issue in issues:
        assert f'<a href="/desk/petitions/{issue.pk}/">{issue.tracking_code}</a>' in message
    html = response.content.decode()
    assert f'<a href="/desk/petitions/{issues[0].pk}/">' in html  # shown as a link, not escaped
    assert client.get(f"/desk/petitions/{issues[0].pk}/").status_code == 200


def test_the_message_gives_the_tracking_code_of_an_issue_the_user_may_not_open(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    hooks.unregister(hooks.ISSUE_PARTICIPANTS, access_rules.issues_from_own_receptions)
    try:
        response = client.post(
            NEW,
            post_data(
                sworld.stations["a1"], [sworld.deps["a1"]], [{**FORWARDED, "category": "traffic"}]
            ),
            follow=True,
        )
    finally:
        hooks.register(hooks.ISSUE_PARTICIPANTS, access_rules.issues_from_own_receptions)
    issue = Petition.objects.get()
    message = str(list(response.context["messages"])[0])
    assert message == f"接待记录已保存。已生成群众诉求 1 件：{issue.tracking_code}"


def test_a_reception_without_forwarded_matters_says_only_that_it_was_saved(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    response = client.post(
        NEW, post_data(sworld.stations["a1"], [sworld.deps["a1"]], [ANSWERED]), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == ["接待记录已保存。"]


def test_a_correction_names_only_the_issues_it_created(client, sworld):
    reception = workflow.reception_record(
        actor=sworld.base.users["deputy"], station_id=sworld.stations["a1"].pk, date=TODAY(),
        form="sitting", people_count=2, deputy_ids=[sworld.deps["a1"].pk],
        matters=[workflow.MatterInput(**{**FORWARDED, "category": "traffic"})],
    )  # fmt: skip
    earlier = Petition.objects.get()
    client.force_login(sworld.base.users["deputy"])
    response = client.post(
        f"/desk/receptions/{reception.pk}/",
        post_data(
            sworld.stations["a1"],
            [sworld.deps["a1"]],
            [{**FORWARDED, "content": "桥栏杆松动", "category": "safety"}],
        ),  # fmt: skip
        follow=True,
    )
    assert response.status_code == 200
    new = Petition.objects.exclude(pk=earlier.pk).get()
    assert new.category == "safety"
    message = str(list(response.context["messages"])[0])
    assert message.startswith("接待记录已更新。已生成群众诉求 1 件：")
    assert new.tracking_code in message and earlier.tracking_code not in message
    assert ReceptionMatter.objects.filter(reception=reception).count() == 2

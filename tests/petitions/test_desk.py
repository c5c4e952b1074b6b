"""The staff and handling-unit pages of citizen issues, through the browser-facing views."""

import datetime
import io

import pytest
from django.contrib.messages import SUCCESS, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from petitions import queries, workflow
from petitions.models import Petition, PetitionRating, PetitionReply
from portal.models import Event
from tests.factories import staff_with_role
from tests.petitions.conftest import submit

State = Petition.State
LIST = "/desk/petitions/"


def detail(petition) -> str:
    return f"/desk/petitions/{petition.pk}/"


def act(client, petition, action, **data):
    return client.post(f"/desk/petitions/{petition.pk}/{action}/", data)


def forwarded(pworld, unit="townA1", **kwargs) -> Petition:
    """Return an issue of villageA1 accepted and forwarded by the township's office."""
    staff = pworld.base.users["township"]
    petition = submit(pworld, **kwargs)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=pworld.units[unit].pk
    )
    petition.refresh_from_db()
    return petition


def sibling_staff(pworld):
    return staff_with_role(pworld.base.regions["townA2"], username="m_township2")


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {petition.pk for petition in response.context["page"]}


def actions(pworld, petition) -> list[str]:
    return list(
        Event.objects.filter(target_id=petition.pk, action__startswith="petition_")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- who sees what ------------------------------------------------------------------


def test_handler_lands_on_the_issues_assigned_to_its_unit(client, pworld):
    mine = forwarded(pworld)
    submit(pworld)  # not forwarded: the office's alone
    submit(pworld, region_key="townA2")
    client.force_login(pworld.handlers["townA1"])
    response = client.get(LIST)
    assert listed(response) == {mine.pk}
    assert response.context["handler"] is True
    client.force_login(pworld.handlers["townA2"])
    assert listed(client.get(LIST)) == set()


def test_staff_see_their_subtree_newest_first(client, pworld):
    first, second = submit(pworld), submit(pworld, region_key="townA1")
    other = submit(pworld, region_key="townA2")
    client.force_login(pworld.base.users["township"])
    response = client.get(LIST)
    assert [p.pk for p in response.context["page"]] == [second.pk, first.pk]
    client.force_login(pworld.base.users["county"])
    assert listed(client.get(LIST)) == {first.pk, second.pk, other.pk}


def test_sibling_township_staff_get_404_on_detail_and_actions(client, pworld):
    petition = submit(pworld)
    client.force_login(sibling_staff(pworld))
    assert client.get(detail(petition)).status_code == 404
    assert act(client, petition, "accept").status_code == 404
    assert act(client, petition, "reject", reason="x").status_code == 404
    assert client.get(LIST).context["page"].paginator.count == 0
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_unknown_action_is_404_and_get_is_405(client, pworld):
    petition = submit(pworld)
    client.force_login(pworld.base.users["township"])
    assert act(client, petition, "explode").status_code == 404
    assert client.get(f"/desk/petitions/{petition.pk}/accept/").status_code == 405


def test_viewer_sees_the_issue_but_gets_403_on_actions(client, pworld):
    petition = submit(pworld)
    client.force_login(pworld.base.users["viewer"])
    page = client.get(detail(petition))
    assert page.status_code == 200 and page.context["action_forms"] == []
    for action, data in [("accept", {}), ("reject", {"reason": "x"}), ("reply", {"text": "x"})]:
        assert act(client, petition, action, **data).status_code == 403
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_handler_cannot_take_office_actions(client, pworld):
    petition = forwarded(pworld)
    client.force_login(pworld.handlers["townA1"])
    assert act(client, petition, "forward", department=pworld.units["townA1"].pk).status_code == 403
    assert act(client, petition, "rate", rating="satisfied").status_code == 403


# --- the citizen's name and phone ---------------------------------------------------


def test_list_masks_the_citizen_for_everyone(client, pworld):
    forwarded(pworld)
    for user in (pworld.base.users["township"], pworld.handlers["townA1"]):
        client.force_login(user)
        html = client.get(LIST).content.decode()
        assert "138****1111" in html and "13800001111" not in html
        assert "李**" in html and "李大姐" not in html


@pytest.mark.parametrize(
    ("who", "full"),
    [("township", True), ("county", True), ("viewer", False), ("handler_a1", True)],
)
def test_detail_shows_the_full_citizen_only_to_the_office_and_the_assigned_unit(
    client, pworld, who, full
):
    petition = forwarded(pworld)
    user = pworld.handlers["townA1"] if who == "handler_a1" else pworld.base.users[who]
    client.force_login(user)
    html = client.get(detail(petition)).content.decode()
    assert ("13800001111" in html and "李大姐" in html) is full
    assert ("138****1111" in html) is not full


def test_after_handing_back_the_unit_no_longer_sees_the_issue(client, pworld):
    petition = forwarded(pworld)
    client.force_login(pworld.handlers["townA1"])
    response = act(client, petition, "hand_back", reason="属于县交通局职责")
    assert response.status_code == 302 and response["Location"] == LIST
    petition.refresh_from_db()
    assert petition.state == State.ACCEPTED and petition.department is None
    assert client.get(detail(petition)).status_code == 404


# --- the whole life through the desk -------------------------------------------------


def test_staff_and_unit_take_an_issue_through_its_life(client, pworld):
    staff, handler = pworld.base.users["township"], pworld.handlers["townA1"]
    petition = submit(pworld)

    def as_staff(action, **data):
        client.force_login(staff)
        response = act(client, petition, action, **data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == detail(petition)
        assert {m.level for m in get_messages(response.wsgi_request)} == {SUCCESS}
        petition.refresh_from_db()

    def as_unit(action, **data):
        client.force_login(handler)
        assert act(client, petition, action, **data).status_code == 302
        petition.refresh_from_db()

    client.force_login(staff)
    names = [form["name"] for form in client.get(detail(petition)).context["action_forms"]]
    assert names == ["accept", "reject", "duplicate"]
    as_staff("accept", note="")
    assert petition.state == State.ACCEPTED
    as_staff("forward", department=pworld.units["townA1"].pk, note="请镇政府办理")
    assert petition.state == State.FORWARDED and petition.due_on is not None

    client.force_login(handler)
    names = [form["name"] for form in client.get(detail(petition)).context["action_forms"]]
    assert names == ["reply", "hand_back"]
    as_unit("reply", text="已协调公交公司")
    assert petition.state == State.REPLIED

    as_staff("rate", rating="unsatisfied", comment="还是很挤")
    assert (petition.state, petition.round) == (State.FORWARDED, 2)
    as_unit("reply", text="早班增加两班车")
    as_staff("rate", rating="satisfied", comment="")
    assert petition.state == State.RESOLVED

    client.force_login(staff)
    page = client.get(detail(petition))
    publish = next(f for f in page.context["action_forms"] if f["name"] == "publish")
    assert publish["form"].initial == {"title": petition.title, "summary": "早班增加两班车"}
    unchecked = act(client, petition, "publish", title="早班公交增加班次", summary="增加两班")
    assert unchecked.status_code == 400  # the text has to be reviewed first
    as_staff("publish", title="早班公交增加班次", summary="镇政府协调增加两班", reviewed="on")
    assert petition.published and petition.published_title == "早班公交增加班次"

    assert list(PetitionRating.objects.values_list("round", "rating", "via")) == [
        (1, "unsatisfied", "callback"),
        (2, "satisfied", "callback"),
    ]
    assert PetitionReply.objects.filter(petition=petition).count() == 2
    assert actions(pworld, petition) == [
        "petition_submit", "petition_accept", "petition_forward", "petition_reply",
        "petition_reopen", "petition_reply", "petition_rate", "petition_publish",
    ]  # fmt: skip
    history = client.get(detail(petition)).context["history"]
    assert [event.action for event in history][:2] == ["petition_publish", "petition_rate"]


def test_office_answers_escalates_closes_and_marks_duplicates(client, pworld):
    client.force_login(pworld.base.users["township"])
    answered, escalated, original, copy = (submit(pworld) for _unused in range(4))
    for petition in (answered, escalated):
        assert act(client, petition, "accept").status_code == 302
    assert act(client, answered, "answer", text="已安排修复").status_code == 302
    assert act(client, answered, "close", outcome="resolved", reason="").status_code == 302
    assert act(client, escalated, "escalate", note="反映集中").status_code == 302
    no_reason = act(client, escalated, "close", outcome="unresolved", reason="")
    assert (
        no_reason.status_code == 400
        and "reason" in no_reason.context["action_forms"][-1]["form"].errors
    )
    assert (
        act(client, escalated, "close", outcome="unresolved", reason="资金不足").status_code == 302
    )
    assert (
        act(client, copy, "duplicate", original=original.tracking_code.lower()).status_code == 302
    )
    for petition in (answered, escalated, copy):
        petition.refresh_from_db()
    assert answered.state == State.RESOLVED
    assert escalated.state == State.CLOSED_UNRESOLVED and escalated.public_reason == "资金不足"
    assert copy.state == State.DUPLICATE and copy.duplicate_of == original


def test_duplicate_of_an_unknown_or_out_of_scope_code_is_a_form_error(client, pworld):
    petition, elsewhere = submit(pworld), submit(pworld, region_key="townA2")
    client.force_login(pworld.base.users["township"])
    for code in ("NOSUCHCODE", elsewhere.tracking_code):
        response = act(client, petition, "duplicate", original=code)
        assert response.status_code == 400
        form = next(f for f in response.context["action_forms"] if f["name"] == "duplicate")
        assert "original" in form["form"].errors
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_action_in_a_wrong_state_is_400_with_the_error_and_changes_nothing(client, pworld):
    petition = submit(pworld)
    workflow.petition_reject(
        actor=pworld.base.users["township"], petition_id=petition.pk, reason="不属于职责范围"
    )
    events_before = Event.objects.count()
    client.force_login(pworld.base.users["township"])
    response = act(client, petition, "accept", note="")
    assert response.status_code == 400
    html = response.content.decode()
    form = next(f for f in response.context["action_forms"] if f["name"] == "accept")
    error = form["form"].non_field_errors()[0]
    assert petition.tracking_code in error and error in html
    assert 'role="alert"' in html
    petition.refresh_from_db()
    assert petition.state == State.REJECTED and Event.objects.count() == events_before


def test_reply_without_text_is_a_form_error(client, pworld):
    petition = forwarded(pworld)
    client.force_login(pworld.handlers["townA1"])
    response = act(client, petition, "reply", text="  ")
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.state == State.FORWARDED and not PetitionReply.objects.exists()


def test_forward_offers_only_units_of_the_region_and_above(client, pworld):
    petition = submit(pworld)
    staff = pworld.base.users["township"]
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    client.force_login(staff)
    page = client.get(detail(petition))
    form = next(f for f in page.context["action_forms"] if f["name"] == "forward")["form"]
    offered = set(form.fields["department"].queryset)
    assert pworld.units["townA1"] in offered and pworld.base.depts["countyA"] in offered
    assert pworld.units["townA2"] not in offered
    response = act(client, petition, "forward", department=pworld.units["townA2"].pk)
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.state == State.ACCEPTED


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
    # a region outside the user's scope or garbage is ignored, the other filters still apply
    outside = pworld.base.regions["city2"].pk
    assert listed(client.get(LIST, {"region": outside, "state": "submitted"})) == {fresh.pk}
    assert listed(client.get(LIST, {"state": "nonsense", "page": "x"})) == {
        late.pk,
        soon.pk,
        fresh.pk,
    }
    html = client.get(LIST).content.decode()
    assert "light-red" in html and "light-yellow" in html


def test_township_region_filter_offers_its_villages_but_not_siblings(client, pworld):
    client.force_login(pworld.base.users["township"])
    choices = dict(client.get(LIST).context["filters"].fields["region"].choices)
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


# --- photos -------------------------------------------------------------------------


def _jpeg() -> tuple[bytes, int, int]:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "red").save(buffer, "JPEG")
    return buffer.getvalue(), 8, 6


def test_photos_are_served_only_to_those_who_see_the_issue(client, pworld, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    petition = submit(pworld, photos=[_jpeg()])
    photo = petition.photos.get()
    url = f"/desk/petitions/photos/{photo.pk}/"
    client.force_login(pworld.base.users["township"])
    page = client.get(detail(petition)).content.decode()
    assert url in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    client.force_login(sibling_staff(pworld))
    assert client.get(url).status_code == 404
    client.force_login(pworld.handlers["townA1"])  # not assigned (yet)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    assert client.get("/desk/petitions/photos/999999/").status_code == 302


# --- staff entry --------------------------------------------------------------------


def entry(pworld, **overrides):
    data = {
        "channel": "hotline", "region": pworld.base.regions["villageA1"].pk, "category": "traffic",
        "title": "路灯不亮", "description": "村口路灯坏了一个月", "citizen_name": "王伯",
        "citizen_phone": "13900002222", "client_token": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_staff_enter_an_issue_from_the_hotline(client, pworld):
    client.force_login(pworld.base.users["township"])
    form = client.get("/desk/petitions/new/")
    assert form.status_code == 200
    offered = set(form.context["form"].fields["region"].queryset)
    assert pworld.base.regions["villageA1"] in offered
    assert pworld.base.regions["townA2"] not in offered
    token = form.context["form"]["client_token"].value()
    response = client.post("/desk/petitions/new/", entry(pworld, client_token=token))
    petition = Petition.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(petition)
    assert (petition.channel, petition.created_by, petition.state) == (
        "hotline",
        pworld.base.users["township"],
        State.SUBMITTED,
    )
    again = client.post("/desk/petitions/new/", entry(pworld, client_token=token))
    assert again.status_code == 302 and Petition.objects.count() == 1  # a double click


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"description": "  "}, "description"),
        ({"citizen_phone": "12345"}, "citizen_phone"),
        ({"citizen_phone": "", "wants_feedback": "on"}, "citizen_phone"),
        ({"channel": "web"}, "channel"),
        ({"category": "aliens"}, "category"),
        ({"region": "townA2"}, "region"),
        ({"region": "abc"}, "region"),
    ],
)
def test_bad_entry_is_400_and_stores_nothing(client, pworld, overrides, field):
    if overrides.get("region") == "townA2":
        overrides["region"] = pworld.base.regions["townA2"].pk
    client.force_login(pworld.base.users["township"])
    response = client.post("/desk/petitions/new/", entry(pworld, **overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Petition.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "deputy"])
def test_only_managing_staff_enter_issues(client, pworld, who):
    client.force_login(pworld.base.users[who])
    assert client.get("/desk/petitions/new/").status_code == 403
    assert client.post("/desk/petitions/new/", entry(pworld)).status_code == 403
    client.force_login(pworld.handlers["townA1"])
    assert client.post("/desk/petitions/new/", entry(pworld)).status_code == 403
    assert not Petition.objects.exists()


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

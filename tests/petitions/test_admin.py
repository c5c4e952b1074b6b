"""The citizen-issue admin: scoped and read-only, screening actions through the workflow,
masked phones, reply deadlines per region."""

from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petitions import workflow
from petitions.models import Petition, ReplyDeadline
from portal.models import Event
from tests.factories import staff_with_role
from tests.petitions.conftest import submit

State = Petition.State
PETITIONS = "/admin/petitions/petition/"
DEADLINES = "/admin/petitions/replydeadline/"


def _ids(response):
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def _messages(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def _action(client, action, pks):
    return client.post(PETITIONS, {"action": action, "index": "0", "_selected_action": pks})


def forwarded(pworld, unit="townA1") -> Petition:
    staff = pworld.base.users["township"]
    petition = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=pworld.units[unit].pk
    )
    return petition


def test_handlers_see_only_their_units_issues(client, pworld):
    mine = forwarded(pworld)
    submit(pworld, region_key="townA2")
    client.force_login(pworld.handlers["townA1"])
    assert _ids(client.get(PETITIONS)) == {mine.pk}
    assert client.get(f"{PETITIONS}{mine.pk}/change/").status_code == 200
    client.force_login(pworld.handlers["townA2"])
    assert _ids(client.get(PETITIONS)) == set()
    assert client.get(f"{PETITIONS}{mine.pk}/change/").status_code == 404


def test_sibling_township_staff_get_404(client, pworld):
    petition = submit(pworld)
    client.force_login(staff_with_role(pworld.base.regions["townA2"], username="m_township2"))
    assert _ids(client.get(PETITIONS)) == set()
    assert client.get(f"{PETITIONS}{petition.pk}/change/").status_code == 404
    assert client.get(f"{PETITIONS}{petition.pk}/history/").status_code == 404
    _action(client, "accept_petitions", [petition.pk])
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_phone_is_masked_in_the_list_and_full_only_for_the_office(client, pworld):
    petition = forwarded(pworld)
    client.force_login(pworld.base.users["township"])
    html = client.get(PETITIONS).content.decode()
    assert "138****1111" in html and "13800001111" not in html
    page = client.get(f"{PETITIONS}{petition.pk}/change/").content.decode()
    assert "13800001111" in page and "李大姐" in page
    client.force_login(pworld.base.users["viewer"])
    page = client.get(f"{PETITIONS}{petition.pk}/change/").content.decode()
    assert "13800001111" not in page and "138****1111" in page
    client.force_login(pworld.handlers["townA1"])
    page = client.get(f"{PETITIONS}{petition.pk}/change/").content.decode()
    assert "13800001111" in page


def test_nothing_is_edited_directly(client, pworld):
    petition = submit(pworld)
    client.force_login(pworld.base.users["township"])
    page = client.get(f"{PETITIONS}{petition.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(f"{PETITIONS}{petition.pk}/change/", {"state": "resolved"})
    assert response.status_code == 403
    assert client.get(f"{PETITIONS}add/").status_code == 403
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_accept_and_reject_actions_call_the_workflow(client, pworld):
    fresh, other, done = submit(pworld), submit(pworld), submit(pworld)
    staff = pworld.base.users["township"]
    workflow.petition_reject(actor=staff, petition_id=done.pk, reason="已处理")
    client.force_login(staff)
    response = _action(client, "accept_petitions", [fresh.pk, done.pk])
    levels = [level for level, _text in _messages(response)]
    assert levels.count(ERROR) == 1 and levels.count(SUCCESS) == 1
    fresh.refresh_from_db()
    done.refresh_from_db()
    assert fresh.state == State.ACCEPTED and done.state == State.REJECTED
    _action(client, "reject_outside_remit", [other.pk])
    other.refresh_from_db()
    assert other.state == State.REJECTED and other.public_reason
    assert Event.objects.filter(target_id=other.pk, action="petition_reject").exists()


def test_viewers_and_handlers_get_no_actions(client, pworld):
    petition = forwarded(pworld)
    for user in (pworld.base.users["viewer"], pworld.handlers["townA1"]):
        client.force_login(user)
        response = client.get(PETITIONS)
        assert response.context["action_form"] is None
        _action(client, "accept_petitions", [petition.pk])
    petition.refresh_from_db()
    assert petition.state == State.FORWARDED


def test_search_by_the_exact_tracking_code(client, pworld):
    wanted, _other = submit(pworld), submit(pworld)
    client.force_login(pworld.base.users["township"])
    assert _ids(client.get(PETITIONS, {"q": wanted.tracking_code.lower()})) == {wanted.pk}
    assert _ids(client.get(PETITIONS, {"q": wanted.tracking_code[:5]})) == set()
    assert _ids(client.get(PETITIONS, {"q": "x" * 200})) == set()


def test_filters_by_region_tree_and_state(client, pworld):
    village, town2 = submit(pworld), submit(pworld, region_key="townA2")
    client.force_login(pworld.base.users["county"])
    town1 = pworld.base.regions["townA1"]
    assert _ids(client.get(PETITIONS, {"region_tree": town1.pk})) == {village.pk}
    assert _ids(client.get(PETITIONS, {"state": "submitted"})) == {village.pk, town2.pk}


def test_history_and_inlines_show_the_workflow(client, pworld):
    petition = forwarded(pworld)
    workflow.petition_reply(actor=pworld.handlers["townA1"], petition_id=petition.pk, text="已办")
    workflow.petition_rate(petition_id=petition.pk, rating="satisfied")
    client.force_login(pworld.base.users["township"])
    page = client.get(f"{PETITIONS}{petition.pk}/change/").content.decode()
    assert "已办" in page
    history = client.get(f"{PETITIONS}{petition.pk}/history/")
    assert [e.action for e in history.context["events"]][:2] == ["petition_rate", "petition_reply"]


def test_changelist_costs_the_same_queries_at_any_length(client, pworld):
    client.force_login(pworld.base.users["township"])
    forwarded(pworld)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(PETITIONS).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for _unused in range(10):
        forwarded(pworld)
    assert count() == small


def test_reply_deadline_regions_are_those_the_user_manages(client, pworld):
    regions = pworld.base.regions
    client.force_login(pworld.base.users["township"])
    form = client.get(f"{DEADLINES}add/").context["adminform"].form
    assert set(form.fields["region"].queryset) == {regions["townA1"]}
    response = client.post(f"{DEADLINES}add/", {"region": regions["townA2"].pk, "working_days": 5})
    assert response.status_code == 200 and not ReplyDeadline.objects.exists()
    response = client.post(f"{DEADLINES}add/", {"region": regions["townA1"].pk, "working_days": 5})
    assert response.status_code == 302
    assert workflow.reply_working_days(regions["villageA1"]) == 5
    client.force_login(pworld.base.users["viewer"])
    assert client.get(f"{DEADLINES}add/").status_code == 403
    client.force_login(pworld.handlers["townA1"])
    assert client.get(DEADLINES).status_code == 403

"""Who sees and does what on matters — every role against its own region, children,
siblings and parent — through the workflow, the pages and the API; and the concurrent
evaluation of one round on PostgreSQL."""

import threading

import pytest
from django.core.cache import cache
from django.db import close_old_connections, connection
from rest_framework.test import APIClient

from portal import access
from portal.errors import DomainError
from supervision import queries, workflow
from supervision.models import Evaluation, Matter
from tests.errors import field_names
from tests.factories import staff_with_role
from tests.supervision.conftest import future, matter_in_handling, today

State = Matter.State


def seen(user) -> set[int]:
    return set(queries.matters_for(user).values_list("pk", flat=True))


def sibling_matter(mworld) -> Matter:
    staff2 = staff_with_role(mworld.regions["townA2"], username="m_township2")
    return workflow.matter_create(actor=staff2, region_id=mworld.regions["townA2"].pk,
                                  title="乙事项", description="兄弟乡镇的事项")  # fmt: skip


def test_scope_by_role_and_region(mworld):
    matter = matter_in_handling(mworld, issues=[])
    other = sibling_matter(mworld)
    users = mworld.users
    # The township office (own), its county (parent) and city (grandparent) see it.
    for key in ("township", "county", "city", "viewer"):
        assert matter.pk in seen(users[key]), key
    # The township office does not see its sibling's matter; the county sees both.
    assert other.pk not in seen(users["township"])
    assert other.pk in seen(users["county"])
    # A sibling township's office sees nothing of townA1.
    assert seen(access_user(mworld, "townA2")) == {other.pk}
    # A group member sees their matter only; a deputy outside the group sees nothing.
    assert seen(users["deputy"]) == {matter.pk}
    assert seen(users["deputy2"]) == set()
    assert seen(users["deputy3"]) == set()
    # The responsible department sees it; a sibling township's unit does not.
    assert seen(mworld.p.handlers["townA1"]) == {matter.pk}
    assert seen(mworld.p.handlers["townA2"]) == set()
    # A viewer sees but may not act; a village-level grant below sees nothing above it.
    assert not access.can_by_region(users["viewer"], access.MANAGE, matter)
    village = staff_with_role(mworld.regions["villageA1"], username="m_village")
    assert seen(village) == set()


def access_user(mworld, key):
    from portal.models import User

    return User.objects.get(username="m_township2") if key == "townA2" else None


def test_a_member_acts_on_their_matter_not_on_another_groups(mworld):
    deputy = mworld.users["deputy"]
    mine = matter_in_handling(mworld, issues=[])
    staff = mworld.users["township"]
    theirs = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                    title="另一事项", description="另一组")  # fmt: skip
    workflow.matter_log(actor=deputy, matter_id=mine.pk, kind="note", happened_on=today(),
                        text="我的")  # fmt: skip
    from django.http import Http404

    with pytest.raises(Http404):
        workflow.matter_log(actor=deputy, matter_id=theirs.pk, kind="note",
                            happened_on=today(), text="别人的")  # fmt: skip


def test_pages_for_the_office_the_member_and_the_unit(client, mworld):
    matter = matter_in_handling(mworld)
    url = f"/desk/matters/{matter.pk}/"
    client.force_login(mworld.users["township"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "公交班次" in body and 'id="action-report"' in body  # on the unit's behalf
    client.force_login(mworld.users["deputy"])
    body = client.get(url).content.decode()
    assert 'id="action-log"' in body and 'id="action-start"' not in body
    assert "13800001110" not in body  # no citizen's phone for a member
    assert (
        client.post(f"{url}start/", {"department": "1", "due_on": "2099-01-01"}).status_code == 403
    )
    client.force_login(mworld.p.handlers["townA1"])
    body = client.get(url).content.decode()
    assert 'id="action-report"' in body and 'id="action-evaluate"' not in body
    response = client.post(f"{url}report/", {"report": ""})
    assert response.status_code == 400 and "errors" in response.content.decode()
    response = client.post(f"{url}report/", {"report": "已增加班次"})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.state == State.EVALUATING
    # A refused transition on the page: the unit reports again.
    response = client.post(f"{url}report/", {"report": "再次报告"})
    assert response.status_code == 400
    assert "公交班次 不能从“待小组评议”转为“待小组评议”" in response.content.decode()
    client.force_login(mworld.p.handlers["townA2"])
    assert client.get(url).status_code == 404
    client.force_login(mworld.users["deputy3"])
    assert client.get(url).status_code == 404


def test_the_member_evaluates_from_the_page(client, mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld)
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    client.force_login(mworld.users["deputy"])
    url = f"/desk/matters/{matter.pk}/evaluate/"
    bad = client.post(url, {"verdict": "unsatisfied", "checked_on": today().isoformat(),
                            "findings": "仍拥挤"})  # fmt: skip
    assert bad.status_code == 400
    assert not Evaluation.objects.exists()
    ok = client.post(url, {"verdict": "unsatisfied", "checked_on": today().isoformat(),
                           "findings": "仍拥挤", "rectification": "再加一班",
                           "new_due_on": future(10).isoformat()})  # fmt: skip
    assert ok.status_code == 302, ok.content.decode()[-3000:]
    matter.refresh_from_db()
    assert (matter.state, matter.round) == (State.HANDLING, 2)


def test_new_matter_page_from_chosen_issues(client, mworld):
    from tests.supervision.conftest import three_issues

    issues = three_issues(mworld)
    client.force_login(mworld.users["township"])
    ids = ",".join(str(p.pk) for p in issues)
    page = client.get(f"/desk/matters/new/?petitions={ids}")
    assert page.status_code == 200 and issues[0].tracking_code in page.content.decode()
    response = client.post("/desk/matters/new/", {
        "region": mworld.regions["townA1"].pk, "title": "公交", "description": "班次少",
        "petitions": ids})  # fmt: skip
    assert response.status_code == 302
    matter = Matter.objects.get()
    assert matter.links.count() == 3
    assert (
        client.post("/desk/matters/new/", {"region": "", "title": "", "petitions": "x"}).status_code
        == 400
    )
    client.force_login(mworld.users["deputy"])
    assert client.get("/desk/matters/new/").status_code == 403


def test_lists_cost_a_fixed_number_of_queries(client, mworld, django_assert_max_num_queries):
    staff = mworld.users["township"]
    for i in range(3):
        workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                               title=f"事项{i}", description="d")  # fmt: skip
    client.force_login(staff)
    client.get("/desk/matters/")
    # The table (the user's columns and saved views, the group and the latest evaluation)
    # and the side menu, whose cached counts are cleared to count them every time.
    cache.clear()
    with django_assert_max_num_queries(24) as few:
        client.get("/desk/matters/")
    for i in range(20):
        workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                               title=f"更多{i}", description="d")  # fmt: skip
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/desk/matters/").status_code == 200
    with django_assert_max_num_queries(20):  # the figures (12) and the side menu
        assert client.get("/desk/matters/statistics/").status_code == 200


def test_statistics(mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld, issues=[])
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    workflow.matter_evaluate(actor=staff, matter_id=matter.pk, round_number=1,
                             verdict="unsatisfied", checked_on=today(), findings="f",
                             rectification="r", new_due_on=future(5))  # fmt: skip
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    workflow.matter_evaluate(actor=staff, matter_id=matter.pk, round_number=2,
                             verdict="satisfied", checked_on=today(), findings="f", result="好")  # fmt: skip
    first = matter_in_handling(mworld, issues=[])
    workflow.matter_report_completion(actor=staff, matter_id=first.pk, report="完成")
    workflow.matter_evaluate(actor=staff, matter_id=first.pk, round_number=1,
                             verdict="satisfied", checked_on=today(), findings="f", result="好")  # fmt: skip
    sibling_matter(mworld)
    regions = [mworld.regions["countyA"], mworld.regions["townA1"], mworld.regions["townA2"]]
    county, town, sibling = queries.matter_statistics(regions, today().replace(day=1), today())
    assert (town.opened, town.closed, town.closed_first_round) == (2, 2, 1)
    assert town.rounds_per_matter == 1.5 and town.first_evaluation_rate == 50
    assert (town.rounds_due, town.rounds_on_time, town.on_time_rate) == (3, 3, 100)
    assert (sibling.opened, sibling.closed) == (1, 0)
    assert (county.opened, county.closed) == (3, 2)


def test_api_scoped_and_refusals(mworld):
    matter = matter_in_handling(mworld, issues=[])
    api = APIClient()
    api.force_authenticate(mworld.users["deputy3"])
    assert api.get(f"/api/v1/supervision-matters/{matter.pk}/").status_code == 404
    api.force_authenticate(mworld.users["deputy"])
    listed = api.get("/api/v1/supervision-matters/?mine=true").json()
    assert [row["id"] for row in listed["results"]] == [matter.pk]
    assert api.post(f"/api/v1/supervision-matters/{matter.pk}/report/", {"report": "x"},
                    format="json").status_code == 403  # fmt: skip
    api.force_authenticate(mworld.p.handlers["townA1"])
    bad = api.post(f"/api/v1/supervision-matters/{matter.pk}/report/", {}, format="json")
    assert bad.status_code == 400 and "report" in field_names(bad)
    assert api.post(f"/api/v1/supervision-matters/{matter.pk}/report/", {"report": "完成"},
                    format="json").status_code == 200  # fmt: skip
    refused = api.post(f"/api/v1/supervision-matters/{matter.pk}/report/", {"report": "再次"},
                       format="json")  # fmt: skip
    assert refused.status_code == 400
    api.force_authenticate(mworld.users["deputy"])
    done = api.post(f"/api/v1/supervision-matters/{matter.pk}/evaluate/", {
        "round": 1, "verdict": "satisfied", "checked_on": today().isoformat(),
        "findings": "现场满意", "result": "已解决"}, format="json")  # fmt: skip
    assert done.status_code == 200 and done.json()["state"] == "closed"
    detail = api.get(f"/api/v1/supervision-matters/{matter.pk}/").json()
    assert detail["rounds"][0]["evaluation"]["verdict"] == "satisfied"
    api.force_authenticate(mworld.users["township"])
    created = api.post("/api/v1/supervision-matters/", {"region": 10**17, "title": "t",
                                                        "description": "d"}, format="json")  # fmt: skip
    assert created.status_code == 400 and "region" in field_names(created)


def test_published_matters_on_the_public_page(client, mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld)
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    workflow.matter_evaluate(actor=staff, matter_id=matter.pk, round_number=1,
                             verdict="satisfied", checked_on=today(), findings="f",
                             result="已增加班次")  # fmt: skip
    assert client.get(f"/supervision/{matter.pk}/").status_code == 404
    workflow.matter_publish(actor=staff, matter_id=matter.pk, title="石浦公交加密",
                            summary="早班公交已增加两班")  # fmt: skip
    listing = client.get("/supervision/").content.decode()
    assert "石浦公交加密" in listing
    page = client.get(f"/supervision/{matter.pk}/").content.decode()
    assert "早班公交已增加两班" in page and "138" not in page and "李大姐" not in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_members_evaluating_at_once_make_one_evaluation(mworld):
    staff, deputy = mworld.users["township"], mworld.users["deputy"]
    matter = matter_in_handling(mworld, issues=[])
    workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
    barrier = threading.Barrier(2)
    outcomes = []

    def evaluate(user, verdict):
        close_old_connections()
        try:
            barrier.wait()
            workflow.matter_evaluate(
                actor=user, matter_id=matter.pk, round_number=1, verdict=verdict,
                checked_on=today(), findings="现场", result="已解决", rectification="整改",
                new_due_on=future(9),
            )  # fmt: skip
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.message)
        except Exception as error:  # anything else is a failure of the guarantee
            outcomes.append(f"unexpected {error!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=evaluate, args=(staff, "satisfied")),
               threading.Thread(target=evaluate, args=(deputy, "unsatisfied"))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 2 and outcomes.count("ok") == 1
    refused = next(o for o in outcomes if o != "ok")
    assert refused in ("本轮已评议（一事一评）。", "处于“办结销号”状态的事项现在不能评议。",
                       "处于“限时办理中”状态的事项现在不能评议。")  # fmt: skip
    assert Evaluation.objects.filter(round__matter=matter, round__number=1).count() == 1

"""Desk pages (ballot, tellers, cycle, projects), the public pages and the API."""

import io

import pytest
from PIL import Image
from rest_framework.authtoken.models import Token

from portal import captcha
from portal.models import Event
from tests.errors import field_names
from tests.factories import PASSWORD, UserFactory
from tests.voting.conftest import allocate, build_cycle, cast_all
from voting import ballots, projects, queries, workflow
from voting.models import Cycle, Evaluation, Milestone, Proposal, ReportPhoto, VoterRecord

pytestmark = pytest.mark.django_db


def api(client, user):
    token = Token.objects.get_or_create(user=user)[0]
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


@pytest.fixture
def open_vote(vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=4, candidates=4,
                        seats=2)  # fmt: skip
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    vworld.cycle, vworld.vote = cycle, vote
    vworld.cands = list(vote.candidates.order_by("number"))
    return vworld


def test_deputy_votes_on_the_desk_page_and_sees_the_receipt_once(open_vote, client):
    deputy = open_vote.voters[0]
    client.force_login(deputy.user)
    desk = client.get("/desk/").content.decode()
    assert f"/desk/voting/votes/{open_vote.vote.pk}/ballot/" in desk
    url = f"/desk/voting/votes/{open_vote.vote.pk}/ballot/"
    a, b, c, d = open_vote.cands
    too_many = client.post(url, {f"c{a.pk}": "yes", f"c{b.pk}": "yes", f"c{c.pk}": "yes"})
    assert too_many.status_code == 400
    assert not VoterRecord.objects.exists()
    done = client.post(url, {f"c{a.pk}": "yes", f"c{b.pk}": "no"})
    assert done.status_code == 200 and 'id="receipt-code"' in done.content.decode()
    again = client.get(url).content.decode()
    assert 'id="ballot-form"' not in again and 'id="receipt-code"' not in again
    assert client.post(url, {f"c{a.pk}": "yes"}).status_code == 400


def test_the_ballot_page_is_404_outside_and_403_for_staff(open_vote, client):
    url = f"/desk/voting/votes/{open_vote.vote.pk}/ballot/"
    client.force_login(open_vote.base.users["deputy3"])
    assert client.get(url).status_code == 404
    client.force_login(open_vote.staff)
    assert client.get(url).status_code == 403


def test_tellers_page_enters_and_flags_a_mismatch(open_vote, client):
    vote, staff = open_vote.vote, open_vote.staff
    second = UserFactory(username="teller_b", is_staff=False)
    vote.tellers.add(second)
    a = open_vote.cands[0]
    client.force_login(staff)
    page = f"/desk/voting/votes/{vote.pk}/paper/"
    assert client.get(page).status_code == 200
    issued = client.post(f"/desk/voting/votes/{vote.pk}/issue/",
                         {"deputies": [open_vote.voters[0].pk]})  # fmt: skip
    assert issued.status_code == 302
    entered = client.post(f"/desk/voting/votes/{vote.pk}/enter/",
                          {"new-sheet": "1", f"new-c{a.pk}": "yes"})  # fmt: skip
    assert entered.status_code == 302
    over = client.post(f"/desk/voting/votes/{vote.pk}/enter/", {"new-sheet": "2"})
    assert over.status_code == 400 and "收回票数不得多于发出票数" in over.content.decode()
    entry = vote.paper_entries.get()
    client.force_login(second)
    shown = client.get(page).content.decode()
    assert f'name="e{entry.pk}-c{a.pk}"' in shown
    client.post(f"/desk/voting/paper/{entry.pk}/confirm/", {f"e{entry.pk}-c{a.pk}": "no"})
    entry.refresh_from_db()
    assert entry.state == "mismatch"
    assert queries.tally(vote).returned == 0
    client.force_login(open_vote.voters[3].user)  # on the roll, no teller
    assert client.get(page).status_code == 403


def test_office_opens_closes_and_prepares_the_runoff_from_the_cycle_page(open_vote, client):
    client.force_login(open_vote.staff)
    cycle, vote = open_vote.cycle, open_vote.vote
    page = client.get(f"/desk/voting/cycles/{cycle.pk}/").content.decode()
    assert f"/voting/votes/{vote.pk}/live/" in page
    a, b, c, d = open_vote.cands
    voters = open_vote.voters
    cast_all(vote, voters, allocate(voters, {a.pk: 30, b.pk: 22, c.pk: 22, d.pk: 5}, seats=2))
    assert client.post(f"/desk/voting/votes/{vote.pk}/close/").status_code == 302
    vote.refresh_from_db()
    assert vote.outcome == "runoff"
    assert client.post(f"/desk/voting/votes/{vote.pk}/runoff/").status_code == 302
    assert cycle.votes.count() == 2
    refused = client.post(f"/desk/voting/cycles/{cycle.pk}/advance/", {"to": "announce"})
    assert refused.status_code == 400 and "投票结束并计票后才能公布" in refused.content.decode()


def test_public_pages_show_stage_candidates_and_live_figures(open_vote, client):
    cycle, vote = open_vote.cycle, open_vote.vote
    index = client.get("/voting/").content.decode()
    assert cycle.title in index
    page = client.get(f"/voting/cycles/{cycle.pk}/").content.decode()
    assert 'class="current"' in page and open_vote.cands[0].title in page
    ballots.ballot_cast(actor=open_vote.voters[0].user, vote_id=vote.pk,
                        choices={open_vote.cands[0].pk: "yes"})  # fmt: skip
    data = client.get(f"/voting/votes/{vote.pk}/live.json").json()
    assert data["state"] == "open" and data["figures"]["returned"] == 1
    assert "yes" not in data["candidates"][0]  # no running counts unless the cycle allows
    Cycle.objects.filter(pk=cycle.pk).update(live_tally=True)
    data = client.get(f"/voting/votes/{vote.pk}/live.json").json()
    assert data["candidates"][0]["yes"] == 1
    assert client.get("/voting/votes/999999/live.json").status_code == 404


def test_the_projector_shows_result_labels_not_codes(open_vote, client):
    vote, (a, b, _c, d) = open_vote.vote, open_vote.cands
    marks = {pk: {a.pk: "yes", b.pk: "yes"} for pk in [v.pk for v in open_vote.voters[:30]]}
    cast_all(vote, open_vote.voters[:30], marks)
    ballots.vote_close(actor=open_vote.staff, vote_id=vote.pk)
    page = client.get(f"/voting/votes/{vote.pk}/live/").content.decode()
    assert '<td class="status">通过</td>' in page and '<td class="status">未通过</td>' in page
    assert ">adopted<" not in page and ">failed<" not in page
    rows = {row["id"]: row for row in client.get(f"/voting/votes/{vote.pk}/live.json").json()[
        "candidates"]}  # fmt: skip
    assert (rows[a.pk]["status"], rows[a.pk]["status_label"]) == ("adopted", "通过")
    assert rows[d.pk]["status_label"] == "未通过"


def test_the_projector_json_costs_a_fixed_number_of_queries(open_vote, client,
                                                           django_assert_max_num_queries):  # fmt: skip
    cast_all(open_vote.vote, open_vote.voters[:10], {d.pk: {} for d in open_vote.voters[:10]})
    with django_assert_max_num_queries(6):
        client.get(f"/voting/votes/{open_vote.vote.pk}/live.json")


def test_citizen_proposes_through_the_public_form(open_vote, client):
    cycle = workflow.cycle_create(actor=open_vote.staff, year=2027, title="2027年民生实事",
                                  region_id=open_vote.base.regions["townA1"].pk)  # fmt: skip
    form = client.get(f"/voting/propose/?cycle={cycle.pk}")
    assert form.status_code == 200
    token = form.context["captcha_token"]
    data = {
        "client_token": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "captcha_token": token,
        "captcha": captcha.answer_for(token), "cycle": str(cycle.pk), "title": "村口修桥",
        "description": "村口石桥年久失修", "proposer_name": "李四", "proposer_phone": "13900001111",
        "consent": "on",
    }  # fmt: skip
    response = client.post("/voting/propose/", data)
    assert response.status_code == 302
    proposal = Proposal.objects.get(cycle=cycle)
    assert (proposal.source, proposal.proposer_phone) == ("citizen", "13900001111")
    assert client.post("/voting/propose/", data).status_code == 302  # a double click
    assert Proposal.objects.filter(cycle=cycle).count() == 1
    bad = client.post("/voting/propose/", {**data, "client_token": "", "captcha": "0000"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    closed = client.post("/voting/propose/", {**data, "cycle": str(open_vote.cycle.pk),
                                              "client_token": "2b4e28ba-2fa1-11d2-883f-0016d3cca427"})  # fmt: skip
    assert closed.status_code == 200 and "errorlist" in closed.content.decode()


def test_api_votes_ballot_and_errors(open_vote, client):
    vote, deputy = open_vote.vote, open_vote.voters[0]
    url = f"/api/v1/voting-votes/{vote.pk}/ballot/"
    a = open_vote.cands[0]
    headers = api(client, deputy.user)
    ok = client.post(
        url, {"choices": {str(a.pk): "yes"}}, content_type="application/json", **headers
    )
    assert ok.status_code == 201 and len(ok.json()["receipt"]) == 14
    again = client.post(url, {"choices": {}}, content_type="application/json", **headers)
    assert again.status_code == 400
    bad = client.post(url, {"choices": {str(a.pk): "maybe"}}, content_type="application/json",
                      **api(client, open_vote.voters[1].user))  # fmt: skip
    assert bad.status_code == 400 and "choices" in field_names(bad)
    outsider = client.post(url, {"choices": {}}, content_type="application/json",
                           **api(client, open_vote.base.users["deputy3"]))  # fmt: skip
    assert outsider.status_code == 404
    sibling = api(client, UserFactory(username="sib"))
    assert client.get(f"/api/v1/voting-votes/{vote.pk}/", **sibling).status_code == 404
    staff = api(client, open_vote.staff)
    assert (
        client.get(f"/api/v1/voting-votes/{vote.pk}/tally/", **staff).json()["figures"]["returned"]
        == 1
    )
    closed = client.post(f"/api/v1/voting-votes/{vote.pk}/close/", **staff)
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    twice = client.post(f"/api/v1/voting-votes/{vote.pk}/close/", **staff)
    assert twice.status_code == 400


def test_api_cycle_lists_cost_a_fixed_number_of_queries(open_vote, client,
                                                        django_assert_max_num_queries):  # fmt: skip
    headers = api(client, open_vote.staff)
    for n in range(5):
        workflow.cycle_create(actor=open_vote.staff, year=2026, title=f"周期{n}",
                              region_id=open_vote.base.regions["townA1"].pk)  # fmt: skip
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/voting-cycles/", **headers)
    assert response.json()["count"] == 6
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/voting-candidates/", **headers).json()["count"] == 4


# --- implementation and evaluation ----------------------------------------------------


@pytest.fixture
def adopted(open_vote):
    a, b, c, d = open_vote.cands
    voters = open_vote.voters
    cast_all(open_vote.vote, voters, allocate(voters, {a.pk: 30, b.pk: 28, c.pk: 10}, seats=2))
    ballots.vote_close(actor=open_vote.staff, vote_id=open_vote.vote.pk)
    workflow.cycle_advance(actor=open_vote.staff, cycle_id=open_vote.cycle.pk, to="announce")
    workflow.cycle_advance(actor=open_vote.staff, cycle_id=open_vote.cycle.pk, to="supervise")
    open_vote.project = a
    return open_vote


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, format="JPEG")
    return out.getvalue()


def test_progress_rolls_up_from_weighted_milestones(adopted):
    staff, project = adopted.staff, adopted.project
    design = projects.milestone_add(actor=staff, project_id=project.pk, title="设计", weight=1)
    build = projects.milestone_add(actor=staff, project_id=project.pk, title="施工", weight=3)
    projects.report_submit(actor=staff, project_id=project.pk, text="设计完成",
                           milestone_id=design.pk, progress=100)  # fmt: skip
    projects.report_submit(actor=staff, project_id=project.pk, text="施工过半",
                           milestone_id=build.pk, progress=50)  # fmt: skip
    row = queries.with_progress(type(project).objects.filter(pk=project.pk)).get()
    assert queries.progress_of(row) == round((100 * 1 + 50 * 3) / 4)
    with pytest.raises(Exception, match="0 至 100 之间的进度"):
        projects.report_submit(actor=staff, project_id=project.pk, text="x",
                               milestone_id=design.pk, progress=101)  # fmt: skip
    assert Milestone.objects.get(pk=design.pk).progress == 100


def test_department_reports_with_a_photo_on_the_desk_and_others_cannot(adopted, client):
    project = adopted.project
    handler = UserFactory(username="unit", kind="handler", department=project.department,
                          region=project.region)  # fmt: skip
    client.force_login(handler)
    photo = io.BytesIO(jpeg())
    photo.name = "site.jpg"
    response = client.post(f"/desk/voting/projects/{project.pk}/report/",
                           {"text": "已开工", "photos": [photo]})  # fmt: skip
    assert response.status_code == 302
    stored = ReportPhoto.objects.get()
    assert client.get(f"/desk/voting/photos/{stored.pk}/").status_code == 200
    client.force_login(adopted.base.users["deputy3"])
    assert client.get(f"/desk/voting/photos/{stored.pk}/").status_code == 404
    client.force_login(adopted.voters[0].user)  # a deputy of the cycle sees, may not report
    assert client.get(f"/desk/voting/projects/{project.pk}/").status_code == 200
    refused = client.post(f"/desk/voting/projects/{project.pk}/report/", {"text": "x"})
    assert refused.status_code == 403
    visit = client.post(f"/desk/voting/projects/{project.pk}/visit/",
                        {"date": "2026-06-01", "findings": "进度正常"})  # fmt: skip
    assert visit.status_code == 302
    assert project.visits.get().deputies.get() == adopted.voters[0]


def test_evaluation_levels_share_and_zhenhai_rules(adopted, client):
    staff, cycle = adopted.staff, adopted.cycle
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to="evaluate")
    assert Event.objects.filter(action="cycle_advance", to_state="evaluate").exists()
    project = adopted.project
    ratings = ["satisfied"] * 15 + ["basically"] * 10 + ["unsatisfied"] * 5
    for deputy, rating in zip(adopted.voters, ratings, strict=False):
        projects.evaluation_submit(actor=deputy.user, project_id=project.pk, rating=rating)
    with pytest.raises(Exception, match="已测评过本项目"):
        projects.evaluation_submit(actor=adopted.voters[0].user, project_id=project.pk,
                                   rating="satisfied")  # fmt: skip
    line = queries.evaluation_results(cycle)[0]
    assert (line.rated, line.satisfied, line.rate) == (30, 15, round(100 * 25 / 30, 1))
    Cycle.objects.filter(pk=cycle.pk).update(satisfaction_rule="zhenhai")
    cycle.refresh_from_db()
    # 41 members: 15 satisfied is not more than half, 25 satisfied + basically is.
    assert queries.evaluation_results(cycle)[0].verdict == "basically"
    page = client.get(f"/voting/cycles/{cycle.pk}/").content.decode()
    assert "<td>基本满意</td>" in page and "<td>basically</td>" not in page
    assert queries.zhenhai_verdict(21, 0, 41) == "satisfied"
    assert queries.zhenhai_verdict(10, 10, 41) == "unsatisfied"


def test_evaluation_by_score(adopted):
    staff, cycle = adopted.staff, adopted.cycle
    Cycle.objects.filter(pk=cycle.pk).update(evaluation_mode="score")
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to="evaluate")
    for deputy, score in zip(adopted.voters, (90, 80, 70), strict=False):
        projects.evaluation_submit(actor=deputy.user, project_id=adopted.project.pk, score=score)
    with pytest.raises(Exception, match="0–100 分"):
        projects.evaluation_submit(actor=adopted.voters[5].user, project_id=adopted.project.pk,
                                   score=101)  # fmt: skip
    cycle.refresh_from_db()
    assert queries.evaluation_results(cycle)[0].average == 80.0
    assert Evaluation.objects.count() == 3
    with pytest.raises(Exception, match="只有参加本次票决的代表可以测评"):
        projects.evaluation_submit(actor=staff, project_id=adopted.project.pk, score=50)


def test_login_works_for_generated_deputies(vworld, client):
    # Through the sign-in page, as a deputy does (the lockout backend wants the request).
    user = vworld.voters[0].user
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(user.pk)

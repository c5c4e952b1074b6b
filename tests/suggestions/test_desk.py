"""The suggestion pages: deputies, handling units and the office through the views."""

import io

import pytest
from openpyxl import load_workbook

from supervision.suggestions import queries, workflow
from supervision.suggestions.models import Reply, Suggestion
from tests.suggestions.conftest import accepted, assigned, draft, replied

State = Suggestion.State
LIST = "/desk/suggestions/"


def detail(s) -> str:
    return f"/desk/suggestions/{s.pk}/"


def act(client, s, action, **data):
    return client.post(f"/desk/suggestions/{s.pk}/{action}/", data)


def test_deputy_drafts_sees_similar_and_submits(client, gworld):
    earlier = accepted(
        gworld, title="增加石浦至县城公交班次", content="早高峰公交太挤，建议增加班次。"
    )
    client.force_login(gworld.users["deputy"])
    page = client.get("/desk/suggestions/new/")
    assert page.status_code == 200
    target = f"session:{gworld.session.pk}"
    assert target in page.content.decode()
    data = {"target": target, "title": "石浦公交早高峰班次太少", "category": "urban_rural",
            "content": "石浦到县城的公交早高峰太挤，建议增加班次。", "check": "1"}  # fmt: skip
    checked = client.post("/desk/suggestions/new/", data)
    assert checked.status_code == 200
    assert [item.pk for item in checked.context["similar"]] == [earlier.pk]
    del data["check"]
    saved = client.post("/desk/suggestions/new/", {**data, "cosigners": [gworld.deps["a1b"].pk]})
    assert saved.status_code == 302
    s = Suggestion.objects.get(title="石浦公交早高峰班次太少")
    assert list(s.cosigners.all()) == [gworld.deps["a1b"]]
    assert act(client, s, "submit").status_code == 302
    s.refresh_from_db()
    assert s.state == State.FIRST_REVIEW


def test_bad_draft_is_a_400_with_the_field_error(client, gworld):
    client.force_login(gworld.users["deputy"])
    response = client.post(
        "/desk/suggestions/new/",
        {
            "target": f"session:{gworld.session.pk}",
            "title": "",
            "category": "economy",
            "content": "x",
        },
    )
    assert response.status_code == 400 and response.context["form"].errors["title"]
    assert not Suggestion.objects.exists()


def test_staff_cannot_open_the_deputy_form(client, gworld):
    client.force_login(gworld.users["county"])
    assert client.get("/desk/suggestions/new/").status_code == 403


def test_returned_suggestion_shows_the_reason_and_is_resubmitted(client, gworld):
    s = draft(gworld)
    workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=s.pk)
    client.force_login(gworld.users["township"])
    response = act(client, s, "first_return", reason="personal", note="属于个人事项")
    assert response.status_code == 302
    client.force_login(gworld.users["deputy"])
    page = client.get(detail(s)).content.decode()
    assert "属于个人事项" in page
    edited = client.post(
        f"/desk/suggestions/{s.pk}/edit/",
        {"title": "改后的标题", "category": "economy", "content": "改后的内容"},
    )
    assert edited.status_code == 302
    assert act(client, s, "submit").status_code == 302
    s.refresh_from_db()
    assert s.state == State.FIRST_REVIEW and s.revision == 2
    assert "属于个人事项" in client.get(detail(s)).content.decode()  # the history stays


def test_handler_replies_co_handler_is_refused(client, gworld):
    s = assigned(gworld)
    client.force_login(gworld.users["co"])
    page = client.get(detail(s))
    assert page.status_code == 200
    assert "reply" not in [a["name"] for a in page.context["action_forms"]]
    data = {"reply_class": "A", "text": "已办结", "signed_off_by": "赵主任"}
    assert act(client, s, "reply", **data).status_code == 403
    client.force_login(gworld.users["handler"])
    missing = act(client, s, "reply", reply_class="A", text="已办结", signed_off_by="")
    assert missing.status_code == 400 and not Reply.objects.exists()
    upload = io.BytesIO(b"%PDF-1.4 reply")
    upload.name = "答复.pdf"
    done = act(client, s, "reply", **{**data, "signed_off_by": "李局长", "attachment": upload})
    assert done.status_code == 302
    reply = Reply.objects.get()
    assert reply.attachment and reply.signed_off_by == "李局长"
    client.force_login(gworld.users["deputy"])
    got = client.get(f"/desk/suggestions/replies/{reply.pk}/attachment/")
    assert got.status_code == 200
    client.force_login(gworld.users["deputy3"])
    assert client.get(f"/desk/suggestions/replies/{reply.pk}/attachment/").status_code == 404


HTML_AS_PDF = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def test_a_web_page_named_as_a_pdf_is_refused_and_nothing_is_stored(
    client, gworld, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    s = assigned(gworld)
    client.force_login(gworld.users["handler"])
    upload = io.BytesIO(HTML_AS_PDF)
    upload.name = "x.pdf"
    data = {"reply_class": "A", "text": "已办结", "signed_off_by": "李局长"}
    refused = act(client, s, "reply", **data, attachment=upload)
    assert refused.status_code == 400
    errors = refused.context["action_forms"]
    form = next(f["form"] for f in errors if f["name"] == "reply")
    assert list(form.errors) == ["attachment"]
    assert "PDF" in form.errors["attachment"][0]
    assert not Reply.objects.exists() and not (tmp_path / "media").exists()
    s.refresh_from_db()
    assert s.state == State.HANDLING


def test_a_reply_document_is_stored_under_a_generated_name_and_served_as_a_download(
    client, gworld, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    s = assigned(gworld)
    client.force_login(gworld.users["handler"])
    upload = io.BytesIO(b"%PDF-1.7\n%%EOF\n")
    upload.name = "../答复 <script>.PDF"
    data = {"reply_class": "A", "text": "已办结", "signed_off_by": "李局长"}
    assert act(client, s, "reply", **data, attachment=upload).status_code == 302
    name = Reply.objects.get().attachment.name
    assert name.startswith("suggestions/") and name.endswith(".pdf")
    assert name.rsplit("/", 1)[-1].startswith(f"suggestion-{s.pk}-{s.round}-")
    assert name.isascii() and "script" not in name
    client.force_login(gworld.users["deputy"])
    got = client.get(f"/desk/suggestions/replies/{Reply.objects.get().pk}/attachment/")
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment;")
    assert got["X-Content-Type-Options"] == "nosniff"
    assert b"".join(got.streaming_content) == b"%PDF-1.7\n%%EOF\n"


def test_deputy_rates_on_the_page(client, gworld):
    s = replied(gworld)
    client.force_login(gworld.users["deputy"])
    bad = act(client, s, "rate", reply_rating="unsatisfied", implementation_rating="satisfied")
    assert bad.status_code == 400
    ok = act(client, s, "rate", reply_rating="satisfied", implementation_rating="basically")
    assert ok.status_code == 302
    s.refresh_from_db()
    assert s.state == State.COMPLETED


@pytest.mark.parametrize(
    ("who", "status"),
    [("county_b", 404), ("deputy3", 404), ("sibling_handler", 404), ("township2", 404)],
)
def test_out_of_scope_pages_are_404(client, gworld, who, status):
    s = assigned(gworld)
    client.force_login(gworld.users[who])
    assert client.get(detail(s)).status_code == status
    assert act(client, s, "accept").status_code == status


def test_list_lights_and_overdue_filter(client, gworld):
    import datetime

    from django.utils import timezone

    late = assigned(gworld, received_on=timezone.localdate() - datetime.timedelta(days=100))
    fresh = assigned(gworld, title="新的")
    client.force_login(gworld.users["handler"])
    page = client.get(LIST)
    lights = {s.pk: s.light for s in page.context["page"]}
    assert lights == {late.pk: queries.LIGHT_RED, fresh.pk: ""}
    overdue = client.get(LIST + "?overdue=on")
    assert [s.pk for s in overdue.context["page"]] == [late.pk]
    desk = client.get("/desk/").content.decode()
    assert "suggestion-card-unit" in desk


def test_batch_assignment_page(client, gworld):
    one, two = accepted(gworld), accepted(gworld, title="第二件")
    client.force_login(gworld.users["county"])
    page = client.get("/desk/suggestions/assign/")
    assert {s.pk for s in page.context["waiting"]} == {one.pk, two.pk}
    response = client.post(
        "/desk/suggestions/assign/",
        {f"unit_{one.pk}": gworld.units["lead"].pk, f"leader_{one.pk}": "王副县长",
         f"unit_{two.pk}": gworld.units["co"].pk, f"leader_{two.pk}": "", "meeting": "交办会"},
    )  # fmt: skip
    assert response.status_code == 400  # the second has no lead leader: nothing assigned
    assert not Suggestion.objects.filter(state=State.HANDLING).exists()
    response = client.post(
        "/desk/suggestions/assign/",
        {f"unit_{one.pk}": gworld.units["lead"].pk, f"leader_{one.pk}": "王副县长",
         f"unit_{two.pk}": gworld.units["co"].pk, f"leader_{two.pk}": "王副县长"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Suggestion.objects.filter(state=State.HANDLING).count() == 2


def test_statistics_page_shows_rates_and_formulas(client, gworld):
    s = replied(gworld)
    workflow.suggestion_rate(actor=gworld.users["deputy"], suggestion_id=s.pk,
                             reply_rating="satisfied", implementation_rating="satisfied")  # fmt: skip
    client.force_login(gworld.users["county"])
    page = client.get("/desk/suggestions/statistics/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="completion-rate">100.0%' in html and 'id="reply-rate">100.0%' in html
    assert str(queries.FORMULAS["completion"]) in html
    client.force_login(gworld.users["deputy"])
    assert client.get("/desk/suggestions/statistics/").status_code == 403


def _report_queries(client, gworld, n, django_assert_max_num_queries):
    for i in range(n):
        assigned(gworld, title=f"台账{n}-{i}", cosigner_ids=[gworld.deps["a1b"].pk])
    client.force_login(gworld.users["county"])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as page:
        response = client.get("/desk/suggestions/report/")
    with CaptureQueriesContext(connection) as excel:
        xlsx = client.get("/desk/suggestions/report.xlsx")
    assert response.status_code == 200 and xlsx.status_code == 200
    return response, xlsx, len(page), len(excel)


def test_report_and_ledger_cost_fixed_queries_and_match(
    client, gworld, django_assert_max_num_queries
):
    small_page, _x, small_q, small_xq = _report_queries(
        client, gworld, 2, django_assert_max_num_queries
    )
    page, xlsx, big_q, big_xq = _report_queries(client, gworld, 10, django_assert_max_num_queries)
    assert (small_q, small_xq) == (big_q, big_xq)
    workbook = load_workbook(io.BytesIO(xlsx.content))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == page.context["columns"]
    assert len(rows) - 1 == len(page.context["rows"]) == 12
    titles = {row[2] for row in rows[1:]}
    assert "台账10-9" in titles
    assert any(row[4] == "甲一乙代表" for row in rows[1:])


def test_ledger_cells_cannot_run_formulas(client, gworld):
    assigned(gworld, title='=HYPERLINK("http://x")')
    client.force_login(gworld.users["county"])
    xlsx = client.get("/desk/suggestions/report.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.cell(row=2, column=3).value.startswith("'=")


def test_handler_who_is_a_deputy_sees_own_suggestions_on_the_list(client, gworld):
    from stations.models import Representative

    handler = gworld.users["handler"]
    Representative.objects.create(
        region=gworld.regions["countyA"], name="办理代表", id_code="D-H", user=handler
    )
    own = draft(gworld, actor="handler", title="我自己的建议")
    work = assigned(gworld, title="本单位承办")
    client.force_login(handler)
    listed = {s.pk for s in client.get(LIST).context["page"].object_list}
    assert listed == {own.pk, work.pk}
    narrowed = {s.pk for s in client.get(LIST + "?unit_work=on").context["page"].object_list}
    assert narrowed == {work.pk}
    cards = {c.role: c for c in queries.desk_counts(handler)}
    assert cards["unit"].handling == 1 and cards["deputy"].drafts == 1


def test_the_drafting_page_offers_only_cosigners_of_the_deputys_county(client, gworld):
    client.force_login(gworld.users["deputy"])
    page = client.get("/desk/suggestions/new/")
    offered = {int(pk) for pk, _label in page.context["form"].fields["cosigners"].choices}
    assert offered == {gworld.deps["a1b"].pk, gworld.deps["a2"].pk}
    refused = client.post("/desk/suggestions/new/", {
        "target": f"session:{gworld.session.pk}", "title": "t", "category": "economy",
        "content": "c", "cosigners": [gworld.deps["b1"].pk],
    })  # fmt: skip
    assert refused.status_code == 400 and not Suggestion.objects.exists()


def test_similar_suggestions_only_on_the_explicit_check(client, gworld, monkeypatch):
    from supervision.suggestions import similar

    earlier = accepted(gworld)
    s = draft(gworld)
    calls = []
    real = similar.similar_to
    monkeypatch.setattr(similar, "similar_to", lambda *a, **k: calls.append(1) or real(*a, **k))
    client.force_login(gworld.users["deputy"])
    page = client.get(detail(s))
    assert (
        calls == []
        and page.context["similar"] == []
        and 'id="check-similar"' in page.content.decode()
    )
    checked = client.get(detail(s) + "?check=similar")
    assert calls == [1] and [item.pk for item in checked.context["similar"]] == [earlier.pk]


def test_public_ledger_never_shows_other_deputies_unlisted_suggestions(gworld):
    from supervision.suggestions import similar

    u = gworld.users
    text = {"title": "增加石浦至县城公交班次", "content": "早高峰公交太挤，建议增加班次。"}
    draft(gworld, actor="deputy2", **text)  # a draft
    returned = draft(gworld, actor="deputy2", **text)
    workflow.suggestion_submit(actor=u["deputy2"], suggestion_id=returned.pk)
    workflow.suggestion_first_review(
        actor=u["township"], suggestion_id=returned.pk, passed=False, reason="personal"
    )
    withdrawn = draft(gworld, actor="deputy2", **text)
    workflow.suggestion_withdraw(actor=u["deputy2"], suggestion_id=withdrawn.pk)
    converted = accepted(gworld, **text)
    workflow.suggestion_convert(actor=u["county"], suggestion_id=converted.pk, note="转信访")
    listed = accepted(gworld, **text)
    paths = gworld.deps["a1"].region.ancestor_paths
    assert list(queries.public_ledger(paths).values_list("pk", flat=True)) == [listed.pk]
    found = similar.similar_to(text["title"], text["content"], gworld.deps["a1"])
    assert [item.pk for item in found] == [listed.pk]


def test_desk_refuses_actions_outside_the_users_part(client, gworld):
    submitted = accepted(gworld)
    client.force_login(gworld.users["handler"])
    assert act(client, submitted, "accept").status_code == 404  # not its unit's: unseen
    s = assigned(gworld, title="已交办")
    assert act(client, s, "accept").status_code == 403  # the unit sees it, but does not accept
    client.force_login(gworld.users["deputy"])
    assert act(client, s, "assign", lead_unit=gworld.units["lead"].pk).status_code == 403
    assert act(client, s, "no_such_action").status_code == 404
    s.refresh_from_db()
    assert s.state == State.HANDLING


@pytest.mark.parametrize(
    ("query", "param"),
    [("cycle=1", "cycle"), ("state=nonsense", "state"), ("overdue=maybe", "overdue"),
     ("session=abc", "session"), ("region=99999999", "region")],
)  # fmt: skip
def test_a_bad_list_filter_is_a_form_error_beside_the_bar(client, gworld, query, param):
    assigned(gworld)
    client.force_login(gworld.users["county"])
    response = client.get(f"{LIST}?{query}")
    assert list(response.context["filter_errors"]) == [param]
    fields = response.context["listing"].filterset.form.fields
    known = fields.get(param)
    shown = str(known.label) if known is not None else param  # people read labels
    assert list(response.context["errors"]) == [shown]
    assert known is None or shown != param and not shown.isascii()
    assert list(response.context["page"].object_list) == []
    html = response.content.decode()
    assert 'id="filter-errors"' in html and f"<strong>{shown}</strong>" in html


def test_list_filters_by_state_key_and_session_on_the_page(client, gworld):
    s = assigned(gworld)
    other = accepted(gworld, title="另一件")
    workflow.suggestion_mark_key(
        actor=gworld.users["county"], suggestion_id=s.pk, committee_id=gworld.committee.pk
    )
    client.force_login(gworld.users["county"])

    def ids(query):
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200
        return {row.pk for row in response.context["page"].object_list}

    assert ids("state=accepted") == {other.pk}
    assert ids("key=on") == {s.pk}
    assert ids(f"session={gworld.session.pk}&page=1") == {s.pk, other.pk}
    bar = [field.name for field in client.get(LIST).context["filter_fields"]]
    # no unit: no "my unit's work"
    assert bar == ["region", "session", "state", "period", "todo", "due_soon", "overdue", "key"]
    # A session or region that came from a link stays chosen when the bar filters again.
    page = client.get(f"{LIST}?session={gworld.session.pk}").content.decode()
    assert f'<option value="{gworld.session.pk}" selected>' in page
    county = gworld.regions["countyA"].pk
    page = client.get(f"{LIST}?region={county}").content.decode()
    assert f'<option value="{county}" selected>' in page


def test_the_history_takes_its_labels_from_the_vocabulary(client, gworld):
    from portal import vocabulary

    s = assigned(gworld)
    client.force_login(gworld.users["county"])
    page = client.get(detail(s))
    history = page.context["history"]
    assert {event.action for event in history} >= {"suggestion_accept", "suggestion_assign"}
    html = page.content.decode()
    for event in history:
        assert event.label == vocabulary.action_label(event.action) != event.action
        assert event.label in html

"""Consistent words on the suggestion pages: one label per suggestion (未编号-<id>, then
第N号), Chinese dates, the on-time reply rate as a rate, the year box, all-zero rows left
out."""

import datetime
import io
import re

from django.utils import timezone
from openpyxl import load_workbook

from supervision.suggestions import queries, workflow
from supervision.suggestions.models import Suggestion
from tests.suggestions.conftest import accepted, assigned, draft

STATISTICS = "/desk/suggestions/statistics/"


def detail(s) -> str:
    return f"/desk/suggestions/{s.pk}/"


def test_a_suggestion_is_unnumbered_until_accepted_then_numbered_everywhere(client, gworld):
    s = draft(gworld)
    assert s.label == f"未编号-{s.pk}" and str(s) == f"未编号-{s.pk} {s.title}"
    client.force_login(gworld.users["deputy"])
    page = client.get(detail(s)).content.decode()
    assert f"<h1>未编号-{s.pk} · {s.title}</h1>" in page
    assert f"#{s.pk}" not in page

    workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=s.pk)
    workflow.suggestion_first_review(
        actor=gworld.users["township"], suggestion_id=s.pk, passed=True
    )
    workflow.suggestion_accept(actor=gworld.users["county"], suggestion_id=s.pk)
    s.refresh_from_db()
    assert s.number == 1 and s.label == "第1号" and str(s) == f"第1号 {s.title}"
    page = client.get(detail(s)).content.decode()
    assert f"<h1>第1号 · {s.title}</h1>" in page and f"未编号-{s.pk}" not in page


def test_the_ledger_names_suggestions_by_their_label_on_the_page_and_in_excel(client, gworld):
    numbered = assigned(gworld, title="已编号的建议")
    interim = workflow.suggestion_draft(
        actor=gworld.users["deputy"], title="闭会期间的建议", content="内容",
        category="economy", region_id=gworld.regions["countyA"].pk,
    )  # fmt: skip
    workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=interim.pk)
    client.force_login(gworld.users["county"])
    page = client.get("/desk/suggestions/report/")
    labels = {row[2]: row[0] for row in page.context["rows"]}
    assert labels == {"已编号的建议": "第1号", "闭会期间的建议": f"未编号-{interim.pk}"}
    html = page.content.decode()
    assert "<td>第1号</td>" in html and f"<td>未编号-{interim.pk}</td>" in html

    sheet = load_workbook(
        io.BytesIO(client.get("/desk/suggestions/report.xlsx").content)
    ).worksheets[0]
    cells = {row[2]: row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells == labels
    assert numbered.label == "第1号"


def test_the_ledger_shows_reply_classes_and_dates_as_words(client, gworld):
    s = assigned(gworld)
    client.force_login(gworld.users["county"])
    html = client.get("/desk/suggestions/report/").content.decode()
    due = s.due_on
    assert f"<td>{due.year}年{due.month}月{due.day}日</td>" in html
    assert f"<td>{due.isoformat()}</td>" not in html


def test_the_desk_page_renders_chinese_dates(client, gworld):
    received = timezone.localdate() - datetime.timedelta(days=10)
    s = assigned(gworld, received_on=received)
    client.force_login(gworld.users["county"])
    html = client.get(detail(s)).content.decode()
    due = s.due_on
    assert f"{due.year}年{due.month}月{due.day}日" in html
    assert f"{received.year}年{received.month}月{received.day}日" in html
    facts = html.split('id="due"', 1)[1].split("</dd>", 1)[0]
    assert facts.endswith(f"{due.year}年{due.month}月{due.day}日")
    units = html.split("<h2>承办单位</h2>", 1)[1].split("</section>", 1)[0]
    assert received.isoformat() not in units and due.isoformat() not in units


def _reply(gw, s):
    workflow.suggestion_reply(
        actor=gw.users["handler"], suggestion_id=s.pk, reply_class="A", text="已办理",
        signed_off_by="李局长",
    )  # fmt: skip


def test_the_on_time_reply_rate_is_on_time_replies_over_replies_due(client, gworld):
    """3 of 4 first replies due came in time → 75%; a reply not yet due does not count."""
    for n in range(3):
        _reply(gworld, assigned(gworld, title=f"按时{n}"))
    long_ago = timezone.localdate() - datetime.timedelta(days=150)
    _reply(gworld, assigned(gworld, title="逾期答复", received_on=long_ago))
    assigned(gworld, title="尚未到期")
    figures = queries.figures(Suggestion.objects.all())
    assert (figures.replied_in_time, figures.replies_due, figures.assigned) == (3, 4, 5)
    assert figures.on_time_rate == "75.0%"
    assert figures.completion_rate == "60.0%"

    client.force_login(gworld.users["county"])
    html = client.get(STATISTICS).content.decode()
    assert re.search(r'id="on-time-rate">75\.0%', html)
    assert "应答复4件，按时答复3件" in html
    assert str(queries.FORMULAS["on_time"]) in html and "按时答复率 =" in html
    # The count is called a count, the rate a rate.
    assert '<dt>按时答复件数</dt><dd id="replied-in-time">3</dd>' in html
    assert "<dt>按时答复率</dt>" in html
    report = client.get("/desk/suggestions/report/").content.decode()
    assert "应答复4件，按时答复3件，按时答复率75.0%" in report


def test_an_overdue_suggestion_without_a_reply_is_due(gworld):
    long_ago = timezone.localdate() - datetime.timedelta(days=150)
    assigned(gworld, received_on=long_ago)
    _reply(gworld, assigned(gworld, title="按时"))
    figures = queries.figures(Suggestion.objects.all())
    assert (figures.replied_in_time, figures.replies_due, figures.on_time_rate) == (1, 2, "50.0%")


def test_the_year_box_shows_the_year_displayed(client, gworld):
    client.force_login(gworld.users["county"])
    this_year = timezone.localdate().year
    for url in (STATISTICS, "/desk/suggestions/report/"):
        page = client.get(url)
        assert page.context["year"] == this_year
        assert re.search(rf'name="year" value="{this_year}"', page.content.decode())
        chosen = client.get(url, {"year": "2024"}).content.decode()
        assert 'name="year" value="2024"' in chosen


def test_all_zero_rows_are_left_out_with_a_note(client, gworld):
    assigned(gworld, title="已交办")
    accepted(gworld, title="待交办")  # no lead unit yet: a "not assigned" row of zeros
    client.force_login(gworld.users["county"])
    page = client.get(STATISTICS)
    by_heading = {str(heading): (rows, note) for heading, rows, note in page.context["grouped"]}
    rows, note = by_heading["主办单位"]
    assert [label for label, _f in rows] == [gworld.units["lead"].name]
    assert note == "无数据的单位未列出"
    html = page.content.decode()
    assert "无数据的单位未列出" in html and "未交办" not in html
    rows, note = by_heading["会议"]
    assert len(rows) == 1 and note == ""  # one session, with figures: nothing left out

    report = client.get("/desk/suggestions/report/")
    assert [label for label, _f in report.context["by_unit"]] == [gworld.units["lead"].name]
    assert "无数据的单位未列出" in report.content.decode()


def test_records_of_a_suggestion_are_named_by_its_label_in_the_admin(gworld):
    s = assigned(gworld)
    _reply(gworld, s)
    reply = s.replies.get()
    deadline = s.deadlines.get()
    assert str(reply) == "第1号 · 第 1 轮 · A类：已解决或基本解决"
    due = deadline.due_on
    assert str(deadline) == f"第1号 · 第 1 轮 · {due.year}年{due.month}月{due.day}日"
    assert str(s.reviews.first()).startswith("第1号 · ")

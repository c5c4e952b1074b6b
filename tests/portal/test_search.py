"""The keyword search (portal.search) on citizen issues: words inside sentences, not single
characters; escaped highlights; codes typed whole; only the user's jurisdiction, through the
search page, the staff table, the admin and the API."""

import pytest
from django.db import connection

from petitions import workflow
from petitions.models import Petition
from portal import search
from tests.petitions.conftest import pworld, submit, sworld, world  # noqa: F401  (fixtures)
from tests.petitions.desk_helpers import sibling_staff

pytestmark = pytest.mark.django_db
PAGE = "/desk/search/"


def found(user, q) -> set[int]:
    from petitions import queries

    return set(search.matching(queries.petitions_for(user), q, user).values_list("pk", flat=True))


@pytest.fixture
def issues(pworld):  # noqa: F811
    return {
        "lamp": submit(
            pworld, title="东门村的路灯坏了", description="晚上黑漆漆的，老人出门不安全"
        ),
        "road": submit(pworld, title="村道坑洼", description="雨后道路积水，电动车容易滑倒"),
        "bus": submit(pworld, title="公交班次太少", description="早上去镇上的车挤不上"),
    }


def test_a_word_inside_a_sentence_is_found_and_a_single_character_is_not_every_road(
    pworld,  # noqa: F811
    issues,
):
    clerk = pworld.base.users["township"]
    assert found(clerk, "路灯") == {issues["lamp"].pk}
    assert found(clerk, "路") == set()  # 路 alone is no word of these texts
    assert found(clerk, "积水") == {issues["road"].pk}  # from the description
    assert found(clerk, "东门 路灯") == {issues["lamp"].pk}  # every word must match
    assert found(clerk, "路灯 公交") == set()
    assert found(clerk, "医院") == set()


def test_replies_are_searched_once_written(pworld, issues):  # noqa: F811
    clerk = pworld.base.users["township"]
    bus = issues["bus"]
    workflow.petition_accept(actor=clerk, petition_id=bus.pk)
    workflow.petition_forward(
        actor=clerk, petition_id=bus.pk, department_id=pworld.units["townA1"].pk
    )
    workflow.petition_reply(actor=pworld.handlers["townA1"], petition_id=bus.pk,
                            text="已协调客运公司加开早班车")  # fmt: skip
    assert found(clerk, "早班车") == {bus.pk}


def test_tracking_codes_match_whole_and_phone_digits_only_for_the_office(pworld, issues):  # noqa: F811
    clerk = pworld.base.users["township"]
    lamp = issues["lamp"]
    assert found(clerk, lamp.tracking_code) == {lamp.pk}
    assert found(clerk, lamp.tracking_code.lower()) == {lamp.pk}
    assert found(clerk, "1111") == {p.pk for p in issues.values()}  # 13800001111
    viewer = pworld.base.users["viewer"]
    assert found(viewer, "1111") == set()


def test_the_page_groups_results_with_escaped_highlights(client, pworld):  # noqa: F811
    submit(pworld, title="<script>alert(1)</script>路灯", description="<b>路灯</b>不亮")
    client.force_login(pworld.base.users["township"])
    html = client.get(PAGE, {"q": "路灯"}).content.decode()
    assert 'id="results-petitions"' in html
    assert "<mark>路灯</mark>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;<mark>路灯</mark>&lt;/b&gt;" in html
    assert client.get(PAGE, {"q": "路" * 101}).status_code == 400
    assert 'id="no-results"' in client.get(PAGE, {"q": "医院"}).content.decode()


def test_a_sibling_townships_issue_never_appears_anywhere(client, pworld):  # noqa: F811
    mine = submit(pworld, title="东门村的路灯坏了")
    theirs = submit(pworld, region_key="townA2", title="西门村的路灯坏了")
    sibling = sibling_staff(pworld)
    client.force_login(sibling)
    page = client.get(PAGE, {"q": "路灯"}).content.decode()
    assert "西门村" in page and "东门村" not in page
    assert "1" in page.split('id="results-petitions"')[1].split("</h2>")[0]
    table = client.get("/desk/petitions/", {"q": "路灯"})
    assert [row["pk"] for row in table.context["rows"]] == [theirs.pk]
    api = client.get("/api/v1/petitions/", {"q": "路灯"}).json()
    assert [row["id"] for row in api["results"]] == [theirs.pk] and api["count"] == 1
    admin = client.get("/admin/petitions/petition/", {"q": "路灯"})
    if admin.status_code == 200:
        assert mine.tracking_code not in admin.content.decode()
        assert theirs.tracking_code in admin.content.decode()
    assert found(sibling, mine.tracking_code) == set()


def test_the_api_refuses_an_overlong_query(client, pworld):  # noqa: F811
    client.force_login(pworld.base.users["township"])
    response = client.get("/api/v1/petitions/", {"q": "路" * 101})
    assert response.status_code == 400 and "q" in str(response.json())


def test_search_text_is_written_at_submission_and_on_every_move(pworld):  # noqa: F811
    petition = submit(pworld, title="河道发臭", description="夏天蚊子很多")
    stored = Petition.objects.get(pk=petition.pk).search_text
    assert " 河道 " in stored and " 蚊子 " in stored


@pytest.mark.postgres
def test_postgresql_answers_from_the_gin_index(pworld, issues):  # noqa: F811
    clerk = pworld.base.users["township"]
    from petitions import queries

    # A word and a concept of the lexicon (路灯 is 路灯 | 灯不亮 | 黑灯瞎火 …): both from the
    # index, whatever the planner thinks of the tiny test table's primary key.
    for q in ("积水", "路灯"):
        # Ranked, the match is in the query itself; a list keeping its own order fetches a
        # rare word's rows by id first (that query is the same match) and gets the same rows.
        rows = search.matching(queries.petitions_for(clerk), q, clerk, ranked=True)
        listed = search.matching(queries.petitions_for(clerk), q, clerk)
        assert set(rows.values_list("pk", flat=True)) == set(listed.values_list("pk", flat=True))
        assert "to_tsvector" not in str(listed.query)  # a few rows: by id
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_indexscan")
        assert "petition_search_idx" in plan, q


def test_a_compound_query_finds_its_parts_written_apart(pworld):  # noqa: F811
    clerk = pworld.base.users["township"]
    wages = submit(pworld, title="工地老板拖欠了三个月的工资", description="多次讨要没有结果")
    submit(pworld, title="工资标准咨询", description="想了解最低工资")
    assert search.query_words("拖欠工资") == ["拖欠", "工资"]
    assert found(clerk, "拖欠工资") == {wages.pk}


def test_a_sentence_typed_as_a_query_needs_all_but_one_word(pworld):  # noqa: F811
    clerk = pworld.base.users["township"]
    noisy = submit(pworld, title="晚上工地施工噪音大", description="吵得老人孩子都睡不着觉")
    submit(pworld, title="白天施工", description="工地围挡倒了")
    assert search._groups(["晚上", "施工", "噪音"]) == [
        ["晚上", "施工"], ["晚上", "噪音"], ["施工", "噪音"]
    ]  # fmt: skip
    assert found(clerk, "晚上 施工 污染") == {noisy.pk}  # 污染 is missing: two of three match
    assert found(clerk, "白天 噪音") == set()  # two words: both are needed


def test_search_combines_with_the_lists_filters(client, pworld):  # noqa: F811
    old = submit(pworld, title="路灯坏了", category="traffic")
    new = submit(pworld, title="路灯又坏了", category="traffic")
    submit(pworld, title="路灯太暗", category="housing")
    Petition.objects.filter(pk=old.pk).update(submitted_at="2026-01-05T10:00:00+08:00")
    client.force_login(pworld.base.users["township"])
    table = client.get(
        "/desk/petitions/",
        {"q": "路灯", "category": "traffic", "submitted_from": "2026-06-01"},
    )
    assert [row["pk"] for row in table.context["rows"]] == [new.pk]
    bad = client.get("/desk/petitions/", {"q": "路灯", "submitted_from": "yesterday"})
    assert "submitted_from" in bad.context["filter_errors"]
    api = client.get("/api/v1/petitions/", {"q": "路灯", "submitted_to": "2026-02-01"}).json()
    assert [row["id"] for row in api["results"]] == [old.pk]

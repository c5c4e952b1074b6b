"""Lists and pages of suggestions cost the same number of queries whatever their size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.suggestions import workflow
from tests.factories import DepartmentFactory
from tests.suggestions.conftest import accepted, replied


def grow(gw, n: int) -> None:
    """Add ``n`` replied suggestions, each with a co-signer, a co-handling unit and a reply."""
    for i in range(n):
        replied(gw, title=f"建议{i}", cosigner_ids=[gw.deps["a1b"].pk, gw.deps["a2"].pk])


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def same_at_two_sizes(client, gw, url: str) -> None:
    grow(gw, 2)
    client.get(url)  # warm the per-process caches (content types, session)
    small = count(client, url)
    grow(gw, 6)
    large = count(client, url)
    assert small == large


def test_desk_list_queries_do_not_grow_with_the_rows(client, gworld):
    client.force_login(gworld.users["county"])
    same_at_two_sizes(client, gworld, "/desk/suggestions/")
    assert len(client.get("/desk/suggestions/").context["page"].object_list) == 8


def test_api_list_queries_do_not_grow_with_the_rows(client, gworld):
    client.force_login(gworld.users["county"])
    same_at_two_sizes(client, gworld, "/api/v1/suggestions/")
    assert len(client.get("/api/v1/suggestions/").json()["results"]) == 8


def test_admin_changelist_queries_do_not_grow_with_the_rows(client, gworld):
    client.force_login(gworld.users["county"])
    same_at_two_sizes(client, gworld, "/admin/suggestions/suggestion/")


def test_handler_list_queries_do_not_grow_with_the_rows(client, gworld):
    client.force_login(gworld.users["handler"])
    same_at_two_sizes(client, gworld, "/desk/suggestions/?unit_work=on")


def test_detail_page_queries_do_not_grow_with_rounds_cosigners_and_replies(client, gworld):
    u = gworld.users
    small = replied(gworld, cosigner_ids=[gworld.deps["a1b"].pk])
    large = replied(gworld, cosigner_ids=[gworld.deps["a1b"].pk, gworld.deps["a2"].pk])
    workflow.suggestion_rate(
        actor=u["deputy"], suggestion_id=large.pk, reply_rating="unsatisfied",
        reply_comment="未解决", implementation_rating="satisfied",
    )  # fmt: skip
    workflow.suggestion_co_opinion(
        actor=u["co"], suggestion_id=large.pk, text="同意", signed_off_by="赵主任"
    )
    workflow.suggestion_reply(
        actor=u["handler"], suggestion_id=large.pk, reply_class="B", text="第二轮",
        signed_off_by="李局长",
    )  # fmt: skip
    client.force_login(u["county"])
    client.get(f"/desk/suggestions/{small.pk}/")  # warm the per-process caches
    assert count(client, f"/desk/suggestions/{small.pk}/") == count(
        client, f"/desk/suggestions/{large.pk}/"
    )


def test_admin_change_page_queries_do_not_grow_with_the_units(client, gworld):
    region = gworld.regions["countyA"]
    extra = [DepartmentFactory(region=region) for _ in range(5)]
    county = gworld.users["county"]

    def with_units(co_units):
        s = accepted(gworld, title=f"单位{len(co_units)}")
        workflow.suggestion_assign(
            actor=county, suggestion_id=s.pk, lead_unit_id=gworld.units["lead"].pk,
            co_unit_ids=[d.pk for d in co_units], lead_leader="王副县长",
        )  # fmt: skip
        return s

    two = with_units([gworld.units["co"]])  # 2 units
    six = with_units(extra)  # 6 units
    client.force_login(county)
    url = "/admin/suggestions/suggestion/{}/change/"
    client.get(url.format(two.pk))  # warm the per-process caches (content types, session)
    assert count(client, url.format(two.pk)) == count(client, url.format(six.pk))

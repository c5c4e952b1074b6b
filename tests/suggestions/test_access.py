"""Who sees which suggestion: office by region subtree (own, child, sibling, parent),
handling units by assignment, deputies by authorship and co-signing."""

import threading

import pytest
from django.db import connection

from portal import access
from supervision.suggestions import queries, workflow
from supervision.suggestions.models import Suggestion
from tests.factories import staff_with_role
from tests.suggestions.conftest import assigned, draft


def seen(user) -> set[int]:
    return set(queries.suggestions_for(user).values_list("pk", flat=True))


@pytest.fixture
def two(gworld):
    """A county suggestion from 甲一镇 (assigned, co-signed by dep_a1b) and a township one."""
    county = assigned(gworld, cosigner_ids=[gworld.deps["a1b"].pk])
    township = draft(gworld, session_id=None, region_id=gworld.regions["townA1"].pk)
    workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=township.pk)
    return county, township


def test_office_sees_its_subtree_never_siblings(gworld, two):
    county, township = two
    u = gworld.users
    assert seen(u["city"]) == {county.pk, township.pk}  # parent of the county
    assert seen(u["county"]) == {county.pk, township.pk}  # own and child
    assert seen(u["county_b"]) == set()  # sibling county
    # the township sees its own congress's suggestion and the county one it first-reviewed
    assert seen(u["township"]) == {county.pk, township.pk}
    assert seen(u["township2"]) == set()  # sibling township
    other_city = staff_with_role(gworld.regions["city2"], username="m_city2")
    assert seen(other_city) == set()


def test_handling_units_see_only_their_assignments(gworld, two):
    county, _township = two
    u = gworld.users
    assert seen(u["handler"]) == {county.pk}
    assert seen(u["co"]) == {county.pk}
    assert seen(u["sibling_handler"]) == set()


def test_deputies_see_their_own_and_cosigned_only(gworld, two):
    county, township = two
    u = gworld.users
    assert seen(u["deputy"]) == {county.pk, township.pk}
    assert seen(u["deputy2"]) == {county.pk}  # co-signed
    assert seen(u["deputy3"]) == set()  # a deputy of the sibling township


def test_committee_members_see_what_they_supervise(gworld, two):
    county, _township = two
    assert seen(gworld.users["committee_member"]) == set()
    workflow.suggestion_mark_key(
        actor=gworld.users["county"], suggestion_id=county.pk, committee_id=gworld.committee.pk
    )
    assert seen(gworld.users["committee_member"]) == {county.pk}


def test_the_list_costs_the_same_queries_whatever_its_length(gworld, django_assert_num_queries):
    for n in range(3):
        assigned(gworld, title=f"建议{n}")
    user = gworld.users["handler"]
    access.forget(user)
    with django_assert_num_queries(2):  # the grants, then the list
        rows = list(queries.suggestions_for(user))
        [(s.lead.name, s.lead_unit.name, s.session.name, s.region.name) for s in rows]
    for n in range(5):
        assigned(gworld, title=f"更多{n}")
    access.forget(user)
    with django_assert_num_queries(2):  # the grants, then the list
        rows = list(queries.suggestions_for(user))
        [(s.lead.name, s.lead_unit.name, s.session.name, s.region.name) for s in rows]
    assert len(rows) == 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_get_distinct_numbers(gworld):
    pending = []
    for n in range(8):
        suggestion = draft(gworld, title=f"并发{n}")
        workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=suggestion.pk)
        workflow.suggestion_first_review(
            actor=gworld.users["township"], suggestion_id=suggestion.pk, passed=True
        )
        pending.append(suggestion.pk)
    staff_pk = gworld.users["county"].pk
    barrier = threading.Barrier(len(pending))
    errors = []

    def accept(pk):
        from portal.models import User

        try:
            staff = User.objects.get(pk=staff_pk)
            barrier.wait()
            workflow.suggestion_accept(actor=staff, suggestion_id=pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(pk,)) for pk in pending]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Suggestion.objects.filter(pk__in=pending).values_list("number", flat=True))
    assert numbers == list(range(1, 9))

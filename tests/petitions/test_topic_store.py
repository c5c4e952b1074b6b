"""Stored concentrated issues: kept current at intake, scoped, taught by staff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from petitions import topic_store, topics, workflow
from petitions.models import IssueTopic, Petition, TopicGroup
from portal.lexicon_models import ProblemPhrase
from portal.models import Event
from tests.petitions.conftest import submit

LIGHTS = [
    ("甲一村路灯不亮", "晚上出门黑灯瞎火，老人散步差点摔倒。"),
    ("", "甲一村的路灯坏了好几个月，一直没人修"),
    ("关于甲一村夜间照明的问题", "主干道路灯坏了两个多月，孩子晚上放学回家很危险。"),
    ("路灯又坏了", "村口那几盏灯不亮，晚上走路看不见"),
]
WATER = [
    ("甲一村经常停水", "这个月停水三次，也不提前通知"),
    ("", "又断水了，自来水一滴都没有"),
]


@pytest.fixture(autouse=True)
def _fresh_places():
    topic_store.forget()
    yield
    topic_store.forget()


def arrive(pworld, region_key, rows):
    """Submit issues and match each as the intake does after its commit."""
    made = []
    for title, text in rows:
        petition = submit(pworld, region_key, title=title or text[:20], description=text)
        topic_store.match(petition.pk)
        made.append(petition)
    return made


def groups(user, region):
    return sorted(sorted(t.pks) for t in topics.topics_for(user, region))


def test_an_issue_is_matched_when_it_is_submitted(pworld, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(pworld, "villageA1", title=LIGHTS[0][0], description=LIGHTS[0][1])
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(pworld, "villageA1", title="路灯坏了", description=LIGHTS[1][1])
    link = IssueTopic.objects.get(petition=second)
    assert link.problem == "路灯" and link.group_id is not None
    assert IssueTopic.objects.get(petition=first).group_id == link.group_id


def test_the_page_reads_stored_groups_of_the_users_scope(pworld):
    regions, users = pworld.base.regions, pworld.base.users
    lights = arrive(pworld, "villageA1", LIGHTS)
    water = arrive(pworld, "villageA1", WATER)
    elsewhere = arrive(
        pworld, "townA2", [("甲二镇路灯不亮", "镇上的路灯坏了"), ("", "甲二镇路灯全不亮")]
    )

    mine = groups(users["township"], regions["countyA"])
    assert mine == sorted([sorted(p.pk for p in lights), sorted(p.pk for p in water)])
    county = groups(users["county"], regions["countyA"])
    assert sorted(p.pk for p in elsewhere) in county and len(county) == 3
    assert groups(users["county"], regions["townA2"]) == [sorted(p.pk for p in elsewhere)]


def test_rejected_duplicate_and_old_issues_are_left_out(pworld):
    regions, staff = pworld.base.regions, pworld.base.users["township"]
    first, second, third, fourth = arrive(pworld, "villageA1", LIGHTS)
    workflow.petition_reject(actor=staff, petition_id=first.pk, reason="不属于受理范围")
    workflow.petition_mark_duplicate(actor=staff, petition_id=second.pk, original_id=third.pk)
    assert groups(staff, regions["townA1"]) == [sorted([third.pk, fourth.pk])]

    old = timezone.now() - timedelta(days=40)
    Petition.objects.filter(pk=fourth.pk).update(submitted_at=old)
    IssueTopic.objects.filter(pk=fourth.pk).update(submitted_at=old)
    assert groups(staff, regions["townA1"]) == []
    assert [t.count for t in topics.topics_for(staff, regions["townA1"], days=60)] == [2]


def test_a_staff_split_is_respected_when_a_new_similar_issue_arrives(pworld):
    staff = pworld.base.users["township"]
    lights = arrive(pworld, "villageA1", LIGHTS)
    group_id = IssueTopic.objects.get(petition=lights[0]).group_id
    new = workflow.topic_split(
        actor=staff, group_id=group_id, petition_ids=[lights[2].pk, lights[3].pk]
    )

    [later] = arrive(pworld, "villageA1", [("甲一村路灯坏了", "路灯不亮好久了，晚上黑灯瞎火")])

    found = {
        t.group_id: set(t.pks) for t in topics.topics_for(staff, pworld.base.regions["townA1"])
    }
    assert set(found) == {group_id, new.pk}  # still two groups
    assert {lights[2].pk, lights[3].pk} <= found[new.pk]
    assert {lights[0].pk, lights[1].pk} <= found[group_id]
    assert later.pk in found[group_id] ^ found[new.pk]  # in exactly one of them
    assert Event.objects.filter(action="topic_split", target_id=group_id).exists()


def test_an_issue_moved_out_never_returns_and_a_merge_is_kept(pworld):
    staff, regions = pworld.base.users["township"], pworld.base.regions
    lights = arrive(pworld, "villageA1", LIGHTS)
    group_id = IssueTopic.objects.get(petition=lights[0]).group_id
    workflow.topic_move_out(actor=staff, group_id=group_id, petition_ids=[lights[1].pk])
    topic_store.regroup(regions["countyA"].pk)
    link = IssueTopic.objects.get(petition=lights[1])
    assert link.group_id is None and link.kept_out_of_id == group_id

    water = arrive(pworld, "villageA1", WATER)
    water_group = IssueTopic.objects.get(petition=water[0]).group_id
    workflow.topic_merge(actor=staff, group_id=water_group, into_id=group_id)
    topic_store.regroup(regions["countyA"].pk)
    assert not TopicGroup.objects.filter(pk=water_group).exists()
    assert set(IssueTopic.objects.filter(group_id=group_id).values_list("pk", flat=True)) == {
        lights[0].pk, lights[2].pk, lights[3].pk, water[0].pk, water[1].pk,
    }  # fmt: skip
    assert TopicGroup.objects.get(pk=group_id).confirmed
    # the merge suggests the merged group's words for the lexicon, unapproved
    assert ProblemPhrase.objects.filter(concept="路灯", approved=False).exists()


def test_a_phrase_staff_add_groups_words_the_lexicon_did_not_know(pworld, settings):
    regions, users = pworld.base.regions, pworld.base.users
    rows = [("", "甲一村的咕噜灯天天闪"), ("", "甲一村咕噜灯一直在闪，晚上睡不着")]
    arrive(pworld, "villageA1", rows)
    before = IssueTopic.objects.filter(problem="光污染").count()
    ProblemPhrase.objects.create(concept="光污染", phrase="咕噜灯", created_by=users["county"])
    from portal import lexicon

    lexicon.forget()
    topic_store.regroup(regions["countyA"].pk)
    assert before == 0
    assert IssueTopic.objects.filter(problem="光污染").count() == 2
    assert len(groups(users["township"], regions["townA1"])) == 1


def test_staff_act_only_on_groups_wholly_inside_their_region(pworld, client):
    users = pworld.base.users
    arrive(pworld, "townA2", [("甲二镇路灯不亮", "镇上的路灯坏了"), ("", "甲二镇路灯全不亮")])
    group_id = TopicGroup.objects.get().pk

    def confirm(user):
        client.force_login(user)
        return client.post(
            "/desk/petitions/topics/act/", {"action": "confirm", "group": str(group_id)}
        )

    assert confirm(users["township"]).status_code == 403  # townA1: a sibling's group
    assert confirm(users["deputy"]).status_code == 403
    assert not TopicGroup.objects.get(pk=group_id).confirmed
    assert confirm(users["county"]).status_code == 302  # the parent county's office may
    assert TopicGroup.objects.get(pk=group_id).confirmed
    assert Event.objects.filter(action="topic_confirm", target_id=group_id).count() == 1


def test_the_page_teaches_by_unchecking(pworld, client):
    staff = pworld.base.users["township"]
    lights = arrive(pworld, "villageA1", LIGHTS)
    group_id = IssueTopic.objects.get(petition=lights[0]).group_id
    client.force_login(staff)
    page = client.get("/desk/petitions/topics/", {"days": "30"})
    assert page.status_code == 200 and "纠正" in page.content.decode()
    shown = [p.pk for p in lights]
    response = client.post(
        "/desk/petitions/topics/act/",
        {"action": "move_out", "group": str(group_id), "shown": shown, "petition": shown[:3]},
    )
    assert response.status_code == 302
    assert IssueTopic.objects.get(pk=lights[3].pk).group_id is None
    page = client.get("/desk/petitions/topics/", {"days": "30"}).content.decode()
    assert 'name="into"' not in page  # one group: nothing to merge with
    bad = client.post("/desk/petitions/topics/act/", {"action": "merge", "group": "x"}, follow=True)
    assert bad.status_code == 200 and IssueTopic.objects.filter(group_id=group_id).count() == 3


def test_two_groups_are_merged_from_the_page(pworld, client):
    staff = pworld.base.users["township"]
    lights = arrive(pworld, "villageA1", LIGHTS)
    water = arrive(pworld, "villageA1", WATER)
    light_group = IssueTopic.objects.get(petition=lights[0]).group_id
    water_group = IssueTopic.objects.get(petition=water[0]).group_id
    client.force_login(staff)
    page = client.get("/desk/petitions/topics/", {"days": "30"}).content.decode()
    assert page.count('name="into"') == 1  # one merge form for the page, not one per group
    response = client.post(
        "/desk/petitions/topics/act/",
        {"action": "merge", "group": str(water_group), "into": str(light_group)},
    )
    assert response.status_code == 302
    assert IssueTopic.objects.filter(group_id=light_group).count() == len(LIGHTS) + len(WATER)
    assert Event.objects.filter(action="topic_merge", target_id=light_group).exists()
    same = client.post(
        "/desk/petitions/topics/act/",
        {"action": "merge", "group": str(light_group), "into": str(light_group)},
        follow=True,
    )
    assert "另一组" in str(list(same.context["messages"])[-1])


def test_a_release_that_changes_the_reading_reads_the_issues_again(pworld, monkeypatch):
    regions = pworld.base.regions
    arrive(pworld, "villageA1", [("甲一村路灯不亮", "晚上黑灯瞎火"), ("", "甲一村路灯坏了")])
    county = regions["countyA"].pk
    assert set(IssueTopic.objects.values_list("lexicon_version", flat=True)) == {
        topic_store.reading_version()
    }
    assert topic_store.regroup(county) == 0  # nothing stale
    # new rules (or a new lexicon file) in a release: every stored reading is read again
    monkeypatch.setattr(topic_store.topic_text, "RULES", topic_store.topic_text.RULES + 1)
    assert topic_store.regroup(county) == 2
    assert set(IssueTopic.objects.values_list("lexicon_version", flat=True)) == {
        topic_store.reading_version()
    }

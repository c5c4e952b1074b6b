"""The citizens' page of published results."""

import pytest
from django.urls import reverse

from petitions import public, workflow
from petitions.models import Petition
from tests.petitions.conftest import submit
from tests.petitions.public_helpers import RESULTS_URL, replied, text

State = Petition.State
pytestmark = pytest.mark.usefixtures("_media")  # uploads go to a temporary folder


# --- published results ---------------------------------------------------------------


def resolved(pworld, publish: bool, **kwargs) -> Petition:
    petition = replied(pworld, **kwargs)
    workflow.petition_rate(petition_id=petition.pk, rating="satisfied")
    if publish:
        workflow.petition_publish(
            actor=pworld.base.users["township"], petition_id=petition.pk,
            title="早班公交增加班次", summary="镇政府协调公交公司，早班增加两班车。",
        )  # fmt: skip
    petition.refresh_from_db()
    return petition


def test_results_show_only_published_and_nothing_of_the_citizen(client, pworld):
    shown = resolved(pworld, publish=True)
    hidden = resolved(pworld, publish=False, title="不该出现的标题")
    response = client.get(RESULTS_URL)
    page = text(response)
    assert response.status_code == 200 and "早班公交增加班次" in page
    assert [p.pk for p in response.context["page"].object_list] == [shown.pk]
    detail = client.get(reverse("petitions:result", args=[shown.pk]))
    detail_page = text(detail)
    assert "镇政府协调公交公司，早班增加两班车。" in detail_page
    for body in (page, detail_page):
        for secret in ("李大姐", "13800001111", "早上去石浦的公交车太挤", "公交班次太少",
                       "不该出现的标题", shown.tracking_code, "已协调公交公司"):  # fmt: skip
            assert secret not in body
        assert "/media/" not in body
    assert client.get(reverse("petitions:result", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("petitions:result", args=[10**9])).status_code == 404


def test_results_are_paginated(client, pworld):
    for n in range(public.RESULTS_PAGE_SIZE + 1):
        petition = submit(pworld)
        Petition.objects.filter(pk=petition.pk).update(
            published=True, published_title=f"结果{n}", state=State.RESOLVED
        )
    first = client.get(RESULTS_URL)
    second = client.get(RESULTS_URL, {"page": 2})
    assert len(first.context["page"].object_list) == public.RESULTS_PAGE_SIZE
    assert len(second.context["page"].object_list) == 1
    assert client.get(RESULTS_URL, {"page": "zzz"}).status_code == 200

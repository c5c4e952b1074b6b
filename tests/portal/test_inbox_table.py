"""The inbox as a table: own notifications only, filters (unread, kind), the bulk "mark read"
on the user's own rows, the read-all page, the export and a fixed number of queries."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook

from portal import vocabulary
from portal.models import Notification
from tests.factories import UserFactory, make_region

pytestmark = pytest.mark.django_db

INBOX = reverse("inbox")


@pytest.fixture
def people():
    region = make_region("城市甲")
    return UserFactory(region=region), UserFactory(region=region)


def _rows(user, n, prefix="消息", kind="t", **kw):
    return Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, subject=f"{prefix}{i}", body=f"{prefix}{i}的正文",
                     url="/desk/", **kw)
        for i in range(n)
    )  # fmt: skip


def listed(response) -> set[int]:
    assert response.status_code == 200
    return {row["pk"] for row in response.context["rows"]}


def test_rows_link_to_opening_and_show_kind_label_and_read_state(client, people):
    me, _other = people
    kind, label = vocabulary.kind_choices()[0]
    (unread,) = _rows(me, 1, kind=kind)
    (read,) = _rows(me, 1, prefix="已读的", read_at="2026-01-01T00:00:00+08:00")
    client.force_login(me)
    response = client.get(INBOX)
    rows = {row["pk"]: row for row in response.context["rows"]}
    assert rows[unread.pk]["url"] == reverse("inbox_open", args=[unread.pk])
    values = {pk: {c.key: v for c, v in row["cells"]} for pk, row in rows.items()}
    assert values[unread.pk]["kind"] == label
    assert values[unread.pk]["read"] == gettext("Unread")
    assert values[read.pk]["read"] == pgettext("notification", "Read")
    html = response.content.decode()
    assert f'action="{reverse("inbox_read_all")}"' in html  # the read-all tool above the table
    assert 'class="unread"' in html


def test_filters_unread_only_and_kind(client, people):
    me, _other = people
    kind, _label = vocabulary.kind_choices()[0]
    first, second = _rows(me, 2)
    (typed,) = _rows(me, 1, prefix="已读的", kind=kind, read_at="2026-01-01T00:00:00+08:00")
    client.force_login(me)
    assert listed(client.get(INBOX, {"unread": "1"})) == {first.pk, second.pk}
    assert listed(client.get(INBOX, {"kind": kind})) == {typed.pk}
    assert listed(client.get(INBOX, {"q": "消息1的正文"})) == {second.pk}  # the text too
    response = client.get(INBOX, {"kind": "no.such.kind"})
    assert response.context["errors"] and listed(response) == set()


def test_mark_read_marks_only_the_users_own_selected_rows(client, people):
    me, other = people
    first, second, kept = _rows(me, 3)
    (theirs,) = _rows(other, 1)
    client.force_login(me)
    cache.clear()
    response = client.post(
        INBOX, {"op": "bulk", "bulk": "read", "pk": [first.pk, second.pk, theirs.pk], "query": ""}
    )
    assert response.status_code == 302
    read = set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True))
    assert read == {first.pk, second.pk}
    assert kept.pk not in read and theirs.pk not in read
    # The badge and the side menu count what is left.
    html = client.get(reverse("desk")).content.decode()
    assert ">1</span>" in html.split('id="inbox-badge"')[1].split("</a>")[0]


def test_read_all_is_a_post_of_the_tool_above_the_table(client, people):
    me, other = people
    _rows(me, 2)
    _rows(other, 1)
    client.force_login(me)
    assert client.get(reverse("inbox_read_all")).status_code == 405
    assert not Notification.objects.filter(recipient=me, read_at__isnull=False).exists()
    assert client.post(reverse("inbox_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at=None).exists()
    assert Notification.objects.filter(recipient=other, read_at=None).count() == 1


def test_the_export_is_the_users_own_notifications_with_the_full_text(client, people):
    me, other = people
    _rows(me, 2)
    _rows(other, 1, prefix="别人的")
    client.force_login(me)
    response = client.get(INBOX, {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == (gettext("Time"), gettext("Kind"), gettext("Title"))
    assert sorted(r[2] for r in rows[1:]) == ["消息0", "消息1"]
    assert "消息0的正文" in rows[1] + rows[2]


def test_the_inbox_costs_a_fixed_number_of_queries(client, people):
    me, _other = people
    client.force_login(me)

    def cost() -> int:
        cache.clear()  # the side menu caches its counts
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INBOX).status_code == 200
        return len(captured)

    cost()  # warm up
    _rows(me, 1)
    small = cost()
    _rows(me, 60)
    assert cost() == small

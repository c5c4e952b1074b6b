"""``manage.py build_search_index``: fills the words of rows that have none, in batches of
their own transaction, resumably; ``--rebuild`` rewrites them, ``--kind`` limits it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal import search
from stations.models import Representative
from tests.stations.conftest import sworld, world  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("build_search_index", *args, stdout=out)
    return out.getvalue()


def deputies(sworld, count=5):  # noqa: F811
    """``count`` deputies written without words (as rows from before the search existed)."""
    region = sworld.base.regions["townA1"]
    Representative.objects.bulk_create(
        [
            Representative(region=region, name=f"王建国{n}", id_code=f"S-{n}",
                           work_unit="县交通运输局局长")
            for n in range(count)
        ]
    )  # fmt: skip
    return Representative.objects.filter(id_code__startswith="S-").order_by("pk")


def words_of(rows) -> list[str]:
    return list(rows.values_list("search_text", flat=True))


def test_rows_without_words_are_filled_and_a_second_run_does_nothing(sworld):  # noqa: F811
    rows = deputies(sworld)
    assert all(text == "" for text in words_of(rows))
    out = run("--kind", "deputies")
    assert all(" 交通运输 " in text for text in words_of(rows))
    assert "代表：" in out  # the progress line, in Chinese
    staff = sworld.base.users["county"]
    kind = search.kind_of(Representative)
    assert search.matching(kind.rows(staff), "交通运输", staff).count() == 5

    again = run("--kind", "deputies")
    assert "无需处理" in again
    assert "已写入 0 条" in again


def test_batches_are_of_the_given_size_and_report_their_progress(sworld):  # noqa: F811
    rows = deputies(sworld, count=5)
    out = run("--kind", "deputies", "--batch", "2")
    total = Representative.objects.count()  # the world's own deputies are filled too
    progress = [line for line in out.splitlines() if line.startswith("代表：")]
    assert len(progress) == -(-total // 2)
    assert progress[0].startswith(f"代表：2/{total}")
    assert progress[-1].startswith(f"代表：{total}/{total}（100%）")
    assert all(text for text in words_of(rows))


def test_each_batch_is_its_own_transaction(sworld):  # noqa: F811
    deputies(sworld, count=4)
    with CaptureQueriesContext(connection) as queries:
        run("--kind", "deputies", "--batch", "2")
    begins = [q for q in queries.captured_queries if "SAVEPOINT" in q["sql"].upper()]
    assert len(begins) >= 3  # at least one per batch (pytest's own transaction wraps them)


def test_an_interrupted_run_carries_on_with_the_rows_left(sworld):  # noqa: F811
    rows = deputies(sworld, count=4)
    first = rows.first()
    first.search_text = search.text_of(first)
    first.save(update_fields=["search_text"])
    out = run("--kind", "deputies")
    left = Representative.objects.count() - 1
    assert f"代表：{left}/{left}（100%）" in out


def test_rebuild_rewrites_every_row_and_from_id_resumes_it(sworld):  # noqa: F811
    rows = deputies(sworld, count=4)
    run("--kind", "deputies")
    Representative.objects.update(search_text=" 旧词 ")
    pks = list(Representative.objects.order_by("pk").values_list("pk", flat=True))
    run("--kind", "deputies", "--rebuild", "--from-id", str(pks[2]))
    texts = dict(Representative.objects.values_list("pk", "search_text"))
    assert [texts[pk] == " 旧词 " for pk in pks] == [True, True] + [False] * (len(pks) - 2)
    run("--kind", "deputies", "--rebuild")
    assert all(text != " 旧词 " for text in words_of(rows))


def test_kind_limits_the_run_and_an_unknown_kind_is_refused(sworld):  # noqa: F811
    rows = deputies(sworld, count=2)
    out = run("--kind", "matters")
    assert all(text == "" for text in words_of(rows))
    assert "代表" not in out
    with pytest.raises(CommandError):
        run("--kind", "nonsense")
    with pytest.raises(CommandError):
        run("--batch", "0")


def test_without_kind_every_kind_is_visited(sworld):  # noqa: F811
    deputies(sworld, count=2)
    out = run()
    for kind in search.kinds():
        assert str(kind.label) in out

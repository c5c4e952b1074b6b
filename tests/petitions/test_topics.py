"""Concentrated issues: problem and place apart, the wording people use, measured quality."""

from types import SimpleNamespace

import pytest

from bench import topics_handwritten
from petitions import topic_text, topics

# A county of two townships: 石浦镇 (东门村, 番西村) and 西周镇 (下沙村).
PLACES = topic_text.gazetteer(
    [(1, "石浦镇", 3, None), (2, "东门村", 4, 1), (3, "番西村", 4, 1), (4, "西周镇", 3, None),
     (5, "下沙村", 4, 4)],
    3,
)  # fmt: skip
DONGMEN, FANXI, XIASHA = 2, 3, 5


def find(*rows):
    issues = [
        SimpleNamespace(pk=pk, region_id=region, title=title, description=text)
        for pk, (region, title, text) in enumerate(rows, start=1)
    ]
    found = topics.find_topics(issues, places=PLACES, reader=topic_text.file_reader())
    return sorted(sorted(t.pks) for t in found)


def test_a_word_of_the_problem_inside_a_sentence_is_read():
    problem, family, _named = topic_text.file_reader().read("", "东门村的路灯坏了好几天了")
    assert (problem, family) == ("路灯", "路灯")
    assert topic_text.file_reader().read("", "今天天气不错")[0] is None


def test_the_same_problem_in_two_villages_is_two_groups():
    assert find(
        (DONGMEN, "东门村路灯不亮", "晚上出门黑灯瞎火"),
        (DONGMEN, "", "我们东门村的路灯坏了两个月了没人修"),
        (FANXI, "番西村路灯坏了", "番西村村口的路灯一直不亮"),
        (FANXI, "", "番西村晚上黑漆漆的，路灯都不亮"),
    ) == [[1, 2], [3, 4]]


def test_two_problems_in_one_village_are_two_groups():
    assert find(
        (DONGMEN, "东门村路灯不亮", "晚上出门黑灯瞎火"),
        (DONGMEN, "东门村又停水了", "东门村这个月停水三次，自来水断了没水用"),
        (DONGMEN, "", "路灯坏了好久，东门村晚上走路怕摔"),
        (DONGMEN, "停水太频繁", "东门村三天两头停水"),
        (DONGMEN, "电压太低", "东门村晚上电压低，空调都开不起来"),
    ) == [[1, 3], [2, 4]]


def test_a_colloquial_and_a_formal_wording_of_one_problem_are_one_group():
    assert find(
        (
            DONGMEN,
            "关于水产品加工企业排放恶臭气体的问题",
            "东门村附近水产品加工企业长期排放恶臭气体，严重影响周边居民生活。",
        ),
        (DONGMEN, "", "臭死了 腥臭腥臭的 窗都不敢开 东门村这边天天这样"),
    ) == [[1, 2]]


def test_synonyms_of_one_problem_are_one_group():
    assert find(
        (DONGMEN, "小区电梯经常坏", "电梯三天两头坏，上周还关了人"),
        (DONGMEN, "", "升降梯又停了，老人爬不动楼"),
    ) == [[1, 2]]
    assert find(
        (FANXI, "工地拖欠工资", "番西村安置房工地拖欠工资三个月"),
        (FANXI, "", "老板跑路了，工钱没给，番西村干活的都没拿到钱"),
    ) == [[1, 2]]


def test_a_problem_the_search_keeps_narrower_is_one_group():
    # 电梯困人 < 电梯故障 < 电梯 (narrower for the search) groups as a 电梯故障 problem;
    # 充电桩 and 楼道充电 are facets of one 电动车充电 problem
    reader = topic_text.file_reader()
    assert reader.read("电梯困人", "电梯又把人关在里面了")[:2] == ("电梯故障", "电梯")
    assert find(
        (DONGMEN, "电梯困人", "3幢电梯又把人关在里面了"),
        (DONGMEN, "", "电梯故障好几次了，3幢电梯又坏了"),
        (FANXI, "没有充电桩", "番西村小区没有充电桩"),
        (FANXI, "", "番西村好多人在楼道充电，推进楼道太危险"),
    ) == [[1, 2], [3, 4]]


def test_one_shared_facility_joins_villages():
    assert find(
        (DONGMEN, "城东菜市场污水横流", "城东菜市场地上全是污水，下水道堵了"),
        (FANXI, "", "城东菜市场里面污水到处流，鞋都湿了"),
        (XIASHA, "下沙村污水", "下沙村的下水道堵了，污水横流"),
    ) == [[1, 2]]


def test_shared_theme_words_do_not_pull_strangers_in():
    assert find(
        (DONGMEN, "高龄津贴没发", "我爸八十多了，高龄津贴今年一直没到账"),
        (DONGMEN, "", "东门村老人的高龄补贴还没发"),
        (DONGMEN, "老人体检", "东门村的老年人体检今年什么时候安排"),
    ) == [[1, 2]]


def test_nothing_to_group_gives_no_topics():
    assert find() == []
    assert find((DONGMEN, "路灯不亮", "路灯坏了")) == []


# Measured on the hand-written held-out set (bench/topics_handwritten.py, bench/topics.md):
# the issue's target at county scope is precision 0.9 and recall 0.8.
def test_the_held_out_hand_written_set_meets_the_target_at_county_scope():
    rows = topics_handwritten.items("heldout")
    assert len(rows) >= 300 and len({r.style for r in rows}) >= 5
    score, _found, _true = topics_handwritten.evaluate(rows, "county")
    assert score.precision >= topics_handwritten.TARGET["precision"], score
    assert score.recall >= topics_handwritten.TARGET["recall"], score


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_hand_written_sets_are_labelled_consistently(name):
    rows = topics_handwritten.items(name)
    assert len({r.id for r in rows}) == len(rows)
    assert all("/" in r.region_key and (r.title or r.description) for r in rows)

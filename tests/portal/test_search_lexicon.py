"""The lexicon of civic problems (portal.lexicon) in the keyword search: a problem named in
other words is found, a narrower problem does not bring in its neighbours, a place typed in a
query finds what was raised there, and the shipped lexicon is well formed."""

import pytest

from portal import lexicon, search
from tests.petitions.conftest import pworld, submit, sworld, world  # noqa: F401  (fixtures)
from tests.petitions.desk_helpers import sibling_staff
from tests.portal.test_search import found

pytestmark = pytest.mark.django_db


def test_a_lexicon_line_is_parsed_and_bad_lines_are_refused():
    concepts = lexicon.parse("# comment\n路灯: 路灯 街灯\n路灯故障 < 路灯: 灯不亮 黑灯瞎火\n")
    assert concepts["路灯故障"].parent == "路灯"
    assert concepts["路灯"].phrases == ("路灯", "街灯")
    known = lexicon.Lexicon(concepts)
    assert known.family("路灯") == ["路灯", "街灯", "灯不亮", "黑灯瞎火"]
    assert known.family("路灯故障") == ["灯不亮", "黑灯瞎火"]  # not the broader phrases
    for bad, why in [
        ("路灯 路灯 街灯", "expected"),
        ("路灯:\n", "expected"),
        ("路灯: 路灯\n路灯: 街灯", "twice"),
        ("路灯故障 < 照明: 灯不亮", "unknown parent"),
    ]:
        with pytest.raises(lexicon.LexiconError, match=why):
            lexicon.parse(bad)


def test_a_phrase_is_found_only_on_word_edges():
    known = lexicon.Lexicon(lexicon.parse("漏水: 漏 渗水\n"))
    assert [hit[:2] for hit in known.find("屋顶漏了", boundaries={0, 2, 3, 4})] == [(2, 3)]
    assert known.find("系统漏洞", boundaries={0, 2, 4}) == []  # 漏 inside 漏洞


def test_the_shipped_lexicon_is_well_formed_and_every_phrase_can_match():
    shipped = lexicon.current()
    assert len(shipped.concepts) >= 80
    ignored = [
        phrase
        for concept in shipped.concepts.values()
        for phrase in concept.phrases
        if not search.phrase_words(phrase)
    ]
    # A phrase made of stop words and one character (没水, 太吵) matches nothing in the search;
    # only short colloquial fragments are kept for the concentrated issues, which read
    # phrases as characters.
    assert all(len(phrase) <= 4 for phrase in ignored), ignored
    assert {"没水", "太吵"} <= set(ignored)


def test_a_problem_in_other_words_is_found_and_a_neighbour_is_not(pworld):  # noqa: F811
    clerk = pworld.base.users["township"]
    wages = submit(pworld, title="讨薪", description="包工头跑路了，工钱一分都没拿到")
    arrears = submit(pworld, title="老板拖欠我们八个月工资", description="找了几次都说没钱")
    lamp = submit(pworld, title="村口的灯不亮了", description="晚上黑灯瞎火的")
    lift_broken = submit(pworld, title="电梯坏了好几天", description="老人被困在里面")
    lift_new = submit(pworld, title="老小区加装电梯", description="一楼不同意怎么办")
    submit(pworld, title="最低工资标准咨询", description="想了解今年的标准")
    assert found(clerk, "欠薪") == {wages.pk, arrears.pk}
    assert found(clerk, "路灯") == {lamp.pk}  # the text never says 路灯
    assert found(clerk, "电梯") == {lift_broken.pk, lift_new.pk}
    assert found(clerk, "加装电梯") == {lift_new.pk}  # the narrower problem only
    assert found(clerk, "电梯坏了") == {lift_broken.pk}
    slots = search.query_slots("欠薪")
    assert len(slots) == 1 and ("拖欠", "工资") in slots[0]


def test_a_place_in_the_query_finds_what_was_raised_there(pworld):  # noqa: F811
    search.forget_places()
    county = pworld.base.users["county"]
    here = submit(pworld, title="路灯坏了", description="好几盏都不亮")  # in 甲一村
    there = submit(pworld, region_key="townA2", title="路灯坏了", description="好几盏都不亮")
    named = submit(pworld, region_key="townA2", title="甲一村口路灯坏了", description="请修")
    assert found(county, "甲一村 路灯") == {here.pk, named.pk}
    assert found(county, "甲一 路灯") == {here.pk, named.pk}  # the name without 村
    assert found(county, "甲二镇 路灯") == {there.pk, named.pk}
    assert search.query_words("甲一村") == ["甲一村"]  # a place stays one word
    assert found(sibling_staff(pworld), "甲一村 路灯") == {named.pk}  # only its own township


def test_highlights_mark_the_phrases_of_the_concept(pworld):  # noqa: F811
    snippet = search.highlight("包工头跑路了，<b>工钱</b>一分都没拿到", "欠薪")
    assert "<mark>工钱</mark>" in snippet
    assert "&lt;b&gt;" in snippet


def test_a_loose_phrase_names_its_problem_but_is_not_looked_for():
    concepts = lexicon.parse("自来水: 自来水\n停水 < 自来水: 停水 断水 ~没水用\n")
    assert concepts["停水"].phrases == ("停水", "断水", "没水用")  # grouping reads them all
    assert concepts["停水"].loose == {"没水用"}
    known = lexicon.Lexicon(lexicon.with_phrases(concepts, [("停水", "", "水停了")]))
    assert known.family("停水") == ["停水", "断水", "没水用", "水停了"]
    assert known.family("自来水", strict=True) == ["自来水", "停水", "断水", "水停了"]
    assert known.is_above("自来水", "停水") and not known.is_above("停水", "自来水")


def test_loose_phrases_narrower_concepts_and_typed_typos_in_queries(pworld):  # noqa: F811
    clerk = pworld.base.users["township"]
    cut = submit(pworld, title="停水三天了", description="一直不通知")
    dirty = submit(pworld, title="养殖场污水直排", description="下游的水都不能用了")
    bullied = submit(pworld, title="儿子被高年级的拦住要钱", description="不给就打，老师不管")
    quiet = submit(pworld, title="破碎机噪音太大了", description="村口石料厂")
    night = submit(pworld, title="半夜楼下吵得睡不着", description="凌晨两点还在喝酒")
    permit = submit(pworld, title="咨询居住证办理", description="外来务工人员要带什么材料")
    # 没水 (loose) names 停水 when typed; 没水用, loose too, is not looked for, so a letter
    # whose water "不能用" is not a water cut
    assert found(clerk, "停水") == {cut.pk}
    assert found(clerk, "家里没水") == {cut.pk}
    assert dirty.pk in found(clerk, "没水用")  # what was typed is always looked for
    # 学校 beside 欺负 (校园欺凌 < 学校) is not required: the letter never says 学校
    assert len(search.query_slots("孩子在学校被欺负")) == 1
    assert found(clerk, "孩子在学校被欺负") == {bullied.pk}
    # 吵 and 睡不着 are one problem (噪音): a sentence needs the night and the noise
    assert len(search.query_slots("晚上太吵睡不着")) == 2
    assert found(clerk, "晚上太吵睡不着") == {night.pk}
    assert quiet.pk in found(clerk, "噪音")
    # a typo of a phrase of the lexicon (居住证 is rare in jieba's dictionary) is corrected
    assert found(clerk, "居主证") == {permit.pk}

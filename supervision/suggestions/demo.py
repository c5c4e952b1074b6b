"""Demo deputies' suggestions for 象山县 and 石浦镇 in every state (idempotent).

The numbered session suggestions are filed by 郑海波 (``deputy_shipu``, a county deputy of
石浦镇), first-reviewed by 石浦镇 (``shipu_staff``), reviewed and assigned by 象山县
(``county_staff``) and handled by 象山县交通运输局 (``dept_traffic``); one between-sessions
suggestion goes to 石浦镇's own congress. Everything runs through the workflow functions.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.models import Department, Region, User
from supervision.suggestions import workflow
from supervision.suggestions.models import Committee, Session, Suggestion

XIANGSHAN, SHIPU = "330225000000", "330225100000"
MARKER = "渔港码头增设护栏和夜间照明"

# title, content, category, target state
SESSION_SUGGESTIONS = [
    (MARKER, "石浦渔港东门码头北侧缺少护栏，夜间照明不足，渔民装卸和群众通行存在安全隐患，建议增设护栏和路灯。", "urban_rural", "completed"),
    ("增加石浦至县城早高峰公交班次", "早高峰石浦至县城公交过于拥挤，学生和上班族乘车困难，建议增加班次并延长运营时间。", "urban_rural", "handling"),
    ("加快沙塘湾村供水管网改造", "沙塘湾村供水管网老化，水质时有浑浊，建议列入农村饮用水提标改造计划。", "agriculture", "overdue"),
    ("支持远洋渔业船员技能培训", "远洋渔业船员持证率偏低，建议县里整合培训资源，每年开展船员技能和安全培训。", "economy", "replied"),
    ("在石浦镇设立老年食堂", "石浦镇老年人口多，建议在延昌、金山社区设立老年食堂，解决老人吃饭难问题。", "welfare", "accepted"),
    ("整治石浦客运站周边交通秩序", "客运站周边车辆乱停乱放，高峰时段拥堵严重，建议规划临时停车泊位并加强管理。", "urban_rural", "submitted"),
    ("规范渔港水产品交易市场管理", "水产品交易市场摊位占道经营，卫生条件差，建议统一规划改造。", "economy", "first_review"),
    ("关于个人承包鱼塘补偿问题", "本人承包的鱼塘在征地中补偿偏低，请求有关部门重新核定。", "other", "returned"),
    ("建议提高渔船燃油补贴标准", "燃油价格上涨，渔民负担加重，建议向上争取提高燃油补贴。", "economy", "explained"),
    ("反映某村干部违规问题", "某村干部在工程招标中存在违规行为，请求查处。", "law", "converted"),
    ("石浦中学增设心理健康教师", "学生心理问题增多，建议为石浦中学配备专职心理健康教师。", "social", "draft"),
    ("修缮番西村文化礼堂", "番西村文化礼堂年久失修，建议列入文化设施修缮计划。", "social", "withdrawn"),
]  # fmt: skip


def _actors() -> dict[str, User]:
    names = ["admin", "deputy_shipu", "shipu_staff", "county_staff", "dept_traffic", "shipu_gov"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


@transaction.atomic
def build(regions: dict[str, Region]) -> None:
    """Create the demo suggestions (once; a second run changes nothing)."""
    if Suggestion.objects.filter(title=MARKER).exists():
        return
    users = _actors()
    deputy = users["deputy_shipu"]
    rep = getattr(deputy, "representative", None)
    if rep is None:  # the stations demo links the deputy; without it there is nobody to file
        return
    from stations.models import Representative

    cosigners = list(
        Representative.objects.filter(id_code__in=["XS-SP-03", "XS-SP-05"]).values_list(
            "pk", flat=True
        )
    )
    today = timezone.localdate()
    county, township = regions[XIANGSHAN], regions[SHIPU]
    session, _created = Session.objects.get_or_create(
        region=county, name="象山县第十八届人民代表大会第三次会议",
        defaults={"opens_on": today - datetime.timedelta(days=60),
                  "closes_on": today - datetime.timedelta(days=57)},
    )  # fmt: skip
    Session.objects.get_or_create(
        region=township, name="石浦镇第十八届人民代表大会第三次会议",
        defaults={"opens_on": today - datetime.timedelta(days=70),
                  "closes_on": today - datetime.timedelta(days=69)},
    )  # fmt: skip
    committee, _created = Committee.objects.get_or_create(
        region=county, name="象山县人大常委会财政经济工作委员会"
    )
    committee.members.add(users["county_staff"])
    traffic = users["dept_traffic"].department
    housing = Department.objects.filter(region=county, name="象山县住房和城乡建设局").first()
    staff, first, admin = users["county_staff"], users["shipu_staff"], users["admin"]
    for title, content, category, target in SESSION_SUGGESTIONS:
        s = workflow.suggestion_draft(
            actor=deputy, title=title, content=content, category=category, session_id=session.pk,
            cosigner_ids=cosigners if target in ("completed", "handling") else (),
        )  # fmt: skip
        _advance(
            s.pk,
            target,
            deputy,
            first,
            staff,
            admin,
            users["dept_traffic"],
            traffic,
            housing,
            committee,
        )
    _interim(township, deputy, first, users.get("shipu_gov"))


def _advance(pk, target, deputy, first, staff, admin, handler, traffic, housing, committee) -> None:
    if target == "draft":
        return
    if target == "withdrawn":
        workflow.suggestion_withdraw(
            actor=deputy, suggestion_id=pk, note="与其他代表建议重复，撤回。"
        )
        return
    workflow.suggestion_submit(actor=deputy, suggestion_id=pk)
    if target == "first_review":
        return
    if target == "returned":
        workflow.suggestion_first_review(
            actor=first, suggestion_id=pk, passed=False, reason="personal",
            note="属于代表本人的个人事项，请通过信访渠道反映。",
        )  # fmt: skip
        return
    workflow.suggestion_first_review(actor=first, suggestion_id=pk, passed=True)
    if target == "submitted":
        return
    if target == "converted":
        workflow.suggestion_convert(
            actor=staff, suggestion_id=pk, note="属于检举控告事项，转县纪委监委处理。"
        )
        return
    if target == "explained":
        workflow.suggestion_explain(
            actor=staff, suggestion_id=pk,
            text="渔船燃油补贴标准由国家统一制定，县里已将代表意见向上级反映。",
        )  # fmt: skip
        return
    workflow.suggestion_accept(actor=staff, suggestion_id=pk)
    if target == "accepted":
        return
    today = timezone.localdate()
    received = today - datetime.timedelta(days=100 if target == "overdue" else 20)
    workflow.suggestion_assign(
        actor=staff, suggestion_id=pk, lead_unit_id=traffic.pk,
        co_unit_ids=[housing.pk] if housing and target != "overdue" else [],
        lead_leader="分管副县长", received_on=received, note="县人大常委会建议交办会",
    )  # fmt: skip
    workflow.suggestion_plan(
        actor=handler, suggestion_id=pk, unit_leader="局长", handler_name="俞晓东",
        handler_phone="0574-65000001", measures="实地调研、制定方案、分步实施", standard="问题解决并经代表确认",
    )  # fmt: skip
    workflow.suggestion_contact(
        actor=handler, suggestion_id=pk, stage="before", method="visit", date=received,
        note="办前上门听取代表意见，明确办理重点。",
    )  # fmt: skip
    if target == "overdue":
        return
    if target == "handling":
        workflow.suggestion_request_extension(
            actor=handler,
            suggestion_id=pk,
            months=2,
            reason="涉及线路调整，需与客运公司协商并报县政府审批。",
        )
        return
    reply_class = "A" if target == "completed" else "B"
    workflow.suggestion_reply(
        actor=handler, suggestion_id=pk, reply_class=reply_class,
        text="经研究，已制定实施方案并落实经费，相关工作正在推进。" if reply_class == "B" else "已完成护栏安装和路灯架设。",
        signed_off_by="县交通运输局局长",
    )  # fmt: skip
    if target == "replied":
        workflow.suggestion_mark_key(actor=staff, suggestion_id=pk, committee_id=committee.pk)
        workflow.suggestion_recheck(
            actor=staff, suggestion_id=pk, result="progressing", date=today,
            note="回头看：培训计划已列入年度预算，首期培训下月开班。",
        )  # fmt: skip
        return
    workflow.suggestion_rate(
        actor=deputy, suggestion_id=pk, reply_rating="satisfied", implementation_rating="satisfied"
    )


def _interim(township: Region, deputy: User, staff: User, unit_user: User | None) -> None:
    """A between-sessions suggestion to 石浦镇's own congress, handled by the township."""
    s = workflow.suggestion_draft(
        actor=deputy, title="东门村渔港路增设减速带", region_id=township.pk, category="urban_rural",
        content="渔港路车流量大，学生上下学经过，建议在村口增设减速带和警示标志。",
    )  # fmt: skip
    workflow.suggestion_submit(actor=deputy, suggestion_id=s.pk)
    workflow.suggestion_accept(actor=staff, suggestion_id=s.pk)
    if unit_user is None or unit_user.department_id is None:
        return
    workflow.suggestion_assign(
        actor=staff, suggestion_id=s.pk, lead_unit_id=unit_user.department_id,
        lead_leader="分管副镇长",
    )  # fmt: skip
    workflow.suggestion_reply(
        actor=unit_user, suggestion_id=s.pk, reply_class="A", text="已在村口增设减速带两处。",
        signed_off_by="石浦镇镇长",
    )  # fmt: skip
    workflow.suggestion_rate(
        actor=deputy,
        suggestion_id=s.pk,
        reply_rating="satisfied",
        implementation_rating="basically",
    )

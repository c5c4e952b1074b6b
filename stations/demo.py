"""Demo data of the stations app: 石浦镇's stations and deputies, 大徐镇 and 甬江街道 beside them.

Called by ``seed_demo`` after ``portal.demo.core.build()``. Every row is looked up by a key
that does not move (roster number, station name, reception summary, household name, visit
note, activity title) and created only when missing, so running it again changes nothing.
Writes that have a workflow function (receptions, shifts, visits) go through it, with the
demo account that would do it in real life.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from portal.calendar import WorkCalendar
from portal.models import Region, User
from stations import workflow
from stations.models import (
    CHECKLIST_ITEMS,
    Activity,
    CommitteeContact,
    DutyRule,
    Household,
    MandateLevel,
    NonWorkingDay,
    Reception,
    ReceptionMatter,
    Representative,
    RepresentativeGroup,
    Station,
    StationMembership,
)

NINGBO, XIANGSHAN, JIANGBEI = "330200000000", "330225000000", "330205000000"
SHIPU, DAXU, YONGJIANG = "330225100000", "330225108000", "330205005000"
YANCHANG, DONGMEN = "330225100001", "330225100201"
JOINED_ON = datetime.date(2022, 3, 10)  # after the township elections of the term

L = MandateLevel
ANSWERED, FORWARDED = ReceptionMatter.Outcome.ANSWERED, ReceptionMatter.Outcome.FORWARDED
Form = Reception.Form

SHIPU_PLAN = """年度活动计划：
1. 每月10日为集中接待日（遇节假日顺延），两个代表小组轮流进站接待选民；
2. 每周三下午安排代表驻站值班，村（社区）联络站每月至少开展一次“代表夜聊”或“村民说事”；
3. 上半年围绕渔港建设开展专题视察，下半年围绕农村居家养老开展专题调研；
4. 每位代表联系致富带头人、困难群众、乡贤各一户，每年走访不少于两次；
5. 年底组织代表向选民述职，接受选民评议。"""
STATION_RULES = """一、进站接待制度：代表按排班表进站接待，接待情况如实记入民情工作日志。
二、意见处理制度：能当场答复的当场答复；不能当场答复的，登记后三个工作日内转交有关部门办理，跟踪反馈。
三、结果公示制度：群众反映问题的办理结果在联络站公示栏和网上联络站公示，接受群众监督。
四、履职档案制度：代表进站接待、走访联系、视察调研等活动记入代表履职档案。"""
VILLAGE_PLAN = """1. 每月开展一次“代表夜聊”或“村民说事”，听取村（居）民意见；
2. 代表每季度入户走访联系户；
3. 群众意见当场能答复的当场答复，其余报镇中心联络站统一转办。"""
ALL_SIX = {key: True for key, _label in CHECKLIST_ITEMS}

# key: region, name, kind, address, opening hours, phone, liaison officer, checklist, plan, rules
STATIONS = {
    "shipu": (SHIPU, "石浦镇人大代表中心联络站", Station.Kind.CENTRAL,
              "象山县石浦镇金山路88号镇便民服务中心二楼",
              "每月10日 8:30–11:30（遇节假日顺延）；每周三 14:30–17:00",
              "0574-65981101", "陈立峰", ALL_SIX, SHIPU_PLAN, STATION_RULES),
    "dongmen": (DONGMEN, "东门村代表联络站", Station.Kind.VILLAGE,
                "石浦镇东门村渔港路12号村民服务中心一楼", "每月10日下午；每月第三周周四晚上“代表夜聊”",
                "0574-65981102", "王丽君", ALL_SIX, VILLAGE_PLAN, STATION_RULES),
    "yanchang": (YANCHANG, "延昌社区代表联络站", Station.Kind.VILLAGE,
                 "石浦镇延昌街56号社区党群服务中心", "工作日 9:00–11:30、14:00–17:00",
                 "0574-65981103", "叶晓燕", ALL_SIX, VILLAGE_PLAN, STATION_RULES),
    "daxu": (DAXU, "大徐镇人大代表中心联络站", Station.Kind.CENTRAL,
             "象山县大徐镇大徐村新街18号", "每月10日 9:00–11:30（遇节假日顺延）",
             "0574-65991201", "林晓红", {**ALL_SIX, "equipment": False}, "", STATION_RULES),
    "yongjiang": (YONGJIANG, "甬江街道人大代表联络站", Station.Kind.CENTRAL,
                  "宁波市江北区甬江街道湾头路99号", "每周三 14:00–16:30",
                  "0574-87651301", "许佳", ALL_SIX, "", STATION_RULES),
}  # fmt: skip

GROUPS = {"g1": (SHIPU, "石浦镇第一代表小组"), "g2": (SHIPU, "石浦镇第二代表小组")}
GROUP_LEADERS = {"g1": "XS-SP-01", "g2": "XS-SP-02"}

# roster number: name, gender, phone, work unit, managing region, group, account,
#                mandates (level, term, electing region, constituency), stations
DEPUTIES = {
    "XS-SP-01": ("郑海波", "M", "13800571001", "石浦镇东门村党支部书记", SHIPU, "g1", "deputy_shipu",
                 [(L.TOWNSHIP, "第十八届", SHIPU, "石浦镇第三选区"),
                  (L.COUNTY, "第十八届", XIANGSHAN, "石浦镇第一选区")], ["shipu", "dongmen"]),
    "XS-SP-02": ("林美娟", "F", "13800571002", "石浦镇延昌社区党委书记、居委会主任", SHIPU, "g2", None,
                 [(L.TOWNSHIP, "第十八届", SHIPU, "石浦镇第一选区")], ["shipu", "yanchang"]),
    "XS-SP-03": ("黄志明", "M", "13800571003", "石浦镇水产品加工企业负责人", SHIPU, "g1", None,
                 [(L.COUNTY, "第十八届", XIANGSHAN, "石浦镇第二选区")], ["shipu"]),
    "XS-SP-04": ("陈雪芳", "F", "13800571004", "象山县石浦中学校长", SHIPU, "g2", None,
                 [(L.MUNICIPAL, "第十六届", XIANGSHAN, "")], ["shipu"]),
    "XS-SP-05": ("王建军", "M", "13800571005", "石浦镇东门村村委会主任", SHIPU, "g1", None,
                 [(L.TOWNSHIP, "第十八届", SHIPU, "石浦镇第三选区")], ["shipu", "dongmen"]),
    "XS-SP-06": ("李秀英", "F", "13800571006", "石浦镇卫生院护士长", SHIPU, "g2", None,
                 [(L.TOWNSHIP, "第十八届", SHIPU, "石浦镇第一选区")], ["shipu", "yanchang"]),
    "XS-SP-07": ("张伟", "M", "13800571007", "石浦镇番西村渔业专业合作社社长", SHIPU, "g2", None,
                 [(L.TOWNSHIP, "第十八届", SHIPU, "石浦镇第四选区")], ["shipu"]),
    "XS-SP-08": ("吴国庆", "M", "13800571008", "象山县远洋渔业协会会长", SHIPU, "g1", None,
                 [(L.PROVINCIAL, "第十四届", NINGBO, "")], ["shipu"]),
    "XS-SP-09": ("周丽萍", "F", "13800571009", "石浦镇沙塘湾村妇联主席", SHIPU, "g1", None,
                 [(L.TOWNSHIP, "第十八届", SHIPU, "石浦镇第五选区")], ["shipu", "dongmen"]),
    "XS-DX-01": ("俞国平", "M", "13800572001", "大徐镇大徐村党总支书记", DAXU, None, None,
                 [(L.TOWNSHIP, "第十八届", DAXU, "大徐镇第一选区")], ["daxu"]),
    "XS-DX-02": ("陈丽", "F", "13800572002", "大徐镇中心小学教师", DAXU, None, None,
                 [(L.COUNTY, "第十八届", XIANGSHAN, "大徐镇选区")], ["daxu"]),
    "XS-DX-03": ("方建华", "M", "13800572003", "大徐镇杉木洋村柑橘种植大户", DAXU, None, None,
                 [(L.TOWNSHIP, "第十八届", DAXU, "大徐镇第二选区")], ["daxu"]),
    "JB-YJ-01": ("朱文斌", "M", "13800573001", "甬江街道湾头社区党委书记", YONGJIANG, None, None,
                 [(L.COUNTY, "第十八届", JIANGBEI, "甬江街道第一选区")], ["yongjiang"]),
    "JB-YJ-02": ("蒋晓燕", "F", "13800573002", "江北区物流企业总经理", YONGJIANG, None, None,
                 [(L.MUNICIPAL, "第十六届", JIANGBEI, "")], ["yongjiang"]),
}  # fmt: skip

# station, frequency, day of month or weekday, from, until, non-working day, deputies, note
DUTY_RULES = [
    ("shipu", DutyRule.Frequency.MONTHLY, 10, "08:30", "11:30", NonWorkingDay.NEXT,
     ["XS-SP-01", "XS-SP-02", "XS-SP-03", "XS-SP-05"], "每月10日集中接待日"),
    ("shipu", DutyRule.Frequency.WEEKLY, 2, "14:30", "17:00", NonWorkingDay.SKIP,
     ["XS-SP-06", "XS-SP-07"], "每周三代表驻站"),
    ("daxu", DutyRule.Frequency.MONTHLY, 10, "09:00", "11:30", NonWorkingDay.NEXT,
     ["XS-DX-01", "XS-DX-02"], "每月10日集中接待日"),
    ("yongjiang", DutyRule.Frequency.WEEKLY, 2, "14:00", "16:30", NonWorkingDay.SKIP,
     ["JB-YJ-01", "JB-YJ-02"], "每周三代表接待"),
]  # fmt: skip

# station, months before this one, day, form, people, deputies, recorded by, summary,
# matters (content, outcome, answer, citizen's name, citizen's phone)
RECEPTIONS = [
    ("shipu", 3, 10, Form.SITTING, 12, ["XS-SP-01", "XS-SP-03", "XS-SP-05"], "deputy_shipu",
     "集中接待日：渔民反映渔港码头设施和柴油补贴问题", [
         ("东门渔港码头北侧三盏路灯损坏，夜间卸货不安全", FORWARDED, "", "王阿根", "13800574101"),
         ("询问今年渔业柴油补贴何时发放", ANSWERED,
          "补贴资金已由县农业农村局下达，镇农办正在核对名单，预计月底前发放到户。", "", ""),
         ("码头周边停车位不足，节假日游客车辆占道", FORWARDED, "", "", ""),
     ]),
    ("shipu", 2, 10, Form.SITTING, 9, ["XS-SP-01", "XS-SP-02", "XS-SP-06"], "deputy_shipu",
     "集中接待日：居民反映养老和医疗服务需求", [
         ("希望延昌社区老年食堂周末也能供餐", FORWARDED, "", "陈玉珍", "13800574102"),
         ("咨询城乡居民医保缴费标准和缴费渠道", ANSWERED,
          "缴费标准以县医保局公布的为准，可通过“浙里办”或社区代办点缴费，代表现场演示了操作步骤。",
          "徐阿婆", ""),
     ]),
    ("shipu", 1, 10, Form.SITTING, 15, ["XS-SP-01", "XS-SP-03", "XS-SP-07", "XS-SP-08"],
     "deputy_shipu", "集中接待日：台风季前渔船避风和渔民安全", [
         ("沙塘湾避风锚地淤积，大潮时渔船进出困难，希望安排清淤", FORWARDED, "", "张海生",
          "13800574103"),
         ("渔船船员意外险怎样参保", ANSWERED,
          "可到镇渔业互保代办点办理，代表已把代办点地址和电话告知来访渔民。", "", ""),
         ("石浦中学门口上下学时段交通拥堵", FORWARDED, "", "", ""),
     ]),
    ("shipu", 1, 25, Form.HOUSE_CALL, 3, ["XS-SP-07"], "shipu_staff",
     "出诊：走访番西村困难渔民家庭", [
         ("因病致困的渔民家庭申请临时救助", FORWARDED, "", "胡长根", "13800574104"),
     ]),
    ("dongmen", 2, 18, Form.EVENING_CHAT, 20, ["XS-SP-01", "XS-SP-05"], "deputy_shipu",
     "代表夜聊：东门村老街排水和旧村改造", [
         ("东门村老街排水不畅，下雨天积水进屋", FORWARDED, "", "王丽君", ""),
         ("询问旧村改造的补偿政策", ANSWERED,
          "方案尚在征求意见，镇里将召开村民代表会议公开讨论，代表会把大家的意见带到会上。", "", ""),
     ]),
    ("yanchang", 1, 22, Form.VILLAGERS_TALK, 18, ["XS-SP-02", "XS-SP-06"], "shipu_staff",
     "村民说事：社区垃圾分类和电动自行车充电", [
         ("小区垃圾清运时间太早，影响居民休息", ANSWERED,
          "已与镇环卫所沟通，清运时间调整到早上六点半以后。", "叶大伯", ""),
         ("社区内电动自行车充电桩不足，有人私拉电线充电", FORWARDED, "", "", ""),
     ]),
    ("daxu", 2, 10, Form.SITTING, 8, ["XS-DX-01", "XS-DX-02"], "daxu_staff",
     "集中接待日：柑橘销售和农村道路", [
         ("杉木洋村至大徐村的机耕路破损严重", FORWARDED, "", "方阿大", "13800574201"),
         ("柑橘销售渠道少，想学网上销售", ANSWERED,
          "镇农业服务中心每季度组织电商培训，已帮助报名下一期培训。", "", ""),
     ]),
    ("yongjiang", 1, 15, Form.SITTING, 6, ["JB-YJ-01", "JB-YJ-02"], "jiangbei_staff",
     "代表接待：老旧小区加装电梯和沿江步道照明", [
         ("湾头社区老旧小区加装电梯怎么申请", ANSWERED,
          "代表现场介绍了加装电梯的申请流程和补助政策，并请社区协助收集业主意见。", "李阿姨",
          "13800574301"),
         ("甬江沿岸步道夜间照明不足", FORWARDED, "", "", ""),
     ]),
]  # fmt: skip
LOCKED = "集中接待日：渔民反映渔港码头设施和柴油补贴问题"
SOLVED = "东门渔港码头北侧三盏路灯损坏，夜间卸货不安全"

HOUSEHOLD_NAMES = {
    Household.Kind.WEALTH_LEADER: ["陈建国", "王海龙", "林志强", "黄金水", "张永福", "李国华",
                                   "吴海明", "周宏伟", "郑永康"],
    Household.Kind.POOR: ["孙桂英", "朱阿根", "何美珍", "胡长根", "徐秀兰", "马福生", "杨彩娥",
                          "邵土根", "叶金娣"],
    Household.Kind.WORTHY: ["贺明德", "蔡文华", "潘振华", "许国梁", "范仲良", "戴文博", "韩立群",
                            "钟德厚", "严守仁"],
}  # fmt: skip
VISIT_NOTES = {
    Household.Kind.WEALTH_LEADER: ["了解今年渔获和水产加工销售情况，请其带动周边村民就业",
                                   "交流冷链物流建设需求，收集对营商环境的意见"],
    Household.Kind.POOR: ["走访慰问，了解家庭收入、看病和子女上学情况",
                          "协助申请临时救助，反馈办理进度"],
    Household.Kind.WORTHY: ["听取对村庄环境整治的意见建议",
                            "邀请参加村民说事活动，共商老街改造"],
}  # fmt: skip
# Deputies who have met each household only once so far this year (the quota is two).
SHORT_OF_VISITS = {"XS-SP-07", "XS-SP-09"}
VILLAGE_ADDRESSES = [
    ("330225100201", "东门村"), ("330225100001", "延昌社区"), ("330225100202", "番西村"),
    ("330225100203", "沙塘湾村"), ("330225100204", "昌国村"), ("330225100002", "金山社区"),
]  # fmt: skip

COMMITTEE_CONTACTS = [
    ("county_staff", "XS-SP-01", "座谈听取代表对石浦渔港综合整治的意见建议"),
    ("county_staff", "XS-SP-03", "电话联系，了解代表提出的水产加工园区建议的办理进展"),
]

# region, kind, title, days ago, participants, note
ACTIVITIES = [
    (SHIPU, Activity.Kind.INSPECTION, "视察石浦渔港避风锚地建设", 100,
     ["XS-SP-01", "XS-SP-03", "XS-SP-05", "XS-SP-07", "XS-SP-08"],
     "实地察看锚地清淤和防波堤加固工程，听取镇政府和县农业农村局情况汇报，提出加快清淤进度等建议。"),
    (SHIPU, Activity.Kind.RESEARCH, "调研农村居家养老服务中心运行情况", 60,
     ["XS-SP-02", "XS-SP-04", "XS-SP-06", "XS-SP-09"],
     "走访延昌社区、东门村等四个居家养老服务中心，形成调研报告报镇人大主席团。"),
    (SHIPU, Activity.Kind.TRAINING, "石浦镇人大代表履职能力培训", 30,
     [f"XS-SP-0{n}" for n in range(1, 10)],
     "学习代表法和代表建议撰写要求，交流进站履职经验。"),
    (DAXU, Activity.Kind.APPRAISAL, "评议镇政府农村道路养护工作", 45,
     ["XS-DX-01", "XS-DX-02", "XS-DX-03"],
     "听取镇政府专项工作报告，代表进行满意度测评。"),
]  # fmt: skip


def _months_before(first: datetime.date, months: int, day: int) -> datetime.date:
    """Return that day of the month ``months`` before ``first``'s (negative: after it)."""
    year, month = divmod(first.year * 12 + first.month - 1 - months, 12)
    return datetime.date(year, month + 1, day)


def _users() -> dict[str, User]:
    names = ["admin", "deputy_shipu", "shipu_staff", "daxu_staff", "jiangbei_staff", "county_staff"]
    return {u.username: u for u in User.objects.filter(username__in=names)}


def build_stations(regions: dict[str, Region]) -> dict[str, Station]:
    stations = {}
    for key, spec in STATIONS.items():
        code, name, kind, address, hours, phone, officer, checklist, plan, rules = spec
        stations[key], _created = Station.objects.get_or_create(
            region=regions[code], name=name,
            defaults={
                "kind": kind, "address": address, "opening_hours": hours, "phone": phone,
                "liaison_officer": officer, "checklist": checklist, "activity_plan": plan,
                "rules": rules,
            },
        )  # fmt: skip
    return stations


def build_deputies(
    regions: dict[str, Region], stations: dict[str, Station], users: dict[str, User]
) -> dict[str, Representative]:
    groups = {
        key: RepresentativeGroup.objects.get_or_create(region=regions[code], name=name)[0]
        for key, (code, name) in GROUPS.items()
    }
    deputies = {}
    for id_code, spec in DEPUTIES.items():
        name, gender, phone, unit, region, group, account, mandates, station_keys = spec
        deputy, _created = Representative.objects.get_or_create(
            id_code=id_code,
            defaults={
                "name": name, "gender": gender, "phone": phone, "work_unit": unit,
                "region": regions[region], "group": groups.get(group),
                "public_contact": stations[station_keys[0]].phone,
            },
        )  # fmt: skip
        if account and deputy.user_id is None:
            deputy.user = users[account]
            deputy.save(update_fields=["user"])
        for level, term, code, constituency in mandates:
            deputy.mandates.get_or_create(
                level=level, term=term,
                defaults={"region": regions[code], "constituency": constituency},
            )  # fmt: skip
        for key in station_keys:
            StationMembership.objects.get_or_create(
                station=stations[key], representative=deputy,
                defaults={"region": stations[key].region, "joined_on": JOINED_ON},
            )  # fmt: skip
        deputies[id_code] = deputy
    for key, id_code in GROUP_LEADERS.items():
        if groups[key].leader_id is None:
            groups[key].leader = deputies[id_code]
            groups[key].save(update_fields=["leader"])
    chiefs = {"shipu": "XS-SP-03", "dongmen": "XS-SP-05", "yanchang": "XS-SP-02"}
    for key, id_code in chiefs.items():
        if stations[key].chief_id is None:
            stations[key].chief = deputies[id_code]
            stations[key].save(update_fields=["chief"])
    return deputies


def build_roster(stations, deputies, admin: User, today: datetime.date) -> None:
    """Create the duty rules and, when the next three months have no shifts yet, their shifts."""
    first = today.replace(day=1)
    end = _months_before(first, -3, 1) - datetime.timedelta(days=1)
    for key, frequency, day, start, until, non_working, on_duty, note in DUTY_RULES:
        monthly = frequency == DutyRule.Frequency.MONTHLY
        rule, created = DutyRule.objects.get_or_create(
            station=stations[key], frequency=frequency, start_time=start,
            day_of_month=day if monthly else None, weekday=None if monthly else day,
            defaults={
                "region": stations[key].region, "end_time": until,
                "on_non_working_day": non_working, "valid_from": today.replace(month=1, day=1),
                "note": note,
            },
        )  # fmt: skip
        if created:
            rule.deputies.set([deputies[d] for d in on_duty])
        if not rule.shifts.filter(date__range=(first, end)).exists():
            workflow.shifts_generate(actor=admin, rule_id=rule.pk, start=first, end=end)


def build_receptions(stations, deputies, users, today: datetime.date) -> None:
    first = today.replace(day=1)
    work_calendar = WorkCalendar(_months_before(first, 4, 1), first)
    for key, months, day, form, people, present, author, summary, matters in RECEPTIONS:
        if Reception.objects.filter(station=stations[key], summary=summary).exists():
            continue
        date = _months_before(first, months, day)
        if form == Form.SITTING:  # reception days at the station move past holidays
            date = work_calendar.next_working_day(date)
        reception = workflow.reception_record(
            actor=users[author], station_id=stations[key].pk, date=date,
            form=form, people_count=people, deputy_ids=[deputies[d].pk for d in present],
            summary=summary, matters=[workflow.MatterInput(*m) for m in matters],
        )  # fmt: skip
        if summary == LOCKED:
            workflow.reception_lock(actor=users["shipu_staff"], reception_id=reception.pk)
        solved = reception.matters.filter(content=SOLVED).first()
        if solved is not None and solved.petition_id:
            # The forwarded matter's citizen issue is answered by the office and closed.
            from petitions import workflow as petitions_workflow

            staff = users["shipu_staff"]
            petitions_workflow.petition_accept(actor=staff, petition_id=solved.petition_id)
            petitions_workflow.petition_answer(
                actor=staff,
                petition_id=solved.petition_id,
                text="已联系镇村建办，三盏路灯当周修复。",
            )
            petitions_workflow.petition_close(
                actor=staff, petition_id=solved.petition_id, resolved=True
            )


def build_contacts(regions, deputies, users, today: datetime.date) -> None:
    """Give each 石浦镇 deputy three contact households and record this year's visits."""
    year_start = today.replace(month=1, day=1)
    shipu_deputies = [d for code, d in deputies.items() if code.startswith("XS-SP-")]
    for index, deputy in enumerate(shipu_deputies):
        recorder = deputy.user or users["shipu_staff"]
        village_code, village = VILLAGE_ADDRESSES[index % len(VILLAGE_ADDRESSES)]
        for offset, (kind, names) in enumerate(HOUSEHOLD_NAMES.items()):
            household, _created = Household.objects.get_or_create(
                representative=deputy, name=names[index], kind=kind,
                defaults={
                    "region": regions[village_code], "phone": f"1380057{index:02d}{offset:02d}",
                    "address": f"石浦镇{village}{10 + index * 3 + offset}号",
                },
            )  # fmt: skip
            visits = 1 if deputy.id_code in SHORT_OF_VISITS else 2
            for number, note in enumerate(VISIT_NOTES[kind][:visits]):
                if household.visits.filter(note=note).exists():
                    continue
                days_ago = 150 - 100 * number + 7 * index + offset
                workflow.contact_visit_record(
                    actor=recorder, household_id=household.pk, note=note,
                    date=max(year_start, today - datetime.timedelta(days=days_ago)),
                    method="phone" if number and kind == Household.Kind.WEALTH_LEADER else "visit",
                )  # fmt: skip
    for username, id_code, note in COMMITTEE_CONTACTS:
        member = users[username]
        contact, _created = CommitteeContact.objects.get_or_create(
            member=member, representative=deputies[id_code],
            defaults={"region": regions[XIANGSHAN]},
        )  # fmt: skip
        if not contact.visits.filter(note=note).exists():
            workflow.contact_visit_record(
                actor=member, committee_contact_id=contact.pk, note=note, method="meeting",
                date=max(year_start, today - datetime.timedelta(days=20)),
            )  # fmt: skip


def build_activities(regions, deputies, today: datetime.date) -> None:
    year_start = today.replace(month=1, day=1)
    for code, kind, title, days_ago, participants, note in ACTIVITIES:
        date = max(year_start, today - datetime.timedelta(days=days_ago))
        activity, created = Activity.objects.get_or_create(
            region=regions[code], kind=kind, title=title, defaults={"date": date, "note": note}
        )
        if created:
            activity.participants.set([deputies[d] for d in participants])


@transaction.atomic
def build(regions: dict[str, Region]) -> None:
    """Create the stations demo data on top of the core demo jurisdiction (idempotent)."""
    today = timezone.localdate()
    users = _users()
    stations = build_stations(regions)
    deputies = build_deputies(regions, stations, users)
    build_roster(stations, deputies, users["admin"], today)
    build_receptions(stations, deputies, users, today)
    build_contacts(regions, deputies, users, today)
    build_activities(regions, deputies, today)

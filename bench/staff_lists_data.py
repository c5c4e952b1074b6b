"""The generated data of ``bench.staff_lists``: ``--issues`` citizen issues spread over every
village of the bench city (two years of dates in id order, states by age, ten categories,
six channels, handling units, varied titles) and one reply for each replied or closed issue,
inserted with ``generate_series`` in one INSERT; the handling units they go to; and the
check that ``bench.generate`` and ``bench.stations_data`` ran first.
"""

import time

TRACKING_PREFIX = "S"  # bench issues: S + 9 digits (bench.reminders_sweep uses B...)

# --- the generated issues ----------------------------------------------------------------

# Issues per village by county, relative (the central districts are the most populous); the
# bench county (the first) holds ~14% of the city's issues, more than the 100,000 exported.
COUNTY_WEIGHTS = (5, 3, 4, 2, 3, 2, 4, 3, 2, 3, 2, 3)
CATEGORIES = (  # (category, share, handling unit of the county, titles)
    ("traffic", 0.18, "交通运输局",
     ("路灯不亮", "道路破损坑洼", "公交站台缺少遮雨棚", "停车难问题", "红绿灯时长不合理", "路灯损坏多日")),
    ("housing", 0.13, "住房和城乡建设局",
     ("老旧小区加装电梯", "房屋漏水无人维修", "物业服务不到位", "违章搭建", "雨污管网改造")),
    ("environment", 0.14, "生态环境分局",
     ("垃圾清运不及时", "河道污染发臭", "餐饮油烟扰民", "夜间施工噪音", "工厂废气异味")),
    ("agriculture", 0.10, "农业农村局",
     ("农田灌溉水渠堵塞", "农产品销售难", "土地流转纠纷", "村道硬化", "病虫害防治")),
    ("education", 0.08, "教育局",
     ("学校门口交通拥堵", "幼儿园入园难", "校车接送安全", "课后托管", "学区划分")),
    ("health", 0.08, "卫生健康局",
     ("村卫生室缺医少药", "看病排队时间长", "医保报销慢", "家庭医生签约", "疫苗接种点少")),
    ("social", 0.10, "民政局",
     ("养老服务站建设", "低保申请审核慢", "残疾人补贴发放", "社区食堂", "高龄津贴")),
    ("safety", 0.06, "公安分局",
     ("路灯缺失存在安全隐患", "电动车充电隐患", "电信诈骗宣传", "消防通道被占", "监控探头损坏")),
    ("economy", 0.05, "发展和改革局",
     ("企业用工难", "拖欠农民工工资", "个体户经营困难", "市场摊位安排", "营商环境")),
    ("other", 0.08, "人民政府办公室",
     ("政务服务办事难", "网络信号差", "快递点设置", "宠物管理", "公共厕所不足")),
)  # fmt: skip
PLACES = ("村口", "小区", "学校门口", "菜场附近", "河边", "老街", "新村", "镇中心", "工业园区",
          "文化礼堂旁", "农贸市场", "安置小区")  # fmt: skip
ENDINGS = ("", "的问题", "，请尽快处理", "问题反映", "，多次反映未解决", "的建议")
DETAILS = (
    "该问题已持续一个多月，影响周边群众出行和生活。",
    "附近居民多次向村委会反映，至今没有得到解决。",
    "群众希望代表联络站帮助协调有关部门。",
    "老人和孩子较多，存在一定安全隐患。",
    "反映人表示愿意配合有关部门现场查看。",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"  # fmt: skip
GIVEN = ("伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
         "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "海燕")  # fmt: skip
CHANNELS = (("web", 0.45), ("reception", 0.20), ("hotline", 0.15), ("online_station", 0.08),
            ("letter", 0.05), ("visit", 0.07))  # fmt: skip
# States by age of the issue (days since submission): recent issues are open, old ones closed.
STATE_MIX = (
    (3, (("submitted", .55), ("accepted", .20), ("forwarded", .17), ("rejected", .05),
         ("duplicate", .03))),
    (30, (("submitted", .04), ("accepted", .08), ("forwarded", .45), ("replied", .20),
          ("resolved", .15), ("escalated", .02), ("rejected", .04), ("duplicate", .02))),
    (90, (("accepted", .01), ("forwarded", .20), ("replied", .18), ("resolved", .46),
          ("escalated", .03), ("closed_unresolved", .04), ("rejected", .05), ("duplicate", .03))),
    (None, (("forwarded", .015), ("replied", .025), ("resolved", .78), ("escalated", .01),
            ("closed_unresolved", .07), ("rejected", .07), ("duplicate", .03))),
)  # fmt: skip
HANDLED = ("forwarded", "replied", "resolved", "escalated", "closed_unresolved")
CLOSED = ("resolved", "rejected", "duplicate", "closed_unresolved")
SEED = 0.17


def _pick(column: str, mix) -> str:
    """A CASE choosing a value by cumulative shares of the random ``column``."""
    parts, total = [], 0.0
    for value, share in mix[:-1]:
        total += share
        parts.append(f"WHEN {column} < {total:.4f} THEN '{value}'")
    return f"CASE {' '.join(parts)} ELSE '{mix[-1][0]}' END"


def _state_case() -> str:
    parts = ["WHEN g = 1 THEN 'resolved'"]  # the first issue cannot be a duplicate
    for age, mix in STATE_MIX:
        if age is None:
            parts.append(f"ELSE {_pick('r_state', mix)}")
        else:
            parts.append(f"WHEN age < {age} THEN {_pick('r_state', mix)}")
    return "CASE " + " ".join(parts) + " END"


def _category_case() -> str:
    parts, total = [], 0.0
    for index, (_key, share, _unit, _titles) in enumerate(CATEGORIES[:-1], start=1):
        total += share
        parts.append(f"WHEN r_cat < {total:.4f} THEN {index}")
    return f"CASE {' '.join(parts)} ELSE {len(CATEGORIES)} END"


GENERATE_SQL = """
WITH x AS MATERIALIZED (
    SELECT g,
           (%(slots)s::int[])[1 + floor(random() * %(nslots)s)::int] AS vi,
           random() AS r_cat, random() AS r_state, random() AS r_chan, random() AS r_title,
           random() AS r_dept, random() AS r_due, random() AS r_misc, random() AS r_dup,
           now() - ((%(n)s - g)::float8 / %(n)s) * interval '730 days'
                 - random() * interval '50 minutes' AS at
    FROM generate_series(1, %(n)s) AS g
), y AS MATERIALIZED (
    SELECT x.*, extract(epoch FROM now() - at) / 86400 AS age, {category} AS cat,
           {channel} AS channel
    FROM x
), z AS MATERIALIZED (
    SELECT y.*, {state} AS state FROM y
), w AS MATERIALIZED (
    SELECT z.*,
           (%(places)s::text[])[1 + (g * 31) %% %(nplaces)s]
             || (%(topics)s::text[])[(cat - 1) * %(ntopics)s
                                     + 1 + floor(r_title * %(ntopics)s)::int]
             || (%(endings)s::text[])[1 + (g * 17) %% %(nendings)s] AS title,
           CASE WHEN state IN %(handled)s AND NOT (state = 'resolved' AND r_dept > 0.8)
                THEN CASE WHEN r_dept < 0.3 THEN (%(govs)s::bigint[])[vi]
                          ELSE (%(units)s::bigint[])[((%(counties)s::int[])[vi] - 1)
                                                      * %(ncat)s + cat] END
           END AS department_id
    FROM z
)
INSERT INTO petitions_petition (
    id, channel, category, title, description, citizen_name, citizen_phone, wants_feedback,
    tracking_code, client_token, state, round, due_on, public_reason, submitted_at, closed_at,
    published, published_title, published_summary, created_by_id, department_id,
    duplicate_of_id, region_id, station_id)
SELECT %(base)s + g, channel, (%(categories)s::text[])[cat], title,
       (%(vnames)s::text[])[vi] || title || '。'
         || (%(details)s::text[])[1 + (g * 7) %% %(ndetails)s] || '希望有关部门尽快处理。',
       CASE WHEN r_misc < 0.1 THEN ''
            ELSE substr(%(surnames)s, 1 + (g * 13) %% length(%(surnames)s), 1)
                 || (%(given)s::text[])[1 + (g * 29) %% %(ngiven)s] END,
       CASE WHEN r_misc < 0.1 THEN ''
            ELSE '1' || (3 + (g %% 7))::text
                 || lpad(((g::bigint * 982451653) %% 1000000000)::text, 9, '0') END,
       r_misc > 0.4,
       %(prefix)s || lpad(g::text, 9, '0'), NULL, state,
       CASE WHEN department_id IS NOT NULL AND r_misc > 0.92 THEN 2 ELSE 1 END,
       CASE WHEN department_id IS NOT NULL
            THEN at::date + 18 + floor(r_due * 16)::int END,
       CASE state WHEN 'rejected' THEN '不属于代表联络站受理范围，已告知反映人向相关部门反映。'
                  WHEN 'closed_unresolved' THEN '受客观条件限制暂无法解决，已向反映人说明情况。'
                  ELSE '' END,
       at,
       CASE WHEN state IN %(closed)s
            THEN least(now(), at + (2 + r_due * 40) * interval '1 day') END,
       state = 'resolved' AND r_dup < 0.3,
       CASE WHEN state = 'resolved' AND r_dup < 0.3 THEN title ELSE '' END,
       CASE WHEN state = 'resolved' AND r_dup < 0.3 THEN '已由承办单位办理完毕。' ELSE '' END,
       NULL, department_id,
       CASE WHEN state = 'duplicate'
            THEN %(base)s + g - 1 - floor(r_dup * least(g - 2, 300))::int END,
       (%(villages)s::bigint[])[vi],
       CASE WHEN channel IN ('reception', 'online_station')
            THEN (%(stations)s::bigint[])[vi] END
FROM w
""".format(
    category=_category_case(),
    channel=_pick("r_chan", CHANNELS),
    state=_state_case(),
)

REPLIES_SQL = """
INSERT INTO petitions_petitionreply (round, kind, text, created_at, author_id, department_id,
                                     petition_id, region_id)
SELECT p.round, CASE WHEN p.department_id IS NULL THEN 'direct_answer' ELSE 'reply' END,
       '经调查核实，反映的“' || p.title || '”'
         || CASE p.state WHEN 'closed_unresolved' THEN '暂不具备解决条件，已列入明年计划。'
                         ELSE '已安排专人处理，现场已整改完毕。' END,
       coalesce(p.closed_at, p.submitted_at + interval '12 days'), %(author)s,
       p.department_id, p.id, p.region_id
FROM petitions_petition p
WHERE p.tracking_code LIKE %(like)s AND p.state IN ('replied', 'resolved', 'closed_unresolved')
"""


def ensure_city():
    """Return the bench users (city, county, township) or exit: run generate and
    stations_data first."""
    from bench import generate
    from portal.models import User
    from stations.models import Station

    names = (generate.CITY_USER, generate.COUNTY_USER, generate.TOWNSHIP_USER)
    users = {
        u.username: u for u in User.objects.filter(username__in=names).select_related("region")
    }
    if len(users) < len(names):
        raise SystemExit("No city: run `python -m bench.generate` first.")
    if not Station.objects.exists():
        raise SystemExit("No stations: run `python -m bench.stations_data` first.")
    return users


def ensure_units(city):
    """Create (once) the handling units of the bench city: one per category in every county,
    and every township's government. Return the counties, the county units (county by
    county, in the order of ``CATEGORIES``) and the government of each township by id."""
    from portal.models import Department, Region

    counties = list(Region.objects.filter(parent=city).order_by("path"))
    townships = list(Region.objects.filter(parent__in=counties).order_by("path"))
    wanted = [
        Department(region=county, name=f"{county.name}{unit}", kind=Department.Kind.GOVERNMENT)
        for county in counties
        for _key, _share, unit, _titles in CATEGORIES
    ] + [
        Department(region=t, name=f"{t.name}人民政府", kind=Department.Kind.TOWNSHIP_GOVERNMENT)
        for t in townships
    ]
    Department.objects.bulk_create(wanted, ignore_conflicts=True)
    by_name = {
        (d.region_id, d.name): d.pk
        for d in Department.objects.filter(region__in=[*counties, *townships])
    }
    units = [
        by_name[(county.pk, f"{county.name}{unit}")]
        for county in counties
        for _key, _share, unit, _titles in CATEGORIES
    ]
    govs = {t.pk: by_name[(t.pk, f"{t.name}人民政府")] for t in townships}
    return counties, units, govs


def ensure_issues(args, users) -> None:
    from django.db import connection, transaction
    from django.db.models import Count

    from bench import generate
    from petitions.models import Petition
    from portal.models import Region
    from stations.models import Station

    like = TRACKING_PREFIX + "%"
    have = Petition.objects.filter(tracking_code__startswith=TRACKING_PREFIX).count()
    if have == args.issues and not args.regenerate:
        return
    city = users[generate.CITY_USER].region
    started = time.perf_counter()
    counties, units, govs = ensure_units(city)
    county_index = {c.pk: i for i, c in enumerate(counties, start=1)}
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, path__startswith=city.path)
        .order_by("path")
        .values_list("pk", "name", "parent_id", "parent__parent_id", named=True)
    )
    station_of = dict(
        Station.objects.filter(region__path__startswith=city.path).values_list("region_id", "pk")
    )
    slots = []
    for i, village in enumerate(villages, start=1):
        county_no = county_index[village.parent__parent_id]
        slots.extend([i] * COUNTY_WEIGHTS[(county_no - 1) % len(COUNTY_WEIGHTS)])
    topics_per = max(len(titles) for *_rest, titles in CATEGORIES)
    topics = []
    for *_rest, titles in CATEGORIES:
        topics.extend(titles[i % len(titles)] for i in range(topics_per))
    params = {
        "n": args.issues,
        "slots": slots,
        "nslots": len(slots),
        "villages": [v.pk for v in villages],
        "vnames": [v.name for v in villages],
        "stations": [station_of.get(v.pk) for v in villages],
        "govs": [govs[v.parent_id] for v in villages],
        "counties": [county_index[v.parent__parent_id] for v in villages],
        "units": units,
        "ncat": len(CATEGORIES),
        "categories": [key for key, *_rest in CATEGORIES],
        "topics": topics,
        "ntopics": topics_per,
        "places": list(PLACES),
        "nplaces": len(PLACES),
        "endings": list(ENDINGS),
        "nendings": len(ENDINGS),
        "details": list(DETAILS),
        "ndetails": len(DETAILS),
        "surnames": SURNAMES,
        "given": list(GIVEN),
        "ngiven": len(GIVEN),
        "handled": HANDLED,
        "closed": CLOSED,
        "prefix": TRACKING_PREFIX,
    }
    print(f"generating {args.issues:,} citizen issues (found {have:,}) ...")
    with transaction.atomic(), connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute(
            "DELETE FROM petitions_petitionreply WHERE petition_id IN "
            "(SELECT id FROM petitions_petition WHERE tracking_code LIKE %s)",
            [like],
        )
        cursor.execute("DELETE FROM petitions_petition WHERE tracking_code LIKE %s", [like])
        print(f"  delete the old bench issues          {time.perf_counter() - t:6.1f} s")
        cursor.execute("SELECT coalesce(max(id), 0) FROM petitions_petition")
        params["base"] = cursor.fetchone()[0]
        cursor.execute("SELECT setseed(%s)", [SEED])
        t = time.perf_counter()
        cursor.execute(GENERATE_SQL, params)
        print(f"  issues   {cursor.rowcount:>11,} rows       {time.perf_counter() - t:6.1f} s")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('petitions_petition', 'id'), "
            "(SELECT max(id) FROM petitions_petition))"
        )
        t = time.perf_counter()
        cursor.execute(REPLIES_SQL, {"author": users[generate.CITY_USER].pk, "like": like})
        print(f"  replies  {cursor.rowcount:>11,} rows       {time.perf_counter() - t:6.1f} s")
    with connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute("VACUUM (ANALYZE) petitions_petition, petitions_petitionreply")
        print(f"  vacuum, analyze                      {time.perf_counter() - t:6.1f} s")
    spread = dict(
        Petition.objects.filter(tracking_code__startswith=TRACKING_PREFIX)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    print("  by state: " + ", ".join(f"{k} {v:,}" for k, v in sorted(spread.items())))
    print(f"  done in {time.perf_counter() - started:.1f} s")

"""Benchmark: the staff tables (``portal.tables``) and their Excel export at city scale.

    python -m bench.generate          # once: the city, its regions and the bench users
    python -m bench.stations_data     # once: stations, deputies, receptions
    python -m bench.staff_lists [--repeat 20] [--issues 1000000] [--regenerate]

Inserts (once; again with ``--regenerate`` or when the count differs) ``--issues`` citizen
issues spread over every village of the city, two years of dates in id order, states by
age, ten categories, six channels, handling units, varied titles, and one reply for each
replied or closed issue, with ``generate_series`` in one INSERT; then ``VACUUM ANALYZE``.

Then, as the county user through Django's test client, GETs every staff list that resolves:
the default view, a filtered view, a sorted view and a keyword search; prints p50 and p95
with the side menu's counts cached (the usual case) and the default view with them cold,
and the query count at 20 and 100 rows a page. Finally writes the issues export
(``portal.tables.exports.write_xlsx``) of 20,000 and 100,000 rows, each in a fresh process:
time, rows/s, file size, tracemalloc peak and peak-RSS growth.
"""

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote

from bench.common import database_url, setup_django

TARGET_MS = 150
TRACKING_PREFIX = "S"  # bench issues: S + 9 digits (bench.reminders_sweep uses B...)

# The lists of the desk, in menu order: (label, URL).
LISTS = (
    ("petitions", "/desk/petitions/"),
    ("receptions", "/desk/receptions/"),
    ("deputies", "/desk/deputies/"),
    ("stations", "/desk/stations/"),
    ("matters", "/desk/matters/"),
    ("suggestions", "/desk/suggestions/"),
    ("voting proposals", "/desk/voting/proposals/"),
    ("candidates", "/desk/voting/candidates/"),
    ("notifications", "/desk/inbox/"),
)
# The filtered view of a list, by table key; a table not named here uses its first built-in
# view (preset), or else the first choice of its first choice filter.
FILTERS = {
    "petitions": {"state": "forwarded"},
    "receptions": {"date_from": "__month_ago__"},
    "deputies": {"active": "true"},
    "stations": {"kind": "central"},
}
# A word present in the bench data of the list (stations and deputies have generated names).
KEYWORDS = {"receptions": "总站", "deputies": "代表12", "stations": "第13乡镇"}
DEFAULT_KEYWORD = "路灯"

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


# --- the pages ---------------------------------------------------------------------------


def percentile(samples, q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def pg_cpu():
    """(backend pid, CPU seconds used so far) of Django's PostgreSQL connection, or None."""
    from django.db import connection

    if connection.connection is None:
        return None
    pid = connection.connection.get_backend_pid()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server runs elsewhere
        return None
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sampler:
    """Times requests: wall time, and CPU time of this process and of its PostgreSQL
    backend (both much less sensitive than wall time to other programs on the machine)."""

    def __init__(self):
        self.wall, self.cpu, self.pg = [], [], []

    def run(self, fn):
        before = pg_cpu()
        cpu = time.process_time()
        started = time.perf_counter()
        result = fn()
        self.wall.append((time.perf_counter() - started) * 1000)
        self.cpu.append((time.process_time() - cpu) * 1000)
        after = pg_cpu()
        if before and after and before[0] == after[0]:
            self.pg.append((after[1] - before[1]) * 1000)
        return result

    def line(self) -> str:
        pg = f"{statistics.mean(self.pg):5.1f}" if self.pg else "    ?"
        return (f"p50 {statistics.median(self.wall):7.1f} ms  p95 {percentile(self.wall, 0.95):7.1f} ms"
                f"  CPU Django {statistics.median(self.cpu):5.1f} + PostgreSQL {pg} ms")  # fmt: skip


def variants_for(table, user, today):
    """The four views of a list: (name, params)."""
    views = [("default", {})]
    if table is None:
        return views
    spec = FILTERS.get(table.key)
    if spec is None:
        presets = list(table.presets_for(user))
        if presets:
            spec = dict(presets[0].params)
        elif table.filterset_class is not None:
            form = table.filterset_class(None, table.queryset(user).none()).form
            for name in table.filters_for(user):
                choices = [c for c, _label in getattr(form.fields.get(name), "choices", ()) if c]
                if choices:
                    spec = {name: str(choices[0])}
                    break
    if spec:
        month_ago = (today - datetime.timedelta(days=30)).isoformat()
        spec = {k: (month_ago if v == "__month_ago__" else v) for k, v in spec.items()}
        views.append(("filtered", spec))
    sorts = table.orderings()
    if sorts:
        key = "due_on" if "due_on" in sorts else next(c.key for c in table.columns if c.sort)
        views.append(("sorted", {"ordering": key}))
    views.append(("search", {"q": KEYWORDS.get(table.key, DEFAULT_KEYWORD)}))
    return views


def slowest_of(captured) -> tuple[float, str]:
    return max(((float(q["time"]) * 1000, q["sql"]) for q in captured), default=(0.0, ""))


def measure_pages(args, county):
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import Resolver404, resolve
    from django.utils import timezone
    from django.utils.http import urlencode

    from portal import nav
    from portal.pagination import fast_count

    client = Client()
    client.force_login(county)
    today = timezone.localdate()
    summary = []
    for label, url in LISTS:
        try:
            match = resolve(url)
        except Resolver404:
            print(f"\n{label} {url}: not built")
            continue
        response = client.get(url)
        if response.status_code == 404:
            print(f"\n{label} {url}: not built")
            continue
        table = getattr(match.func, "table", None)
        kind = f"table {table.key!r}" if table is not None else "not a table view yet"
        print(f"\n{label} {url} ({kind})")
        if response.status_code != 200:
            print(f"  GET {url}: status {response.status_code}; skipped")
            summary.append((label, None, None, None))
            continue
        worst = (0.0, "")
        fixed = True
        for name, params in variants_for(table, county, today):
            query = urlencode(params)
            rows = ""
            if table is not None:
                listing = table.filter(county, QueryDict(query))
                if listing.errors:
                    print(f"  {name:8s} {query}: refused {listing.errors}")
                    fixed = False
                    continue
                count, estimate = fast_count(listing.queryset)
                rows = f"{'~' if estimate else ''}{count:,} rows"

            def get(extra=None, params=params, url=url):
                response = client.get(url, {**params, **(extra or {})})
                if response.status_code != 200:
                    raise SystemExit(f"GET {url}?{urlencode(params)}: {response.status_code}")
                return response

            for _ in range(2):
                get()
            warm = Sampler()
            for _ in range(args.repeat):
                warm.run(get)
            p50 = statistics.median(warm.wall)
            if p50 > worst[0]:
                worst = (p50, warm.line())
            counts = {}
            for size in (20, 100):
                with CaptureQueriesContext(connection) as ctx:
                    get({"page_size": size} if table is not None else None)
                counts[size] = len(ctx.captured_queries)
            slowest = slowest_of(ctx.captured_queries)
            fixed = fixed and counts[20] == counts[100]
            shown = unquote(query)
            shown = shown if len(shown) <= 30 else shown[:27] + "..."
            print(f"  {name:8s} {shown:30s} {warm.line()}  queries {counts[20]}/{counts[100]} "
                  f"at 20/100 rows; {rows}")  # fmt: skip
            print(f"    slowest query {slowest[0]:6.1f} ms: {slowest[1][:100]}")
            if args.explain or (p50 > TARGET_MS and slowest[0] > 50):
                explain(slowest[1])
            if name == "default":
                cold = Sampler()
                for _ in range(max(5, args.repeat // 4)):
                    nav.forget(county)
                    cold.run(get)
                nav.forget(county)
                with CaptureQueriesContext(connection) as ctx:
                    get()
                slowest = slowest_of(ctx.captured_queries)
                print(f"  {'default, menu counts cold':39s} {cold.line()}  queries "
                      f"{len(ctx.captured_queries)}")  # fmt: skip
                print(f"    slowest query {slowest[0]:6.1f} ms: {slowest[1][:100]}")
                if args.explain or (statistics.median(cold.wall) > TARGET_MS and slowest[0] > 50):
                    explain(slowest[1])
                get()  # the counts are cached again
        met = "met" if worst[0] <= TARGET_MS else "NOT met"
        print(f"  p50 <= {TARGET_MS} ms for a county user: {met} (worst p50 {worst[0]:.1f} ms)")
        print(f"  fixed query count: {'yes' if fixed else 'no'}")
        summary.append((label, worst[0], worst[1], fixed))
    return summary


def explain(sql: str) -> None:
    from django.db import connection

    if not sql.lstrip().upper().startswith("SELECT"):
        return
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        for (line,) in cursor.fetchall():
            print(f"             | {line}")


# --- the export --------------------------------------------------------------------------


def _status_kb(field: str) -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def export_child(rows: int, trace: bool) -> None:
    """Write the county's issues export of ``rows`` rows; print one JSON line."""
    import gc
    import resource
    import tempfile
    import tracemalloc

    from django.http import QueryDict

    from bench import generate
    from portal.models import User
    from portal.tables import exports
    from portal.tables.core import get_table

    table = get_table("petitions")
    user = User.objects.get(username=generate.COUNTY_USER)
    listing = table.filter(user, QueryDict(""))
    columns = table.export_columns(None)
    queryset = listing.queryset[:rows]
    list(queryset[:10])  # the first query's set-up, out of the figure
    gc.collect()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:  # reset the peak RSS (VmHWM) to the current RSS (Linux >= 4.0)
        Path("/proc/self/clear_refs").write_text("5")
        reset = True
    except OSError:
        reset = False
    rss_before = _status_kb("VmRSS")
    if trace:
        tracemalloc.start()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        started = time.perf_counter()
        cpu = time.process_time()
        written = exports.write_xlsx(table, user, queryset, columns, out)
        out.flush()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        size = os.path.getsize(out.name)
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    print(json.dumps({
        "rows": written, "seconds": elapsed, "cpu": cpu, "bytes": size, "peak": peak,
        "columns": len(columns), "rss_before_kb": rss_before,
        "hwm_growth_kb": _status_kb("VmHWM") - rss_before if reset else None,
        "maxrss_growth_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss_before,
    }))  # fmt: skip


def measure_export(sizes=(20_000, 100_000)) -> None:
    def child(rows, trace):
        command = [sys.executable, "-m", "bench.staff_lists", "--export-child", str(rows)]
        if trace:
            command.append("--trace")
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    def mb(kb):
        return "?" if kb is None else f"{kb / 1024:5.1f} MB"

    print("\nexport of the issues (portal.tables.exports.write_xlsx), county user, newest "
          "first, each run in a fresh process (tracemalloc in a second run: it slows Python "
          "several times):")  # fmt: skip
    results = {}
    for rows in sizes:
        plain = child(rows, False)
        traced = child(rows, True)
        results[rows] = (plain, traced)
        if plain["rows"] != rows:
            print(f"  WARNING: {plain['rows']:,} rows written, {rows:,} asked")
        print(f"  {plain['rows']:>7,} rows x {plain['columns']} columns: {plain['seconds']:6.1f} s "
              f"(CPU {plain['cpu']:.1f} s), {plain['rows'] / plain['seconds']:6,.0f} rows/s, "
              f"file {plain['bytes'] / 2**20:5.1f} MB")  # fmt: skip
        print(f"      tracemalloc peak {traced['peak'] / 2**20:5.1f} MB (traced run "
              f"{traced['seconds']:.0f} s); peak RSS growth {mb(plain['hwm_growth_kb'])} over "
              f"{mb(plain['rss_before_kb'])}; ru_maxrss growth {mb(plain['maxrss_growth_kb'])}")  # fmt: skip
    (small, small_t), (large, large_t) = (results[s] for s in sizes)

    def ratio(a, b):
        return "?" if a is None or b is None else f"x{max(a, 1) / max(b, 1):.2f}"

    print(f"  {sizes[1] // sizes[0]}x the rows: time x{large['seconds'] / small['seconds']:.1f}, "
          f"tracemalloc peak {ratio(large_t['peak'], small_t['peak'])}, "
          f"peak RSS growth {ratio(large['hwm_growth_kb'], small['hwm_growth_kb'])}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN every slowest query")
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument("--export-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    setup_django()
    if args.export_child:
        export_child(args.export_child, args.trace)
        return

    from django.core.management import call_command

    from bench import generate

    call_command("migrate", verbosity=0)
    print(f"database: {database_url()}; load average {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} CPUs)")  # fmt: skip
    users = ensure_city()
    ensure_issues(args, users)
    county = users[generate.COUNTY_USER]

    from petitions.models import Petition
    from portal import access

    total = Petition.objects.count()
    scope = access.visible(county, Petition.objects.all()).count()
    print(f"citizen issues: {total:,}; in the county user's scope: {scope:,}")
    print(f"times: whole GET through the test client, p50/p95 of {args.repeat} runs after 2 "
          f"warm-ups; menu counts cached unless said")  # fmt: skip
    summary = measure_pages(args, county)
    print(f"\nload average after the pages: {os.getloadavg()[0]:.1f}")
    if not args.no_export:
        measure_export()
        print(f"load average after the export: {os.getloadavg()[0]:.1f}")
    print("\nsummary:")
    for label, worst, line, fixed in summary:
        if worst is None:
            print(f"  {label:17s} not measured (status not 200)")
            continue
        print(f"  {label:17s} p50 <= {TARGET_MS} ms for a county user: "
              f"{'met' if worst <= TARGET_MS else 'NOT met'}; fixed query count: "
              f"{'yes' if fixed else 'no'}; slowest view: {line}")  # fmt: skip


if __name__ == "__main__":
    main()

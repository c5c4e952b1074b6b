"""Demo jurisdiction of the portal core: 宁波市, 象山县 and 江北区, their units and accounts.

Everything here is created only when missing, so running it again changes nothing. Later
apps add their own demo data in their own modules, called by ``seed_demo``.
"""

from django.db import transaction

from portal import access
from portal.models import Department, Region, User
from portal.regions import ensure_region

DEMO_PASSWORD = "demo-pass-2026"  # demo data only; production never runs seed_demo

Level = Region.Level
Kind = Department.Kind

CITY = ("330200000000", "宁波市")
COUNTIES = {
    "330225000000": ("象山县", [
        ("330225001000", "丹东街道"), ("330225002000", "丹西街道"), ("330225003000", "爵溪街道"),
        ("330225100000", "石浦镇"), ("330225101000", "西周镇"), ("330225102000", "鹤浦镇"),
        ("330225103000", "贤庠镇"), ("330225104000", "墙头镇"), ("330225105000", "泗洲头镇"),
        ("330225106000", "定塘镇"), ("330225107000", "涂茨镇"), ("330225108000", "大徐镇"),
        ("330225109000", "新桥镇"), ("330225200000", "东陈乡"), ("330225201000", "晓塘乡"),
        ("330225202000", "黄避岙乡"), ("330225203000", "茅洋乡"), ("330225204000", "高塘岛乡"),
    ]),
    "330205000000": ("江北区", [
        ("330205001000", "中马街道"), ("330205002000", "白沙街道"), ("330205003000", "孔浦街道"),
        ("330205004000", "文教街道"), ("330205005000", "甬江街道"), ("330205006000", "庄桥街道"),
        ("330205007000", "洪塘街道"), ("330205100000", "慈城镇"),
    ]),
}  # fmt: skip
VILLAGES = {
    "330225100000": [
        ("330225100001", "延昌社区"), ("330225100002", "金山社区"), ("330225100003", "碗行社区"),
        ("330225100201", "东门村"), ("330225100202", "番西村"), ("330225100203", "沙塘湾村"),
        ("330225100204", "昌国村"),
    ],
    "330225108000": [
        ("330225108201", "大徐村"), ("330225108202", "杉木洋村"), ("330225108203", "溪里方村"),
        ("330225108204", "东溪村"),
    ],
    "330205005000": [("330205005001", "湾头社区"), ("330205005002", "甬江社区")],
    "330205100000": [("330205100201", "八字村"), ("330205100202", "半浦村")],
}  # fmt: skip
COUNTY_UNITS = [
    ("交通运输局", Kind.GOVERNMENT), ("住房和城乡建设局", Kind.GOVERNMENT),
    ("农业农村局", Kind.GOVERNMENT), ("教育局", Kind.GOVERNMENT),
    ("卫生健康局", Kind.GOVERNMENT), ("自然资源和规划局", Kind.GOVERNMENT),
    ("监察委员会", Kind.SUPERVISORY_COMMISSION), ("人民法院", Kind.COURT),
    ("人民检察院", Kind.PROCURATORATE),
]  # fmt: skip
CITY_UNITS = [
    ("宁波市交通运输局", Kind.GOVERNMENT), ("宁波市住房和城乡建设局", Kind.GOVERNMENT),
    ("宁波市监察委员会", Kind.SUPERVISORY_COMMISSION), ("宁波市中级人民法院", Kind.COURT),
    ("宁波市人民检察院", Kind.PROCURATORATE),
]  # fmt: skip

# username, full name, kind, home region code, role over the home region, unit, is_staff
ACCOUNTS = [
    ("city_staff", "周敏", User.Kind.STAFF, "330200000000", access.Role.STAFF, None, True),
    ("county_staff", "王海燕", User.Kind.STAFF, "330225000000", access.Role.STAFF, None, True),
    ("county_leader", "胡建明", User.Kind.STAFF, "330225000000", access.Role.LEADER, None, True),
    ("shipu_staff", "陈立峰", User.Kind.STAFF, "330225100000", access.Role.STAFF, None, True),
    ("daxu_staff", "林晓红", User.Kind.STAFF, "330225108000", access.Role.STAFF, None, True),
    ("jiangbei_staff", "张建国", User.Kind.STAFF, "330205000000", access.Role.STAFF, None, True),
    ("deputy_shipu", "郑海波", User.Kind.DEPUTY, "330225100000", None, None, False),
    ("dept_traffic", "俞晓东", User.Kind.HANDLER, "330225000000", None, "象山县交通运输局", True),
]


def build_regions() -> dict[str, Region]:
    by_code: dict[str, Region] = {}
    city = ensure_region(CITY[0], CITY[1], Level.CITY, None)
    by_code[city.code] = city
    for county_code, (county_name, townships) in COUNTIES.items():
        county = ensure_region(county_code, county_name, Level.COUNTY, city)
        by_code[county_code] = county
        for township_code, township_name in townships:
            township = ensure_region(township_code, township_name, Level.TOWNSHIP, county)
            by_code[township_code] = township
            for village_code, village_name in VILLAGES.get(township_code, []):
                by_code[village_code] = ensure_region(
                    village_code, village_name, Level.VILLAGE, township
                )
    return by_code


def build_departments(regions: dict[str, Region]) -> None:
    city = regions[CITY[0]]
    for name, kind in CITY_UNITS:
        Department.objects.get_or_create(region=city, name=name, defaults={"kind": kind})
    for county_code, (county_name, townships) in COUNTIES.items():
        county = regions[county_code]
        for suffix, kind in COUNTY_UNITS:
            Department.objects.get_or_create(
                region=county, name=f"{county_name}{suffix}", defaults={"kind": kind}
            )
        for township_code, township_name in townships:
            is_street = township_name.endswith("街道")
            Department.objects.get_or_create(
                region=regions[township_code],
                name=f"{township_name}{'办事处' if is_street else '人民政府'}",
                defaults={"kind": Kind.TOWNSHIP_GOVERNMENT},
            )


def build_accounts(regions: dict[str, Region]) -> list[User]:
    users = []
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser(
            "admin", password=DEMO_PASSWORD, full_name="系统管理员", region=regions[CITY[0]]
        )
    users.append(admin)
    for username, full_name, kind, region_code, role, unit, is_staff in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            department = Department.objects.get(name=unit) if unit else None
            user = User.objects.create_user(
                username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                kind=kind,
                region=regions[region_code],
                department=department,
                is_staff=is_staff,
            )
        if role is not None and not access.roles_of(user):
            access.grant_role(user, regions[region_code], role)
        users.append(user)
    return users


@transaction.atomic
def build() -> dict[str, Region]:
    regions = build_regions()
    build_departments(regions)
    build_accounts(regions)
    return regions

"""The deputy roster import: CSV or XLSX, all or nothing, matched by roster number."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from portal.models import Event
from stations import importer
from stations.models import (
    Mandate,
    MandateLevel,
    Representative,
    RepresentativeGroup,
    StationMembership,
)

HEADER_ZH = "编号,姓名,性别,手机,工作单位及职务,层级,届次,选举单位代码,选区,代表小组,联络站"
HEADER_EN = [
    "roster number", "name", "gender", "phone", "work unit", "level", "term", "region code",
    "constituency", "group", "station",
]  # fmt: skip


def good_rows(r) -> list[list]:
    """Three deputies; 王大海 holds a township and a county mandate on two rows."""
    town, county, village = r["townA1"].code, r["countyA"].code, r["villageA1"].code
    return [
        ["D-100", "王大海", "男", "138-0000-0001", "甲一镇渔业合作社社长", "镇", "第十八届",
         town[:9], "第一选区", "第一代表小组", "甲一镇中心联络站"],
        ["D-100", "王大海", "男", "", "", "县", "第十八届", county[:6], "甲一镇选区", "", ""],
        ["D-101", "李春花", "女", "13900000002", "甲一村党支部书记", "乡", "第十八届", town,
         "第二选区", "第一代表小组", "甲一村联络站"],
        ["D-102", "赵国强", "M", "", "乙县交通运输局局长", "区", "第十八届", r["countyB"].code,
         "", "", "乙一镇中心联络站"],
        ["D-103", "钱晓梅", "", "0574 8765 4321", "", "市", "第十七届", village[:6], "", "", ""],
    ]  # fmt: skip


def to_csv(rows: list[list], header: str = HEADER_ZH) -> str:
    return "\n".join([header] + [",".join(str(cell) for cell in row) for row in rows]) + "\n"


def write_csv(tmp_path, text: str, name="roster.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path, rows: list[list], header=HEADER_EN):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    return path


def snapshot():
    return (
        list(
            Representative.objects.order_by("id").values_list(
                "id", "region_id", "name", "gender", "id_code", "phone", "work_unit", "group_id"
            )
        ),
        list(
            Mandate.objects.order_by("id").values_list(
                "id", "representative_id", "region_id", "level", "term", "constituency"
            )
        ),
        list(
            StationMembership.objects.order_by("id").values_list(
                "id", "region_id", "station_id", "representative_id"
            )
        ),
        list(RepresentativeGroup.objects.order_by("id").values_list("id", "region_id", "name")),
        Event.objects.count(),
    )


def assert_good_import(sworld):
    r = sworld.base.regions
    wang = Representative.objects.get(id_code="D-100")
    assert wang.name == "王大海"
    assert wang.gender == Representative.Gender.MALE
    assert wang.phone == "13800000001"
    assert wang.work_unit == "甲一镇渔业合作社社长"
    assert wang.region == r["townA1"]  # the region of the lowest-level mandate
    assert set(wang.mandates.values_list("level", "region_id", "constituency")) == {
        (MandateLevel.TOWNSHIP, r["townA1"].pk, "第一选区"),
        (MandateLevel.COUNTY, r["countyA"].pk, "甲一镇选区"),
    }
    assert wang.group.name == "第一代表小组" and wang.group.region == r["townA1"]
    assert list(wang.stations.values_list("name", flat=True)) == ["甲一镇中心联络站"]
    li = Representative.objects.get(id_code="D-101")
    assert li.gender == Representative.Gender.FEMALE and li.group == wang.group
    assert list(li.stations.values_list("name", flat=True)) == ["甲一村联络站"]
    membership = StationMembership.objects.get(representative=li)
    assert membership.region == r["villageA1"]
    zhao = Representative.objects.get(id_code="D-102")
    assert zhao.region == r["countyB"] and zhao.mandates.get().level == MandateLevel.COUNTY
    qian = Representative.objects.get(id_code="D-103")
    assert qian.phone == "057487654321" and qian.gender == ""
    assert qian.mandates.get().level == MandateLevel.MUNICIPAL
    assert RepresentativeGroup.objects.filter(name="第一代表小组").count() == 1
    assert Event.objects.filter(action="deputy_import_create").count() == 4
    assert Event.objects.filter(action="deputy_group_import_create").count() == 1


def test_csv_roster_creates_deputies_mandates_groups_and_memberships(sworld, tmp_path, capsys):
    path = write_csv(tmp_path, to_csv(good_rows(sworld.base.regions)), encoding="utf-8-sig")
    call_command("import_deputies", path)
    assert_good_import(sworld)
    assert capsys.readouterr().out.strip()


def test_xlsx_roster_with_english_headers_and_numeric_cells(sworld, tmp_path):
    rows = good_rows(sworld.base.regions)
    rows[2][3] = 13900000002  # Excel keeps typed numbers as numbers
    rows[3][7] = float(rows[3][7])
    call_command("import_deputies", write_xlsx(tmp_path, rows))
    assert_good_import(sworld)
    assert Representative.objects.get(id_code="D-101").phone == "13900000002"


def test_importing_the_same_file_twice_changes_nothing(sworld, tmp_path):
    path = write_csv(tmp_path, to_csv(good_rows(sworld.base.regions)))
    call_command("import_deputies", path)
    first = snapshot()
    call_command("import_deputies", path)
    assert snapshot() == first
    report = importer.import_rows(importer.parse(path.read_bytes()))
    assert (report.created, report.updated, report.unchanged, report.mandates) == (0, 0, 4, 0)


def test_existing_deputy_is_updated_and_gets_missing_mandates(sworld, tmp_path):
    r = sworld.base.regions
    existing = sworld.deps["a1"]  # 甲一代表, D-A1, already in 甲一镇中心联络站
    rows = [
        ["D-A1", "甲一代表", "女", "13700000009", "", "镇", "第十八届", r["townA1"].code, "", "", ""],
        ["D-A1", "甲一代表", "", "", "", "县", "第十八届", r["countyA"].code, "", "", "甲一镇中心联络站"],
    ]  # fmt: skip
    call_command("import_deputies", write_csv(tmp_path, to_csv(rows)))
    existing.refresh_from_db()
    assert (existing.gender, existing.phone) == ("F", "13700000009")
    assert existing.region == r["townA1"]
    assert existing.user == sworld.base.users["deputy"]  # untouched by the import
    assert existing.mandates.count() == 2
    assert StationMembership.objects.filter(representative=existing).count() == 2
    event = Event.objects.get(action="deputy_import_update")
    assert event.data["fields"]["phone"] == ["", "13700000009"]
    assert len(event.data["mandates_added"]) == 2


def bad(r, kind: str) -> tuple[list, str]:
    """Return one bad row (it lands on line 3) and a text the error must quote."""
    town = r["townA1"].code
    row = ["D-200", "孙立", "男", "13800000003", "", "镇", "第十八届", town, "", "第二代表小组", ""]
    if kind == "unknown_region":
        row[7] = "330999"
        return row, "330999000000"
    if kind == "bad_region_code":
        row[7] = "33X"
        return row, "33X"
    if kind == "bad_level":
        row[5] = "村长"
        return row, "村长"
    if kind == "missing_name":
        row[1] = ""
        return row, "第 3 行"
    if kind == "conflicting_name":
        row[0], row[1] = "D-100", "王小海"  # D-100 is 王大海 on line 2
        return row, "D-100"
    if kind == "conflicting_mandate":
        row[0], row[1], row[3], row[9] = "D-100", "王大海", "", ""
        row[8] = "另一选区"  # line 2 has D-100's township mandate in 第一选区
        return row, "第 3 行"
    if kind == "unknown_station":
        row[10] = "不存在的联络站"
        return row, "不存在的联络站"
    if kind == "station_elsewhere":
        row[10] = "乙一镇中心联络站"  # exists, but not under 甲一镇
        return row, "乙一镇中心联络站"
    if kind == "bad_phone":
        row[3] = "12ab"
        return row, "12ab"
    if kind == "short_phone":
        row[3] = "123-45"
        return row, "123-45"
    if kind == "bad_gender":
        row[2] = "未知"
        return row, "未知"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "unknown_region",
        "bad_region_code",
        "bad_level",
        "missing_name",
        "conflicting_name",
        "conflicting_mandate",
        "unknown_station",
        "station_elsewhere",
        "bad_phone",
        "short_phone",
        "bad_gender",
    ],
)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_one_bad_row_reports_its_line_and_imports_nothing(sworld, tmp_path, capsys, kind, fmt):
    rows = good_rows(sworld.base.regions)
    bad_row, quoted = bad(sworld.base.regions, kind)
    rows.insert(1, bad_row)
    path = write_csv(tmp_path, to_csv(rows)) if fmt == "csv" else write_xlsx(tmp_path, rows)
    before = snapshot()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_deputies", path)
    err = capsys.readouterr().err
    assert "第 3 行" in err and quoted in err
    assert len(err.strip().splitlines()) == 1  # only the bad row is reported
    assert snapshot() == before


def test_every_bad_row_is_reported(sworld, tmp_path, capsys):
    rows = good_rows(sworld.base.regions)
    rows[0][5] = "省长"
    rows[3][3] = "phone"
    with pytest.raises(CommandError):
        call_command("import_deputies", write_csv(tmp_path, to_csv(rows)))
    err = capsys.readouterr().err
    assert "第 2 行" in err and "第 5 行" in err


def test_line_numbers_count_lines_of_quoted_cells(sworld, tmp_path, capsys):
    rows = good_rows(sworld.base.regions)
    rows[0][4] = '"甲一镇\n渔业合作社社长"'  # one record over two lines
    rows[1][5] = "村长"  # the next record starts on line 4
    with pytest.raises(CommandError):
        call_command("import_deputies", write_csv(tmp_path, to_csv(rows)))
    assert "第 4 行" in capsys.readouterr().err


def test_dry_run_stores_nothing(sworld, tmp_path, capsys):
    before = snapshot()
    path = write_csv(tmp_path, to_csv(good_rows(sworld.base.regions)))
    call_command("import_deputies", path, "--dry-run")
    assert snapshot() == before
    assert "4" in capsys.readouterr().out  # four deputies


def test_bad_header_encoding_and_empty_files_are_errors(db, tmp_path):
    with pytest.raises(importer.DeputyImportError):
        importer.parse("姓名,层级\n王大海,镇\n".encode())
    with pytest.raises(importer.DeputyImportError, match="UTF-8"):
        importer.parse(HEADER_ZH.encode("gbk"))
    with pytest.raises(importer.DeputyImportError):
        importer.parse((HEADER_ZH + "\n,,,\n").encode())
    with pytest.raises(importer.DeputyImportError):
        importer.parse(b"", "csv")
    with pytest.raises(importer.DeputyImportError, match="CSV"):
        importer.parse((HEADER_ZH + '\n"' + "x" * 200_000).encode())  # a runaway quote
    with pytest.raises(importer.DeputyImportError):
        importer.parse(b"PK\x03\x04 not really a workbook", "xlsx")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_deputies", tmp_path / "missing.xlsx")


def test_file_format_from_name_or_content():
    assert importer.file_format("名册.XLSX", b"") == "xlsx"
    assert importer.file_format("roster.csv", b"PK\x03\x04") == "csv"
    assert importer.file_format("roster", b"PK\x03\x04...") == "xlsx"
    assert importer.file_format("roster.txt", "编号".encode()) == "csv"

"""The region CSV import: all or nothing, with line-numbered errors."""

import pytest
from django.core.management import CommandError, call_command

from portal import regions
from portal.models import Event, Region

GOOD = """code,name,level,parent_code
3302,宁波市,city,
330225,象山县,county,3302
330225100,石浦镇,镇,330225
330225100201,东门村,村,330225100
330205,江北区,区,3302
"""


def write(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "regions.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import_builds_tree_with_paths(db, tmp_path):
    call_command("import_regions", write(tmp_path, GOOD))
    village = Region.objects.get(code="330225100201")
    assert village.level == Region.Level.VILLAGE
    assert village.path == "/330200000000/330225000000/330225100000/330225100201/"
    assert village.parent.name == "石浦镇"
    county = Region.objects.get(code="330225000000")
    assert set(
        Region.objects.filter(path__startswith=county.path).values_list("name", flat=True)
    ) == {"象山县", "石浦镇", "东门村"}
    assert Event.objects.filter(action="region_import_create").count() == 5


def test_import_twice_changes_nothing_and_renames_update(db, tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("import_regions", path)
    before = list(Region.objects.values_list("id", "code", "name", "path"))
    call_command("import_regions", path)
    assert list(Region.objects.values_list("id", "code", "name", "path")) == before
    call_command("import_regions", write(tmp_path, GOOD.replace("东门村", "东门渔村")))
    assert Region.objects.get(code="330225100201").name == "东门渔村"
    assert "更名 1" in capsys.readouterr().out


def test_header_in_chinese_and_bom_are_accepted(db, tmp_path):
    text = GOOD.replace("code,name,level,parent_code", "代码,名称,级别,上级代码")
    call_command("import_regions", write(tmp_path, text, "utf-8-sig"))
    assert Region.objects.count() == 5


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("33022X,坏县,county,3302", "第 3 行：代码“33022X”不是"),
        ("330226,,county,3302", "第 3 行：名称为空"),
        ("330226,某县,province,3302", "第 3 行：未知的层级“province”"),
        ("330226,某县,county,", "第 3 行：缺少上级代码"),
        ("330226,某县,county,3399", "第 3 行：上级 339900000000 既不在文件中"),
        ("330226100,某镇,镇,3302", "第 3 行：上级区域必须恰好高一级"),
        ("330326,某县,county,3302", "第 3 行：代码 330326000000 不属于上级"),
        ("330225,重复县,county,3302", "已在第 3 行出现"),
    ],
)
def test_bad_file_reports_line_and_imports_nothing(db, tmp_path, capsys, bad_line, message):
    lines = GOOD.splitlines()
    lines.insert(2, bad_line)
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_regions", write(tmp_path, "\n".join(lines) + "\n"))
    assert message in capsys.readouterr().err
    assert Region.objects.count() == 0
    assert Event.objects.count() == 0


def test_bad_header_and_encoding_are_errors(db, tmp_path):
    with pytest.raises(regions.RegionImportError, match="表头"):
        regions.parse(b"a,b,c\n1,2,3\n")
    with pytest.raises(regions.RegionImportError, match="UTF-8"):
        regions.parse("代码,名称".encode("gbk"))
    with pytest.raises(regions.RegionImportError, match="没有任何区域"):
        regions.parse(b"code,name,level,parent_code\n")


def test_moving_an_existing_region_is_refused(db, tmp_path):
    call_command("import_regions", write(tmp_path, GOOD))
    moved = GOOD + "330205001,中马街道,街道,330205\n330225100202,番西村,村,330205001\n"
    with pytest.raises(CommandError):
        call_command(
            "import_regions",
            write(
                tmp_path,
                moved.replace(
                    "330225100201,东门村,村,330225100", "330225100201,东门村,村,330205001"
                ),
            ),
        )
    assert Region.objects.get(code="330225100201").parent.code == "330225100000"
    assert not Region.objects.filter(code="330205001000").exists()


def test_dry_run_and_missing_file(db, tmp_path, capsys):
    call_command("import_regions", write(tmp_path, GOOD), "--dry-run")
    assert "共 5 个区域" in capsys.readouterr().out
    assert Region.objects.count() == 0
    with pytest.raises(CommandError, match="无法读取"):
        call_command("import_regions", tmp_path / "missing.csv")


def test_normalize_code():
    assert regions.normalize_code("3302") == "330200000000"
    assert regions.normalize_code(" 330225100 ") == "330225100000"
    assert regions.normalize_code("33022") is None
    assert regions.normalize_code("３３０２") is None  # full-width digits are not codes

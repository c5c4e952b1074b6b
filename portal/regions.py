"""Region tree maintenance: codes, paths and the CSV import.

A CSV has the columns ``code,name,level,parent_code`` (a header row is required; Chinese
headers 代码,名称,级别,上级代码 are accepted too). The whole file is checked first; any error
is reported with its line number and nothing is imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from portal import events
from portal.models import CODE_LENGTH, Region

Level = Region.Level

LEVEL_ALIASES = {
    "1": Level.CITY, "city": Level.CITY, "市": Level.CITY, "地级市": Level.CITY,
    "2": Level.COUNTY, "county": Level.COUNTY, "district": Level.COUNTY, "县": Level.COUNTY,
    "区": Level.COUNTY, "区县": Level.COUNTY, "县级市": Level.COUNTY, "市辖区": Level.COUNTY,
    "3": Level.TOWNSHIP, "township": Level.TOWNSHIP, "town": Level.TOWNSHIP,
    "street": Level.TOWNSHIP, "subdistrict": Level.TOWNSHIP, "zone": Level.TOWNSHIP,
    "乡": Level.TOWNSHIP, "镇": Level.TOWNSHIP, "乡镇": Level.TOWNSHIP, "街道": Level.TOWNSHIP,
    "功能区": Level.TOWNSHIP, "经济功能区": Level.TOWNSHIP,
    "4": Level.VILLAGE, "village": Level.VILLAGE, "community": Level.VILLAGE,
    "村": Level.VILLAGE, "社区": Level.VILLAGE, "村社区": Level.VILLAGE,
}  # fmt: skip

# How many leading digits of the 12-digit code identify a region of each level.
SIGNIFICANT_DIGITS = {Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}
HEADERS = {
    "code": ("code", "代码", "区划代码"),
    "name": ("name", "名称"),
    "level": ("level", "级别", "层级"),
    "parent_code": ("parent_code", "上级代码", "parent"),
}


def normalize_code(raw: str) -> str | None:
    """Return the 12-digit form of a division code (3302 → 330200000000), or None."""
    raw = (raw or "").strip()
    if not raw.isdigit() or not raw.isascii() or len(raw) not in (4, 6, 9, 12):
        return None
    return raw.ljust(CODE_LENGTH, "0")


@dataclass
class RegionRow:
    line: int
    code: str
    name: str
    level: int
    parent_code: str | None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


class RegionImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _column_map(header: list[str]) -> dict[str, int] | None:
    cleaned = [h.strip().lower() for h in header]
    found = {}
    for key, names in HEADERS.items():
        for index, title in enumerate(cleaned):
            if title in names:
                found[key] = index
                break
    return found if len(found) == len(HEADERS) else None


def parse(data: bytes) -> list[RegionRow]:
    """Parse and check a whole CSV file; raise ``RegionImportError`` listing every problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RegionImportError([_("The file is not UTF-8 text.")]) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = _column_map(header or [])
    if columns is None:
        raise RegionImportError(
            [_("Line 1: the header must name the columns code, name, level, parent_code.")]
        )
    errors: list[str] = []
    rows: list[RegionRow] = []
    seen: dict[str, int] = {}
    for line, record in enumerate(reader, start=2):
        if not any(cell.strip() for cell in record):
            continue
        problems: list[str] = []
        if len(record) < len(header):
            errors.append(
                _("Line %(line)d: expected %(n)d columns.") % {"line": line, "n": len(header)}
            )
            continue
        raw_code = record[columns["code"]].strip()
        code = normalize_code(raw_code)
        name = record[columns["name"]].strip()
        level = LEVEL_ALIASES.get(record[columns["level"]].strip().lower())
        raw_parent = record[columns["parent_code"]].strip()
        parent_code = normalize_code(raw_parent) if raw_parent else None
        if code is None:
            problems.append(
                _("code “%(code)s” is not a division code of 4, 6, 9 or 12 digits")
                % {"code": raw_code}
            )
        elif code in seen:
            problems.append(
                _("code %(code)s already appears on line %(other)d")
                % {"code": code, "other": seen[code]}
            )
        if not name:
            problems.append(_("the name is empty"))
        elif len(name) > 64:
            problems.append(_("the name is longer than 64 characters"))
        if level is None:
            problems.append(
                _("unknown level “%(level)s”") % {"level": record[columns["level"]].strip()}
            )
        if raw_parent and parent_code is None:
            problems.append(
                _("parent code “%(code)s” is not a division code") % {"code": raw_parent}
            )
        if level == Level.CITY and raw_parent:
            problems.append(_("a city has no parent"))
        if level not in (None, Level.CITY) and not raw_parent:
            problems.append(_("the parent code is missing"))
        if problems:
            errors.append(
                _("Line %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
            continue
        seen[code] = line
        rows.append(RegionRow(line, code, name, level, parent_code))
    errors.extend(_check_tree(rows))
    if not rows and not errors:
        errors.append(_("The file holds no regions."))
    if errors:
        raise RegionImportError(errors)
    return rows


def _check_tree(rows: list[RegionRow]) -> list[str]:
    in_file = {row.code: row for row in rows}
    codes = [row.code for row in rows] + [row.parent_code for row in rows if row.parent_code]
    existing = {r.code: r for r in Region.objects.filter(code__in=codes).select_related("parent")}
    errors = []
    for row in rows:
        current = existing.get(row.code)
        if current is not None and current.level != row.level:
            errors.append(
                _("Line %(line)d: region %(code)s exists with another level.")
                % {"line": row.line, "code": row.code}
            )
            continue
        if (
            current is not None
            and (current.parent.code if current.parent else None) != row.parent_code
        ):
            errors.append(
                _(
                    "Line %(line)d: region %(code)s exists under another parent; moving regions is not supported."
                )
                % {"line": row.line, "code": row.code}
            )
            continue
        if row.parent_code is None:
            continue
        parent = in_file.get(row.parent_code) or existing.get(row.parent_code)
        if parent is None:
            errors.append(
                _("Line %(line)d: parent %(code)s is neither in the file nor in the database.")
                % {"line": row.line, "code": row.parent_code}
            )
            continue
        if parent.level != row.level - 1:
            errors.append(
                _("Line %(line)d: the parent must be one level above.") % {"line": row.line}
            )
            continue
        digits = SIGNIFICANT_DIGITS[Level(parent.level)]
        if row.code[:digits] != row.parent_code[:digits]:
            errors.append(
                _("Line %(line)d: code %(code)s does not lie under parent %(parent)s.")
                % {"line": row.line, "code": row.code, "parent": row.parent_code}
            )
    return errors


@transaction.atomic
def import_rows(rows: list[RegionRow], *, actor=None) -> ImportReport:
    """Create or rename the regions of checked rows, parents first, with audit events."""
    report = ImportReport()
    by_code = {
        r.code: r
        for r in Region.objects.filter(
            code__in=[row.code for row in rows]
            + [row.parent_code for row in rows if row.parent_code]
        )
    }
    for row in sorted(rows, key=lambda r: r.level):
        region = by_code.get(row.code)
        if region is None:
            parent = by_code.get(row.parent_code) if row.parent_code else None
            region = Region.objects.create(
                code=row.code,
                name=row.name,
                level=row.level,
                parent=parent,
                path=Region.build_path(row.code, parent),
            )
            by_code[row.code] = region
            events.record(
                actor=actor,
                target=region,
                action=events.Action.REGION_IMPORT_CREATE,
                after=row.name,
            )
            report.created += 1
        elif region.name != row.name:
            before = region.name
            region.name = row.name
            region.save(update_fields=["name"])
            events.record(
                actor=actor,
                target=region,
                action=events.Action.REGION_IMPORT_RENAME,
                before=before,
                after=row.name,
            )
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def import_csv(data: bytes, *, actor=None) -> ImportReport:
    return import_rows(parse(data), actor=actor)


def ensure_region(code: str, name: str, level: int, parent: Region | None) -> Region:
    """Return the region with ``code``, creating it with its path when missing (demo data)."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        region = Region.objects.create(
            code=code, name=name, level=level, parent=parent, path=Region.build_path(code, parent)
        )
    return region

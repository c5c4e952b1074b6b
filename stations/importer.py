"""Deputy roster import (名册导入): a CSV or XLSX roster, checked whole, imported all or nothing.

The first row names the columns, in English or Chinese (see ``HEADERS``); roster number,
name, level, term and region code are required, the others optional. One row is one mandate,
so a deputy of two levels has two rows with the same roster number, which must agree on the
person (name, gender, phone, work unit). A cell left empty never clears what is stored.

Deputies are matched by roster number: a new one is created in the region of its
lowest-level mandate in the file; an existing one gets its fields updated and its missing
mandates, group and station memberships added. Importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from portal import activation, events, search
from portal.errors import DomainError
from portal.models import Region
from portal.regions import normalize_code
from stations import records
from stations.models import (
    Mandate,
    MandateLevel,
    Representative,
    RepresentativeGroup,
    Station,
    StationMembership,
)
from stations.vocabulary import Action

HEADERS = {
    "id_code": ("roster number", "roster no", "id code", "编号", "代表编号", "名册编号"),
    "name": ("name", "full name", "姓名"),
    "gender": ("gender", "sex", "性别"),
    "phone": ("phone", "mobile", "mobile phone", "手机", "手机号码", "联系电话"),
    "work_unit": ("work unit", "work unit and post", "工作单位及职务", "工作单位", "工作单位和职务"),
    "level": ("level", "层级", "代表层级"),
    "term": ("term", "届次"),
    "region_code": ("region code", "选举单位代码", "区划代码"),
    "constituency": ("constituency", "选区"),
    "group": ("group", "deputy group", "代表小组"),
    "station": ("station", "联络站"),
}  # fmt: skip
REQUIRED = ("id_code", "name", "level", "term", "region_code")
PERSON_FIELDS = ("name", "gender", "phone", "work_unit")
MAX_LENGTHS = {
    "id_code": 32,
    "name": 64,
    "work_unit": 200,
    "term": 32,
    "constituency": 100,
    "group": 64,
}

L = MandateLevel
LEVEL_ALIASES = {
    "national": L.NATIONAL, "全国": L.NATIONAL, "全国人大": L.NATIONAL,
    "provincial": L.PROVINCIAL, "province": L.PROVINCIAL, "省": L.PROVINCIAL, "省级": L.PROVINCIAL,
    "municipal": L.MUNICIPAL, "city": L.MUNICIPAL, "市": L.MUNICIPAL, "市级": L.MUNICIPAL,
    "county": L.COUNTY, "district": L.COUNTY, "县": L.COUNTY, "区": L.COUNTY, "县级": L.COUNTY,
    "区县": L.COUNTY, "县区": L.COUNTY,
    "township": L.TOWNSHIP, "town": L.TOWNSHIP, "乡": L.TOWNSHIP, "镇": L.TOWNSHIP,
    "街道": L.TOWNSHIP, "乡镇": L.TOWNSHIP, "乡级": L.TOWNSHIP,
}  # fmt: skip
# The lowest level (township) ranks highest: its region manages the deputy.
LEVEL_RANK = {L.NATIONAL: 0, L.PROVINCIAL: 1, L.MUNICIPAL: 2, L.COUNTY: 3, L.TOWNSHIP: 4}
GENDER_ALIASES = {
    "男": Representative.Gender.MALE, "m": Representative.Gender.MALE,
    "male": Representative.Gender.MALE,
    "女": Representative.Gender.FEMALE, "f": Representative.Gender.FEMALE,
    "female": Representative.Gender.FEMALE,
}  # fmt: skip
PHONE_SEPARATORS = str.maketrans("", "", " -\u3000\t")
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class DeputyRow:
    line: int
    id_code: str
    name: str
    gender: str
    phone: str
    work_unit: str
    level: str
    term: str
    region: Region
    constituency: str = ""
    group: str = ""
    station: Station | None = None


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    mandates: int = 0
    memberships: int = 0
    groups: int = 0
    accounts: int = 0  # accounts opened (``accounts=True``): each owner gets an SMS code
    no_phone: list[str] = field(default_factory=list)  # roster numbers left without one
    account_errors: list[str] = field(default_factory=list)  # "number: why" of refusals


@dataclass
class _Seen:
    """What earlier rows said about one roster number, to check that later rows agree."""

    person: dict[str, tuple[str, int]] = field(default_factory=dict)
    mandates: dict[tuple[str, str], tuple[str, str, int]] = field(default_factory=dict)
    group: tuple[str, str, int] | None = None


class DeputyImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _labels() -> dict[str, str]:
    return {
        "id_code": _label(Representative, "id_code"),
        "name": _label(Representative, "name"),
        "gender": _label(Representative, "gender"),
        "phone": _label(Representative, "phone"),
        "work_unit": _label(Representative, "work_unit"),
        "level": _label(Mandate, "level"),
        "term": _label(Mandate, "term"),
        "region_code": _label(Mandate, "region"),
        "constituency": _label(Mandate, "constituency"),
        "group": _label(Representative, "group"),
    }


# Reading the table ------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # codes and phone numbers typed into Excel arrive as numbers
    elif isinstance(value, datetime.datetime):
        value = value.date().isoformat()
    return str(value).strip()


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DeputyImportError([_("The file is not UTF-8 text.")]) from None
    reader = csv.reader(io.StringIO(text))
    start = 1
    try:
        for record in reader:
            yield start, [cell.strip() for cell in record]
            start = reader.line_num + 1  # a quoted cell may span lines
    except csv.Error:  # e.g. a runaway quote that makes one huge cell
        raise DeputyImportError(
            [_("Line %(line)d: the CSV text cannot be read.") % {"line": start}]
        ) from None


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        raise DeputyImportError([_("The file is not a readable .xlsx workbook.")]) from None
    try:
        if not workbook.worksheets:
            raise DeputyImportError([_("The file holds no deputies.")])
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong sheet size
        for line, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            yield line, [_cell_text(v) for v in values]
    finally:
        workbook.close()


def file_format(name: str, data: bytes) -> str:
    """Return "xlsx" or "csv" from the file name, or from its content when the name says neither."""
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        return "xlsx"
    if lowered.endswith(".csv"):
        return "csv"
    return "xlsx" if data.startswith(XLSX_MAGIC) else "csv"


def _column_map(header: list[str]) -> dict[str, int]:
    cleaned = [" ".join(h.replace("_", " ").lower().split()) for h in header]
    found: dict[str, int] = {}
    for key, names in HEADERS.items():
        for index, title in enumerate(cleaned):
            if title in names:
                found[key] = index
                break
    return found


# Checking ---------------------------------------------------------------------------------


def parse(data: bytes, fmt: str = "csv") -> list[DeputyRow]:
    """Parse and check a whole roster; raise ``DeputyImportError`` listing every problem."""
    records = list(_xlsx_records(data) if fmt == "xlsx" else _csv_records(data))
    columns = _column_map(records[0][1]) if records else {}
    if not set(REQUIRED) <= columns.keys():
        raise DeputyImportError(
            [
                _(
                    "Line 1: the header must name the columns roster number, name, level, term "
                    "and region code."
                )
            ]
        )
    raw_rows = []
    for line, cells in records[1:]:
        if any(cells):
            raw_rows.append(
                (line, {key: cells[i] if i < len(cells) else "" for key, i in columns.items()})
            )
    if not raw_rows:
        raise DeputyImportError([_("The file holds no deputies.")])
    codes = {normalize_code(values.get("region_code", "")) for _line, values in raw_rows}
    regions = Region.objects.in_bulk([c for c in codes if c], field_name="code")
    stations: dict[str, list[Station]] = {}
    names = {values.get("station", "") for _line, values in raw_rows} - {""}
    for station in Station.objects.filter(name__in=names).select_related("region"):
        stations.setdefault(station.name, []).append(station)

    labels = _labels()
    seen: dict[str, _Seen] = {}
    rows: list[DeputyRow] = []
    errors: list[str] = []
    for line, values in raw_rows:
        problems: list[str] = []
        row = _check_row(line, values, regions, stations, labels, problems)
        if row is not None:
            _check_agreement(row, seen.setdefault(row.id_code, _Seen()), labels, problems)
        if problems:
            errors.append(
                _("Line %(line)d: %(problems)s.") % {"line": line, "problems": "; ".join(problems)}
            )
        elif row is not None:
            rows.append(row)
    if errors:
        raise DeputyImportError(errors)
    return rows


def _check_row(
    line: int, values: dict[str, str], regions: dict[str, Region],
    stations: dict[str, list[Station]], labels: dict[str, str], problems: list[str],
) -> DeputyRow | None:  # fmt: skip
    """Return the row of one record, or None after adding its problems to ``problems``."""
    get = values.get
    for key in REQUIRED:
        if not get(key, ""):
            problems.append(_("the %(field)s is empty") % {"field": labels[key]})
    for key, limit in MAX_LENGTHS.items():
        if len(get(key, "")) > limit:
            problems.append(
                _("the %(field)s is longer than %(n)d characters")
                % {"field": labels[key], "n": limit}
            )
    raw_gender = get("gender", "")
    gender = GENDER_ALIASES.get(raw_gender.lower(), "") if raw_gender else ""
    if raw_gender and not gender:
        problems.append(_("unknown gender “%(gender)s”") % {"gender": raw_gender})
    raw_phone = get("phone", "")
    phone = raw_phone.translate(PHONE_SEPARATORS)
    if raw_phone and not (phone.isascii() and phone.isdigit() and 7 <= len(phone) <= 15):
        problems.append(
            _("the phone number “%(phone)s” is not 7 to 15 digits") % {"phone": raw_phone}
        )
    raw_level = get("level", "")
    level = LEVEL_ALIASES.get(raw_level.lower())
    if raw_level and level is None:
        problems.append(_("unknown level “%(level)s”") % {"level": raw_level})
    raw_code = get("region_code", "")
    code = normalize_code(raw_code)
    region = regions.get(code) if code else None
    if raw_code and code is None:
        problems.append(
            _("code “%(code)s” is not a division code of 4, 6, 9 or 12 digits") % {"code": raw_code}
        )
    elif code and region is None:
        problems.append(_("region %(code)s does not exist") % {"code": code})
    station = None
    station_name = get("station", "")
    if station_name and region is not None:
        found = [s for s in stations.get(station_name, []) if s.region.path.startswith(region.path)]
        if not found:
            problems.append(
                _("there is no station “%(station)s” in %(region)s (%(code)s) or below")
                % {"station": station_name, "region": region.name, "code": region.code}
            )
        elif len(found) > 1:
            problems.append(
                _("several stations under %(region)s (%(code)s) are named “%(station)s”")
                % {"station": station_name, "region": region.name, "code": region.code}
            )
        else:
            station = found[0]
    if problems:
        return None
    return DeputyRow(
        line=line, id_code=get("id_code"), name=get("name"), gender=gender, phone=phone,
        work_unit=get("work_unit", ""), level=level, term=get("term"), region=region,
        constituency=get("constituency", ""), group=get("group", ""), station=station,
    )  # fmt: skip


def _check_agreement(row: DeputyRow, seen: _Seen, labels: dict[str, str], problems: list[str]):
    """Check a row against the earlier rows of the same deputy, then remember it."""
    for name in PERSON_FIELDS:
        value = getattr(row, name)
        if not value:
            continue
        earlier = seen.person.get(name)
        if earlier is None:
            seen.person[name] = (value, row.line)
        elif earlier[0] != value:
            problems.append(
                _("roster number %(id_code)s has a different %(field)s on line %(other)d")
                % {"id_code": row.id_code, "field": labels[name], "other": earlier[1]}
            )
    key = (row.level, row.term)
    mandate = seen.mandates.setdefault(key, (row.region.code, row.constituency, row.line))
    if mandate[:2] != (row.region.code, row.constituency):
        problems.append(
            _("the same mandate appears on line %(other)d with another region or constituency")
            % {"other": mandate[2]}
        )
    if row.group:
        if seen.group is None:
            seen.group = (row.region.code, row.group, row.line)
        elif seen.group[:2] != (row.region.code, row.group):
            problems.append(
                _("line %(other)d puts the deputy into another deputy group")
                % {"other": seen.group[2]}
            )


# Importing --------------------------------------------------------------------------------


@transaction.atomic
def import_rows(rows: list[DeputyRow], *, actor=None, accounts: bool = False) -> ImportReport:
    """Create or update the deputies of checked rows, with their mandates, group and stations;
    with ``accounts``, open an account for each deputy without one who has a mobile phone
    (the deputy activates it with the code sent by SMS)."""
    report = ImportReport()
    by_id: dict[str, list[DeputyRow]] = {}
    for row in rows:
        by_id.setdefault(row.id_code, []).append(row)
    existing = Representative.objects.select_for_update().in_bulk(list(by_id), field_name="id_code")
    for id_code, deputy_rows in by_id.items():
        deputy = _import_deputy(id_code, deputy_rows, existing.get(id_code), report, actor)
        if accounts and deputy.user_id is None:
            if activation.MOBILE_RE.match(deputy.phone or ""):
                try:
                    with transaction.atomic():
                        records.open_account(actor, deputy, "")
                except DomainError as error:  # the deputy stays imported, without an account
                    report.account_errors.append(f"{id_code}: {error.message}")
                else:
                    report.accounts += 1
            else:
                report.no_phone.append(id_code)
    return report


def _person(rows: list[DeputyRow]) -> dict[str, str]:
    """Return the person's fields given in the file (the rows agree; empty cells say nothing)."""
    person: dict[str, str] = {}
    for row in rows:
        for name in PERSON_FIELDS:
            value = getattr(row, name)
            if value and name not in person:
                person[name] = value
    return person


def _group(rows: list[DeputyRow], report: ImportReport, actor) -> RepresentativeGroup | None:
    row = next((r for r in rows if r.group), None)
    if row is None:
        return None
    group, created = RepresentativeGroup.objects.get_or_create(region=row.region, name=row.group)
    if created:
        report.groups += 1
        events.record(
            actor=actor,
            target=group,
            action=Action.DEPUTY_GROUP_IMPORT_CREATE,
            after=group.name,
        )
    return group


def _import_deputy(id_code, rows, deputy, report: ImportReport, actor) -> Representative:
    person = _person(rows)
    group = _group(rows, report, actor)
    created = deputy is None
    changes: dict[str, list[str]] = {}
    if created:
        lowest = max(rows, key=lambda r: LEVEL_RANK[r.level])
        deputy = Representative(id_code=id_code, region=lowest.region, group=group, **person)
        deputy.search_text = search.text_of(deputy)  # its words, for the keyword search
        deputy.save()
    else:
        for name, value in person.items():
            if getattr(deputy, name) != value:
                changes[name] = [getattr(deputy, name), value]
                setattr(deputy, name, value)
        if group is not None and deputy.group_id != group.pk:
            changes["group"] = [str(deputy.group or ""), group.name]
            deputy.group = group
        if changes:
            deputy.save(update_fields=list(changes))
            search.refresh(deputy)
    added, changed = _sync_mandates(deputy, rows)
    stations = _sync_memberships(deputy, rows)
    report.mandates += len(added)
    report.memberships += len(stations)
    data = {"mandates_added": added, "mandates_changed": changed, "stations_added": stations}
    if created:
        report.created += 1
        events.record(
            actor=actor,
            target=deputy,
            action=Action.DEPUTY_IMPORT_CREATE,
            after=deputy.name,
            data=data,
        )
    elif changes or any(data.values()):
        report.updated += 1
        events.record(
            actor=actor, target=deputy, action=Action.DEPUTY_IMPORT_UPDATE,
            data={"fields": changes, **data},
        )  # fmt: skip
    else:
        report.unchanged += 1
    return deputy


def _sync_mandates(deputy: Representative, rows: list[DeputyRow]) -> tuple[list[str], list[str]]:
    """Add the deputy's missing mandates and correct region and constituency of the others."""
    current = {(m.level, m.term): m for m in deputy.mandates.all()}
    added: list[str] = []
    changed: list[str] = []
    for row in rows:
        key = (row.level, row.term)
        mandate = current.get(key)
        label = f"{row.level} {row.term}"
        if mandate is None:
            current[key] = Mandate.objects.create(
                representative=deputy, level=row.level, term=row.term, region=row.region,
                constituency=row.constituency,
            )  # fmt: skip
            added.append(label)
        elif (mandate.region_id, mandate.constituency) != (row.region.pk, row.constituency):
            mandate.region, mandate.constituency = row.region, row.constituency
            mandate.save(update_fields=["region", "constituency"])
            changed.append(label)
    return added, changed


def _sync_memberships(deputy: Representative, rows: list[DeputyRow]) -> list[str]:
    """Enter the deputy into the stations the file names; return the names of new ones."""
    added: list[str] = []
    for station in {row.station.pk: row.station for row in rows if row.station}.values():
        _membership, created = StationMembership.objects.get_or_create(
            station=station, representative=deputy, defaults={"region_id": station.region_id}
        )
        if created:
            added.append(station.name)
    return added

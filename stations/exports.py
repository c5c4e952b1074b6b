"""Excel exports (台账) of the stations app."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

BOLD = Font(bold=True)


def _safe(value):
    """Return a cell value that cannot run as a formula or break the file."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def _sheet(workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append([_safe(value) for value in row])
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width * 2))


def archive_workbook(data: dict) -> Workbook:
    """Return the performance archive of one deputy as a workbook, one sheet per record kind."""
    rep = data["representative"]
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook, _("Summary"),
        [_("Year"), _("Receptions"), _("People received"), _("Matters raised"),
         _("Contact visits"), _("Activities"), _("Duty shifts")],
        [(s.year, s.receptions, s.people, s.matters, s.visits, s.activities, s.shifts) for s in data["years"]],
    )  # fmt: skip
    _sheet(
        workbook, _("Mandates"),
        [_("Name"), _("Level"), _("Term"), _("Electing region"), _("Constituency")],
        [(rep.name, m.get_level_display(), m.term, m.region.name, m.constituency) for m in data["mandates"]],
    )  # fmt: skip
    _sheet(
        workbook, _("Receptions"),
        [_("Date"), _("Station"), _("Form"), _("People received"), _("Matters raised")],
        [(r.date, r.station.name, r.get_form_display(), r.people_count, r.matter_count) for r in data["receptions"]],
    )  # fmt: skip
    _sheet(
        workbook, _("Contact visits"),
        [_("Date"), _("Household"), _("Method"), _("Note")],
        [(v.date, v.household.name, v.get_method_display(), v.note) for v in data["visits"]],
    )  # fmt: skip
    _sheet(
        workbook, _("Activities"),
        [_("Date"), _("Kind"), _("Title")],
        [(a.date, a.get_kind_display(), a.title) for a in data["activities"]],
    )  # fmt: skip
    _sheet(
        workbook, _("Duty shifts"),
        [_("Date"), _("Station"), _("From"), _("Until")],
        [(s.date, s.station.name, s.start_time, s.end_time) for s in data["shifts"]],
    )  # fmt: skip
    return workbook

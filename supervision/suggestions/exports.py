"""The yearly handling ledger (台账) as an Excel workbook: one row per suggestion, the same
columns as the report page, safe against formula injection."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from supervision.suggestions import queries

BOLD = Font(bold=True)


def _safe(value):
    """Return a cell value that cannot run as a formula or break the file."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def ledger_workbook(suggestions, figures: queries.Figures, title: str) -> Workbook:
    """Return the ledger of ``suggestions`` (from ``queries.ledger_queryset``) and a sheet
    of the figures with their formulas."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Ledger")
    sheet.append(queries.ledger_columns())
    for cell in sheet[1]:
        cell.font = BOLD
    for suggestion in suggestions:
        sheet.append([_safe(value) for value in queries.ledger_row(suggestion)])
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column[:200])
        sheet.column_dimensions[column[0].column_letter].width = min(50, max(8, width * 2))
    summary = workbook.create_sheet(_("Figures"))
    summary.append([_safe(title)])
    summary.append([_("Assigned"), figures.assigned])
    summary.append([_("Replied by the deadline"), figures.replied_in_time])
    summary.append([_("First replies due"), figures.replies_due])
    summary.append([_("Rated"), figures.rated])
    summary.append([_safe(str(queries.FORMULAS["completion"])), figures.completion_rate])
    summary.append([_safe(str(queries.FORMULAS["on_time"])), figures.on_time_rate])
    summary.append([_safe(str(queries.FORMULAS["reply"])), figures.reply_satisfaction_rate])
    summary.append(
        [_safe(str(queries.FORMULAS["implementation"])), figures.implementation_satisfaction_rate]
    )
    summary.append([_safe(str(queries.basis_text()))])
    summary.column_dimensions["A"].width = 90
    return workbook

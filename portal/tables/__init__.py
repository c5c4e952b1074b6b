"""Staff lists as full-width tables (台账): sortable columns, the list's filters in a bar, a
keyword box, page size, deadline lights, a count (estimated past 10,000), the columns each
user chooses, bulk actions through the workflow, saved views, and Excel exports.

An app declares a list in ``<app>/tables.py`` (a ``Table`` with its ``Column``s,
``BulkAction``s and ``Preset``s), registers it, and routes a URL to ``table_view(table)``.
"""

from portal.tables.core import (
    BulkAction,
    Column,
    Listing,
    Preset,
    Table,
    Tool,
    cn_date,
    get_table,
    label_of,
    region_box,
    region_choices,
    register,
)
from portal.tables.views import export_download, export_status, table_view

__all__ = [
    "BulkAction", "Column", "Listing", "Preset", "Table", "Tool", "cn_date", "export_download",
    "export_status", "get_table", "label_of", "region_box", "region_choices", "register", "table_view",
]  # fmt: skip

"""Consistent words across the apps: the Chinese date filters, and the desk templates that
use them rather than ISO dates. The pages themselves are checked in each app's
``test_*_words.py`` / ``test_consistent_words.py``."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from portal.templatetags.chinese_dates import format_date, format_datetime

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# The desk and result pages that show dates with the filters (lists and tables are the
# lead's, who uses the same filters).
DATED_PAGES = [
    "suggestions/desk_detail.html",
    "supervision/desk_detail.html",
    "supervision/public_result.html",
    "supervision/public_results.html",
    "voting/desk_project.html",
    "stations/desk_archive.html",
    "petitions/desk_detail.html",
    "petitions/desk_topics.html",
]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def render(source: str, **context) -> str:
    return Template("{% load chinese_dates %}" + source).render(Context(context))


def test_dates_are_written_the_chinese_way():
    assert format_date(datetime.date(2026, 12, 6)) == "2026年12月6日"
    assert format_date(datetime.date(2026, 1, 2)) == "2026年1月2日"
    assert format_date("2026-03-04") == "2026年3月4日"
    assert format_datetime(datetime.datetime(2026, 12, 6, 14, 5)) == "2026年12月6日 14:05"
    assert format_datetime(datetime.date(2026, 12, 6)) == "2026年12月6日"


def test_aware_datetimes_are_shown_in_local_time():
    utc = datetime.datetime(2026, 12, 5, 22, 30, tzinfo=datetime.UTC)
    assert timezone.localtime(utc).tzinfo == ZoneInfo("Asia/Shanghai")
    assert format_datetime(utc) == "2026年12月6日 06:30"
    assert format_date(utc) == "2026年12月6日"  # the local day, not the UTC one


def test_missing_values_show_a_dash_and_other_values_stay():
    assert format_date(None) == format_datetime(None) == "—"
    assert format_date("") == "—"
    assert format_date("not a date") == "not a date"


def test_the_filters_work_in_templates():
    when = datetime.datetime(2026, 12, 6, 6, 5, tzinfo=datetime.UTC)
    html = render(
        "{{ d|cndate }} / {{ t|cndatetime }} / {{ missing|cndate }}", d=when.date(), t=when
    )
    assert html == "2026年12月6日 / 2026年12月6日 14:05 / —"


@pytest.mark.parametrize("name", DATED_PAGES)
def test_desk_pages_use_the_filters_not_iso_dates(name):
    source = (TEMPLATES / name).read_text()
    assert "chinese_dates" in source
    shown = re.findall(r"\|date:\"(?:Y-m-d|Y-m-d H:i|DATE_FORMAT)\"", source)
    assert not shown, f"{name} still formats dates itself: {shown}"


def test_no_desk_template_of_mine_shows_a_raw_code():
    """States, kinds, categories, reply classes and channels are shown by label (a code
    may still name a CSS class or a data attribute, as in ``class="status-{{ r.status }}"``)."""
    pattern = re.compile(
        r"(?<![-=\"'])\{\{\s*([\w.]+\.(?:state|kind|category|reply_class|channel|status|source|"
        r"stage|role|period|decision|effective_class))\s*\}\}"
    )
    # similar.Similar carries the state's label already (get_state_display).
    labels_already = {"item.state"}
    mine = [
        *TEMPLATES.glob("suggestions/*.html"),
        *TEMPLATES.glob("supervision/*.html"),
        *(p for p in TEMPLATES.glob("voting/*.html") if p.name != "public_propose.html"),
        *(TEMPLATES / "stations" / n for n in ("desk_statistics.html", "desk_compliance.html",
                                               "desk_archive.html", "_year_picker.html")),
        TEMPLATES / "petitions" / "desk_detail.html",
        TEMPLATES / "petitions" / "desk_topics.html",
    ]  # fmt: skip
    found = {
        path.name: [
            code for code in pattern.findall(path.read_text()) if code not in labels_already
        ]
        for path in mine
        if path.name not in {"desk_list.html", "desk_cards.html"}
    }
    assert not {name: codes for name, codes in found.items() if codes}

"""The working-day calendar kept in the database: 2026 holidays with their make-up workdays
(seeded from chinese-calendar by the migration), a 2027 deadline before and after staff
enter the year, the file import and the admin."""

import datetime
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.calendar import add_working_days, day_status
from portal.models import CalendarDay, CalendarYear, Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date

NOTICE_2027 = """# 2027 年部分节假日安排（示例）
2027-01-01,holiday,元旦
2027-02-06..2027-02-13,holiday,春节
2027-02-20,workday,春节调休上班
"""


def test_2026_national_day_with_its_make_up_workdays():
    assert CalendarYear.objects.filter(year=2026).exists()  # seeded by the migration
    for day in range(1, 8):  # 1–7 October, weekdays included
        assert not day_status(D(2026, 10, day)).is_working
    assert day_status(D(2026, 9, 20)).is_working  # Sunday, 调休上班
    assert day_status(D(2026, 10, 10)).is_working  # Saturday, 调休上班
    assert not day_status(D(2026, 10, 11)).is_working  # an ordinary Sunday
    # 5 working days from 30 September: 8, 9, 10 (Sat, make-up), 12, 13 October
    assert add_working_days(D(2026, 9, 30), 5) == (D(2026, 10, 13), True)


def test_2026_spring_festival_with_its_make_up_workdays():
    assert day_status(D(2026, 2, 14)).is_working  # Saturday before, 调休上班
    assert day_status(D(2026, 2, 28)).is_working  # Saturday after, 调休上班
    for day in range(15, 24):
        assert not day_status(D(2026, 2, day)).is_working
    status = day_status(D(2026, 2, 16))
    assert status.known and status.name == "春节"
    # from Friday 13 February: 14 (Sat, make-up), 24, 25 February
    assert add_working_days(D(2026, 2, 13), 3) == (D(2026, 2, 25), True)


def test_a_2027_deadline_is_computed_on_weekdays_and_flagged_until_staff_enter_2027(tmp_path):
    CalendarYear.objects.filter(year=2027).delete()  # the package may learn 2027 one day
    CalendarDay.objects.filter(date__year=2027).delete()
    start = D(2027, 2, 3)  # a Wednesday
    due, known = add_working_days(start, 5)
    assert (due, known) == (D(2027, 2, 10), False)  # weekdays only, flagged for review
    assert not day_status(D(2027, 1, 1)).known and day_status(D(2027, 1, 1)).is_working

    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    call_command("import_calendar", str(notice), "--year", "2027", "--source", "国办发明电")
    due, known = add_working_days(start, 5)
    # 4, 5 February, the Spring Festival (6–13) off, 15, 16 and 17 February
    assert (due, known) == (D(2027, 2, 17), True)
    assert day_status(D(2027, 2, 20)).is_working  # Saturday make-up workday
    assert not day_status(D(2027, 1, 1)).is_working
    year = CalendarYear.objects.get(year=2027)
    assert year.source == "国办发明电"
    assert Event.objects.filter(action="calendar_import", target_id=year.pk).exists()
    # weekend holidays (6, 7 and 13 February) are not stored: they break no rule
    assert CalendarDay.objects.filter(date__year=2027).count() == 1 + 5 + 1


def test_importing_again_replaces_the_year_and_a_bad_file_imports_nothing(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("2027-10-01..2027-10-07,休,国庆节\n2027-10-09,班,国庆节调休上班\n")
    call_command("import_calendar", str(good), "--year", "2027")
    call_command("import_calendar", str(good), "--year", "2027")
    assert CalendarDay.objects.filter(date__year=2027).count() == 5 + 1
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "2027-05-01,holiday,劳动节\n2027-13-01,holiday,x\n2026-05-01,holiday,y\n"
        "2027-05-02,maybe,z\n2027-05-01,holiday,dup\n"
    )
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_calendar", str(bad), "--year", "2027", stderr=errors)
    lines = errors.getvalue().splitlines()
    assert len(lines) == 4 and all(
        str(n) in line for n, line in zip((2, 3, 4, 5), lines, strict=True)
    )
    assert CalendarDay.objects.filter(date__year=2027).count() == 6  # unchanged
    with pytest.raises(CommandError):
        call_command("import_calendar", str(tmp_path / "missing.txt"), "--year", "2027")


def test_dry_run_checks_only(tmp_path, capsys):
    CalendarDay.objects.filter(date__year=2027).delete()
    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027)
    call_command("import_calendar", str(notice), "--year", "2027", "--dry-run")
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    out = capsys.readouterr().out
    # 1 January and 8–12 February are weekday holidays; 20 February a make-up workday
    assert re.findall(r"\d+", out) == ["2027", "6", "1"], out


@pytest.mark.parametrize(
    ("args", "content"),
    [
        (["--year", "1999"], "1999-01-01,holiday,元旦\n".encode()),
        (["--year", "2027"], "2027-01-01..2027-02-15,holiday,太长\n".encode()),
        (["--year", "2027"], f"2027-01-01,holiday,{'节' * 51}\n".encode()),
        (["--year", "2027"], "2027-01-01,holiday,元旦\n".encode("gb18030")),
        (["--year", "2027"], b""),
        (["--year", "2027"], b"# only a comment\n\n"),
    ],
    ids=["year-1999", "range-over-31-days", "name-51-chars", "not-utf8", "empty", "no-days"],
)
def test_bad_calendar_input_is_refused_clearly_and_nothing_is_stored(tmp_path, args, content):
    CalendarDay.objects.filter(date__year__in=[1999, 2027]).delete()
    CalendarYear.objects.filter(year__in=[1999, 2027]).delete()
    events_before = Event.objects.count()
    notice = tmp_path / "notice.txt"
    notice.write_bytes(content)
    errors = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_calendar", str(notice), *args, stderr=errors)
    message = str(raised.value) + errors.getvalue()
    assert message.strip() and "Traceback" not in message
    assert not CalendarDay.objects.filter(date__year__in=[1999, 2027]).exists()
    assert not CalendarYear.objects.filter(year__in=[1999, 2027]).exists()
    assert Event.objects.count() == events_before


def test_staff_with_the_permission_enter_days_in_the_admin_and_nonsense_is_refused(client):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    url = reverse("admin:portal_calendarday_add")
    assert client.get(url).status_code == 403  # staff without the permission
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_calendarday", "view_calendarday"])
    )
    # a "holiday" on a Sunday breaks no rule: refused
    response = client.post(url, {"date": "2027-01-03", "name": "x"})
    assert response.status_code == 200 and not CalendarDay.objects.filter(date=D(2027, 1, 3))
    response = client.post(url, {"date": "2027-01-01", "name": "元旦"})
    assert response.status_code == 302
    assert not day_status(D(2027, 1, 1)).is_working


def test_the_admin_shows_the_weekday_in_chinese(client):
    CalendarDay.objects.update_or_create(
        date=D(2027, 1, 1), defaults={"is_working": False, "name": "元旦"}
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get(reverse("admin:portal_calendarday_changelist"), {"q": "元旦"}).content
    html = html.decode()
    assert "星期五" in html and "Fri" not in html

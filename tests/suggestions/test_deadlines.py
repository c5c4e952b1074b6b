"""Calendar-month deadlines (portal/deadlines.py) and the suggestion's deadline records."""

import calendar
import datetime

import pytest
from django.utils import timezone, translation

from portal.deadlines import Deadline, add_months, suggestion_deadline
from portal.errors import DomainError
from supervision.suggestions import workflow
from supervision.suggestions.models import DeadlineExtension, HandlingDeadline
from tests.suggestions.conftest import assigned

D = datetime.date


@pytest.mark.parametrize("year", [2023, 2024, 2100, 2000])  # non-leap, leap, century rules
@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_end_plus_three_months_is_the_target_months_last_day_or_same_day(year, month):
    last = calendar.monthrange(year, month)[1]
    start = D(year, month, last)
    due = add_months(start, 3)
    target_year, target_month = (year, month + 3) if month <= 9 else (year + 1, month - 9)
    target_last = calendar.monthrange(target_year, target_month)[1]
    assert due == D(target_year, target_month, min(last, target_last))


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (D(2023, 11, 30), 3, D(2024, 2, 29)),  # the example, leap year
        (D(2022, 11, 30), 3, D(2023, 2, 28)),  # non-leap year
        (D(2023, 11, 29), 3, D(2024, 2, 29)),
        (D(2024, 8, 31), 3, D(2024, 11, 30)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 10, 15), 3, D(2025, 1, 15)),  # across the year
        (D(2024, 5, 31), 6, D(2024, 11, 30)),
    ],
)
def test_add_months_is_end_of_month_safe(start, months, due):
    assert add_months(start, months) == due


def test_a_deadline_is_three_months_and_explains_itself():
    deadline = suggestion_deadline(D(2023, 11, 30), "receipt of the assignment")
    assert deadline.due_on == D(2024, 2, 29)
    with translation.override("en"):
        text = deadline.explain()
    assert text == (
        "3 months from Nov. 30, 2023 (receipt of the assignment) → due on Feb. 29, 2024 "
        "(the target month has no day 30: its last day); at most 6 months in all."
    )
    with translation.override("zh-hans"):  # dates as the pages write them
        text = deadline.explain()
    assert "2023年11月30日" in text and "2024年2月29日到期" in text


def test_an_extended_uncapped_deadline_explains_each_step():
    deadline = Deadline(started_on=D(2024, 1, 15), started_by="receipt", months=3, cap_months=None)
    longer = deadline.extend(2, reason="land", approved_by="Director", approved_on=D(2024, 3, 1))
    with translation.override("en"):
        text = longer.explain()
    assert text == (
        "3 months from Jan. 15, 2024 (receipt); extended by 2 months on March 1, 2024, "
        "approved by Director: land → due on June 15, 2024"
    )


@pytest.mark.parametrize("months", [True, False, 1.0, "1", None])
def test_an_extension_must_be_a_whole_number_of_months(months):
    deadline = suggestion_deadline(D(2024, 1, 15), "receipt")
    with pytest.raises(DomainError) as raised:
        deadline.check_extension(months, "reason")
    assert raised.value.field == "months"


@pytest.mark.parametrize(("start", "months"), [(D(9999, 11, 1), 3), (D(1, 2, 1), -2)])
def test_add_months_out_of_range_is_a_domain_error(start, months):
    with pytest.raises(DomainError):
        add_months(start, months)


def test_extensions_up_to_six_months_in_all_and_refused_past_it():
    deadline = suggestion_deadline(D(2024, 1, 15), "receipt")
    longer = deadline.extend(
        2, reason="需要协调省级部门", approved_by="主任", approved_on=D(2024, 3, 1)
    )
    assert longer.total_months == 5 and longer.due_on == D(2024, 6, 15)
    capped = longer.extend(1, reason="再延一月", approved_by="主任", approved_on=D(2024, 5, 1))
    assert capped.due_on == D(2024, 7, 15) and capped.months_left_to_cap == 0
    assert "需要协调省级部门" in capped.explain() and "主任" in capped.explain()
    with pytest.raises(DomainError) as refused:
        capped.extend(1, reason="还要", approved_by="主任", approved_on=D(2024, 6, 1))
    assert refused.value.field == "months"
    with pytest.raises(DomainError):
        deadline.extend(4, reason="太长", approved_by="主任", approved_on=D(2024, 2, 1))
    with pytest.raises(DomainError) as no_reason:
        deadline.extend(1, reason=" ", approved_by="主任", approved_on=D(2024, 2, 1))
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError):
        deadline.extend(0, reason="零", approved_by="主任", approved_on=D(2024, 2, 1))


def test_uncapped_deadline_extends_freely():
    deadline = Deadline(started_on=D(2024, 1, 31), started_by="x", months=1, cap_months=None)
    assert deadline.extend(12, reason="r", approved_by="a", approved_on=D(2024, 2, 1)).due_on == D(
        2025, 2, 28
    )


def test_assignment_records_the_deadline_from_the_units_receipt(gworld):
    received = timezone.localdate() - datetime.timedelta(days=10)
    suggestion = assigned(gworld, received_on=received)
    record = HandlingDeadline.objects.get(suggestion=suggestion, round=1)
    assert record.started_on == received and record.months == 3 and record.cap_months == 6
    assert record.due_on == add_months(received, 3) == suggestion.due_on
    assert f"{received.year}年{received.month}月{received.day}日" in record.explanation
    co = suggestion.units.get(role="co")
    assert co.due_on == add_months(received, 1)  # co-handlers reply to the lead earlier


def test_extension_needs_reason_and_approval_and_stops_at_six_months(gworld):
    received = timezone.localdate()
    suggestion = assigned(gworld, received_on=received)
    handler, leader, staff = gworld.users["handler"], gworld.users["leader"], gworld.users["county"]
    with pytest.raises(DomainError):
        workflow.suggestion_request_extension(
            actor=handler, suggestion_id=suggestion.pk, months=4, reason="涉及征地"
        )
    workflow.suggestion_request_extension(
        actor=handler, suggestion_id=suggestion.pk, months=2, reason="涉及征地"
    )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # staff without the leader's approval right
        workflow.suggestion_decide_extension(actor=staff, suggestion_id=suggestion.pk, approve=True)
    workflow.suggestion_decide_extension(actor=leader, suggestion_id=suggestion.pk, approve=True)
    suggestion.refresh_from_db()
    assert suggestion.due_on == add_months(received, 5)
    record = HandlingDeadline.objects.get(suggestion=suggestion, round=1)
    assert record.due_on == suggestion.due_on and "涉及征地" in record.explanation
    workflow.suggestion_request_extension(
        actor=handler, suggestion_id=suggestion.pk, months=1, reason="再协调"
    )
    workflow.suggestion_decide_extension(actor=leader, suggestion_id=suggestion.pk, approve=True)
    suggestion.refresh_from_db()
    assert suggestion.due_on == add_months(received, 6)
    with pytest.raises(DomainError) as refused:
        workflow.suggestion_request_extension(
            actor=handler, suggestion_id=suggestion.pk, months=1, reason="还需要时间"
        )
    assert refused.value.field == "months" and "6" in refused.value.message
    assert DeadlineExtension.objects.filter(deadline=record, state="approved").count() == 2
    assert not DeadlineExtension.objects.filter(deadline=record, state="requested").exists()


def test_a_refused_request_leaves_the_deadline(gworld):
    suggestion = assigned(gworld)
    due = suggestion.due_on
    workflow.suggestion_request_extension(
        actor=gworld.users["handler"], suggestion_id=suggestion.pk, months=1, reason="慢"
    )
    workflow.suggestion_decide_extension(
        actor=gworld.users["leader"], suggestion_id=suggestion.pk, approve=False, note="理由不足"
    )
    suggestion.refresh_from_db()
    assert suggestion.due_on == due
    assert DeadlineExtension.objects.get().state == "refused"

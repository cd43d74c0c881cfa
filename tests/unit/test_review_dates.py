"""Review dates (issue 15): the default, the limits, and when one is due."""

from datetime import date

import pytest

from ehria.review_dates import (
    ReviewDateError,
    months_after,
    review_date_from,
    review_state,
)

TODAY = date(2026, 12, 1)


def test_the_default_is_a_year_on():
    assert review_date_from(None, TODAY) == date(2027, 12, 1)


def test_the_end_of_a_longer_month_falls_on_the_shorter_months_last_day():
    assert months_after(date(2027, 1, 31), 1) == date(2027, 2, 28)


@pytest.mark.parametrize("value", ["2026-12-31", "2029-12-02", "not a date", "2027-02-30"])
def test_a_date_outside_a_month_to_three_years_or_not_a_date_is_refused(value):
    with pytest.raises(ReviewDateError):
        review_date_from(value, TODAY)


def test_the_limits_themselves_are_allowed():
    assert review_date_from("2027-01-01", TODAY) == date(2027, 1, 1)
    assert review_date_from("2029-12-01", TODAY) == date(2029, 12, 1)


def test_due_within_sixty_days_and_overdue_after_the_date():
    assert review_state(date(2027, 1, 30), TODAY) == "due"
    assert review_state(date(2027, 1, 31), TODAY) is None
    assert review_state(date(2026, 11, 30), TODAY) == "overdue"
    assert review_state(None, TODAY) is None

"""The counting rule as a pure function: threshold, ranking, adoption and ties."""

from voting import counting
from voting.counting import ADOPTED, FAILED, PASSED, TIED, Line


def lines(*yes):
    return [Line(candidate_id=n, number=n, yes=v) for n, v in enumerate(yes, start=1)]


def statuses(outcome):
    return {line.candidate_id: line.status for line in outcome.lines}


def test_more_than_half_means_strictly_more():
    assert counting.threshold_for(40) == 21
    assert counting.threshold_for(41) == 21
    outcome = counting.count(lines(21, 20), seats=2, base=40)
    assert statuses(outcome) == {1: ADOPTED, 2: FAILED}


def test_top_n_of_the_passed_are_adopted_in_order_of_yes_votes():
    outcome = counting.count(lines(30, 35, 25, 40), seats=2, base=41)
    assert statuses(outcome) == {1: PASSED, 2: ADOPTED, 3: PASSED, 4: ADOPTED}
    assert outcome.outcome == counting.DECIDED
    assert [line.candidate_id for line in outcome.lines] == [4, 2, 1, 3]
    assert [line.rank for line in outcome.lines] == [1, 2, 3, 4]


def test_fewer_passed_than_seats_adopts_only_the_passed():
    outcome = counting.count(lines(30, 10, 22), seats=3, base=41)
    assert statuses(outcome) == {1: ADOPTED, 2: FAILED, 3: ADOPTED}
    assert outcome.outcome == counting.DECIDED


def test_tie_at_the_cut_off_goes_to_a_runoff_for_the_seats_left():
    outcome = counting.count(lines(40, 30, 30, 30, 22), seats=2, base=41)
    assert statuses(outcome) == {1: ADOPTED, 2: TIED, 3: TIED, 4: TIED, 5: PASSED}
    assert outcome.outcome == counting.RUNOFF
    assert outcome.runoff_seats == 1
    assert [line.rank for line in outcome.lines] == [1, 2, 2, 2, 5]


def test_a_tie_that_fits_inside_the_seats_is_no_runoff():
    outcome = counting.count(lines(40, 30, 30, 22), seats=3, base=41)
    assert statuses(outcome) == {1: ADOPTED, 2: ADOPTED, 3: ADOPTED, 4: PASSED}
    assert outcome.outcome == counting.DECIDED


def test_a_tie_below_the_threshold_is_no_runoff():
    outcome = counting.count(lines(40, 10, 10), seats=2, base=41)
    assert statuses(outcome) == {1: ADOPTED, 2: FAILED, 3: FAILED}
    assert outcome.outcome == counting.DECIDED

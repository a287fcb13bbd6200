"""Strictness: a summary that changes who did it or how much is not credited.

Hand-written pairs, none from the spoken corpus. Each check is also pinned on what
it must let through, because a false flag tells a good listener they got it wrong.
"""

import pytest

from listen_coach.scoring import match_points
from listen_coach.scoring.amounts import changed_number
from listen_coach.scoring.people import other_person, stand_in


def test_someone_else_doing_it_is_not_covered():
    [m] = match_points(["My neighbour Priya fixed the fence last weekend."],
                       "So your brother fixed the fence last weekend, and you were relieved.")
    assert not m.covered and m.conflict == "person", m
    assert m.evidence and "brother" in m.evidence


@pytest.mark.parametrize(("point", "summary", "other"), [
    ("your neighbour Priya fixed the fence", "so your brother fixed the fence", "brother"),
    ("you sent Brenda a card", "and Owen sent Brenda a card", "Owen"),
    ("Kai threw the ball at Amara", "Amara threw the ball at Kai", "Amara"),
    ("your husband paid the deposit", "your mum paid the deposit", "mum"),
])
def test_the_other_person_is_named(point, summary, other):
    assert other_person(point, summary) == other


@pytest.mark.parametrize(("point", "summary"), [
    # a pronoun or no one named: not someone else
    ("your neighbour Priya fixed the fence", "so she fixed the fence, which was kind"),
    # the same person by another word, or by the other half of "the tutor, Dr Okafor"
    ("your husband paid the deposit", "your partner paid the deposit"),
    ("your neighbour Priya fixed the fence", "so your neighbour fixed the fence"),
    ("your neighbour Priya fixed the fence", "so Priya fixed the fence"),
    ("your mother minds the kids", "your mum minds the kids"),
    ("Gary said the rota changes in May", "you said the rota changes in May, Gary told you"),
    # a garbled name is still the name
    ("Marcus booked the hall", "so Markus booked the hall"),
    # the verb said of someone else about something else
    ("you smoked twenty a day", "Ray is still smoking in the garden"),
])
def test_the_same_person_or_no_one_is_no_conflict(point, summary):
    assert other_person(point, summary) is None


@pytest.mark.parametrize(("point", "summary", "numbers"), [
    ("your payout is about forty thousand pounds after tax",
     "so your payout is around twenty thousand after tax", ("forty", "twenty")),
    ("the boiler repair cost eight hundred pounds",
     "and the boiler repair came to three hundred", ("eight", "three")),
    ("only four of the twelve nursing posts were kept",
     "only six of the twelve nursing posts are left", ("four", "six")),
])
def test_another_amount_of_the_same_thing_conflicts(point, summary, numbers):
    assert changed_number(point, summary) == numbers


@pytest.mark.parametrize(("point", "summary"), [
    ("the crowdfunder raised £2,100", "the crowdfunder raised about two thousand"),
    ("you borrowed fifteen thousand pounds from Luis", "Luis lent you fifteen grand"),
    # lengths of time are compared only with the same unit (lexical.py does that)
    ("the family waited eighteen months for the assessment",
     "after a year and a half of waiting, Mateo, who is six, was assessed"),
    # a date is not an amount
    ("the last concert is on 20 July at the chapel", "the last concert is on the 20th of July "
     "at the chapel, forty people came last time"),
    # a number left out is no conflict
    ("the deposit came to twenty-eight thousand pounds", "the deposit was a stretch"),
])
def test_the_same_amount_or_none_is_no_conflict(point, summary):
    assert changed_number(point, summary) is None


def test_a_changed_amount_is_not_covered():
    [m] = match_points(["The food bank spent about four thousand pounds of its reserves."],
                       "So the food bank spent something like fourteen thousand of its "
                       "reserves.")
    assert not m.covered and m.conflict == "number", m


POINT_FEE = "your coach, Mr Banks, paid the entry fee for the tournament"


@pytest.mark.parametrize("summary, other", [
    # Another verb, so `other_person` cannot see it: the clause that says the point
    # has someone else as the one who did it.
    ("it was a great weekend, and Sophie covered the entry fee for the whole tournament",
     "Sophie"),
    ("you nearly pulled out, and your dad sorted the entry fee for the tournament", "dad"),
])
def test_a_stand_in_in_the_clause_that_says_the_point(summary, other):
    assert other_person(POINT_FEE, summary) is None
    assert stand_in(POINT_FEE, summary) == other


@pytest.mark.parametrize("summary", [
    "and your coach covered the entry fee for the tournament",  # the same person
    "and Mr Banks sorted out the entry fee for the tournament",
    "and he covered the entry fee for the tournament",  # unnamed: not someone else
    "and the entry fee for the tournament got paid, Sophie said",  # not the payer
    "Sophie came to watch, and the fee got covered",  # too little of the point
])
def test_no_stand_in_when_the_person_could_be_theirs(summary):
    assert stand_in(POINT_FEE, summary) is None

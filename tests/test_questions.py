"""Questions and reflections, labelled by the coding manuals' definitions.

MITI 3.0 "Questions": closed = yes/no, a specific fact or a number, or a choice;
open = a wide range of answers, requests to tell more included. MITI 4.2.1
"Reflections": a statement that says back what was heard is a reflection, also
with a rising "?" or a tag. A summary's opener frames a reflection.
"""

from __future__ import annotations

import pytest

from listen_coach.scoring.questions import classify_question, find_questions

OPEN = [
    "What made you decide to stay?",
    "How did the team take the news?",
    "Why do you think she said that?",
    "What's special about Donna?",
    "What's been the hardest part of it for you?",
    "Can you tell me a little bit more about how you decided?",
    "Could you say more about what happened with Leon?",
    "Tell me more about the move.",
    "Talk me through what a normal night shift looks like.",
    "I'm wondering how the shop is doing now.",
    "I wonder what your mum would say about it.",
    "And you did what?",
    "How are you feeling about going back",
    "what did your team think of the new rules",
    "So what would you like to happen next?",
    "What do you make of that?",
]
CLOSED = [
    "Did you tell your manager?",
    "Is the new supplier reliable?",
    "Have you spoken to her since",
    "Do you want to keep the job?",
    "How many people were on the ward?",
    "How long have you been there?",
    "When did that happen?",
    "Where are you moving to?",
    "Who told you about it?",
    "Which would you rather do, stay or go?",
    "Would you go back if they asked?",
    "I wonder whether you've talked to Sam about it.",
    "Have I got that right?",
    "Is there anything else?",
]
#: Reflections and statements: not questions.
NOT_A_QUESTION = [
    "You're up for the challenge?",
    "It's hard to know where to start, isn't it?",
    "So it was stressful, right?",
    "You felt let down?",
    "You're not sure it's worth it anymore, are you?",
    "So what I heard is that you moved to Leeds in March and it's been lonely.",
    "What I'm hearing is that the rota changed without anyone asking you.",
    "What you're saying is that it felt unfair.",
    "How I understand it, the money ran out in May.",
    "When you got there, the door was locked.",
    "What they did next was amazing.",
    "You found a new supplier in Bristol.",
    "It sounds like you've had enough.",
    "",
]


@pytest.mark.parametrize("text", OPEN)
def test_open_questions(text):
    assert classify_question(text) == "open"


@pytest.mark.parametrize("text", CLOSED)
def test_closed_questions(text):
    assert classify_question(text) == "closed"


@pytest.mark.parametrize("text", NOT_A_QUESTION)
def test_reflections_and_statements_are_not_questions(text):
    assert classify_question(text) is None


def test_the_question_is_found_after_a_summary_opener():
    summary = ("So what I heard is that you moved to Leeds in March and the job is harder "
               "than you expected. What has surprised you most?")
    [q] = find_questions(summary)
    assert q.text == "What has surprised you most?" and q.kind == "open"


def test_a_question_at_the_end_of_a_run_on_sentence_without_its_mark():
    summary = ("you moved teams in March and you had to learn all the new rules on your own "
               "and so what did your team think of the new rules")
    [q] = find_questions(summary)
    assert q.text == "what did your team think of the new rules" and q.kind == "open"

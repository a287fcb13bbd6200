"""Scoring behaviour pinned by hand-written speaker/summary pairs (none are in training)."""

import json
import subprocess
import sys

import pytest

from listen_coach.scoring import classify_question, match_points
from listen_coach.scoring.faithfulness import check
from listen_coach.scoring.feelings import feelings_in
from listen_coach.scoring.paraphrase import echo
from listen_coach.scoring.points import extract_points
from listen_coach.scoring.report import score_round

SPEAKER = (
    "Um, so last week was rough. Our biggest supplier in Leeds went bust on Monday, and we "
    "had to find a new one in three days. I stayed late three nights to sort out the orders. "
    "My colleague Amira took over my other clients so I could focus, which was really kind. "
    "I was honestly pretty anxious the whole time, because if the deliveries stop, the shop "
    "closes. In the end we found a supplier in Bristol, but they charge about ten percent more."
)


# -- coverage -----------------------------------------------------------------------

def test_contract_one_match_per_point_in_order():
    points = ["I had to cancel my holiday because of the audit.", "The audit found nothing."]
    matches = match_points(points, "You cancelled your holiday for the audit.")
    assert [m.point for m in matches] == points
    assert all(0.0 <= m.score <= 1.0 for m in matches)


def test_a_paraphrase_is_covered_with_its_evidence():
    [m] = match_points(["I had to cancel my holiday because of the audit."],
                       "So the audit meant you had to call off your holiday.")
    assert m.covered, m
    assert m.evidence and "holiday" in m.evidence


def test_a_points_score_does_not_depend_on_the_other_points():
    # The model runs one pair per call, on worker threads: neither the company a point
    # keeps nor the order it comes in may move its score.
    summary = "So the audit meant you had to call off your holiday, and Sam left the team."
    points = ["I had to cancel my holiday because of the audit.", "Sam resigned in May.",
              "The office is moving to Leeds.", "The van broke down on the motorway."]
    together = {m.point: m.score for m in match_points(points, summary)}
    backwards = {m.point: m.score for m in match_points(points[::-1], summary)}
    alone = {p: match_points([p], summary)[0].score for p in points}
    assert together == backwards == alone


def test_a_flipped_negation_is_not_covered():
    [m] = match_points(["My sister agreed to look after the kids."],
                       "Your sister didn't agree to look after the kids.")
    assert not m.covered and m.conflict == "negation"


def test_a_different_number_is_not_covered():
    [m] = match_points(["We raised five thousand pounds at the fair."],
                       "You raised fifteen thousand pounds at the fair.")
    assert not m.covered and m.conflict == "number"


@pytest.mark.parametrize(("said", "numbers"), [
    ("a one thirty-second pitch", ["30"]),
    ("two three people", ["2", "3"]),
    ("twenty-five people", ["25"]),
    ("four hundred thousand pounds", ["400000"]),
    ("sold a hundred and twenty thousand tickets", ["120000"]),
    ("it rose by a hundred and sixty euros", ["160"]),
    ("a thousand people", ["1000"]),
    ("two and three people", ["2", "3"]),
])
def test_number_words_make_numbers_only_in_number_order(said, numbers):
    from listen_coach.scoring.nlp import number_spans

    assert [n for *_, n in number_spans(said)] == numbers


def test_three_and_3_are_the_same():
    [m] = match_points(["I stayed late three nights."], "You worked late 3 nights.")
    assert m.covered and m.conflict is None


def test_a_feeling_in_other_words_is_the_same_feeling():
    from listen_coach.scoring.lexical import overlap

    ov = overlap("I was furious that the rent went up again.",
                 "You were angry that the rent went up again.")
    assert ov.recall == 1.0


def test_what_a_negated_apposition_contrasts_is_not_negated():
    # "not even a meeting" negates the meeting, not the email it is set against.
    said = "I heard about the layoffs from an email, not even a meeting. It was a shock."
    [m] = match_points([said.split(". ")[0] + "."], "You heard about the layoffs by email.")
    assert m.conflict is None
    assert check(said, "You heard about the layoffs by email.") == []


def test_something_unrelated_is_not_covered():
    [m] = match_points(["Our biggest supplier went bust on Monday."],
                       "You enjoy gardening at the weekend.")
    assert not m.covered and m.score < 0.3


# -- faithfulness ---------------------------------------------------------------------

def test_invented_and_distorted_statements_are_flagged():
    summary = ("Your supplier in Leeds went under, and you stayed late five nights. "
               "Your manager gave you a bonus for it.")
    issues = {i.kind: i for i in check(SPEAKER, summary)}
    assert "number" in issues and "five nights" in issues["number"].summary_text
    assert "three nights" in (issues["number"].speaker_text or "")
    assert "invented" in issues and "bonus" in issues["invented"].summary_text


def test_the_speaker_addressed_by_name_is_not_a_different_name():
    assert check(SPEAKER, "Sam, you stayed late three nights to sort out the orders.") == []


def test_an_elliptical_negative_agrees_with_what_was_said():
    said = "I promised to send the samples. And then I didn't. For six weeks."
    assert check(said, "You promised samples, but you didn't for about six weeks.") == []


def test_a_faithful_summary_has_no_issues():
    summary = ("Your main supplier in Leeds went bust, so you worked late to replace them "
               "and Amira covered your other clients.")
    assert check(SPEAKER, summary) == []


# -- questions ------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind", [
    ("What made the new supplier the right choice?", "open"),
    ("How did that feel", "open"),
    ("Could you tell me more about Amira?", "open"),
    ("I'm wondering how the shop is doing now.", "open"),
    ("Did you tell your manager?", "closed"),
    ("Is the new supplier reliable?", "closed"),
    ("So it was stressful, right?", None),  # a reflection (MITI 4.2.1)
    ("You found a new supplier in Bristol.", None),
    ("", None),
])
def test_open_and_closed_questions(text, kind):
    assert classify_question(text) == kind


@pytest.mark.parametrize("offer", ["How can I help?",
                                   "What kind of help would make the biggest difference?"])
def test_offer_of_help_is_recognised(offer):
    result = score_round(SPEAKER, f"Your supplier went bust and you found a new one. {offer}")
    assert result.question and result.question.offer_of_help


def test_question_pertinence():
    on = score_round(SPEAKER, "What will the ten percent price rise mean for the shop?")
    off = score_round(SPEAKER, "What football team do you support?")
    assert on.question.pertinent and not off.question.pertinent


def test_a_question_that_refers_back_is_on_topic():
    back = score_round(SPEAKER, "Your supplier went bust. What surprised you most about that?")
    assert back.question.pertinent


# -- paraphrase and feelings ----------------------------------------------------------

def test_parroting_is_detected():
    result = echo(SPEAKER, "I stayed late three nights to sort out the orders. My colleague "
                           "Amira took over my other clients so I could focus.")
    assert result.parroting and "stayed late three nights to sort out the orders" in result.runs[0]
    own = echo(SPEAKER, "A supplier collapsed and you scrambled to replace them.")
    assert not own.parroting


def test_feelings_named_and_reflected():
    reflected = score_round(SPEAKER, "That sounds like a really worrying week.")
    missed = score_round(SPEAKER, "Your supplier went bust and you found another one.")
    assert reflected.feelings.reflected and not missed.feelings.reflected
    assert "anxious" in missed.feelings.missed


@pytest.mark.parametrize(("said", "family"), [
    ("I have been feeling down lately.", "sad"),
    ("I do not want to let them down.", None),
    ("I sat down with my manager.", None),
    ("I felt lost in the first month.", "confused"),
    ("I lost my job in March.", None),
    ("I feel so alone at the moment.", "lonely"),
    ("I did the funding bids alone.", None),
    ("I felt ignored in that meeting.", "lonely"),
    ("I ignored the email for a week.", None),
    ("The money scares me.", "worried"),
    ("It really annoyed her.", "frustrated"),
])
def test_a_feeling_word_counts_only_in_its_feeling_sense(said, family):
    assert list(feelings_in(said)) == ([family] if family else []), feelings_in(said)


# -- points -----------------------------------------------------------------------------

def test_points_are_atomic_and_clean():
    points = [p.text for p in extract_points(SPEAKER, limit=10)]
    assert any("three nights" in p for p in points)
    assert not any(p.lower().startswith(("um", "so ")) for p in points)
    # "...went bust on Monday, and we had to find a new one" splits into two points.
    assert any("went bust" in p and "find a new one" not in p for p in points)
    tags = {t for p in extract_points(SPEAKER, limit=10) for t in p.tags}
    assert {"name", "number", "feeling"} <= tags


def test_two_verbs_of_one_clause_keep_their_and_when_another_clause_splits_off():
    points = [p.text for p in extract_points(
        "The physio comes twice a week and says he could walk by Easter, but he will not "
        "do the exercises.")]
    assert sorted(points) == sorted(["The physio comes twice a week and says he could walk "
                                     "by Easter", "He will not do the exercises"])


def test_because_clauses_and_there_is_split_but_conditions_are_not():
    points = [p.text for p in extract_points(
        "We started it two years ago with, like, six volunteers, and now there are nearly "
        "forty people. The council wants the land back because they are planning a car park. "
        "If I step back it will just fall apart.", limit=10)]
    assert "We started it two years ago with six volunteers" in points, points
    assert "There are nearly forty people" in points, points
    assert "The council wants the land back" in points, points
    assert "They are planning a car park" in points, points
    # A condition is not a fact: "it will fall apart" alone would say more than was said.
    assert any(p.startswith("If I step back") for p in points), points


def test_he_and_she_are_people_not_days_or_places():
    points = [p.text for p in extract_points(
        "We meet every Saturday in Leeds. The head teacher has not said yes yet, and I am "
        "worried she will not. Priya runs the stall, and she says it will work.", limit=10)]
    assert "I am worried she will not" in points
    assert "Priya says it will work" in points


def test_she_is_not_a_name_when_someone_unnamed_came_between():
    points = extract_points(
        "Marcus thinks we should move to the school field, but the head teacher has not "
        "said yes yet and I am worried she will not. By May we had raised four hundred pounds.",
        limit=10)
    texts = [p.text for p in points]
    assert "I am worried she will not" in texts, texts
    by_may = next(p for p in points if p.text.startswith("By May"))
    assert "number" in by_may.tags and "name" not in by_may.tags, by_may


def test_a_split_off_clause_leaves_no_dangling_conjunction():
    points = [p.text for p in extract_points(
        "We collected eight hundred signatures for the lighting, and that worked, so maybe "
        "it could work again.", limit=10)]
    assert not any(", and ," in p or " ," in p for p in points), points


def test_an_um_heard_as_i_am_is_not_a_point_of_the_speaker():
    # The demo talk as Whisper base writes it: "And, um, about six weeks before
    # that" came out as "And I'm about six weeks before that".
    points = [p.text for p in extract_points(
        "And I'm about six weeks before that, our lead developer, Nadia, left for another "
        "job. I'm at the station, the train left without me. I'm sure, he left the keys "
        "on the bus.", limit=10)]
    assert "About six weeks before that, our lead developer, Nadia, left for another job." \
        in points, points
    # A place or a state of the speaker is something they said of themselves.
    assert any(p.startswith("I am at the station") for p in points), points
    assert any(p.startswith("I am sure") for p in points), points


# -- the report -------------------------------------------------------------------------

def test_a_good_summary_beats_a_poor_one():
    good = score_round(SPEAKER, (
        "So your main supplier in Leeds went bust and you had three days to replace them. "
        "You stayed late three nights, Amira took your other clients, and you were anxious "
        "because the shop depends on deliveries. You found one in Bristol, ten percent "
        "dearer. How are you feeling about the extra cost?"), speaker_name="Sam")
    poor = score_round(SPEAKER, "You had a busy week at work. Did it go okay?",
                       speaker_name="Sam")
    assert good.overall >= poor.overall + 30
    assert good.covered > poor.covered
    assert 2 <= len(poor.tips) <= 4 and 2 <= len(good.tips) <= 4


def test_tips_quote_the_round():
    result = score_round(SPEAKER, "You had a busy week. Did it go okay?", speaker_name="Sam")
    text = " ".join(result.tips)
    assert "Sam" in text
    assert any(word in text for word in ("supplier", "Leeds", "three nights", "Amira",
                                         "Bristol", "anxious"))
    assert "“Did it go okay?”" in text  # the closed question, quoted


def test_a_quoted_point_inside_a_tip_starts_in_lower_case():
    result = score_round("The boiler broke on the coldest night of the year. I had to take two "
                         "days off work to wait for the engineer.",
                         "You took two days off work to wait for the engineer.")
    assert "You missed that the boiler broke on the coldest night of the year." in result.tips


def test_round_with_annotated_points_uses_them():
    result = score_round(SPEAKER, "Your supplier failed.", points=["A supplier failed.",
                                                                   "Costs went up."])
    assert [p.match.point for p in result.points] == ["A supplier failed.", "Costs went up."]


# -- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize("summary, phrase", [
    ("", "empty"),
    ("Um, uh, you know, hmm.", "only fillers"),
    ("Tu proveedor quebró y encontraste otro en Bristol, pero cuesta un diez por ciento más.",
     "not look like English"),
])
def test_bad_summaries_score_low_with_an_explanation(summary, phrase):
    result = score_round(SPEAKER, summary)
    assert result.overall <= 20
    assert any(phrase in n for n in result.notes)
    assert any(phrase in t for t in result.tips)


def test_ten_thousand_word_transcript():
    long_talk = " ".join([SPEAKER] * 120)  # ~10,000 words
    result = score_round(long_talk, "Your supplier went bust and you stayed late.")
    assert result.notes and "were scored" in result.notes[0]
    assert 0 <= result.overall <= 100


def test_cli_score_text_files_and_non_utf8(tmp_path):
    cp1252 = SPEAKER.encode("cp1252") + b" Caf\xe9 owners \x93too\x94."
    (tmp_path / "speaker.txt").write_bytes(cp1252)
    (tmp_path / "summary.txt").write_text("Your supplier went bust. What happens next?")
    proc = subprocess.run(
        [sys.executable, "-m", "listen_coach", "score", "--speaker",
         str(tmp_path / "speaker.txt"), "--summary", str(tmp_path / "summary.txt"), "--json"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert 0 <= data["overall"] <= 100 and data["question"]["kind"] == "open"
    assert any("not UTF-8" in n for n in data["input_notes"])


def test_cli_score_never_prints_control_characters(tmp_path):
    (tmp_path / "speaker.txt").write_text(SPEAKER + " \x1b[2J\x07 Bye\x00 now.")
    (tmp_path / "summary.txt").write_text("Your supplier \x1b]0;owned\x07went bust. What now?")
    (tmp_path / "folder").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "listen_coach", "score", "--speaker",
         str(tmp_path / "speaker.txt"), "--summary", str(tmp_path / "summary.txt")],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for char in ("\x1b", "\x07", "\x00"):
        assert char not in proc.stdout and char not in proc.stderr
    assert "control characters" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "listen_coach", "score", "--speaker", str(tmp_path / "folder"),
         "--summary", str(tmp_path / "summary.txt")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "is a folder" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_score_missing_file_is_one_sentence(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "listen_coach", "score", "--speaker", str(tmp_path / "x.txt"),
         "--summary", str(tmp_path / "y.txt")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "No such file" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_damaged_point_scorer_is_one_sentence(tmp_path):
    import os
    import shutil

    from listen_coach.models import models_dir

    shutil.copytree(models_dir() / "point-scorer", tmp_path / "point-scorer")
    with open(tmp_path / "point-scorer" / "model.onnx", "r+b") as fh:
        fh.seek(1000)
        fh.write(b"\0" * 64)
    (tmp_path / "a.txt").write_text(SPEAKER)
    (tmp_path / "b.txt").write_text("Your supplier went bust.")
    proc = subprocess.run(
        [sys.executable, "-m", "listen_coach", "score", "--speaker", str(tmp_path / "a.txt"),
         "--summary", str(tmp_path / "b.txt")], capture_output=True, text=True, timeout=120,
        env={**os.environ, "LISTEN_COACH_MODELS": str(tmp_path)})
    assert proc.returncode == 2, proc.stdout
    assert "point-scorer" in proc.stderr and "corrupted" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("said, family", [
    ("I was scared they would be furious.", "worried"),
    ("My boss was furious, and honestly I was relieved.", "happy"),
    ("It made me furious.", "frustrated"),
    ("It scares me.", "worried"),
])
def test_only_the_speakers_own_feelings_count(said, family):
    from listen_coach.scoring.feelings import feelings_in

    assert list(feelings_in(said, own=True)) == [family]


@pytest.mark.parametrize("said", ["She was so scared.", "That annoyed her.",
                                  "The museum would be furious with us.", "He was fed up."])
def test_someone_elses_feeling_is_not_the_speakers(said):
    from listen_coach.scoring.feelings import feelings_in

    assert feelings_in(said, own=True) == {}
    assert feelings_in(said)  # still a feeling, for a summary that names it


@pytest.mark.parametrize("word, phrase", [
    ("furious", "you felt furious"), ("frightening", "that sounds frightening"),
    ("panic", "that sounds like real panic"), ("scares", "you felt scared"),
    ("let down", "you felt let down")])
def test_a_suggested_reflection_is_grammatical(word, phrase):
    from listen_coach.scoring.feelings import suggested_phrase

    assert suggested_phrase(word) == phrase


def test_points_are_few_clean_and_most_salient_first():
    from listen_coach.scoring.points import MAX_POINTS

    talk = ("So yeah. Last Friday MAM told me she passed her first exam. Yes, eventually. "
            "Our lead developer Nadia left for another job in March. Nadia left for another "
            "job. I was honestly panicking for a few days because nobody else knew the "
            "booking system. ") * 3
    points = extract_points(talk)
    texts = [p.text for p in points]
    assert len(points) <= MAX_POINTS
    assert not any(t.startswith("Yes") for t in texts), texts  # a bare answer is no point
    assert sum("left for another job" in t for t in texts) == 1, texts  # said again: once
    assert not any("MAM passed" in t for t in texts), texts  # "she" is not a guess in capitals
    assert [p.weight for p in points] == sorted((p.weight for p in points), reverse=True)
    short = extract_points("I moved to Leeds in March. The rent is twice what I paid before. "
                           "My sister helps with the children. I miss my friends a lot.")
    assert 3 <= len(short) <= 4

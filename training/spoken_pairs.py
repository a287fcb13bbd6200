"""Spoken-style (point, summary, label) pairs written for this project.

REALSumm is news written by machines; a listener's summary is spoken paraphrase.
These pairs teach the scorer what a paraphrase sounds like and what changes
meaning: negation, a different number or name, who did what to whom. Each point
is paired with a summary that carries it in other words (1) and with one or more
that distort it (0). None of these texts appear in the tests or exercises.
"""

from __future__ import annotations

# (point, [covering summaries], [distorting or unrelated summaries])
GROUPS: list[tuple[str, list[str], list[str]]] = [
    ("I stayed late three nights this week to fix the release.",
     ["So you've been working late, three evenings this week, sorting out the release.",
      "You put in three late nights this week on the release."],
     ["So you stayed late two nights this week on the release.",
      "You didn't have to stay late at all this week.",
      "You left early every night this week."]),
    ("My manager never asked how I was doing.",
     ["It sounds like your manager didn't check in on how you were.",
      "Your boss never once asked how you were feeling."],
     ["Your manager asked you every day how you were doing.",
      "You never asked your manager how he was doing."]),
    ("The client cancelled the contract after the second delay.",
     ["After the project slipped a second time, the client pulled out of the deal.",
      "So the customer ended the contract once it was delayed again."],
     ["The client signed a new contract after the delay.",
      "You cancelled the contract with the client after the first delay.",
      "The client was happy with how the project went."]),
    ("Priya helped me prepare for the interview.",
     ["Priya helped you get ready for the interview.",
      "So your colleague Priya coached you before the interview."],
     ["You helped Priya prepare for her interview.",
      "Maria helped you prepare for the interview.",
      "Nobody helped you prepare for the interview."]),
    ("We moved the launch from March to June.",
     ["The launch got pushed back from March to June.",
      "So you delayed launching until June instead of March."],
     ["You moved the launch from June to March.",
      "The launch is still happening in March.",
      "You moved the launch to September."]),
    ("I want to switch from accounting to teaching.",
     ["You're hoping to leave accounting and become a teacher.",
      "So you'd like to change careers, out of accounting and into teaching."],
     ["You want to move from teaching into accounting.",
      "You're happy staying in accounting.",
      "You want to start your own accounting firm."]),
    ("The team has grown to twelve people.",
     ["Your team is now twelve people.", "There are 12 people on the team now."],
     ["Your team has shrunk to twelve people.", "Your team has grown to twenty people.",
      "Your team is just you and one other person."]),
    ("I felt embarrassed when the demo crashed in front of the board.",
     ["It was embarrassing for you when the demo broke down in front of the board.",
      "You felt humiliated when the demo failed while the board was watching."],
     ["You felt proud when the demo went well in front of the board.",
      "The demo crashed but you didn't mind at all.",
      "The board crashed your demo on purpose."]),
    ("Nobody from that neighbourhood has ever applied to our programme.",
     ["No one from that area has ever put in an application to your programme.",
      "You've never had a single applicant from that neighbourhood."],
     ["Lots of people from that neighbourhood apply to your programme.",
      "Only a few people from that neighbourhood have applied."]),
    ("My mentor told me to ask people about themselves before pitching.",
     ["Your mentor's advice was to ask about the other person first, before you pitch.",
      "You were told by your mentor to find out about people before selling to them."],
     ["Your mentor told you to pitch straight away.",
      "You told your mentor to ask people about themselves.",
      "Your mentor told you to stop networking."]),
    ("The customer waited two weeks for a call back.",
     ["The customer was left waiting a fortnight for someone to call back.",
      "It took two weeks before anyone returned the customer's call."],
     ["The customer got a call back the same day.",
      "The customer waited two months for a call back.",
      "You waited two weeks for the customer to call you."]),
    ("She got promoted to head of design.",
     ["She's been made head of design.", "Your colleague was promoted to lead design."],
     ["She was passed over for head of design.", "She got promoted to head of sales.",
      "You got promoted to head of design."]),
    ("We lost our biggest client last spring.",
     ["Last spring your largest customer left you.",
      "You lost your most important client in the spring."],
     ["You won your biggest client last spring.",
      "You lost a small client last spring.",
      "You lost your biggest client last autumn."]),
    ("I couldn't sleep because I was worried about the budget.",
     ["Worry about the budget was keeping you awake.",
      "You were losing sleep over the budget."],
     ["You slept fine despite the budget.",
      "You were worried about your health, not the budget.",
      "The budget made you sleepy."]),
    ("The workshop is only open to people over eighteen.",
     ["Only adults over 18 can join the workshop.",
      "You have to be older than eighteen to attend the workshop."],
     ["The workshop is only for people under eighteen.",
      "Anyone of any age can come to the workshop."]),
    ("Our volunteers drove the food boxes to forty families.",
     ["The volunteers delivered food boxes to 40 families.",
      "So forty families got food boxes, driven over by your volunteers."],
     ["The volunteers drove food boxes to fourteen families.",
      "Forty families drove to collect the food boxes themselves.",
      "The volunteers couldn't deliver any food boxes."]),
]


def pairs() -> list[tuple[str, str, int]]:
    out = []
    for point, good, bad in GROUPS:
        out += [(point, s, 1) for s in good]
        out += [(point, s, 0) for s in bad]
    return out

"""Made-up improvement communities and conversations for the demo platform."""

# (name, purpose, learning question, visibility, listed)
COMMUNITIES = (
    ("Discharge before midday", "Get patients home earlier in the day, safely.",
     "What helps wards discharge patients before midday without raising readmissions?",
     "open", False),
    ("Waiting list validation", "Keep elective waiting lists accurate and fair.",
     "How do we validate long waiting lists with patients without overwhelming admin teams?",
     "open", False),
    ("Falls prevention network", "Fewer falls and fewer injuries from falls, in hospital and home.",
     "Which falls interventions still work once the project team has moved on?",
     "open", False),
    ("Medicines safety at transfer", "Safer medicines when patients move between care settings.",
     "How do we make medicines reconciliation reliable within 24 hours of admission?",
     "open", False),
    ("Staff wellbeing champions", "Improve how it feels to work here, measured and shared.",
     "Which small changes make a measurable difference to staff wellbeing?",
     "open", False),
    ("SPC practitioners", "Help each other read and present data with statistical process control.",
     "How do we get boards to act on SPC charts rather than red-amber-green ratings?",
     "open", False),
    ("Frailty virtual wards", "Run virtual wards that keep frail people safely at home.",
     "What caseload and staffing make a frailty virtual ward safe and sustainable?",
     "open", False),
    ("Primary care access collaborative", "Better GP access for those most in need.",
     "What does good triage look like for patients who do not use online forms?",
     "open", False),
    ("Quality improvement leads' circle", "A confidential space for QI leads to share what's hard.",
     "How do we build improvement capability when teams have no time?",
     "private", True),
    ("Maternity safety learning group", "Share learning from maternity incidents across trusts.",
     "What stops learning from incidents spreading between maternity units?",
     "private", True),
    ("Mental health crisis pathway redesign", "Redesign crisis care with people who use it.",
     "How do we co-design crisis pathways with people with lived experience?",
     "private", False),
    ("Health inequalities in elective care", "Close the gaps in who waits longest.",
     "How do we use waiting list data to find and act on inequalities?",
     "open", False),
)  # fmt: skip

# For each community, conversations: (title, opening post, [replies]).
GENERIC_REPLIES = (
    "We tried something similar last year. The biggest lesson was to start with one ward and "
    "agree the measure before changing anything: otherwise you can't tell what helped.",
    "This matches our experience. We ran three PDSA cycles and only the third stuck, once we "
    "moved the huddle to 9:15 when the consultant was actually free.",
    "Could you share your run chart? I'd like to see whether the change shows as a shift or "
    "is still within common cause variation.",
    "Our data team built a simple dashboard that updates daily. Happy to share the "
    "operational definitions we used if that helps.",
    "One thing to watch: when we stopped the weekly review meeting, the gains faded within "
    "two months. Sustaining needed a named owner.",
    "We involved patients from the start through experience-based co-design. It took longer "
    "but the changes they suggested were the ones staff kept.",
    "Agree with the above. I'd add: make the new way the easiest way. Paper forms that "
    "nobody had to fill in beat a new IT system nobody opened.",
    "Thanks, this is really useful. We are starting next month and will report back here.",
)

CONVERSATIONS = {
    "Discharge before midday": (
        (
            "Criteria-led discharge: who signs it off?",
            "We want nurses to discharge against criteria set on the ward round. Our consultants "
            "are supportive but worried about accountability. "
            "**How have others handled sign-off?**",
        ),
        (
            "Discharge lounge use dropped after we moved it",
            "Since the lounge moved to the ground floor, use has halved. Porters say it's the lift "
            "queue. Has anyone measured the effect of lounge location?",
        ),
        (
            "Our SAFER bundle results after six months",
            "Median time of discharge moved from 15:40 to 13:10 on two wards. Notes below:\n\n"
            "- board round at 9:00, strictly 15 minutes\n- TTOs written the day before\n"
            "- transport booked at the board round",
        ),
    ),
    "Falls prevention network": (
        (
            "Lying and standing blood pressure compliance",
            "Our audit shows lying and standing BP done for 38% of over-65s. What moved the needle "
            "for you?",
        ),
        (
            "Bay nursing for patients at high risk of falls",
            "We are testing cohorting high-risk patients in one bay with a dedicated HCA. Early "
            "days: falls down, but staff say it's hard to staff at night.",
        ),
    ),
    "SPC practitioners": (
        (
            "Presenting SPC to the board for the first time",
            "Our board is used to RAG ratings. Next month we show SPC charts for the first time. "
            "Any tips on how to explain common and special cause variation in five minutes?",
        ),
        (
            "When should we re-baseline?",
            "We had a clear shift after a change in triage. Do we recalculate the limits now, or "
            "wait for more points?",
        ),
    ),
    "Waiting list validation": (
        (
            "Text message validation: response rates",
            "We sent 4,000 validation texts. 61% replied, 9% no longer needed their appointment. "
            "How did others reach people who don't reply to texts?",
        ),
    ),
    "Medicines safety at transfer": (
        (
            "Pharmacy technicians in ED",
            "We placed a pharmacy technician in ED from 8 till 8. Reconciliation within 24 hours "
            "went from 54% to 81%. Business case attached on request.",
        ),
    ),
    "Staff wellbeing champions": (
        (
            "Rest spaces that staff actually use",
            "We opened a rest room that nobody used. It turned out it was too far from the wards. "
            "What made your rest spaces work?",
        ),
    ),
    "Frailty virtual wards": (
        (
            "Safe caseload per clinician",
            "We cap at 12 patients per advanced practitioner per day. Is that in line with others?",
        ),
    ),
    "Primary care access collaborative": (
        (
            "Telephone triage for patients who can't use online forms",
            "We kept a ring-fenced telephone line for patients flagged as digitally excluded. "
            "Demand was lower than feared. Has anyone evaluated this with patients?",
        ),
    ),
    "Quality improvement leads' circle": (
        (
            "Protecting time for improvement",
            "Our teams have no time for QI. One idea: a monthly 'improvement half-day' with "
            "cover. Has anyone made this work?",
        ),
    ),
    "Maternity safety learning group": (
        (
            "Sharing learning from PSII reviews",
            "How are others sharing learning from patient safety incident investigations beyond "
            "the unit where they happened?",
        ),
    ),
    "Mental health crisis pathway redesign": (
        (
            "Recruiting people with lived experience",
            "We want to pay people with lived experience for co-design sessions. How did you "
            "handle payments and support?",
        ),
    ),
    "Health inequalities in elective care": (
        (
            "Waiting times by deprivation decile",
            "We split our waiting list by IMD decile. The most deprived wait 3 weeks longer for "
            "hip replacements. Has anyone acted on this kind of finding?",
        ),
    ),
}

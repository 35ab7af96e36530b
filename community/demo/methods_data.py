"""Made-up improvement methods and adaptations for the demo platform.

Every method is a dict with: title, approaches (tag slugs), impacts (1–5),
settings (care settings), summary, the five sections, and optionally
free_tags, community (a demo community's name) and edits (later changes
that become revisions). Adaptations add parent (the title adapted), context
and, sometimes, results_later (results added after publishing).
"""

ORIGINALS = (
    {
        "title": "SAFER board rounds",
        "approaches": ("lean", "process-mapping"),
        "impacts": (5,),
        "settings": ("acute",),
        "free_tags": "discharge, board rounds",
        "summary": "A short, structured board round every morning so that each patient has a "
        "plan, an expected discharge date and one action that moves them on today.",
        "when_to_use": "When patients wait on the ward for decisions, tests or transport, and "
        "discharges cluster late in the afternoon.",
        "how_to": "1. Meet at the same time every morning, standing, for no more than 15 "
        "minutes.\n2. For each patient ask: what are we waiting for, and who will do it today?\n"
        "3. Set or confirm the expected date of discharge.\n4. Write one action per patient on "
        "the board, with a name.\n5. Check the actions at a short afternoon huddle.",
        "what_you_need": "- The nurse in charge, a senior doctor, a therapist and a discharge "
        "coordinator\n- An electronic or paper board everyone can see\n- 15 minutes protected "
        "every morning",
        "evidence": "On two medical wards the median time of discharge moved from 15:40 to "
        "13:10 over three months, with no change in readmissions.",
        "pitfalls": "- Board rounds that turn into ward rounds: keep them to 15 minutes\n"
        "- Actions without a name next to them do not happen",
        "edits": (
            {
                "note": "Added a weekend pitfall",
                "pitfalls": "- Board rounds that turn into ward rounds: keep them to 15 minutes\n"
                "- Actions without a name next to them do not happen\n- Weekend board rounds "
                "fall away unless a named senior leads them",
            },
        ),
    },
    {
        "title": "PDSA cycles for ward teams",
        "approaches": ("model-for-improvement-pdsa",),
        "impacts": (4,),
        "settings": ("acute", "community"),
        "summary": "Small, fast tests of change that a ward team plans on Monday, runs for a "
        "few days and studies on Friday, so ideas are tried before they are rolled out.",
        "when_to_use": "When a team has an idea but is unsure whether it will work here, or "
        "when a change has failed before at scale.",
        "how_to": "1. Agree the aim and one measure you can count daily.\n2. **Plan**: write "
        "what you will change, who, when, and what you predict.\n3. **Do**: try it on one shift "
        "or with one patient.\n4. **Study**: compare what happened with your prediction.\n"
        "5. **Act**: adopt, adapt or abandon, then plan the next cycle.",
        "what_you_need": "A one-page PDSA form, a run chart on the wall and 20 minutes a week.",
        "evidence": "Teams that ran at least five cycles in eight weeks were more likely to "
        "sustain the change at six months.",
        "pitfalls": "Testing too big a change first; skipping the prediction, which is what "
        "makes the Study step a learning step.",
    },
    {
        "title": "Driver diagram workshop",
        "approaches": ("driver-diagrams", "model-for-improvement-pdsa"),
        "impacts": (1, 4),
        "settings": ("acute", "mental_health", "community", "primary_care"),
        "summary": "A two-hour workshop in which a team agrees its aim, the primary and "
        "secondary drivers of it, and the change ideas worth testing first.",
        "when_to_use": "At the start of a project, or when a project has too many ideas and no "
        "shared view of which matter most.",
        "how_to": "1. Write the aim at the left of a long sheet: how much, by when.\n2. Ask "
        "'what has to be true for this to happen?' to find 3–5 primary drivers.\n3. Break each "
        "into secondary drivers.\n4. List change ideas against each secondary driver.\n5. Vote on "
        "the ideas to test first.",
        "what_you_need": "A facilitator, the whole team including patients where possible, a "
        "roll of paper and sticky notes.",
        "evidence": "Used to launch 14 projects in our trust's improvement programme.",
        "pitfalls": "Aims without a number or a date; drivers that are really change ideas.",
    },
    {
        "title": "Run charts for ward dashboards",
        "approaches": ("statistical-process-control",),
        "impacts": (5,),
        "settings": ("acute", "mental_health"),
        "summary": "Replacing monthly red-amber-green tables with run charts of daily data, so "
        "teams can see whether a change made a difference.",
        "when_to_use": "When a dashboard shows this month against last month and people react "
        "to every change.",
        "how_to": "1. Plot at least 20 data points in time order.\n2. Draw the median.\n3. Apply "
        "the run chart rules: a shift of 6 points, a trend of 5, too few or too many runs, an "
        "astronomical point.\n4. Annotate the chart with the changes you made.",
        "what_you_need": "Daily or weekly data, a spreadsheet template and someone to own it.",
        "evidence": "",
        "pitfalls": "Fewer than 20 points; recalculating the median every month.",
        "edits": (
            {
                "note": "Added results from the pilot wards",
                "evidence": "On six wards, meetings spent less time debating single months and "
                "more time on changes that shifted the median.",
            },
        ),
    },
    {
        "title": "Making data count at board",
        "approaches": ("statistical-process-control",),
        "impacts": (3, 5),
        "settings": ("acute", "mental_health", "community", "ambulance"),
        "community": "SPC practitioners",
        "summary": "Presenting the board's integrated performance report as SPC charts with "
        "icons for variation and assurance, so discussion goes to what needs action.",
        "when_to_use": "When board papers are long tables of red-amber-green ratings and the "
        "same items are discussed every month.",
        "how_to": "1. Choose 20–30 measures.\n2. Produce XmR charts with at least 15 points.\n"
        "3. Add variation and assurance icons.\n4. Summarise: which measures show special cause, "
        "and which will not meet target without change.",
        "what_you_need": "An analyst, the NHS Making Data Count tools and a board development "
        "session.",
        "evidence": "Board time spent on performance fell by a third; questions moved to "
        "measures with special cause variation.",
        "pitfalls": "Targets drawn as if they were control limits.",
    },
    {
        "title": "Experience-based co-design of a crisis pathway",
        "approaches": ("experience-based-co-design",),
        "impacts": (1, 2),
        "settings": ("mental_health",),
        "summary": "Redesigning a mental health crisis pathway together with people who have "
        "used it, their families and staff, starting from filmed stories.",
        "when_to_use": "When a pathway works on paper but people who use it describe it very "
        "differently from staff.",
        "how_to": "1. Interview staff and film 8–12 patient and carer stories.\n2. Find the "
        "touchpoints that carry the most emotion.\n3. Hold a joint event to watch the film.\n"
        "4. Form small co-design groups on the priority touchpoints.\n5. Test changes with the "
        "same groups.",
        "what_you_need": "A facilitator, payment for participants' time, a filmmaker or a good "
        "phone, and six months.",
        "evidence": "Co-designed changes included a single crisis phone number and a "
        "follow-up call within 24 hours.",
        "pitfalls": "Asking people to share their story without support afterwards.",
    },
    {
        "title": "5 whys after a patient safety incident",
        "approaches": ("5-whys", "human-factors"),
        "impacts": (2, 5),
        "settings": ("acute", "ambulance"),
        "summary": "A facilitated conversation with the people involved that asks why, five "
        "times, to move from what happened to the system conditions that made it likely.",
        "when_to_use": "For a learning response to a single incident where the sequence of "
        "events is clear.",
        "how_to": "1. Bring together the people involved within a week.\n2. Agree the problem "
        "statement.\n3. Ask why it happened, and why that happened, at least five times.\n4. Stop "
        "at conditions you can change, not at a person.\n5. Agree one or two actions with owners.",
        "what_you_need": "A trained facilitator and a quiet room for an hour.",
        "evidence": "",
        "pitfalls": "Stopping at 'human error'; one linear chain when there were several causes.",
    },
    {
        "title": "Process mapping a discharge pathway",
        "approaches": ("process-mapping", "lean"),
        "impacts": (5,),
        "settings": ("acute", "social_care"),
        "summary": "Mapping every step of discharge with the people who do them, to find the "
        "waits, loops and hand-offs that delay patients.",
        "when_to_use": "When delays happen between teams and no one person can see the whole "
        "pathway.",
        "how_to": "1. Walk the pathway with one patient's notes.\n2. Map each step on brown paper "
        "with the people who do it.\n3. Mark waits and rework in red.\n4. Agree the future state.\n"
        "5. Test the biggest change first.",
        "what_you_need": "Brown paper, sticky notes, half a day and someone from every team.",
        "evidence": "Removed 11 of 47 steps; medicines to take home were ready two hours sooner.",
        "pitfalls": "Mapping how the process should work instead of how it does.",
    },
    {
        "title": "Demand and capacity for outpatient clinics",
        "approaches": ("demand-and-capacity",),
        "impacts": (5,),
        "settings": ("acute",),
        "summary": "Measuring weekly demand, capacity, activity and backlog for a clinic so "
        "that waiting lists are planned rather than firefought.",
        "when_to_use": "When a waiting list grows even though the clinic seems busy.",
        "how_to": "1. Collect 12 weeks of referrals, slots, attendances and backlog.\n2. Plot "
        "them together.\n3. Compare the 80th percentile of demand with average capacity.\n4. "
        "Adjust the template and plan for variation.",
        "what_you_need": "Referral and booking data, an analyst and the clinic lead.",
        "evidence": "Two specialties stopped their waiting lists growing within a quarter.",
        "pitfalls": "Using average demand, which guarantees a queue.",
    },
    {
        "title": "Safety huddles",
        "approaches": ("human-factors", "lean"),
        "impacts": (2, 3),
        "settings": ("acute", "community", "mental_health"),
        "free_tags": "huddles",
        "summary": "A five-minute stand-up at the start of each shift where the team names the "
        "patients at most risk today and what they will do about it.",
        "when_to_use": "To reduce harms such as falls or pressure ulcers, and to build a habit "
        "of talking about risk.",
        "how_to": "1. Same time, same place, every shift.\n2. Ask: who is at risk today, and of "
        "what?\n3. Agree actions.\n4. Count days since the last harm on a safety cross.",
        "what_you_need": "A safety cross, a huddle leader on every shift and five minutes.",
        "evidence": "Falls with harm fell by 40% on the first four wards over a year.",
        "pitfalls": "Huddles that become handovers; skipping them when the ward is busy, which "
        "is when they matter most.",
    },
    {
        "title": "QSIR improvement coaching programme",
        "approaches": ("qsir",),
        "impacts": (4,),
        "settings": (
            "acute",
            "mental_health",
            "community",
            "primary_care",
            "social_care",
            "ambulance",
        ),
        "community": "Quality improvement leads' circle",
        "summary": "A five-day QSIR practitioner course followed by six months of coaching on "
        "a real project, so staff learn improvement by doing it.",
        "when_to_use": "When an organisation wants improvement capability spread beyond a "
        "central team.",
        "how_to": "1. Recruit cohorts of 20 with a sponsor each.\n2. Each participant brings a "
        "project.\n3. Run the five QSIR days over ten weeks.\n4. Pair each participant with a "
        "coach for monthly sessions.\n5. Celebrate at a showcase.",
        "what_you_need": "Two accredited QSIR faculty, rooms, and protected time for participants.",
        "evidence": "Of 120 participants, 84 completed a project; 30 went on to coach others.",
        "pitfalls": "Projects chosen for participants rather than by them.",
    },
    {
        "title": "5S for clinical stock rooms",
        "approaches": ("lean",),
        "impacts": (5,),
        "settings": ("acute", "community"),
        "summary": "Sort, set in order, shine, standardise and sustain the ward stock room, so "
        "nurses stop searching for equipment.",
        "when_to_use": "When staff spend time looking for stock or stock goes out of date.",
        "how_to": "1. **Sort**: remove what is not used.\n2. **Set in order**: a place for "
        "everything, labelled.\n3. **Shine**: clean it.\n4. **Standardise**: top-up levels on "
        "labels.\n5. **Sustain**: a weekly check with a named owner.",
        "what_you_need": "A morning, labels, and the materials management team.",
        "evidence": "Time spent looking for equipment fell from 22 to 6 minutes a shift.",
        "pitfalls": "Doing it once without the weekly check.",
    },
    {
        "title": "Telephone triage for patients who do not use online forms",
        "approaches": ("model-for-improvement-pdsa", "demand-and-capacity"),
        "impacts": (5,),
        "settings": ("primary_care",),
        "demo_member": True,
        "summary": "A ring-fenced telephone line, staffed by a trained care navigator, so "
        "patients who cannot use online forms get the same triage as those who can.",
        "when_to_use": "After a practice moves to online triage and calls from some groups fall.",
        "how_to": "1. Identify patients flagged as digitally excluded.\n2. Give them a direct "
        "number.\n3. The navigator completes the online form with them.\n4. Review demand "
        "weekly.",
        "what_you_need": "A care navigator for the morning peak and a protected line.",
        "evidence": "Demand was lower than feared: about 30 calls a day in a practice of 12,000.",
        "pitfalls": "Not telling patients the number exists.",
    },
    {
        "title": "Theory of constraints for theatre flow",
        "approaches": ("theory-of-constraints",),
        "impacts": (5,),
        "settings": ("acute",),
        "summary": "Finding the one step that limits how many operations a theatre suite can "
        "do, and organising everything else around it.",
        "when_to_use": "When theatres start late, overrun and cancel, and every team blames "
        "another.",
        "how_to": "1. Identify the constraint (often the anaesthetic room or recovery).\n2. "
        "Exploit it: never let it stand idle.\n3. Subordinate other steps to it.\n4. Elevate it "
        "if still needed.\n5. Repeat.",
        "what_you_need": "A week of timed data for every case and the theatre management team.",
        "evidence": "Two extra cases a week per list, without extra sessions.",
        "pitfalls": "Improving steps that are not the constraint, which changes nothing.",
    },
    {
        "title": "Six Sigma for laboratory turnaround",
        "approaches": ("six-sigma", "statistical-process-control"),
        "impacts": (5,),
        "settings": ("acute",),
        "summary": "Using DMAIC and control charts to reduce variation in the time from sample "
        "to result for urgent blood tests.",
        "when_to_use": "When the average turnaround is fine but the slowest results harm patients.",
        "how_to": "1. **Define** the target.\n2. **Measure** every stage.\n3. **Analyse** the "
        "causes of long waits.\n4. **Improve** the largest.\n5. **Control** with an SPC chart.",
        "what_you_need": "Timestamp data from the laboratory system and a green belt.",
        "evidence": "The 95th percentile fell from 118 to 71 minutes.",
        "pitfalls": "Averages that hide the tail.",
    },
    {
        "title": "Falls prevention bundle with lying and standing blood pressure",
        "approaches": ("model-for-improvement-pdsa",),
        "impacts": (2,),
        "settings": ("acute", "hospice_palliative"),
        "community": "Falls prevention network",
        "summary": "A bundle of five checks for every patient over 65 on admission, led by "
        "the measurement of lying and standing blood pressure.",
        "when_to_use": "On wards with many older patients and a rising rate of falls.",
        "how_to": "1. Lying and standing BP within 24 hours.\n2. Medication review.\n3. "
        "Continence plan.\n4. Footwear and walking aid check.\n5. Bed rails assessment.",
        "what_you_need": "A sphygmomanometer on every bay and a checklist in the admission "
        "document.",
        "evidence": "Compliance rose from 38% to 82%; falls per 1,000 bed days fell from 7.1 "
        "to 5.2.",
        "pitfalls": "Doing the checks without acting on a postural drop.",
    },
    {
        "title": "Improvement huddles for care homes",
        "approaches": ("model-for-improvement-pdsa", "human-factors"),
        "impacts": (2, 4),
        "settings": ("social_care",),
        "summary": "A weekly 20-minute huddle in a care home where staff pick one thing to "
        "improve and test it that week.",
        "when_to_use": "When care home staff have ideas but no time or permission to try them.",
        "how_to": "1. The manager sets a regular slot.\n2. One idea per week, chosen by staff.\n"
        "3. Test it on one unit.\n4. Share what happened next week.",
        "what_you_need": "A manager who protects the time, and a wall for ideas.",
        "evidence": "",
        "pitfalls": "Ideas chosen by the manager alone.",
    },
    {
        "title": "Human factors walk-through of medicines rounds",
        "approaches": ("human-factors",),
        "impacts": (5,),
        "settings": ("acute", "hospice_palliative"),
        "summary": "Walking through a medicines round with a human factors lens to find "
        "interruptions, workarounds and design traps.",
        "when_to_use": "When medicines errors recur and training has not helped.",
        "how_to": "1. Shadow two rounds.\n2. Note every interruption and workaround.\n3. Sort "
        "them with the SEIPS model.\n4. Redesign one thing: the trolley, the chart, or the "
        "timing.",
        "what_you_need": "A human factors practitioner and a willing ward.",
        "evidence": "Interruptions per round fell from 14 to 5 after 'do not disturb' tabards "
        "and a redesigned trolley.",
        "pitfalls": "Tabards alone, without changing why people interrupt.",
    },
)

ADAPTATIONS = (
    {
        "parent": "SAFER board rounds",
        "title": "Board rounds for community hospital wards",
        "approaches": ("lean",),
        "impacts": (5,),
        "settings": ("community",),
        "context": {
            "care_setting": "community",
            "population": "Adults recovering after an acute admission",
            "organisation_type": "community_provider",
            "scale": "service",
            "what_changed": "- Held at 10:00 after the GP visit, not 08:30\n- Social workers "
            "join twice a week\n- Discharge dates are set in days, not hours",
            "why": "Community hospital wards have no resident doctors and most delays are "
            "waiting for care packages, not tests.",
            "results": "Average length of stay fell from 24 to 19 days over six months.",
        },
    },
    {
        "parent": "Board rounds for community hospital wards",
        "title": "Virtual board rounds for a frailty virtual ward",
        "approaches": ("lean",),
        "impacts": (5,),
        "settings": ("community",),
        "context": {
            "care_setting": "community",
            "population": "People over 75 living with frailty at home",
            "organisation_type": "community_provider",
            "scale": "team",
            "what_changed": "Held on a video call with the team spread across the county; "
            "each patient's plan is reviewed against the NEWS2 score reported that morning.",
            "why": "The team never sits in one building, and patients are at home.",
        },
        "results_later": "Readmissions within 30 days fell from 18% to 12%.",
    },
    {
        "parent": "Virtual board rounds for a frailty virtual ward",
        "title": "Board rounds for hospice at home",
        "approaches": ("lean", "human-factors"),
        "impacts": (2, 5),
        "settings": ("hospice_palliative",),
        "context": {
            "care_setting": "hospice_palliative",
            "population": "People in the last weeks of life, at home",
            "organisation_type": "hospice",
            "scale": "team",
            "what_changed": "The question changes from 'what gets them home?' to 'what "
            "matters to them today?'. Families' concerns are read out first.",
            "why": "There is no discharge to aim for; the aim is a good day and a good death "
            "in the place people choose.",
            "results": "Families reported feeling heard more often (from 61% to 88% in our "
            "survey).",
        },
    },
    {
        "parent": "PDSA cycles for ward teams",
        "title": "PDSA cycles for GP practice teams",
        "approaches": ("model-for-improvement-pdsa",),
        "impacts": (4,),
        "settings": ("primary_care",),
        "context": {
            "care_setting": "primary_care",
            "population": "A practice team of 25",
            "organisation_type": "gp_practice",
            "scale": "organisation",
            "what_changed": "Cycles run for two weeks, matching the practice meeting, and "
            "receptionists lead half of them.",
            "why": "Practices have fewer daily data and a fortnightly rhythm.",
        },
    },
    {
        "parent": "PDSA cycles for GP practice teams",
        "title": "PDSA cycles across a primary care network",
        "approaches": ("model-for-improvement-pdsa", "driver-diagrams"),
        "impacts": (1, 4),
        "settings": ("primary_care",),
        "context": {
            "care_setting": "primary_care",
            "population": "Eight practices serving 70,000 people",
            "organisation_type": "primary_care_network",
            "scale": "system",
            "what_changed": "One shared driver diagram; each practice tests a different "
            "change idea and they compare results monthly.",
            "why": "Practices learn faster from each other than one at a time.",
            "results": "Five of eight practices improved same-day access within four months.",
        },
    },
    {
        "parent": "PDSA cycles across a primary care network",
        "title": "PDSA cycles for care home teams",
        "approaches": ("model-for-improvement-pdsa",),
        "impacts": (2, 4),
        "settings": ("social_care",),
        "context": {
            "care_setting": "social_care",
            "population": "Residents and staff of six care homes",
            "organisation_type": "local_authority",
            "scale": "system",
            "what_changed": "Forms replaced by a whiteboard photo; the PCN's care home lead "
            "coaches each home monthly.",
            "why": "Care home staff work long shifts with little desk time.",
        },
    },
    {
        "parent": "Safety huddles",
        "title": "Safety huddles on mental health inpatient wards",
        "approaches": ("human-factors",),
        "impacts": (2,),
        "settings": ("mental_health",),
        "context": {
            "care_setting": "mental_health",
            "population": "Adult acute inpatients",
            "organisation_type": "mental_health_trust",
            "scale": "service",
            "what_changed": "Risks discussed include restraint, self-harm and leave; patients "
            "are invited to a weekly huddle.",
            "why": "The harms that matter most on our wards are different from falls.",
            "results": "Restrictive practice fell by a quarter over nine months.",
        },
    },
    {
        "parent": "Safety huddles",
        "title": "Safety huddles for ambulance control rooms",
        "approaches": ("human-factors",),
        "impacts": (2, 3),
        "settings": ("ambulance",),
        "context": {
            "care_setting": "ambulance",
            "population": "Call handlers and dispatchers",
            "organisation_type": "ambulance_trust",
            "scale": "service",
            "what_changed": "Held at each shift change by the duty manager; risks are long "
            "waits for category 2 calls and staff fatigue.",
            "why": "Control room risk changes by the hour with demand.",
        },
    },
    {
        "parent": "Run charts for ward dashboards",
        "title": "Run charts for primary care access data",
        "approaches": ("statistical-process-control",),
        "impacts": (5,),
        "settings": ("primary_care",),
        "context": {
            "care_setting": "primary_care",
            "population": "Patients asking for same-day appointments",
            "organisation_type": "primary_care_network",
            "scale": "organisation",
            "what_changed": "Weekly points instead of daily, because Monday demand swamps "
            "daily charts.",
            "why": "The weekly pattern in general practice is strong and predictable.",
        },
    },
    {
        "parent": "5 whys after a patient safety incident",
        "title": "5 whys with families after a death in a hospice",
        "approaches": ("5-whys",),
        "impacts": (2,),
        "settings": ("hospice_palliative",),
        "context": {
            "care_setting": "hospice_palliative",
            "population": "Bereaved families and hospice staff",
            "organisation_type": "hospice",
            "scale": "organisation",
            "what_changed": "Families are invited to take part, with a bereavement worker "
            "present, and can stop at any point.",
            "why": "Families often know things about the last days that staff did not see.",
        },
    },
    {
        "parent": "Process mapping a discharge pathway",
        "title": "Mapping discharge to care homes with social care",
        "approaches": ("process-mapping",),
        "impacts": (1, 5),
        "settings": ("social_care", "acute"),
        "context": {
            "care_setting": "social_care",
            "population": "People discharged from hospital to a care home",
            "organisation_type": "local_authority",
            "scale": "system",
            "what_changed": "Mapped jointly by the hospital and the council's brokerage "
            "team, including the care home's own assessment.",
            "why": "Most of the delay sat in the hand-off between organisations.",
            "results": "Days from 'medically fit' to discharge fell from 9 to 5.",
        },
    },
    {
        "parent": "Experience-based co-design of a crisis pathway",
        "title": "Co-designing crisis care with young people",
        "approaches": ("experience-based-co-design",),
        "impacts": (1, 2),
        "settings": ("mental_health",),
        "community": "Mental health crisis pathway redesign",
        "context": {
            "care_setting": "mental_health",
            "population": "Young people aged 14 to 18 and their parents",
            "organisation_type": "mental_health_trust",
            "scale": "service",
            "what_changed": "Stories collected through voice notes and drawings rather than "
            "film; separate events for young people and parents before the joint one.",
            "why": "Young people did not want to be filmed, and spoke more freely without "
            "their parents in the room.",
        },
    },
)

DRAFT = {
    "title": "Weekend discharge checklist",
    "approaches": ("lean",),
    "impacts": (5,),
    "settings": ("acute",),
    "summary": "A checklist so that patients ready on Friday are not kept in until Monday.",
    "when_to_use": "",
    "how_to": "Still writing this up.",
    "what_you_need": "",
    "evidence": "",
    "pitfalls": "",
}

COMMENTS = (
    "We tried this last year. The hardest part was keeping it going when the lead went on "
    "leave: name a deputy from the start.",
    "How long did it take before you saw a change in the data?",
    "Really useful, thank you. Do you have the template you used?",
    "We adapted the timing to fit our shift pattern and it worked just as well.",
    "Did you involve patients in deciding what to measure?",
    "This matches our experience: the small tests mattered more than the launch.",
)

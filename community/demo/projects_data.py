"""Made-up improvement projects for the demo platform, with measures whose data show
every kind of SPC signal. No real project or organisation is meant.

Each measure's data are a recipe read by demo/projects.py:
  ("stable", mean, spread)                       common cause only
  ("shift", mean, spread, at, new_mean)          a sustained step at week `at`
  ("trend", mean, spread, at, step)              rising or falling by `step` a week from `at`
  ("outlier", mean, spread, at, value)           one point far outside
  ("near", mean, spread, at, value)              two of three near a limit
and a number of weeks. Cycles start at a week; `rebaseline` marks the week a
process changed.
"""

# (title, organisation type, community name or None, national programme or "",
#  status, progress score, aim, problem, measures, cycles, updates)
# measure: (name, definition, unit, direction, target, recipe, weeks, rebaseline week or None)
# cycle: (title, change, prediction, start week, do, study, decision, act, measure indexes)
PROJECTS = (
    (
        "Discharge before midday on the acute medical wards",
        "acute_trust",
        "Discharge before midday",
        "Urgent and emergency care recovery",
        "sustaining",
        4.0,
        "Increase the share of discharges before midday on Wards 7 and 8 from 15% to 35% by "
        "the end of March.",
        "Most patients who are medically fit leave after 4pm, so the emergency department "
        "waits for beds every afternoon. Take-home medicines and transport are the main delays.",
        [
            (
                "Discharges before midday",
                "Discharges from Wards 7 and 8 before 12:00 as a share of "
                "all discharges in the week (Monday to Sunday), from the bed management system.",
                "%",
                "up",
                35,
                ("shift", 16, 2, 20, 31),
                36,
                None,
            ),
            (
                "Readmissions within 30 days",
                "Emergency readmissions within 30 days of a discharge "
                "from Wards 7 and 8, as a share of those discharges, by week of discharge.",
                "%",
                "down",
                None,
                ("stable", 11, 1.5),
                36,
                None,
            ),
        ],
        [
            (
                "Pharmacist on the morning board round",
                "A ward pharmacist joins the 9am board round on Ward 7 for two weeks and "
                "starts take-home medicines for tomorrow's discharges.",
                "Take-home medicines ready by 11am for at least half of planned discharges.",
                16,
                "Ran for two weeks; the pharmacist missed two rounds because of sickness.",
                "Medicines were ready by 11am for 61% of planned discharges: better than "
                "predicted.",
                "adopt",
                "Extend to Ward 8 and make it part of the pharmacy rota.",
                [0],
            ),
            (
                "Transport booked at the board round",
                "The discharge coordinator books transport "
                "during the board round rather than after the ward round.",
                "Transport waits under an hour for most morning discharges.",
                21,
                "Tried for ten days on Ward 8.",
                "Waits fell, but the booking line is busy at 9am.",
                "adapt",
                "Book transport online the afternoon before instead.",
                [0],
            ),
        ],
        [
            "We have agreed the measure and started collecting weekly data from the bed system.",
            "The pharmacist on the board round is making a real difference: see the shift on the "
            "chart from week 20.",
        ],
    ),
    (
        "Fewer falls on the frailty unit",
        "acute_trust",
        "Falls prevention network",
        "",
        "testing",
        3.0,
        "Reduce inpatient falls on the frailty unit from 9 to 5 per 1,000 bed days by September.",
        "Falls at night are rising and most happen on the way to the toilet.",
        [
            (
                "Falls per 1,000 bed days",
                "Inpatient falls reported on the incident system divided "
                "by occupied bed days on the frailty unit, times 1,000, by week.",
                "falls",
                "down",
                5,
                ("trend", 9, 0.8, 18, -0.35),
                30,
                None,
            )
        ],
        [
            (
                "Bay nursing for patients at high risk of falls",
                "Patients at high risk of falls are "
                "cohorted in one bay with a dedicated healthcare assistant at night.",
                "Fewer falls at night within four weeks.",
                18,
                "Started on two nights a week.",
                "Falls fell on those nights; staffing the bay is hard.",
                "",
                "",
                [0],
            )
        ],
        ["Lying and standing blood pressure is now on the admission checklist."],
    ),
    (
        "Sepsis antibiotics within the hour",
        "acute_trust",
        None,
        "",
        "implementing",
        3.5,
        "Give antibiotics within 60 minutes of a sepsis alert to 90% of adults by year end.",
        "Antibiotics are delayed when the alert fires during the night handover.",
        [
            (
                "Antibiotics within 60 minutes",
                "Adults with a red-flag sepsis alert in the emergency department who receive "
                "IV antibiotics within 60 minutes, as a share of all such alerts, by week.",
                "%",
                "up",
                90,
                ("stable", 95, 0.9),
                30,
                None,
            )
        ],
        [],
        ["Performance is stable and consistently above the 90% target."],
    ),
    (
        "Reliable medicines reconciliation within 24 hours",
        "acute_trust",
        "Medicines safety at transfer",
        "Patient Safety Incident Response Framework",
        "testing",
        2.5,
        "Reconcile medicines within 24 hours of admission for 80% of patients by June.",
        "Reconciliation waits for the pharmacy team, who are stretched at weekends.",
        [
            (
                "Reconciled within 24 hours",
                "Admissions with medicines reconciled within 24 hours, "
                "as a share of all admissions, by week.",
                "%",
                "up",
                80,
                ("stable", 62, 4),
                28,
                None,
            )
        ],
        [
            (
                "Pharmacy technicians at weekends",
                "Pharmacy technicians reconcile medicines on Saturday and Sunday mornings.",
                "Weekend admissions reconciled within 24 hours rise to match weekdays.",
                24,
                "Two weekends so far.",
                "",
                "",
                "",
                [0],
            )
        ],
        [],
    ),
    (
        "Time to first outpatient appointment",
        "acute_trust",
        "Health inequalities in elective care",
        "Elective recovery",
        "implementing",
        3.0,
        "Cut the median wait for a first dermatology appointment from 18 to 12 weeks by autumn.",
        "Waits are longest for patients from the most deprived areas.",
        [
            (
                "Median wait for first appointment",
                "Median weeks from referral to first "
                "dermatology appointment for patients seen that week.",
                "weeks",
                "down",
                12,
                ("shift", 18, 0.9, 16, 14.5),
                34,
                16,
            )
        ],
        [
            (
                "Validation calls to long waiters",
                "Administrators call patients waiting over 26 "
                "weeks to check they still need an appointment.",
                "One in ten no longer needs one.",
                15,
                "Called 420 patients.",
                "14% no longer needed an appointment.",
                "adopt",
                "Validate every month.",
                [0],
            )
        ],
        ["After validation we re-baselined the chart: the process is different now."],
    ),
    (
        "Waiting list validation with patients",
        "community_provider",
        "Waiting list validation",
        "",
        "planning",
        1.5,
        "Validate every community therapy waiting list entry over 18 weeks by December.",
        "Some patients on the list have moved away or recovered.",
        [
            (
                "Entries validated",
                "Waiting list entries over 18 weeks validated that week.",
                "entries",
                "up",
                None,
                ("stable", 40, 8),
                8,
                None,
            )
        ],
        [],
        ["We are designing the letter with patient partners."],
    ),
    (
        "Crisis line answered within a minute",
        "mental_health_trust",
        "Mental health crisis pathway redesign",
        "Mental health crisis care",
        "testing",
        2.5,
        "Answer 95% of calls to the crisis line within 60 seconds by March.",
        "Evening calls wait longest; staff are often on the phone to services.",
        [
            (
                "Calls answered within 60 seconds",
                "Calls to the crisis line answered within 60 "
                "seconds, as a share of calls offered, by week.",
                "%",
                "up",
                95,
                ("outlier", 84, 2.5, 29, 61),
                30,
                None,
            ),
            (
                "Calls offered",
                "Calls offered to the crisis line each week.",
                "calls",
                "neither",
                None,
                ("shift", 640, 10, 15, 720),
                30,
                None,
            ),
        ],
        [
            (
                "Extra call handler on weekday evenings",
                "A call handler joins 6pm to 10pm on weekdays.",
                "Evening answer times like the daytime.",
                12,
                "Four weeks done.",
                "Evening answers improved a little.",
                "adapt",
                "Move the extra handler to Friday and Sunday evenings.",
                [0],
            )
        ],
        [
            "Last week's dip was a phone system fault: the chart flags it as a special cause of "
            "concern, and we have asked for a report on the outage."
        ],
    ),
    (
        "Co-designing the crisis pathway",
        "mental_health_trust",
        "Mental health crisis pathway redesign",
        "",
        "planning",
        1.0,
        "Agree a redesigned crisis pathway with people with lived experience by summer.",
        "People describe being passed between services during a crisis.",
        [],
        [],
        ["First co-design workshop booked for next month."],
    ),
    (
        "Safer maternity handovers",
        "acute_trust",
        "Maternity safety learning group",
        "Maternity and neonatal safety",
        "testing",
        2.5,
        "Use a structured handover for 95% of maternity handovers by the end of the year.",
        "Incidents show information lost at shift change on the labour ward.",
        [
            (
                "Structured handovers",
                "Labour ward handovers using the SBAR template, as a share "
                "of handovers audited that week.",
                "%",
                "up",
                95,
                ("near", 78, 2, 27, 71),
                30,
                None,
            )
        ],
        [
            (
                "SBAR template on the board",
                "A laminated SBAR template at the labour ward coordinator's desk.",
                "Template use rises to 90%.",
                10,
                "In place from week 10.",
                "Use rose, then dipped in the last few weeks when agency staff joined.",
                "adapt",
                "Add the template to the agency induction pack.",
                [0],
            )
        ],
        [],
    ),
    (
        "Same-day access for urgent GP appointments",
        "gp_practice",
        "Primary care access collaborative",
        "Primary care access recovery",
        "implementing",
        3.5,
        "Offer a same-day appointment to every patient with an urgent need by spring.",
        "Patients who phone at 8am compete with online requests.",
        [
            (
                "Urgent requests seen the same day",
                "Urgent requests (triaged by a clinician) seen "
                "the same day, as a share of urgent requests, by week.",
                "%",
                "up",
                90,
                ("shift", 72, 2.5, 14, 88),
                30,
                None,
            )
        ],
        [
            (
                "Clinician triage of every request",
                "A GP triages all requests from 8am to 10am.",
                "Most urgent needs seen the same day.",
                13,
                "Ran for four weeks.",
                "Same-day care rose to nearly 90%.",
                "adopt",
                "Rota a triage GP every morning.",
                [0],
            )
        ],
        ["Patients who phone are now triaged in the same queue as online requests."],
    ),
    (
        "Annual health checks for people with a learning disability",
        "primary_care_network",
        None,
        "Core20PLUS5",
        "sustaining",
        4.5,
        "Complete annual health checks for 80% of people on the learning disability register.",
        "Invitations by letter were not working for many people.",
        [
            (
                "Health checks completed (cumulative)",
                "Annual health checks completed this year "
                "as a share of people on the register, at the end of each week.",
                "%",
                "up",
                80,
                ("trend", 40, 0.8, 6, 1.6),
                26,
                None,
            )
        ],
        [],
        ["Easy-read invitations and phone calls from a named receptionist are working."],
    ),
    (
        "Virtual ward for frailty",
        "community_provider",
        "Frailty virtual wards",
        "Virtual wards",
        "implementing",
        3.0,
        "Keep 60% of frailty virtual ward patients safely at home for the whole admission.",
        "Step-up referrals from GPs are low; most patients come from hospital.",
        [
            (
                "Patients on the virtual ward",
                "Patients on the frailty virtual ward at 9am each Monday.",
                "patients",
                "up",
                None,
                ("shift", 14, 1.2, 12, 22),
                26,
                None,
            ),
            (
                "Stayed at home throughout",
                "Discharges from the virtual ward who stayed at home "
                "throughout, as a share of discharges, by week.",
                "%",
                "up",
                60,
                ("stable", 71, 3),
                26,
                None,
            ),
        ],
        [
            (
                "GP step-up referral line",
                "A direct phone line for GPs to refer frail patients.",
                "More step-up referrals within a month.",
                11,
                "Launched in week 11.",
                "Referrals rose and stayed up.",
                "adopt",
                "",
                [0],
            )
        ],
        [],
    ),
    (
        "Carers' wellbeing check-ins",
        "vcse",
        None,
        "",
        "testing",
        2.0,
        "Offer every new carer a wellbeing check-in within two weeks of registering.",
        "Carers register and then hear nothing for months.",
        [
            (
                "Check-ins within two weeks",
                "New carers offered a check-in within 14 days of "
                "registering, as a share of new carers, by week.",
                "%",
                "up",
                None,
                ("stable", 55, 6),
                10,
                None,
            )
        ],
        [],
        [],
    ),
    (
        "Hospice rapid response at night",
        "hospice",
        None,
        "",
        "paused",
        2.0,
        "Reach people dying at home within two hours of a call at night.",
        "Night calls are answered by a single nurse covering a large area.",
        [
            (
                "Visits within two hours",
                "Night calls needing a visit reached within two hours, as "
                "a share of such calls, by week.",
                "%",
                "up",
                75,
                ("stable", 58, 7),
                20,
                None,
            )
        ],
        [],
        ["Paused while we recruit a second night nurse."],
    ),
    (
        "Staff wellbeing huddles",
        "mental_health_trust",
        "Staff wellbeing champions",
        "",
        "complete",
        5.0,
        "Raise the share of staff who would recommend the ward as a place to work to 65%.",
        "Staff survey scores fell two years running.",
        [
            (
                "Would recommend as a place to work",
                "Staff answering agree or strongly agree in "
                "the weekly pulse survey, as a share of responses.",
                "%",
                "up",
                65,
                ("shift", 52, 1.5, 12, 74),
                30,
                12,
            )
        ],
        [
            (
                "Weekly wellbeing huddle",
                "A 10-minute huddle every Tuesday at 2pm.",
                "Pulse score rises within six weeks.",
                10,
                "Held every week.",
                "The score rose and stayed up.",
                "adopt",
                "Spread to two more wards.",
                [0],
            )
        ],
        ["Complete: the change is now how the ward works."],
    ),
    (
        "Ambulance handovers within 30 minutes",
        "acute_trust",
        None,
        "Urgent and emergency care recovery",
        "testing",
        2.5,
        "Hand over 95% of ambulance patients within 30 minutes by winter.",
        "Handovers queue when the emergency department corridor is full.",
        [
            (
                "Handover time",
                "Mean minutes from ambulance arrival to handover, by week.",
                "minutes",
                "down",
                30,
                ("stable", 44, 3),
                28,
                None,
            )
        ],
        [],
        ["Handover times are stable, but well above the 30-minute target."],
    ),
    (
        "Digital referrals to social prescribing",
        "local_authority",
        None,
        "",
        "testing",
        2.0,
        "Send 90% of social prescribing referrals electronically by the end of the year.",
        "Paper referrals are lost or arrive late.",
        [
            (
                "Electronic referrals",
                "Referrals received electronically, as a share of all referrals, by week.",
                "%",
                "up",
                90,
                ("trend", 35, 2, 2, 3.1),
                11,
                None,
            )
        ],
        [],
        [],
    ),
    (
        "Diabetes foot checks in primary care",
        "primary_care_network",
        None,
        "Core20PLUS5",
        "implementing",
        3.0,
        "Complete annual foot checks for 85% of people with diabetes.",
        "Checks were missed when appointments were remote.",
        [
            (
                "Foot checks completed",
                "People with diabetes with a foot check in the last 12 "
                "months, as a share of the diabetes register, each week.",
                "%",
                "up",
                85,
                ("shift", 64, 1, 14, 69),
                28,
                None,
            )
        ],
        [
            (
                "Foot checks at flu clinics",
                "Healthcare assistants offer foot checks at flu clinics.",
                "A rise of five points within two months.",
                13,
                "Ran through the season.",
                "A clear shift up.",
                "adopt",
                "",
                [0],
            )
        ],
        [],
    ),
    (
        "Timely discharge summaries to GPs",
        "acute_trust",
        "Discharge before midday",
        "",
        "sustaining",
        4.0,
        "Send 95% of discharge summaries to GPs within 24 hours.",
        "Summaries wait for junior doctors at the end of busy shifts.",
        [
            (
                "Summaries sent within 24 hours",
                "Discharge summaries sent electronically within 24 "
                "hours of discharge, as a share of discharges, by week.",
                "%",
                "up",
                95,
                ("stable", 97, 0.8),
                28,
                None,
            )
        ],
        [],
        [],
    ),
    (
        "Community nursing visits planned the day before",
        "community_provider",
        None,
        "",
        "testing",
        2.5,
        "Plan 90% of community nursing visits by 4pm the day before.",
        "Visit lists are finished on the morning of the visits.",
        [
            (
                "Visits planned the day before",
                "Visits on the list by 4pm the previous day, as a share of visits made, by week.",
                "%",
                "up",
                90,
                ("near", 70, 4, 20, 58),
                26,
                None,
            )
        ],
        [],
        [],
    ),
    (
        "Safer wards: sepsis screening, falls, pressure ulcers and never events",
        "acute_trust",
        None,
        "",
        "testing",
        2.5,
        "Screen 95% of eligible patients for sepsis within an hour, and halve falls and "
        "pressure ulcers on the medical wards, by next spring.",
        "Our safety measures are proportions, rates, counts and rare events, and the board "
        "wants each on the right chart.",
        [
            (
                "Patients screened for sepsis within an hour",
                "Patients screened within an hour of arrival / patients who met the screening "
                "criteria, by week, from the electronic patient record.",
                "",
                "up",
                0.95,
                ("shift", 88, 2.5, 21, 79),
                30,
                None,
                ("p", 120),
            ),
            (
                "Trust-wide sepsis screening (all admissions)",
                "Admissions screened within an hour / all admissions, every site, by week.",
                "",
                "up",
                None,
                ("stable", 91, 0.8),
                30,
                None,
                ("p_prime", 25000),
            ),
            (
                "Falls per bed day on the medical wards",
                "Inpatient falls on the incident system / occupied bed days, by month.",
                "",
                "down",
                None,
                ("outlier", 6, 1.2, 20, 16),
                26,
                None,
                ("u", 1400),
            ),
            (
                "Falls per bed day, every ward",
                "Inpatient falls on the incident system / occupied bed days across the "
                "trust, by month.",
                "",
                "down",
                None,
                ("stable", 6.5, 0.4),
                24,
                None,
                ("u_prime", 40000),
            ),
            (
                "Hospital-acquired pressure ulcers",
                "New category 2 or worse pressure ulcers on the medical wards, by week.",
                "ulcers",
                "down",
                None,
                ("trend", 9, 1.0, 14, -0.6),
                24,
                None,
                ("c", None),
            ),
            (
                "Days between never events",
                "Days from one never event in theatres to the next, dated on the later one.",
                "days",
                "up",
                None,
                ("outlier", 40, 12, 13, 240),
                14,
                None,
                ("t", None),
            ),
            (
                "Patients between C. difficile infections",
                "Admissions between one hospital-onset C. difficile infection and the next.",
                "patients",
                "up",
                None,
                ("stable", 300, 90),
                16,
                None,
                ("g", None),
            ),
            (
                "Staff who know their ward's safety cross",
                "Staff asked at the huddle who can say this week's safety cross result, as a "
                "share of staff asked (a run chart until there are 12 weeks).",
                "%",
                "up",
                None,
                ("trend", 40, 2, 2, 6),
                8,
                None,
            ),
        ],
        [],
        [
            "Each safety measure now has the chart its data need: P charts for screening, U "
            "charts for falls, a C chart for pressure ulcers and T and G charts for rare events.",
        ],
    ),
)

# The library methods each project links, by title (adaptations included).
METHODS_USED = {
    "Discharge before midday on the acute medical wards": (
        "SAFER board rounds", "Run charts for ward dashboards", "PDSA cycles for ward teams",
    ),
    "Fewer falls on the frailty unit": (
        "Falls prevention bundle with lying and standing blood pressure", "Safety huddles",
    ),
    "Sepsis antibiotics within the hour": ("Making data count at board",),
    "Reliable medicines reconciliation within 24 hours": (
        "Human factors walk-through of medicines rounds",
    ),
    "Time to first outpatient appointment": ("Demand and capacity for outpatient clinics",),
    "Crisis line answered within a minute": ("Safety huddles on mental health inpatient wards",),
    "Co-designing the crisis pathway": (
        "Experience-based co-design of a crisis pathway",
        "Co-designing crisis care with young people",
    ),
    "Same-day access for urgent GP appointments": (
        "Telephone triage for patients who do not use online forms",
        "PDSA cycles for GP practice teams",
    ),
    "Annual health checks for people with a learning disability": (
        "PDSA cycles across a primary care network",
    ),
    "Virtual ward for frailty": ("Virtual board rounds for a frailty virtual ward",),
    "Staff wellbeing huddles": ("Safety huddles",),
    "Ambulance handovers within 30 minutes": (
        "Process mapping a discharge pathway", "Making data count at board",
    ),
    "Timely discharge summaries to GPs": ("SAFER board rounds",),
    "Diabetes foot checks in primary care": ("Run charts for primary care access data",),
    "Hospice rapid response at night": ("Board rounds for hospice at home",),
}  # fmt: skip

# A few questions and answers in the projects' discussions.
DISCUSSION = (
    "How did you get the pharmacists' time for the board round? Our pharmacy team is "
    "already stretched.",
    "We swapped it for the afternoon ward visit, which mostly duplicated the round. "
    "Happy to share the rota.",
    "Have you re-baselined yet? The last eight weeks look like a new process to me.",
    "Not yet: we want twelve points after the change before we recalculate the limits.",
)

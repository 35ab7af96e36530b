"""The expertise vocabulary every deployment starts with.

Pure data, imported by the migration that first loads it: never edit this
list in place; add tags in a new migration (and a new constant here).
"""

APPROACHES = (
    "5 whys",
    "Demand and capacity",
    "Driver diagrams",
    "Experience-based co-design",
    "Human factors",
    "Lean",
    "Model for Improvement (PDSA)",
    "Process mapping",
    "QSIR",
    "Six Sigma",
    "Statistical process control",
    "Theory of constraints",
)

TOPICS = (
    "Cancer pathways",
    "Discharge and flow",
    "Elective recovery and waiting lists",
    "Falls prevention",
    "Frailty",
    "Health inequalities",
    "Infection prevention",
    "Maternity",
    "Medicines safety",
    "Mental health crisis care",
    "Patient safety",
    "Primary care access",
    "Staff wellbeing",
    "Urgent and emergency care",
    "Virtual wards",
)

INITIAL_VOCABULARY = tuple(("approach", name) for name in APPROACHES) + tuple(
    ("topic", name) for name in TOPICS
)

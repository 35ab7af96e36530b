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

# Other names for the vocabulary's tags, loaded by migration 0026: acronyms, other
# spellings and the phrases people write. A name of one lower-case word ("falls")
# names the topic when someone asks for it, but is not looked for in posts, where
# it is too often something else ("the numbers fall away").
INITIAL_SYNONYMS = {
    "5 whys": ("five whys", "5 whys analysis"),
    "Demand and capacity": ("demand and capacity modelling", "capacity and demand"),
    "Driver diagrams": ("driver diagram",),
    "Experience-based co-design": ("EBCD", "experience based co-design"),
    "Human factors": ("human factors and ergonomics",),
    "Lean": ("lean thinking", "lean methodology", "lean principles"),
    "Model for Improvement (PDSA)": (
        "PDSA", "PDSA cycle", "PDSA cycles", "plan do study act", "model for improvement",
    ),
    "Process mapping": ("process map", "process maps"),
    "QSIR": ("quality service improvement and redesign",),
    "Six Sigma": ("lean six sigma",),
    "Statistical process control": (
        "SPC", "SPC chart", "SPC charts", "control chart", "control charts",
        "statistical process control chart", "making data count",
    ),
    "Theory of constraints": ("bottleneck analysis",),
    "Cancer pathways": ("cancer pathway", "faster diagnosis standard"),
    "Discharge and flow": ("patient flow", "hospital discharge", "discharge planning",
                           "delayed discharge", "delayed discharges"),
    "Elective recovery and waiting lists": ("elective recovery", "waiting list", "waiting lists"),
    "Falls prevention": (
        "falls", "patient falls", "inpatient falls", "falls risk", "falls in hospital",
        "fall prevention", "preventing falls", "falls reduction",
    ),
    "Frailty": ("frail older people", "frailty syndrome"),
    "Health inequalities": ("health inequality", "inequalities in health"),
    "Infection prevention": ("IPC", "infection prevention and control", "infection control"),
    "Maternity": ("maternity services", "maternity care"),
    "Medicines safety": ("medication safety", "medication errors", "medicines optimisation"),
    "Mental health crisis care": ("mental health crisis", "crisis care"),
    "Patient safety": ("PSIRF", "patient safety incident"),
    "Primary care access": ("GP access", "access to general practice"),
    "Staff wellbeing": ("staff well-being", "staff health and wellbeing"),
    "Urgent and emergency care": ("UEC", "emergency department", "urgent care"),
    "Virtual wards": ("virtual ward", "hospital at home"),
}  # fmt: skip

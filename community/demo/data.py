"""Made-up places and people for the demo platform. No real organisation is meant."""

SYSTEMS = (
    ("Northfold and Wyre Integrated Care System", "North West"),
    ("Eastmarsh Integrated Care System", "East of England"),
    ("Severnvale Integrated Care System", "South West"),
    ("Greyhaven and Dales Integrated Care System", "North East and Yorkshire"),
    ("Thamesreach Integrated Care System", "London"),
    ("Midshire and Trent Integrated Care System", "Midlands"),
    ("Southdown Coast Integrated Care System", "South East"),
    ("Pennine Borders Integrated Care System", "North West"),
)

# (suffix, type) patterns used to give every system a mix of organisations.
ORGANISATION_PATTERNS = (
    ("{place} Hospitals NHS Foundation Trust", "acute_trust"),
    ("{place} Mental Health NHS Trust", "mental_health_trust"),
    ("{place} Community Health Services", "community_provider"),
    ("{place} Central Primary Care Network", "primary_care_network"),
    ("{place} Road Surgery", "gp_practice"),
    ("{place} Borough Council", "local_authority"),
    ("St {saint}'s Hospice, {place}", "hospice"),
    ("{place} Carers Together", "vcse"),
)

PLACES = (
    "Northfold", "Wyreside", "Eastmarsh", "Fenbridge", "Severnvale", "Kingsbrook",
    "Greyhaven", "Dalesby", "Thamesreach", "Riverton", "Midshire", "Trentham",
    "Southdown", "Seaborough", "Pennine", "Borderley",
)  # fmt: skip
SAINTS = ("Anne", "Brigid", "Columba", "David", "Hilda", "Luke", "Margaret", "Oswald")

FIRST_NAMES = (
    "Aisha", "Ben", "Chloe", "Dev", "Efua", "Finn", "Grace", "Hamza", "Isla", "Jas",
    "Kemi", "Liam", "Maya", "Niamh", "Olu", "Priya", "Quinn", "Rhys", "Sana", "Tom",
    "Uma", "Vik", "Wen", "Yusuf", "Zara", "Amir", "Bethan", "Callum", "Deepa", "Ewan",
)  # fmt: skip
LAST_NAMES = (
    "Adeyemi", "Bennett", "Chowdhury", "Davies", "Evans", "Fraser", "Gupta", "Hughes",
    "Iqbal", "Jones", "Kaur", "Lewis", "Mensah", "Nowak", "O'Brien", "Patel", "Quinn",
    "Roberts", "Singh", "Taylor", "Usman", "Varga", "Walsh", "Yates", "Zielinski",
)  # fmt: skip

JOB_TITLES = (
    "Quality improvement lead", "Improvement advisor", "Ward manager", "Matron",
    "Consultant geriatrician", "Clinical pharmacist", "Physiotherapist", "GP partner",
    "Practice manager", "Head of patient flow", "Occupational therapist",
    "Data analyst", "Service manager", "Director of nursing", "Senior social worker",
    "Patient safety specialist", "Transformation programme manager", "Advanced nurse practitioner",
)  # fmt: skip

BIOS = (
    "I lead improvement work on {topic} and have coached teams through {approach} since 2019. "
    "Happy to share what worked and what did not.",
    "Clinician by background, now spending half my week on {topic}. Most of our tests of "
    "change use {approach}.\n\n- Interested in spreading what works between organisations\n"
    "- Ask me about measurement plans",
    "I help teams turn data into learning. Recent work: {topic}, using {approach} and run "
    "charts that everyone can read.",
)

DEMO_PASSWORD = "improvement-commons-demo"  # noqa: S105 (printed for local demo sign-in)

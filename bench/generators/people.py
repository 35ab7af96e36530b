"""Systems, organisations, members and their declared expertise."""

from __future__ import annotations

from datetime import timedelta
from itertools import product

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from bench.generators.build import ANCHOR, Build, batched, zipf_weights
from bench.text import Prose, to_html
from community.core.markdown import RENDER_VERSION
from community.core.slugs import slugify
from community.directory.models import OrganisationType

BENCH_EMAIL = "robin.bench@nhs.example"
BENCH_PASSWORD = "benchmark passphrase for loopback only"  # noqa: S105 (made-up data)

REGIONS = (
    "North East and Yorkshire", "North West", "Midlands", "East of England", "London",
    "South East", "South West",
)  # fmt: skip
PLACE_STARTS = (
    "Ash", "Bar", "Brook", "Cal", "Dun", "East", "Elm", "Fen", "Glen", "Hal", "Holm", "Kings",
    "Lang", "Mar", "Mill", "North", "Oak", "Pen", "Red", "Ros", "Salt", "Stan", "Thorn", "Wel",
    "West", "Whit", "Wood", "Yar",
)  # fmt: skip
PLACE_ENDS = (
    "bury", "by", "caster", "combe", "dale", "field", "ford", "ham", "hurst", "ley", "mouth",
    "stead", "ton", "wick", "worth", "minster", "well", "brook",
)  # fmt: skip
FIRST_NAMES = (
    "Aaliyah", "Aaron", "Abdul", "Abigail", "Ada", "Adam", "Adebayo", "Aisha", "Alex", "Alice",
    "Amara", "Amir", "Amy", "Ana", "Andrew", "Anil", "Anna", "Arjun", "Ava", "Ben", "Bethan",
    "Bilal", "Bronwen", "Callum", "Carys", "Charlotte", "Chen", "Chloe", "Chris", "Ciara",
    "Daniel", "David", "Deepa", "Dylan", "Eleanor", "Elena", "Eli", "Ella", "Emeka", "Emily",
    "Erin", "Ethan", "Fatima", "Finn", "Fiona", "Freya", "Gareth", "Grace", "Hamza", "Hannah",
    "Harriet", "Harry", "Hassan", "Isla", "Jack", "Jade", "James", "Jamila", "Jasmine", "Jay",
    "Jenny", "Joe", "Jordan", "Joseph", "Kai", "Karen", "Kate", "Kemi", "Kiran", "Laura", "Leah",
    "Lewis", "Liam", "Lily", "Lucy", "Maria", "Mark", "Maya", "Megan", "Mei", "Mohammed", "Morgan",
    "Nadia", "Naomi", "Nathan", "Niamh", "Nikhil", "Noah", "Olivia", "Omar", "Oscar", "Priya",
    "Rachel", "Rahul", "Rebecca", "Rhys", "Rosa", "Ruth", "Ryan", "Sam", "Sarah", "Sean", "Sofia",
    "Sophie", "Tariq", "Tom", "Uma", "Wei", "Yasmin", "Yusuf", "Zainab", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Adeyemi", "Ahmed", "Ali", "Allen", "Anderson", "Baker", "Banerjee", "Bell", "Bennett",
    "Brown", "Campbell", "Carter", "Chan", "Chowdhury", "Clarke", "Cole", "Cooper", "Davies",
    "Edwards", "Evans", "Fisher", "Fletcher", "Foster", "Ghosh", "Gill", "Gordon", "Graham",
    "Green", "Griffiths", "Hall", "Harris", "Hughes", "Hussain", "Iqbal", "Jackson", "James",
    "Jenkins", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "King", "Kumar", "Lee", "Lewis",
    "Li", "Lloyd", "Malik", "Marshall", "Martin", "Mason", "Mensah", "Miah", "Mitchell", "Moore",
    "Morgan", "Morris", "Murphy", "Nguyen", "Nowak", "Obi", "Okafor", "Owen", "Palmer", "Parker",
    "Patel", "Phillips", "Price", "Rahman", "Reid", "Richards", "Roberts", "Robinson", "Rose",
    "Shah", "Sharma", "Singh", "Smith", "Stewart", "Taylor", "Thomas", "Thompson", "Turner",
    "Walker", "Wang", "Ward", "Watson", "White", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip
JOB_TITLES = (
    "Ward manager", "Quality improvement lead", "Consultant physician", "Staff nurse",
    "Improvement advisor", "Practice manager", "Clinical pharmacist", "Physiotherapist",
    "Head of patient flow", "Matron", "Data analyst", "GP partner", "Service manager",
    "Occupational therapist", "Midwife", "Healthcare assistant", "Transformation manager",
    "Director of nursing", "Paramedic", "Social worker", "",
)  # fmt: skip
ORGANISATION_SHAPES = (
    (OrganisationType.ACUTE_TRUST, "{place} Hospitals NHS Foundation Trust", 2),
    (OrganisationType.MENTAL_HEALTH_TRUST, "{place} Mental Health NHS Trust", 1),
    (OrganisationType.COMMUNITY_PROVIDER, "{place} Community Health Services", 1),
    (OrganisationType.PRIMARY_CARE_NETWORK, "{place} Primary Care Network", 6),
    (OrganisationType.GP_PRACTICE, "{place} Medical Practice", 12),
    (OrganisationType.LOCAL_AUTHORITY, "{place} Council", 2),
    (OrganisationType.HOSPICE, "{place} Hospice", 1),
    (OrganisationType.VCSE, "{place} Carers Network", 2),
)


def place_names() -> list[str]:
    return [start + end for start, end in product(PLACE_STARTS, PLACE_ENDS)]


def build(build: Build) -> None:
    scale = build.scale
    rng = build.rng("people")
    places = place_names()
    rng.shuffle(places)

    # Integrated care systems, then their organisations.
    systems = []
    for i in range(scale.systems):
        name = f"{places[i]} and {places[-1 - i]} Integrated Care System"
        systems.append({
            "id": i + 1, "name": name, "slug": slugify(name), "region": REGIONS[i % len(REGIONS)],
            "created_at": ANCHOR - timedelta(days=1100),
        })  # fmt: skip
    build.insert("systems", systems)

    shapes = [shape for shape in ORGANISATION_SHAPES for _ in range(shape[2])]
    organisations, names = [], set()
    for i in range(scale.organisations):
        kind, pattern, _ = shapes[i % len(shapes)]
        name = pattern.format(place=places[(i * 7) % len(places)])
        if name in names:
            name = f"{name} ({i})"
        names.add(name)
        organisations.append({
            "id": i + 1, "name": name, "slug": slugify(name, 160), "type": kind.value,
            "system_id": i % scale.systems + 1, "created_at": ANCHOR - timedelta(days=1100),
        })  # fmt: skip
    build.insert("organisations", organisations)

    # Members: one password hash for all (hashing 100 000 passwords would take hours).
    password_hash = generate_password_hash(BENCH_PASSWORD)
    prose = Prose(build.rng("people-prose"))
    usernames: set[str] = set()
    names_by_id = [""]
    tags = (
        build.connection.execute(
            sa.select(build.table("expertise_tags").c.id).order_by(
                build.table("expertise_tags").c.id
            )
        )
        .scalars()
        .all()
    )
    tag_weights = zipf_weights(len(tags), 0.9)
    rng.shuffle(tag_weights)

    def members():
        for user_id in range(1, scale.members + 1):
            if user_id == 1:
                first, last, username, email = "Robin", "Bench", "robin-bench", BENCH_EMAIL
            else:
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                base = f"{first}-{last}".lower()
                username, n = base, 1
                while username in usernames:
                    n += 1
                    username = f"{base}-{n}"
                email = f"{username}@nhs.example"
            usernames.add(username)
            names_by_id.append(f"{first} {last}")
            bio = prose.sentences(rng.randint(1, 3)) if rng.random() < 0.35 or user_id < 10 else ""
            joined = ANCHOR - timedelta(days=rng.uniform(1, 1000))
            confirmed = user_id < 10 or rng.random() < 0.97
            yield {
                "id": user_id, "username": username, "name": f"{first} {last}", "email": email,
                "password_hash": password_hash, "role": "admin" if user_id in (2, 3) else "member",
                "organisation_id": rng.randint(1, scale.organisations),
                "job_title": rng.choice(JOB_TITLES), "bio_source": bio,
                "bio_html": to_html(bio) if bio else "",
                "bio_render_version": RENDER_VERSION if bio else 0,
                "email_confirmed_at": joined + timedelta(minutes=5) if confirmed else None,
                "session_token": f"{rng.getrandbits(96):024x}",
                "last_sign_in_at": ANCHOR - timedelta(days=rng.uniform(0, 60)),
                "email_notifications": rng.choices(("daily", "immediate", "none"), (8, 1, 1))[0],
                "created_at": joined,
            }  # fmt: skip

    def expertise():
        for user_id in range(1, scale.members + 1):
            count = 5 if user_id < 10 else rng.choices(range(7), (30, 15, 20, 15, 10, 6, 4))[0]
            for tag in sorted(set(rng.choices(tags, tag_weights, k=count))):
                yield {"user_id": user_id, "tag_id": tag}

    with build.progress("members", scale.members) as bar:
        for chunk in batched(members()):
            build.insert("users", chunk)
            bar.update(len(chunk))
    build.insert("member_expertise", expertise())
    build.commit()

    build.state["member_names"] = names_by_id
    # The profile measured: a member with a biography and several kinds of expertise.
    build.landmarks.update(
        user_email=BENCH_EMAIL, user_password=BENCH_PASSWORD, user_id=1,
        profile=build.connection.execute(
            sa.select(build.table("users").c.username).where(build.table("users").c.id == 4)
        ).scalar_one(),
    )  # fmt: skip

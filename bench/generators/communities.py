"""Communities (open and private) and who belongs to them.

Community 1 is the busiest; popularity falls away as in any real network, and
the same weights decide where members join and where threads are started.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import product

from bench.generators.build import ANCHOR, Build, zipf_weights
from community.core.slugs import slugify

TOPICS = (
    "Discharge and flow", "Frailty", "Falls prevention", "Sepsis", "Maternity safety",
    "Elective recovery", "Outpatient transformation", "Virtual wards", "Medicines safety",
    "Health inequalities", "Mental health crisis care", "Care homes", "End of life care",
    "Stroke", "Cancer pathways", "Children and young people", "Learning disability",
    "Workforce wellbeing", "Infection prevention", "Pressure ulcers", "Urgent care",
    "Primary care access", "Diabetes", "Respiratory", "Dementia",
)  # fmt: skip
KINDS = (
    "improvement network", "learning community", "practitioners' circle", "QI collaborative",
    "peer support group", "measurement for improvement group", "co-design community",
    "Lean practitioners", "PDSA clinic", "spread and adoption group", "leaders' forum",
    "data and SPC group",
)  # fmt: skip
BENCH_USER = 1


def build(build: Build) -> None:
    scale = build.scale
    rng = build.rng("communities")
    names = [f"{topic} {kind}" for kind, topic in product(KINDS, TOPICS)][: scale.communities]
    weights = zipf_weights(scale.communities, 0.9)
    # Every fifth community is private; half of those are listed in the directory.
    private = {i for i in range(scale.communities) if i % 5 == 3}
    proposed = {scale.communities - 1} if scale.communities > 10 else set()

    # Who joins what: members join 0–10 communities, the popular ones more often.
    members_of: list[list[int]] = [[] for _ in range(scale.communities)]
    everyone = range(2, scale.members + 1)
    for user_id in everyone:
        count = rng.choices(range(11), (8, 30, 20, 14, 9, 6, 4, 3, 2, 2, 2))[0]
        for index in set(rng.choices(range(scale.communities), weights, k=count)):
            members_of[index].append(user_id)
    # The reader: six busy open communities, one private, one quiet one.
    open_busy = [i for i in range(scale.communities) if i not in private][:6]
    first_private = min(private)
    quiet = [i for i in range(scale.communities) if i not in private | proposed][-1]
    reader_of = open_busy + [first_private, quiet]
    for index in reader_of:
        members_of[index].append(BENCH_USER)

    communities, memberships = [], []
    membership_id = 0
    for index, name in enumerate(names):
        created = ANCHOR - timedelta(days=1000 - index)
        people = sorted(set(members_of[index]))
        facilitators = set(rng.sample(people, min(3, len(people)))) - {BENCH_USER}
        communities.append({
            "id": index + 1, "name": name, "slug": slugify(name),
            "purpose": f"A place for staff working on {name.lower()} to share what works.",
            "learning_question": "What helps a change stick once the project team has moved on?",
            "visibility": "private" if index in private else "open",
            "listed": index in private and index % 2 == 0,
            "status": "proposed" if index in proposed else "active",
            "created_by_id": min(facilitators) if facilitators else None,
            "created_at": created, "member_count": len(people), "thread_count": 0,
            "last_activity_at": None,
        })  # fmt: skip
        for user_id in people:
            membership_id += 1
            memberships.append({
                "id": membership_id, "community_id": index + 1, "user_id": user_id,
                "role": "facilitator" if user_id in facilitators else "member",
                "watch_new_threads": rng.random() < 0.03,
                "joined_at": created + timedelta(days=rng.uniform(0, 900)),
            })  # fmt: skip
    build.insert("communities", communities)
    with build.progress("memberships", len(memberships)) as bar:
        for start in range(0, len(memberships), 5000):
            build.insert("memberships", memberships[start : start + 5000])
            bar.update(min(5000, len(memberships) - start))
    build.commit()

    build.state.update(
        members_of=members_of, community_weights=weights, community_names=names,
        active=[i for i in range(scale.communities) if i not in proposed],
        facilitators={c["id"]: c["created_by_id"] for c in communities},
    )  # fmt: skip
    build.landmarks.update(community=communities[0]["slug"], community_id=1)

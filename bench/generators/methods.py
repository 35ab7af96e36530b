"""The methods library: methods, their adaptation trees, authors, classification and uses.

Most methods are originals; the rest adapt an earlier published method, the
popular ones more often, so trees grow as they do in a live library. Every
method has its discussion thread (with no posts yet) followed by its authors,
and every published one its first revision, as `create_method` leaves them.
The counters the services keep are filled in from the rows written here:
`adaptation_count` (published direct adaptations), `use_count` and
`organisation_count` ("I've used this", and their distinct organisations).

The measured method (the landmark) sits in the middle of a family: two
generations above it, and a few dozen adaptations below it, some of them in a
private community the reader is not in.
"""

from __future__ import annotations

from datetime import timedelta

from bench.generators.build import ANCHOR, Build, directory, next_thread_id, zipf_weights
from bench.text import SUBJECTS, Prose, to_html
from community.core.markdown import RENDER_VERSION
from community.core.slugs import slugify
from community.methods.content import AdaptationContext
from community.methods.snapshots import _classification_lines, adaptation_text
from community.methods.vocabulary import IMPACT_COMPONENTS, CareSetting, Scale

READER = 1
TITLE_SHAPES = (
    "Red to green days for {s}", "A daily huddle for {s}", "Standard work for {s}",
    "A safety cross for {s}", "Weekly PDSA review of {s}", "Patient-led review of {s}",
    "A driver diagram for {s}", "Process mapping {s} in an afternoon",
    "Demand and capacity modelling for {s}", "Visual management of {s}",
    "A checklist for {s}", "Co-designing {s} with patients and carers",
)  # fmt: skip
ADAPTED_FOR = (
    ("in care homes", CareSetting.SOCIAL_CARE), ("for community nursing", CareSetting.COMMUNITY),
    ("in primary care", CareSetting.PRIMARY_CARE), ("on mental health wards",
    CareSetting.MENTAL_HEALTH), ("for ambulance crews", CareSetting.AMBULANCE),
    ("in a hospice", CareSetting.HOSPICE), ("on surgical wards", CareSetting.ACUTE),
    ("with a voluntary sector partner", CareSetting.VOLUNTARY),
)  # fmt: skip
POPULATIONS = (
    "Older people living with frailty", "Adults with a learning disability",
    "Children and young people", "People in the last year of life", "Women in labour",
    "People waiting for elective surgery", "Care home residents", "",
)  # fmt: skip
# Where the landmark's family sits: ids 1–3 are its grandparent, parent and itself.
LANDMARK = 3


def build(build: Build) -> None:
    scale = build.scale
    rng = build.rng("methods")
    prose = Prose(build.rng("methods-prose"))
    places = directory(build)
    organisation_of, type_of = places["organisation_of"], places["type_of"]
    approaches, topics = places["tags"]["approach"], places["tags"]["topic"]
    members_of = build.state["members_of"]
    active = build.state["active"]
    private = {i for i in active if i % 5 == 3}
    open_active = [i for i in active if i not in private]
    private_ids = {i + 1 for i in private}
    # A private community the reader is not in, for adaptations hidden from them.
    unseen_private = next(i for i in sorted(private) if READER not in members_of[i])
    count = scale.methods
    family = min(max(count // 20, 12), 60)  # the landmark's adaptations
    everyone = range(2, scale.members + 1)

    parent_of: list[int | None] = [None] * (count + 1)
    community_of: list[int | None] = [None] * (count + 1)
    status_of = ["published"] * (count + 1)
    created = [0.0] * (count + 1)
    popularity = [0.0] * (count + 1)
    published_ids: list[int] = []
    published_weights: list[float] = []
    weights = zipf_weights(count, 0.8)
    rng.shuffle(weights)

    for method_id in range(1, count + 1):
        # Created in id order, over three years; an adaptation after its parent.
        created[method_id] = -1095 + 1090 * (method_id - 1) / count
        popularity[method_id] = weights[method_id - 1]
        if method_id in (2, 3):
            parent_of[method_id] = method_id - 1
        elif 3 < method_id <= 3 + family:
            # The landmark's family: below it, or below one of its adaptations.
            parent_of[method_id] = LANDMARK if rng.random() < 0.5 else rng.randrange(3, method_id)
            if method_id % 7 == 0:
                community_of[method_id] = unseen_private + 1
        elif method_id > 3 + family and published_ids and rng.random() < 0.35:
            parent_of[method_id] = rng.choices(published_ids, published_weights)[0]
        parent = parent_of[method_id]
        if parent is not None and community_of[parent] in private_ids:
            # Only the private community's members see the parent, so only they adapt it.
            community_of[method_id] = community_of[parent]
        if community_of[method_id] is None and method_id > 3 + family:
            roll = rng.random()
            if roll < 0.12:
                community_of[method_id] = rng.choice(open_active) + 1
            elif roll < 0.16:
                community_of[method_id] = rng.choice(sorted(private)) + 1
        if method_id > 3 + family:
            roll = rng.random()
            status_of[method_id] = (
                "draft" if roll < 0.05 else "deleted" if roll < 0.07 else "published"
            )
        if status_of[method_id] == "published":
            published_ids.append(method_id)
            published_weights.append(popularity[method_id])

    def author_pool(method_id: int):
        community = community_of[method_id]
        return members_of[community - 1] if community else None

    rows, authors, tag_rows, impacts, settings, adaptations, revisions = [], [], [], [], [], [], []
    threads, watches = [], []
    titles: list[str] = [""] * (count + 1)
    base_titles: list[str] = [""] * (count + 1)
    thread_id = next_thread_id(build)
    lead_of = [0] * (count + 1)
    for method_id in range(1, count + 1):
        pool = author_pool(method_id)
        lead = rng.choice(pool) if pool else rng.choice(everyone)
        if pool and lead == READER:
            lead = next(u for u in pool if u != READER)
        lead_of[method_id] = lead
        parent = parent_of[method_id]
        if parent is None:
            base = rng.choice(TITLE_SHAPES).format(s=rng.choice(SUBJECTS))
            base = base[0].upper() + base[1:]
            base_titles[method_id] = base
            title = base
            where = None
        else:
            base_titles[method_id] = base_titles[parent]
            where = rng.choice(ADAPTED_FOR)
            title = f"{base_titles[parent]} {where[0]}"
        titles[method_id] = title
        at = ANCHOR + timedelta(days=created[method_id])
        status = status_of[method_id]
        published = status != "draft"
        sections = {
            "when_to_use": prose.sentences(2),
            "how_to": prose.post(60, 160),
            "what_you_need": prose.sentences(1),
            "evidence": prose.sentences(2) if rng.random() < 0.8 else "",
            "pitfalls": prose.sentences(1) if rng.random() < 0.6 else "",
        }
        summary = prose.sentences(1)[:600]
        co_authors = set()
        for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
            co_authors.add(rng.choice(pool) if pool else rng.choice(everyone))
        co_authors -= {lead}
        if pool:
            co_authors -= {READER}
        chosen_approaches = sorted(rng.sample(approaches, rng.randint(1, 3)))
        chosen_topics = sorted(rng.sample(topics, rng.choices((0, 1), (40, 60))[0]))
        components = sorted(rng.sample(sorted(IMPACT_COMPONENTS), rng.randint(1, 2)))
        care_settings = sorted(rng.sample(list(CareSetting), rng.randint(1, 2)),
                               key=list(CareSetting).index)  # fmt: skip
        rows.append({
            "id": method_id, "title": title, "slug": slugify(title), "summary": summary,
            **{f"{key}_source": text for key, text in sections.items()},
            **{f"{key}_html": to_html(text) if text else "" for key, text in sections.items()},
            "render_version": RENDER_VERSION, "status": status,
            "community_id": community_of[method_id], "parent_id": parent,
            "created_by_id": lead, "created_at": at, "updated_at": at + timedelta(days=2),
            "first_published_at": at + timedelta(days=1) if published else None,
            "published_at": at + timedelta(days=1) if published else None,
            "deleted_at": at + timedelta(days=30) if status == "deleted" else None,
            "version": 1, "use_count": 0, "organisation_count": 0, "adaptation_count": 0,
        })  # fmt: skip
        authors.append({"method_id": method_id, "user_id": lead, "role": "lead", "added_at": at})
        authors += [
            {"method_id": method_id, "user_id": u, "role": "co_author", "added_at": at}
            for u in sorted(co_authors)
        ]
        tag_rows += [{"method_id": method_id, "tag_id": t} for t, _ in chosen_approaches]
        tag_rows += [{"method_id": method_id, "tag_id": t} for t, _ in chosen_topics]
        impacts += [{"method_id": method_id, "component": c} for c in components]
        settings += [{"method_id": method_id, "setting": s.value} for s in care_settings]
        context = None
        if parent is not None:
            organisation = organisation_of[lead]
            context = AdaptationContext(
                care_setting=where[1].value, population=rng.choice(POPULATIONS),
                organisation_type=type_of[organisation], scale=rng.choice(list(Scale)).value,
                what_changed=prose.sentences(2), why=prose.sentences(1),
                results=prose.sentences(1) if rng.random() < 0.6 else "",
            )  # fmt: skip
            adaptations.append({
                "method_id": method_id, "care_setting": context.care_setting,
                "population": context.population, "organisation_type": context.organisation_type,
                "scale": context.scale, "organisation_id": organisation,
                "what_changed_source": context.what_changed,
                "what_changed_html": to_html(context.what_changed),
                "why_source": context.why, "why_html": to_html(context.why),
                "results_source": context.results,
                "results_html": to_html(context.results) if context.results else "",
                "render_version": RENDER_VERSION, "results_url": "",
            })  # fmt: skip
        if published:
            revisions.append({
                "method_id": method_id, "number": 1, "title": title, "summary": summary,
                **sections,
                "classification": _classification_lines(
                    sorted(n for _, n in chosen_approaches),
                    sorted(n for _, n in chosen_topics),
                    components, [s.label for s in care_settings],
                ),
                "adaptation": adaptation_text(context) if context else "",
                "note": "First published", "author_id": lead,
                "created_at": at + timedelta(days=1),
            })  # fmt: skip
        threads.append({
            "id": thread_id, "community_id": None, "method_id": method_id, "project_id": None,
            "author_id": lead, "title": title, "slug": slugify(title) or "thread",
            "created_at": at, "last_post_at": at, "post_count": 0, "is_pinned": False,
            "is_locked": False, "is_resolved": False, "key_post_id": None,
        })  # fmt: skip
        watches += [
            {"user_id": u, "thread_id": thread_id, "level": "watching"}
            for u in sorted({lead} | co_authors)
        ]
        thread_id += 1
    build.state["next_thread_id"] = thread_id

    # "I've used this": the popular methods far more often; only on published methods.
    uses, use_id = [], 0
    use_count = [0] * (count + 1)
    organisation_count = [0] * (count + 1)
    for method_id in published_ids:
        # A few uses for most methods, hundreds for the most popular few.
        wanted = rng.choices((0, 1, 2, 3, 5, 8), (30, 25, 15, 12, 10, 8))[0]
        wanted += int(popularity[method_id] * 300 * rng.random())
        wanted = min(wanted, scale.members // 4)
        if method_id == LANDMARK:
            wanted = max(wanted, 40)
        users = sorted(set(rng.sample(everyone, wanted)))
        pool = author_pool(method_id)
        if pool is not None:
            members = set(pool)
            users = [u for u in users if u in members]
        organisations = set()
        for user_id in users:
            use_id += 1
            organisations.add(organisation_of[user_id])
            uses.append({
                "id": use_id, "method_id": method_id, "user_id": user_id,
                "organisation_id": organisation_of[user_id],
                "created_at": ANCHOR + timedelta(days=created[method_id] / 2),
            })  # fmt: skip
        use_count[method_id] = len(users)
        organisation_count[method_id] = len(organisations)
    adaptation_count = [0] * (count + 1)
    for method_id in published_ids:
        if parent_of[method_id] is not None:
            adaptation_count[parent_of[method_id]] += 1
    for row in rows:
        method_id = row["id"]
        row.update(use_count=use_count[method_id], organisation_count=organisation_count[method_id],
                   adaptation_count=adaptation_count[method_id])  # fmt: skip

    with build.progress("methods", count) as bar:
        for start in range(0, count, 2000):
            build.insert("methods", rows[start : start + 2000])
            bar.update(min(2000, count - start))
    del rows
    build.insert("method_authors", authors)
    build.insert("method_tags", tag_rows)
    build.insert("method_impacts", impacts)
    build.insert("method_settings", settings)
    build.insert("method_adaptations", adaptations)
    build.insert("method_revisions", revisions)
    build.insert("method_uses", uses)
    build.insert("threads", threads)
    build.insert("thread_watches", watches)
    build.commit()

    build.state["methods"] = {
        "published": published_ids,
        "community_of": community_of,
        "authors": lead_of,
    }
    build.landmarks.update(
        method_id=LANDMARK,
        method=f"/methods/{LANDMARK}-{slugify(titles[LANDMARK])}",
    )

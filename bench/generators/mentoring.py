"""Mentoring: mentor offers, organisations' self-assessments, requests, asks and mentorships.

A tenth of a mentor's places are taken by running mentorships; many mentors
have finished some, with goals, sessions and feedback, so the track record
counts. Every mentorship came from a request and the ask its mentor accepted,
with `hours_to_match` from the request to the answer; no mentor has more
running mentorships than places.

The measured request (the landmark) is the reader's own, still open, asking
for help with two IMPACT components and two approaches, so its suggestions
page ranks every eligible mentor. Each mentor's discussion evidence is counted
afterwards by the product's own `refresh_evidence` (see DERIVED).
"""

from __future__ import annotations

from datetime import timedelta

from bench.generators.build import ANCHOR, Build, directory
from bench.text import Prose

READER = 1
REQUEST_TITLES = (
    "Help to embed SPC in our board reports", "Building a QI faculty from scratch",
    "Getting our PDSA cycles to stick", "Co-designing services with patients",
    "Measurement for improvement across the PCN", "Leading improvement as a new matron team",
    "Spreading a discharge approach across sites", "Making improvement part of business as usual",
)  # fmt: skip
GOALS = (
    "Agree a measurement plan for the project", "Train six champions in the Model for Improvement",
    "Present SPC charts at the monthly board", "Run a first co-design event with patients",
    "Set up a fortnightly improvement huddle",
)  # fmt: skip
OUTCOMES = (("goals_met", 50), ("partly_met", 30), ("not_met", 10), ("withdrawn", 10))


def build(build: Build) -> None:
    scale = build.scale
    rng = build.rng("mentoring")
    prose = Prose(build.rng("mentoring-prose"))
    places = directory(build)
    organisation_of, system_of = places["organisation_of"], places["system_of"]
    approaches = [tag_id for tag_id, _ in places["tags"]["approach"]]
    systems = sorted(set(system_of.values()))
    members_by_organisation: dict[int, list[int]] = {}
    for user_id in range(2, scale.members + 1):
        members_by_organisation.setdefault(organisation_of[user_id], []).append(user_id)
    organisations = sorted(members_by_organisation)

    # Offers.
    mentors = sorted(rng.sample(range(2, scale.members + 1), scale.mentors))
    offers, components, offer_tags, travels = [], [], [], []
    capacity_of, paused = {}, set()
    for offer_id, user_id in enumerate(mentors, start=1):
        capacity = rng.choices((1, 2, 3, 4), (40, 35, 20, 5))[0]
        capacity_of[user_id] = capacity
        at = ANCHOR - timedelta(days=rng.uniform(30, 700))
        is_paused = rng.random() < 0.05
        if is_paused:
            paused.add(user_id)
        video = rng.random() < 0.9
        offers.append({
            "id": offer_id, "user_id": user_id, "capacity": capacity,
            "offers_video": video, "offers_phone": rng.random() < 0.4,
            "offers_in_person": rng.random() < 0.3 or not video,
            "note": prose.sentences(1)[:1000], "paused_at": at + timedelta(days=20)
            if is_paused else None, "created_at": at, "updated_at": at,
        })  # fmt: skip
        components += [{"offer_id": offer_id, "component": c}
                       for c in sorted(rng.sample(range(1, 6), rng.randint(1, 3)))]  # fmt: skip
        offer_tags += [{"offer_id": offer_id, "tag_id": t}
                       for t in sorted(rng.sample(approaches, rng.randint(1, 3)))]  # fmt: skip
        own = system_of[organisation_of[user_id]]
        others = [s for s in systems if s != own]
        travels += [{"offer_id": offer_id, "system_id": s}
                    for s in sorted(rng.sample(others, min(len(others), rng.choices(
                        (0, 1, 2), (60, 30, 10))[0])))]  # fmt: skip

    # Capability self-assessments for half the organisations.
    assessments, assessment_scores = [], []
    for organisation_id in organisations:
        if rng.random() < 0.5:
            assessment_id = len(assessments) + 1
            assessments.append({
                "id": assessment_id, "organisation_id": organisation_id,
                "assessed_by_id": rng.choice(members_by_organisation[organisation_id]),
                "created_at": ANCHOR - timedelta(days=rng.uniform(10, 400)),
            })  # fmt: skip
            assessment_scores += [{"assessment_id": assessment_id, "component": c,
                                   "score": rng.randint(1, 5), "evidence": prose.sentences(1)}
                                  for c in range(1, 6)]  # fmt: skip

    # Past and running mentorships, each from a request and its accepted ask.
    requests, request_components, request_tags, asks = [], [], [], []
    mentorships, goals, sessions, feedback = [], [], [], []
    running = {user_id: 0 for user_id in mentors}
    finished = int(scale.mentors * 0.6)
    runs = int(scale.mentors * 0.15)

    def new_request(organisation_id, requester, status, created, title=None):
        request_id = len(requests) + 1
        requests.append({
            "id": request_id, "organisation_id": organisation_id, "requester_id": requester,
            "title": title or rng.choice(REQUEST_TITLES), "aim": prose.sentences(2),
            "preferred_format": rng.choice(("any", "any", "video", "phone", "in_person")),
            "timescale": rng.choice(("month", "quarter", "half_year", "year")),
            "status": status, "created_at": created, "matched_at": None, "ended_at": None,
        })  # fmt: skip
        request_components.extend(
            {"request_id": request_id, "component": c}
            for c in sorted(rng.sample(range(1, 6), rng.randint(1, 3)))
        )
        request_tags.extend(
            {"request_id": request_id, "tag_id": t}
            for t in sorted(rng.sample(approaches, rng.randint(0, 2)))
        )
        return requests[-1]

    for index in range(finished + runs):
        is_running = index >= finished
        mentor = rng.choice(mentors)
        if is_running and (mentor in paused or running[mentor] >= capacity_of[mentor]):
            continue
        organisation_id = rng.choice(organisations)
        if organisation_id == organisation_of[mentor]:
            continue
        requester = rng.choice(members_by_organisation[organisation_id])
        created = ANCHOR - timedelta(days=rng.uniform(40, 700) if not is_running else
                                     rng.uniform(10, 120))  # fmt: skip
        request = new_request(organisation_id, requester, "matched" if is_running else "closed",
                              created)  # fmt: skip
        hours = rng.randint(2, 240)
        matched = created + timedelta(hours=hours)
        request["matched_at"] = matched
        asks.append({
            "id": len(asks) + 1, "request_id": request["id"], "mentor_id": mentor,
            "message": "", "status": "accepted", "created_at": created + timedelta(hours=1),
            "expires_at": created + timedelta(days=14), "responded_at": matched,
            "response": "",
        })  # fmt: skip
        mentorship_id = len(mentorships) + 1
        closed = None if is_running else matched + timedelta(days=rng.uniform(30, 200))
        outcome = "" if is_running else rng.choices(*zip(*OUTCOMES, strict=True))[0]
        if closed is not None:
            request["ended_at"] = closed
        mentorships.append({
            "id": mentorship_id, "request_id": request["id"], "mentor_id": mentor,
            "organisation_id": organisation_id,
            "status": "active" if is_running else "closed", "started_at": matched,
            "hours_to_match": hours, "closed_at": closed,
            "closed_by_id": requester if closed else None, "outcome": outcome,
        })  # fmt: skip
        if is_running:
            running[mentor] += 1
        for description in rng.sample(GOALS, rng.randint(1, 3)):
            goals.append({
                "id": len(goals) + 1, "mentorship_id": mentorship_id,
                "description": description,
                "progress": "in_progress" if is_running else rng.choice(("achieved", "dropped")),
                "progress_note": "", "created_at": matched, "updated_at": matched,
            })  # fmt: skip
        for number in range(rng.randint(0, 4)):
            held = matched + timedelta(days=14 * (number + 1))
            sessions.append({
                "id": len(sessions) + 1, "mentorship_id": mentorship_id, "held_on": held.date(),
                "format": "video", "notes": prose.sentences(2), "next_steps": prose.sentences(1),
                "logged_by_id": mentor, "created_at": held,
            })  # fmt: skip
        if closed is not None:
            for side, author, chance in (("organisation", requester, 0.8),
                                         ("mentor", mentor, 0.5)):  # fmt: skip
                if rng.random() < chance:
                    feedback.append({
                        "id": len(feedback) + 1, "mentorship_id": mentorship_id, "side": side,
                        "author_id": author, "rating": rng.choices(range(1, 6),
                                                                   (3, 5, 15, 40, 37))[0],
                        "comment": prose.sentences(1), "created_at": closed,
                    })  # fmt: skip

    # Requests withdrawn before a match, and others still open (their asks long expired).
    for _ in range(max(scale.mentors // 20, 5)):
        organisation_id = rng.choice(organisations)
        requester = rng.choice(members_by_organisation[organisation_id])
        status = rng.choice(("withdrawn", "open"))
        created = ANCHOR - timedelta(days=rng.uniform(20, 300))
        request = new_request(organisation_id, requester, status, created)
        if status == "withdrawn":
            request["ended_at"] = created + timedelta(days=10)
        for mentor in sorted(set(rng.sample(mentors, rng.randint(0, 3)))):
            if organisation_of[mentor] == organisation_id:
                continue
            asks.append({
                "id": len(asks) + 1, "request_id": request["id"], "mentor_id": mentor,
                "message": "", "status": "declined" if rng.random() < 0.5 else "expired",
                "created_at": created, "expires_at": created + timedelta(days=14),
                "responded_at": created + timedelta(days=3), "response": "",
            })  # fmt: skip

    # The landmark: the reader's own open request, nobody asked yet.
    reader_organisation = organisation_of[READER]
    landmark = new_request(reader_organisation, READER, "open", ANCHOR - timedelta(days=2),
                           title="Help to make SPC charts part of our weekly huddles")  # fmt: skip
    request_components[:] = [r for r in request_components if r["request_id"] != landmark["id"]]
    request_tags[:] = [r for r in request_tags if r["request_id"] != landmark["id"]]
    request_components += [{"request_id": landmark["id"], "component": c} for c in (4, 5)]
    names = dict(places["tags"]["approach"])
    wanted = [t for t, n in names.items()
              if n in ("Statistical process control", "Model for Improvement (PDSA)")]  # fmt: skip
    request_tags += [{"request_id": landmark["id"], "tag_id": t} for t in sorted(wanted)]
    landmark["preferred_format"] = "any"

    build.insert("mentor_offers", offers)
    build.insert("mentor_offer_components", components)
    build.insert("mentor_offer_approaches", offer_tags)
    build.insert("mentor_offer_systems", travels)
    build.insert("capability_assessments", assessments)
    build.insert("capability_scores", assessment_scores)
    build.insert("mentoring_requests", requests)
    build.insert("mentoring_request_components", request_components)
    build.insert("mentoring_request_approaches", request_tags)
    build.insert("mentoring_asks", asks)
    build.insert("mentorships", mentorships)
    build.insert("mentorship_goals", goals)
    build.insert("mentoring_sessions", sessions)
    build.insert("mentorship_feedback", feedback)
    build.commit()
    build.landmarks.update(
        mentoring_request_id=landmark["id"],
        suggestions=f"/mentoring/requests/{landmark['id']}/suggestions",
    )

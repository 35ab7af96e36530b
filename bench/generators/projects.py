"""Improvement projects: teams, progress, measures with their data, PDSA cycles and discussions.

Each project has its team (the lead first), its discussion thread followed by
the team, and usually one to three measures of weekly data; some of those
shift after a change, so their SPC charts show special cause variation. What
the services keep on the rows is worked out here by the product's own SPC
analysis: a measure's `point_count`, latest point, variation, assurance and
summary; a project's `cycle_count` and `last_activity_at`; a discussion's
`post_count` and `last_post_at`.

The measured project (the landmark) has two measures of 36 weekly points each,
two PDSA cycles annotated on both charts, a few methods and a discussion.
A handful of project discussions mention a word nothing else uses, for the
rare-word search.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from bench.generators.build import ANCHOR, Build, batched, directory, next_thread_id
from bench.text import SUBJECTS, Prose, to_html
from community.core.markdown import RENDER_VERSION
from community.core.slugs import slugify
from community.projects.forms import NATIONAL_PROGRAMMES
from community.projects.measures import spc, spc_words
from community.projects.models import PROGRESS_SCALE

READER = 1
LANDMARK = 1
RARE_WORD = "haematinics"
RARE_SENTENCE = f"We also checked {RARE_WORD} before every transfusion decision."
RARE_PROJECTS = 5
TITLE_SHAPES = (
    "Improving {s}", "Reducing delays in {s}", "Getting {s} right first time",
    "Spreading the new approach to {s}", "Making {s} safer", "Redesigning {s} with patients",
    "Measuring and improving {s}", "Cutting waste out of {s}",
)  # fmt: skip
STATUSES = (("planning", 15), ("testing", 25), ("implementing", 25), ("sustaining", 15),
            ("complete", 12), ("paused", 8))  # fmt: skip
ROLES = ("Clinical lead", "Data analyst", "Improvement advisor", "Ward manager", "Patient partner",
         "Matron", "Pharmacist", "")  # fmt: skip
# name, definition, unit, direction, baseline, spread (one standard deviation)
MEASURES = (
    ("Median length of stay", "Median length of stay in days of patients discharged that week.",
     "days", "down", 6.5, 0.6),
    ("Discharges before noon", "Share of the week's discharges that left the ward before 12:00.",
     "%", "up", 22.0, 3.0),
    ("Falls per 1,000 bed days", "Inpatient falls reported on Datix per 1,000 occupied bed days.",
     "", "down", 7.0, 1.2),
    ("Sepsis screening within an hour", "Share of patients with a NEWS2 of 5 or more screened "
     "for sepsis within 60 minutes.", "%", "up", 70.0, 5.0),
    ("Delayed transfers of care", "Patients medically fit for discharge still in a bed at "
     "midnight on Sunday.", "patients", "down", 30.0, 4.0),
    ("Staff who would recommend the ward", "Share of the weekly pulse survey's answers that "
     "would recommend the ward as a place to work.", "%", "up", 60.0, 5.0),
    ("Referral to first appointment", "Median weeks from referral to first appointment.",
     "weeks", "down", 14.0, 1.5),
    ("Missed doses of critical medicines", "Critical medicines doses missed or delayed, counted "
     "in the weekly audit.", "doses", "neither", 12.0, 2.5),
)  # fmt: skip
CHANGES = (
    "a daily board round at 09:00", "a discharge checklist started on admission",
    "a nurse-led discharge on weekends", "a safety huddle at each shift change",
    "a single referral form", "a pharmacist on the morning ward round",
    "text message reminders before appointments", "a falls risk sticker on the bed board",
)  # fmt: skip


def _when(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=ANCHOR.tzinfo)


def build(build: Build) -> None:
    scale = build.scale
    rng = build.rng("projects")
    prose = Prose(build.rng("projects-prose"))
    places = directory(build)
    organisation_of, system_of = places["organisation_of"], places["system_of"]
    members_of = build.state["members_of"]
    active = build.state["active"]
    visible_methods = [
        m for m in build.state["methods"]["published"]
        if build.state["methods"]["community_of"][m] is None
    ]  # fmt: skip
    everyone = range(2, scale.members + 1)
    today = ANCHOR.date()
    thread_id = next_thread_id(build)
    post_id = (build.connection.scalar(sa.text("SELECT max(id) FROM posts")) or 0) + 1

    projects, team, scores, links, updates = [], [], [], [], []
    measures, points, cycles, cycle_measures = [], [], [], []
    threads, watches, posts = [], [], []
    measure_id = point_id = cycle_id = update_id = score_id = member_id = 0
    rare_left = RARE_PROJECTS
    landmark_path = ""
    for project_id in range(1, scale.projects + 1):
        landmark = project_id == LANDMARK
        community = None
        if not landmark and rng.random() < 0.15:
            community = rng.choice(active)
        pool = members_of[community] if community is not None else None
        lead = rng.choice(pool) if pool else rng.choice(everyone)
        organisation = organisation_of[lead]
        title = rng.choice(TITLE_SHAPES).format(s=rng.choice(SUBJECTS))
        title = title[0].upper() + title[1:]
        slug = slugify(title)
        status = "implementing" if landmark else rng.choices(*zip(*STATUSES, strict=True))[0]
        started = today - timedelta(days=260 if landmark else rng.randint(30, 900))
        created_at = _when(started)
        activity = created_at
        national = rng.random() < 0.3
        problem = prose.sentences(rng.randint(2, 4))

        # The team: the lead, then up to four more who can see the project.
        others = set()
        for _ in range(4 if landmark else rng.choices(range(5), (20, 30, 25, 15, 10))[0]):
            others.add(rng.choice(pool) if pool else rng.choice(everyone))
        others -= {lead, READER}
        people = [lead, *sorted(others)]
        for index, user_id in enumerate(people):
            member_id += 1
            team.append({
                "id": member_id, "project_id": project_id, "user_id": user_id,
                "role": "Project lead" if index == 0 else rng.choice(ROLES),
                "is_lead": index == 0 or (index == 1 and rng.random() < 0.2),
                "added_at": created_at + timedelta(days=index),
            })  # fmt: skip

        progress = None
        if status != "planning" and rng.random() < 0.7:
            progress = rng.choice(sorted(PROGRESS_SCALE))
            score_id += 1
            scores.append({
                "id": score_id, "project_id": project_id, "score": progress,
                "note": prose.sentences(1)[:300], "set_by_id": lead,
                "set_at": created_at + timedelta(days=20),
            })  # fmt: skip

        # Measures, weekly from the start; some improve after a change.
        count = 2 if landmark else rng.choices(range(4), (15, 30, 35, 20))[0]
        own_measures = []
        for shape_index in [0, 1] if landmark else rng.sample(range(len(MEASURES)), count):
            name, definition, unit, direction, baseline, spread = MEASURES[shape_index]
            measure_id += 1
            weeks = min((today - started).days // 7, 36 if landmark else rng.randint(0, 40))
            shift_at = weeks // 2 if (landmark or rng.random() < 0.4) else None
            sign = {"down": -1, "up": 1, "neither": 1}[direction]
            series = []
            for week in range(weeks):
                value = rng.gauss(baseline, spread)
                if shift_at is not None and week >= shift_at:
                    value += sign * 2.5 * spread
                day = started + timedelta(days=7 * week)
                series.append((day, round(max(value, 0.0), 1)))
            target = None
            if direction != "neither" and rng.random() < 0.4:
                target = round(baseline + sign * 2 * spread, 1)
            analysis = spc.analyse(series, direction=direction, target=target)
            latest = analysis.latest
            measures.append({
                "id": measure_id, "project_id": project_id, "name": name,
                "definition": definition, "unit": unit, "direction": direction, "target": target,
                "created_at": created_at + timedelta(days=1), "data_version": 1,
                "point_count": len(series), "latest_on": latest.when if latest else None,
                "latest_value": latest.value if latest else None,
                "variation": analysis.variation.value if analysis.variation else "",
                "assurance": analysis.assurance.value if analysis.assurance else "",
                "summary": spc_words.summary(analysis, unit)[:1000],
            })  # fmt: skip
            for day, value in series:
                point_id += 1
                points.append({"id": point_id, "measure_id": measure_id, "observed_on": day,
                               "value": value, "note": "", "created_at": _when(day)})  # fmt: skip
            if series:
                activity = max(activity, _when(series[-1][0]))
            own_measures.append((measure_id, shift_at, started))

        # PDSA cycles: numbered from 1; the shift in a measure follows one.
        cycle_total = (
            2
            if landmark
            else (0 if status == "planning" else rng.choices(range(4), (30, 35, 25, 10))[0])
        )
        for number in range(1, cycle_total + 1):
            cycle_id += 1
            began = started + timedelta(days=40 * number + rng.randint(0, 20))
            began = min(began, today - timedelta(days=7))
            done = number < cycle_total or rng.random() < 0.5
            change = rng.choice(CHANGES)
            cycles.append({
                "id": cycle_id, "project_id": project_id, "number": number,
                "title": f"Test {change}"[:200], "change": f"We will test {change}.",
                "prediction": prose.sentences(1), "started_on": began,
                "do_notes": prose.sentences(1) if done else "",
                "study_notes": prose.sentences(1) if done else "",
                "decision": rng.choice(("adopt", "adapt", "abandon")) if done else "",
                "act_notes": prose.sentences(1) if done else "",
                "ended_on": began + timedelta(days=28) if done else None,
                "created_by_id": lead, "created_at": _when(began),
            })  # fmt: skip
            activity = max(activity, _when(began))
            for measure, _, _ in own_measures:
                if landmark or rng.random() < 0.5:
                    cycle_measures.append({"cycle_id": cycle_id, "measure_id": measure})

        if visible_methods and (landmark or rng.random() < 0.25):
            chosen = rng.sample(visible_methods, min(3 if landmark else rng.randint(1, 2),
                                                     len(visible_methods)))  # fmt: skip
            links += [
                {"project_id": project_id, "method_id": m, "linked_by_id": lead,
                 "linked_at": created_at + timedelta(days=3)}
                for m in sorted(set(chosen))
            ]  # fmt: skip
        for _ in range(2 if landmark else rng.choices(range(3), (70, 20, 10))[0]):
            update_id += 1
            at = created_at + timedelta(days=rng.randint(10, max((today - started).days, 11)))
            body = prose.sentences(rng.randint(2, 4))
            updates.append({"id": update_id, "project_id": project_id, "author_id": lead,
                            "body_source": body, "body_html": to_html(body),
                            "render_version": RENDER_VERSION, "created_at": at})  # fmt: skip
            activity = max(activity, at)

        projects.append({
            "id": project_id, "title": title, "slug": slug,
            "aim": f"{title} so that patients wait less, by the end of next year.",
            "problem_source": problem, "problem_html": to_html(problem),
            "problem_render_version": RENDER_VERSION, "organisation_id": organisation,
            "system_id": system_of[organisation],
            "community_id": community + 1 if community is not None else None,
            "programme_type": "national" if national else "local",
            "national_programme": rng.choice(NATIONAL_PROGRAMMES) if national else "",
            "status": status, "progress_score": progress, "start_date": started,
            "cycle_count": cycle_total, "created_by_id": lead, "created_at": created_at,
            "last_activity_at": activity,
        })  # fmt: skip

        # The discussion: opened with the project, followed by the team; some have posts.
        said = []
        if landmark or rng.random() < 0.15:
            speakers = people + ([rng.choice(pool) for _ in range(2)] if pool else
                                 [rng.choice(everyone) for _ in range(2)])  # fmt: skip
            for position in range(1, (4 if landmark else rng.randint(1, 4)) + 1):
                body = prose.post(50, 150)
                if position == 1 and rare_left and not landmark:
                    body += f"\n\n{RARE_SENTENCE}"
                    rare_left -= 1
                at = created_at + timedelta(days=5 * position)
                said.append((rng.choice(speakers), body, at))
        thread_start = created_at
        for position, (author, body, at) in enumerate(said, start=1):
            posts.append({
                "id": post_id, "thread_id": thread_id, "position": position, "author_id": author,
                "reply_to_id": None, "body_source": body, "body_html": to_html(body),
                "render_version": RENDER_VERSION, "created_at": at, "edited_at": None,
                "edit_count": 0, "helpful_count": 0, "deleted_at": None, "hidden_at": None,
                "hidden_reason": "",
            })  # fmt: skip
            post_id += 1
        threads.append({
            "id": thread_id, "community_id": None, "method_id": None, "project_id": project_id,
            "author_id": lead, "title": title, "slug": slug or "thread",
            "created_at": thread_start, "last_post_at": said[-1][2] if said else thread_start,
            "post_count": len(said), "is_pinned": False, "is_locked": False,
            "is_resolved": False, "key_post_id": None,
        })  # fmt: skip
        watches += [{"user_id": u, "thread_id": thread_id, "level": "watching"}
                    for u in sorted(set(people) | {a for a, _, _ in said})]  # fmt: skip
        if landmark:
            landmark_path = f"/projects/{project_id}-{slug}"
            build.landmarks.update(
                project_id=project_id,
                project=landmark_path,
                measure=f"{landmark_path}/measures/{own_measures[0][0]}",
            )
        thread_id += 1
    build.state["next_thread_id"] = thread_id

    with build.progress("projects", len(projects)) as bar:
        for chunk in batched(projects, 2000):
            build.insert("projects", chunk)
            bar.update(len(chunk))
    build.insert("project_team_members", team)
    build.insert("project_progress_scores", scores)
    build.insert("project_methods", links)
    build.insert("project_updates", updates)
    build.insert("measures", measures)
    with build.progress("measure points", len(points)) as bar:
        for chunk in batched(points):
            build.insert("measure_points", chunk)
            bar.update(len(chunk))
    build.insert("pdsa_cycles", cycles)
    build.insert("pdsa_cycle_measures", cycle_measures)
    build.insert("threads", threads)
    build.insert("posts", posts)
    build.insert("thread_watches", watches)
    build.commit()
    build.state["projects"] = {"teams": team}
    build.landmarks.update(rare_word=RARE_WORD)

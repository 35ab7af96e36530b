"""What an author writes on a method form, the rules it must meet, and putting it on the
method (its snapshots, as revisions keep them, are in snapshots.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from community.accounts.models import ExpertiseTag, TagKind, User
from community.communities.models import Community
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.slugs import slugify
from community.directory.models import OrganisationType
from community.methods.models import (
    Adaptation,
    Method,
    MethodImpact,
    MethodSetting,
)
from community.methods.vocabulary import (
    IMPACT_COMPONENTS,
    SECTION_KEYS,
    SECTIONS,
    CareSetting,
    Scale,
)
from community.visibility import can_see_community, membership, widens_audience

MAX_TITLE = 200
MAX_SUMMARY = 600
MAX_SECTION = 20000
MAX_FREE_TAGS = 10
MAX_TAG_LENGTH = 60
MAX_CO_AUTHORS = 10


@dataclass
class MethodContent:
    """Everything an author writes on the method form."""

    title: str = ""
    summary: str = ""
    sections: dict[str, str] = field(default_factory=dict)
    approach_ids: list[int] = field(default_factory=list)
    free_tags: str = ""
    impacts: list[int] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    community_id: int | None = None
    co_authors: str = ""


@dataclass
class AdaptationContext:
    """Where and how a method was adapted: the adaptation form's own fields."""

    care_setting: str = ""
    population: str = ""
    organisation_type: str = ""
    scale: str = ""
    what_changed: str = ""
    why: str = ""
    results: str = ""
    results_url: str = ""


# ------------------------------------------------------------------ checking


def one_paragraph(text: str) -> str:
    return " ".join((text or "").split())


def normalise(content: MethodContent) -> MethodContent:
    content.title = " ".join((content.title or "").split())
    content.summary = one_paragraph(content.summary)
    content.sections = {key: (content.sections.get(key) or "").strip() for key in SECTION_KEYS}
    return content


def check_content(content: MethodContent) -> None:
    """Every problem with the text and choices at once (a RuleViolations)."""
    problems = Problems()
    if not content.title:
        problems.add("Enter a title", "title")
    elif len(content.title) > MAX_TITLE:
        problems.add(f"Title must be {MAX_TITLE} characters or fewer", "title")
    if len(content.summary) > MAX_SUMMARY:
        problems.add(f"Summary must be {MAX_SUMMARY} characters or fewer", "summary")
    for key, heading in SECTIONS:
        if len(content.sections[key]) > MAX_SECTION:
            problems.add(f"{heading} must be {MAX_SECTION:,} characters or fewer", key)
    if any(n not in IMPACT_COMPONENTS for n in content.impacts):
        problems.add("Choose NHS IMPACT components from the list", "impacts")
    if any(s not in {c.value for c in CareSetting} for s in content.settings):
        problems.add("Choose care settings from the list", "settings")
    problems.raise_any()


def publish_problems(title: str, summary: str, sections: dict, tag_count: int) -> list[tuple]:
    """What a method still needs before it can be published, as (field, message)."""
    problems = []
    if not (title or "").strip():
        problems.append(("title", "Enter a title"))
    if not (summary or "").strip():
        problems.append(("summary", "Write a one-paragraph summary before publishing"))
    if not (sections.get("when_to_use") or "").strip():
        problems.append(("when_to_use", "Say when to use the method before publishing"))
    if not (sections.get("how_to") or "").strip():
        problems.append(("how_to", "Describe how to do it before publishing"))
    if tag_count == 0:
        problems.append(
            ("approaches", "Choose at least one improvement approach, or add your own tag")
        )
    return problems


def check_publishable(method: Method) -> None:
    problems = publish_problems(
        method.title,
        method.summary,
        {key: method.section_source(key) for key in SECTION_KEYS},
        len(method.tags),
    )
    found = Problems()
    for field_name, message in problems:
        found.add(message, field_name)
    found.raise_any()


def check_context(context: AdaptationContext) -> AdaptationContext:
    """Every problem with an adaptation's context at once (a RuleViolations)."""
    problems = Problems()
    context.population = one_paragraph(context.population)
    context.results_url = (context.results_url or "").strip()
    for name in ("what_changed", "why", "results"):
        setattr(context, name, (getattr(context, name) or "").strip())
    if context.care_setting not in {c.value for c in CareSetting}:
        problems.add("Choose the care setting you adapted it for", "care_setting")
    if len(context.population) > 300:
        problems.add("Population must be 300 characters or fewer", "population")
    if context.organisation_type and context.organisation_type not in {
        t.value for t in OrganisationType
    }:
        problems.add("Choose a type of organisation from the list", "organisation_type")
    if context.scale and context.scale not in {s.value for s in Scale}:
        problems.add("Choose the scale from the list", "scale")
    if not context.what_changed:
        problems.add("Say what you changed", "what_changed")
    if not context.why:
        problems.add("Say why you changed it", "why")
    for name, label in (("what_changed", "What changed"), ("why", "Why"), ("results", "Results")):
        if len(getattr(context, name)) > MAX_SECTION:
            problems.add(f"{label} must be {MAX_SECTION:,} characters or fewer", name)
    url = context.results_url
    if url and (
        not url.lower().startswith(("https://", "http://")) or len(url) > 500 or " " in url
    ):
        problems.add(
            "Enter a web address starting with https://, like https://example.nhs.uk/report",
            "results_url",
        )
    problems.raise_any()
    return context


def parse_free_tags(text: str) -> list[str]:
    names: list[str] = []
    for part in (text or "").split(","):
        name = " ".join(part.split())
        if name and name.lower() not in {n.lower() for n in names}:
            names.append(name)
    if len(names) > MAX_FREE_TAGS:
        raise RuleViolation(f"Add {MAX_FREE_TAGS} tags or fewer", "free_tags")
    for name in names:
        if len(name) > MAX_TAG_LENGTH or not slugify(name):
            raise RuleViolation(
                f"Each tag must be {MAX_TAG_LENGTH} characters or fewer and contain letters "
                "or numbers",
                "free_tags",
            )
    return names


def tags_for(content: MethodContent) -> list[ExpertiseTag]:
    names = parse_free_tags(content.free_tags)
    chosen = {}
    if content.approach_ids:
        for tag in db.session.scalars(
            sa.select(ExpertiseTag).where(
                ExpertiseTag.id.in_(content.approach_ids), ExpertiseTag.kind == TagKind.APPROACH
            )
        ):
            chosen[tag.slug] = tag
    slugs = {slugify(name): name for name in names}
    if slugs:
        existing = {
            t.slug: t
            for t in db.session.scalars(
                sa.select(ExpertiseTag).where(ExpertiseTag.slug.in_(list(slugs)))
            )
        }
        for slug, name in slugs.items():
            tag = existing.get(slug)
            if tag is None:
                tag = ExpertiseTag(name=name, slug=slug, kind=TagKind.FREE)
                db.session.add(tag)
            chosen.setdefault(slug, tag)
    return sorted(chosen.values(), key=lambda t: t.name.lower())


def community_for(user: User, community_id: int | None, current: int | None) -> Community | None:
    if not community_id:
        return None
    community = db.session.get(Community, community_id)
    if community is None or not can_see_community(user, community):
        raise RuleViolation("Choose a community from the list", "community")
    if community_id == current:
        return community
    if not community.is_active:
        raise RuleViolation("That community is not open yet", "community")
    if not user.is_admin and membership(user, community) is None:
        raise RuleViolation("You can only share a method in a community you belong to", "community")
    return community


def copied_from_private(parent: Method | None) -> Community | None:
    """The private community whose members alone may read `parent`, the method an
    adaptation copies its text from; None when its text is open to every member."""
    if parent is None or parent.community is None or not parent.community.is_private:
        return None
    return parent.community


def check_copied_audience(
    parent: Method | None, community: Community | None, widen: bool, *, staying: bool = False
) -> None:
    """An adaptation of a private method starts in the same community; sharing it
    anywhere else needs `widen`: the author's explicit choice, made with the warning
    in front of them. An edit `staying` where it already is widens nothing."""
    source = copied_from_private(parent)
    if source is None or widen or staying or not widens_audience(source, community):
        return
    raise RuleViolation(
        f"Your adaptation copies text shared only with members of {source.name}: keep it "
        f"in {source.name}, or confirm that you want to share it more widely",
        "widen_audience",
    )


def co_authors_for(user: User, text: str, lead_id: int, community: Community | None) -> list[User]:
    names = []
    for part in (text or "").replace(";", ",").replace("\n", ",").split(","):
        for word in part.split():
            name = word.strip().lstrip("@").lower()
            if name and name not in names:
                names.append(name)
    if len(names) > MAX_CO_AUTHORS:
        raise RuleViolation(f"Add {MAX_CO_AUTHORS} co-authors or fewer", "co_authors")
    if not names:
        return []
    found = {
        u.username: u for u in db.session.scalars(sa.select(User).where(User.username.in_(names)))
    }
    missing = [n for n in names if n not in found]
    if missing:
        raise RuleViolation(
            f"There is no member with the username {missing[0]}: check the spelling", "co_authors"
        )
    people = [found[n] for n in names if found[n].id != lead_id]
    unconfirmed = next((u for u in people if not u.is_confirmed), None)
    if unconfirmed is not None:
        raise RuleViolation(
            f"{unconfirmed.name} has not confirmed their email address yet, so cannot be a "
            "co-author",
            "co_authors",
        )
    if community is not None:
        outside = next((u for u in people if not can_see_community(u, community)), None)
        if outside is not None:
            raise RuleViolation(
                f"{outside.name} is not a member of {community.name}, so could not see the method",
                "co_authors",
            )
    return people


def apply_content(method: Method, content: MethodContent, tags: list[ExpertiseTag]) -> None:
    method.title = content.title
    method.slug = slugify(content.title) or "method"
    method.summary = content.summary
    for key in SECTION_KEYS:
        if method.section_source(key) != content.sections[key] or not method.render_version:
            method.set_section(key, content.sections[key])
    method.tags = tags
    wanted_impacts = sorted(set(content.impacts))
    if method.impact_components != wanted_impacts:
        method.impact_rows = [MethodImpact(component=n) for n in wanted_impacts]
    wanted_settings = set(content.settings)
    if set(method.care_settings) != wanted_settings:
        method.setting_rows = [MethodSetting(setting=s) for s in sorted(wanted_settings)]


def apply_context(adaptation: Adaptation, context: AdaptationContext) -> None:
    adaptation.care_setting = context.care_setting
    adaptation.population = context.population
    adaptation.organisation_type = context.organisation_type
    adaptation.scale = context.scale
    adaptation.results_url = context.results_url
    for name in ("what_changed", "why", "results"):
        if getattr(adaptation, f"{name}_source") != getattr(context, name) or not (
            adaptation.render_version
        ):
            adaptation.set_text(name, getattr(context, name))

"""A method's text as a revision keeps it, and what a form starts from.

A snapshot holds the sections as Markdown source, and the classification and
the adaptation record written out as lines, so that any two versions can be
compared line by line.
"""

from __future__ import annotations

from community.accounts.models import User
from community.core.errors import RuleViolation
from community.directory.models import ORGANISATION_TYPE_LABELS
from community.methods.content import (
    AdaptationContext,
    MethodContent,
    normalise,
    parse_free_tags,
)
from community.methods.models import Adaptation, AuthorRole, Method, MethodRevision
from community.methods.vocabulary import IMPACT_COMPONENTS, SECTION_KEYS, CareSetting, Scale


def classification_text(method: Method) -> str:
    """The classification as lines of text, for revisions and their diffs."""
    return _classification_lines(
        [t.name for t in method.approaches],
        [t.name for t in method.free_tags],
        method.impact_components,
        method.care_setting_labels,
    )


def _classification_lines(approaches, free_tags, impacts, setting_labels) -> str:
    impact_text = "; ".join(f"{n} {IMPACT_COMPONENTS[n].lower()}" for n in impacts)
    return "\n".join(
        [
            "Improvement approaches: " + (", ".join(approaches) or "none"),
            "Other tags: " + (", ".join(free_tags) or "none"),
            "NHS IMPACT components: " + (impact_text or "none"),
            "Care settings: " + (", ".join(setting_labels) or "none"),
        ]
    )


def adaptation_text(adaptation: Adaptation | AdaptationContext | None) -> str:
    if adaptation is None:
        return ""
    if isinstance(adaptation, Adaptation):
        adaptation = context_of(adaptation)
    setting = CareSetting(adaptation.care_setting).label if adaptation.care_setting else ""
    org_type = adaptation.organisation_type
    org_type = ORGANISATION_TYPE_LABELS.get(org_type, "") if org_type else ""
    scale = Scale(adaptation.scale).label if adaptation.scale in set(Scale) else ""
    return "\n".join(
        [
            f"Care setting: {setting or 'not given'}",
            f"Population: {adaptation.population or 'not given'}",
            f"Organisation type: {org_type or 'not given'}",
            f"Scale: {scale or 'not given'}",
            "What changed:",
            adaptation.what_changed,
            "Why:",
            adaptation.why,
            "Results:",
            adaptation.results or "not given",
            f"Link to results: {adaptation.results_url or 'none'}",
        ]
    )


def snapshot(method: Method) -> dict[str, str]:
    """The method's current text, keyed like a revision's fields."""
    return {
        "title": method.title,
        "summary": method.summary,
        **{key: method.section_source(key) for key in SECTION_KEYS},
        "classification": classification_text(method),
        "adaptation": adaptation_text(method.adaptation),
    }


def revision_snapshot(revision: MethodRevision) -> dict[str, str]:
    return {
        "title": revision.title,
        "summary": revision.summary,
        **{key: getattr(revision, key) for key in SECTION_KEYS},
        "classification": revision.classification,
        "adaptation": revision.adaptation,
    }


def proposed_snapshot(
    content: MethodContent, context: AdaptationContext | None, approach_names: list[str]
) -> dict[str, str]:
    """What a method would read like with `content`, without saving anything.

    Used to show an editor whose save was refused how their text differs from
    the saved one.
    """
    content = normalise(content)
    try:
        free = parse_free_tags(content.free_tags)
    except RuleViolation:
        free = [content.free_tags]
    settings = [CareSetting(s).label for s in CareSetting if s.value in set(content.settings)]
    impacts = sorted(n for n in set(content.impacts) if n in IMPACT_COMPONENTS)
    return {
        "title": content.title,
        "summary": content.summary,
        **{key: content.sections[key] for key in SECTION_KEYS},
        "classification": _classification_lines(
            sorted(approach_names, key=str.lower), free, impacts, settings
        ),
        "adaptation": adaptation_text(context) if context is not None else "",
    }


def content_of(method: Method) -> MethodContent:
    """What the edit form starts from."""
    co_authors = [a.user.username for a in method.authors if a.role == AuthorRole.CO_AUTHOR]
    return MethodContent(
        title=method.title,
        summary=method.summary,
        sections={key: method.section_source(key) for key in SECTION_KEYS},
        approach_ids=[t.id for t in method.approaches],
        free_tags=", ".join(t.name for t in method.free_tags),
        impacts=method.impact_components,
        settings=method.care_settings,
        community_id=method.community_id,
        co_authors=", ".join(co_authors),
    )


def context_of(adaptation: Adaptation | None) -> AdaptationContext:
    if adaptation is None:
        return AdaptationContext()
    return AdaptationContext(
        care_setting=adaptation.care_setting,
        population=adaptation.population,
        organisation_type=adaptation.organisation_type,
        scale=adaptation.scale,
        what_changed=adaptation.what_changed_source,
        why=adaptation.why_source,
        results=adaptation.results_source,
        results_url=adaptation.results_url,
    )


def adaptation_starting_point(
    parent: Method, user: User
) -> tuple[MethodContent, AdaptationContext]:
    """The adapt form, pre-filled from the method being adapted."""
    content = content_of(parent)
    content.co_authors = ""
    # Copied text keeps the audience it had: a private method's adaptation starts in
    # its community (widening it is the author's explicit choice, see content.py).
    source = parent.community
    content.community_id = source.id if source is not None and source.is_private else None
    org = user.organisation
    context = AdaptationContext(organisation_type=org.type if org is not None else "")
    return content, context

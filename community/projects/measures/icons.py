"""The Making Data Count icons: what a board reads beside every measure.

The variation icon says what the latest point shows (common cause; special cause
improvement or concern, high or low; special cause neither better nor worse) and
the assurance icon whether the process will meet its target (consistently
passing, consistently failing, hit and miss). Each is a small inline SVG in the
colours NHS England's Making Data Count uses (as NHSRplotthedots draws them:
blue #289de0 improvement, orange #fab428 concern, grey #7b7d7d common cause,
purple #361475 neither), with a letter for those who cannot tell the colours
apart (H or L for the side, P, F or ? for assurance), and its meaning as the
image's text alternative.
"""

from __future__ import annotations

from markupsafe import Markup

from community.projects.measures.spc import HIGH, LOW, Assurance, Variation

IMPROVEMENT = "#289de0"
CONCERN = "#fab428"
COMMON = "#7b7d7d"
NEITHER = "#361475"
INK = "#212b32"

_VARIATION_COLOURS = {
    Variation.IMPROVEMENT: IMPROVEMENT,
    Variation.CONCERN: CONCERN,
    Variation.NEUTRAL: NEITHER,
    Variation.COMMON_CAUSE: COMMON,
}
_SIDE_WORDS = {HIGH: "high", LOW: "low"}


def variation_words(variation: str, side: int) -> str:
    """The variation icon's meaning, as its text alternative and in tables."""
    if not variation:
        return "No data yet"
    high_low = _SIDE_WORDS.get(side, "")
    return {
        Variation.COMMON_CAUSE: "Common cause variation",
        Variation.IMPROVEMENT: f"Special cause variation: improvement ({high_low} values)",
        Variation.CONCERN: f"Special cause variation: concern ({high_low} values)",
        Variation.NEUTRAL: f"Special cause variation: neither better nor worse ({high_low})",
        Variation.TOO_FEW: "Run chart: too few points for limits",
    }[Variation(variation)].replace(" ()", "")


def assurance_words(assurance: str) -> str:
    return {
        Assurance.MEET: "Assurance: will consistently meet the target",
        Assurance.MISS: "Assurance: will consistently fail the target",
        Assurance.HIT_AND_MISS: "Assurance: will hit and miss the target",
    }.get(assurance, "No assurance: no target, direction or limits")


def _icon(colour: str, letter: str, words: str, body: Markup = Markup("")) -> Markup:
    return Markup(
        '<svg class="ic-mdc-icon" role="img" width="36" height="36" viewBox="0 0 36 36" '
        'focusable="false" xmlns="http://www.w3.org/2000/svg"><title>{words}</title>'
        '<circle cx="18" cy="18" r="15" fill="#ffffff" stroke="{colour}" stroke-width="5"/>'
        "{body}"
        '<text x="18" y="23.5" text-anchor="middle" font-family="Arial, sans-serif" '
        'font-size="15" font-weight="bold" fill="{ink}">{letter}</text></svg>'
    ).format(words=words, colour=colour, letter=letter, ink=INK, body=body)


def variation_icon(variation: str, side: int) -> Markup:
    """The variation icon of a measure's latest point ("" with no data or a run chart)."""
    if not variation or variation == Variation.TOO_FEW:
        return Markup("")
    words = variation_words(variation, side)
    if variation == Variation.COMMON_CAUSE:
        # A flat line through the circle: nothing but common cause.
        line = Markup('<path d="M9 13 H27" stroke="{}" stroke-width="2.5" fill="none"/>').format(
            COMMON
        )
        return _icon(COMMON, "", words, line)
    letter = {HIGH: "H", LOW: "L"}.get(side, "")
    return _icon(_VARIATION_COLOURS[Variation(variation)], letter, words)


def assurance_icon(assurance: str) -> Markup:
    """The assurance icon ("" without a target to judge)."""
    if not assurance:
        return Markup("")
    colour, letter = {
        Assurance.MEET: (IMPROVEMENT, "P"),
        Assurance.MISS: (CONCERN, "F"),
        Assurance.HIT_AND_MISS: (COMMON, "?"),
    }[Assurance(assurance)]
    return _icon(colour, letter, assurance_words(assurance))

"""Deterministic prose about improvement work, fast enough for a million posts.

Sentences are assembled once from phrase lists into a pool; each post is a run
of sentences from the pool, 50 to 300 words, in paragraphs and now and then a
short list. Rendering a million posts through Markdown would take longer than
the rest of the build, so `to_html` writes the HTML those simple shapes always
render to, and `check_against_renderer` proves it on a sample before a build.
"""

from __future__ import annotations

import random

from community.core.markdown import render_markdown

OPENERS = (
    "We", "Our team", "The ward team", "Our practice", "The discharge hub", "Our PCN",
    "The therapy team", "Our clinical leads", "The improvement team", "Our matrons",
    "The outpatient team", "Our pharmacists", "The community nursing team", "Our GP leads",
    "The patient panel", "Our data analysts", "The hospice team", "Our care home leads",
)  # fmt: skip
ACTIONS = (
    "ran three PDSA cycles on", "mapped the whole process for", "tested a new approach to",
    "used a driver diagram to focus", "co-designed with patients a new version of",
    "plotted an SPC chart of", "held a rapid improvement event on", "simplified",
    "took the waste out of", "spread from one ward to four the work on",
    "started measuring every week", "agreed a single aim for", "redesigned",
    "asked frontline staff what gets in the way of", "stopped doing the duplicate parts of",
    "adapted the Lean approach to", "borrowed another trust's method for",
)  # fmt: skip
SUBJECTS = (
    "the discharge checklist", "morning board rounds", "the falls risk assessment",
    "medicines reconciliation", "the referral triage", "frailty screening at the front door",
    "the outpatient booking process", "pressure ulcer prevention", "the handover between shifts",
    "the sepsis screening tool", "waiting list validation", "the end of life care plan",
    "the virtual ward pathway", "patient transport bookings", "the antenatal appointments",
    "hospital at home referrals", "the stroke pathway", "the mental health crisis line",
    "wound care in care homes", "the same day emergency care unit",
)  # fmt: skip
RESULTS = (
    "and the median length of stay fell by half a day",
    "and waiting times dropped for eight weeks running",
    "and the run chart shows a shift after the second cycle",
    "but nothing changed until we involved the porters",
    "and the staff survey scores went up by a third",
    "although the first test failed and taught us more than the second",
    "and the SPC chart now shows special cause variation in the right direction",
    "and we saved about forty hours of nursing time a month",
    "and patients told us the new letters were far clearer",
    "but the gains faded when the project lead moved on",
    "and the number of falls with harm halved over six months",
    "and readmissions within thirty days came down steadily",
    "and the process now has eleven steps instead of twenty three",
    "but we still need better data from primary care",
)  # fmt: skip
REFLECTIONS = (
    "The biggest lesson was to start small and test on one shift first.",
    "It only worked once the people doing the job owned the measures.",
    "Has anyone else tried this in a community setting?",
    "I would be glad to share our driver diagram and measurement plan.",
    "We underestimated how long it takes to get reliable baseline data.",
    "Adapting it to our context mattered more than following the method exactly.",
    "Our board now asks for the run chart rather than the monthly average.",
    "Leadership support made the difference when the second cycle stalled.",
    "What would you measure first if you were starting again?",
    "The patient stories persuaded people where the numbers did not.",
    "We kept a learning log and it has been invaluable for spreading the work.",
    "The Making Data Count rules stopped us reacting to every dip.",
    "Mentoring from a more experienced team helped us avoid their early mistakes.",
    "Quick wins bought us the time to fix the underlying flow problems.",
)  # fmt: skip
LIST_ITEMS = (
    "agree the aim with the whole team", "collect a baseline for six weeks",
    "test on one ward before spreading", "plot the data on a run chart weekly",
    "share the results at the huddle", "ask patients what matters to them",
    "write down what you will change next", "check the balancing measures",
    "keep the first change small", "name one person to own each measure",
)  # fmt: skip


def sentence_pool(rng: random.Random, size: int = 3000) -> list[str]:
    pool = []
    for _ in range(size):
        if rng.random() < 0.25:
            pool.append(rng.choice(REFLECTIONS))
        else:
            pool.append(
                f"{rng.choice(OPENERS)} {rng.choice(ACTIONS)} {rng.choice(SUBJECTS)} "
                f"{rng.choice(RESULTS)}."
            )
    return pool


class Prose:
    """Writes posts of a chosen length from a fixed pool of sentences."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pool = sentence_pool(rng)
        self.pool_words = [len(s.split()) for s in self.pool]

    def post(self, min_words: int = 50, max_words: int = 300) -> str:
        rng = self.rng
        # Most posts are short, a few are long: a triangular draw leaning low.
        target = int(rng.triangular(min_words, max_words, min_words + 20))
        paragraphs, current, words = [], [], 0
        while words < target:
            index = rng.randrange(len(self.pool))
            current.append(self.pool[index])
            words += self.pool_words[index]
            if len(current) >= rng.randint(2, 5):
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        if rng.random() < 0.08:
            items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
            paragraphs.insert(
                rng.randrange(1, len(paragraphs) + 1), "\n".join(f"- {i}" for i in items)
            )
        return "\n\n".join(paragraphs)

    def sentences(self, count: int) -> str:
        return " ".join(self.rng.choice(self.pool) for _ in range(count))


def to_html(source: str) -> str:
    """The HTML `render_markdown` gives these paragraphs and lists."""
    blocks = []
    for block in source.split("\n\n"):
        if block.startswith("- "):
            items = "\n".join(f"<li>{line[2:]}</li>" for line in block.split("\n"))
            blocks.append(f"<ul>\n{items}\n</ul>")
        else:
            blocks.append(f"<p>{block}</p>")
    return "\n".join(blocks)


def check_against_renderer(prose: Prose, samples: int = 300) -> None:
    """Fail loudly if the shortcut ever disagrees with the real renderer."""
    state = prose.rng.getstate()
    try:
        for _ in range(samples):
            source = prose.post()
            expected = render_markdown(source).html
            if to_html(source) != expected:
                raise AssertionError(
                    f"bench.text.to_html disagrees with render_markdown:\n{source!r}\n{expected!r}"
                )
    finally:
        prose.rng.setstate(state)

"""A request's suggested mentors as its page shows them: ranked once, then kept a while.

Ranking every eligible mentor (matching.rank) costs a few hundred milliseconds
with ten thousand mentors, and people open the same request's suggestions again
and again: to page through them, to compare, after asking someone. So each app
process keeps a request's ranking for MENTOR_SUGGESTIONS_CACHE_SECONDS (0: rank
on every view), found by everything the request asks for (`Needs`), so a
request whose areas, format or organisation change is ranked afresh.

Who may be suggested is never stale. Every view re-checks the kept mentors in
one statement bounded by their number (`eligible_mentor_ids` among them), so a
mentor who has paused, filled their places, joined the requesting organisation
or been asked since the ranking was made drops out at once. A few more are
kept than the page shows (SPARE), so the page stays full; when too many have
dropped out, the request is ranked again.

What may be up to that many seconds old: the order, the evidence in words, the
number of eligible mentors, and mentors who became eligible since.
"""

from __future__ import annotations

from dataclasses import dataclass

from community.caching import store
from community.core.extensions import db
from community.mentoring.matching.comparison import Needs, Suggestion
from community.mentoring.matching.eligibility import eligible_mentor_ids
from community.mentoring.matching.ranking import Ranking, rank
from community.mentoring.models import MentoringRequest

# Ranked beyond what the page shows, so mentors who drop out leave it full (a request
# waits for at most 3 answers at once, so asks alone never use them all). Kept small:
# each one lowers the score a mentor must beat to reach the page, and so widens the
# pool matching.rank must score (for the bench's request, 151 mentors could reach a
# page of 10, 167 a page and 5 spare, 205 a page and 10 spare, past its pool of 200).
SPARE = 5


@dataclass(frozen=True)
class _Kept:
    ranking: Ranking
    complete: bool  # it holds every mentor who was eligible, so none is missing below


def ranking(request: MentoringRequest, wanted: int) -> Ranking:
    """The `wanted` best mentors to suggest for `request`, best first, and how many there are."""
    needs = Needs.of(request)
    rankings = store("mentor_suggestions")
    entry: _Kept | None = rankings.get(needs)
    if entry is not None and (entry.complete or len(entry.ranking.best) >= wanted):
        still = _still_eligible(needs, entry.ranking.best)
        if entry.complete or len(still) >= wanted:
            dropped = len(entry.ranking.best) - len(still)
            return Ranking(max(entry.ranking.total - dropped, len(still)), tuple(still[:wanted]))
    fresh = rank(request, wanted + SPARE)
    rankings.put(needs, _Kept(fresh, complete=len(fresh.best) >= fresh.total))
    return Ranking(fresh.total, fresh.best[:wanted])


def _still_eligible(needs: Needs, suggestions: list[Suggestion]) -> list[Suggestion]:
    if not suggestions:
        return []
    ids = [s.user_id for s in suggestions]
    eligible = set(db.session.scalars(eligible_mentor_ids(needs, among_mentors=ids)))
    return [s for s in suggestions if s.user_id in eligible]

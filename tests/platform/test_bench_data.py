"""The benchmark data at a tiny scale: counters consistent, every page answers, deterministic.

Builds the data twice (SQLite, into a temporary directory) with every phase,
derived ones included, exactly as `python -m bench` does.
"""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

import community.models  # noqa: F401  (complete metadata for the generators)
from bench import database, diverse, edits
from bench.generators import build
from bench.pages import PAGES
from bench.queries import InstrumentedApp
from bench.scales import Scale
from bench.server import USER_AGENT, Visitor

# The slow tier, `make test-fast` leaves it out: builds the benchmark data twice.
pytestmark = pytest.mark.slow

TINY = Scale(
    name="tiny", systems=3, organisations=12, members=150, communities=12, threads=60,
    posts=600, long_thread_posts=120, methods=80, projects=60, mentors=25,
    warm_up_s=0, duration_s=0, writes=0,
)  # fmt: skip
# Not from the seed (the time of the build, a password hash's random salt): not compared.
UNSEEDED_COLUMNS = {"mentor_evidence": {"counted_at"}, "users": {"password_hash"}}
SKIPPED_TABLES = {"bench_stamp", "alembic_version"}


def _build(directory, monkeypatch, name: str) -> tuple[str, dict]:
    monkeypatch.setattr(database, "DATA_DIR", directory)
    url = f"sqlite:///{directory / name}"
    landmarks, _ = build(TINY, url)
    return url, landmarks


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    try:
        directory = tmp_path_factory.mktemp("bench")
        first = _build(directory, monkeypatch, "first.db")
        second = _build(directory, monkeypatch, "second.db")
    finally:
        monkeypatch.undo()
    engine = sa.create_engine(first[0])
    yield engine, first, second
    engine.dispose()


def _scalar(engine, sql: str) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.text(sql))


MISMATCHES = {
    "adaptation_count": """
        SELECT count(*) FROM methods m WHERE m.adaptation_count != (
            SELECT count(*) FROM methods c WHERE c.parent_id = m.id AND c.status = 'published')
    """,
    "use_count": """
        SELECT count(*) FROM methods m WHERE m.use_count != (
            SELECT count(*) FROM method_uses u WHERE u.method_id = m.id)
    """,
    "organisation_count": """
        SELECT count(*) FROM methods m WHERE m.organisation_count != (
            SELECT count(DISTINCT u.organisation_id) FROM method_uses u WHERE u.method_id = m.id)
    """,
    "uses_of_unpublished": """
        SELECT count(*) FROM method_uses u JOIN methods m ON m.id = u.method_id
        WHERE m.status != 'published'
    """,
    "point_count": """
        SELECT count(*) FROM measures m WHERE m.point_count != (
            SELECT count(*) FROM measure_points p WHERE p.measure_id = m.id)
    """,
    "latest_on": """
        SELECT count(*) FROM measures m WHERE m.point_count > 0 AND m.latest_on != (
            SELECT max(p.observed_on) FROM measure_points p WHERE p.measure_id = m.id)
    """,
    "cycle_count": """
        SELECT count(*) FROM projects p WHERE p.cycle_count != (
            SELECT count(*) FROM pdsa_cycles c WHERE c.project_id = p.id)
    """,
    "post_count": """
        SELECT count(*) FROM threads t WHERE t.post_count != (
            SELECT count(*) FROM posts p WHERE p.thread_id = t.id)
    """,
    "last_post_at": """
        SELECT count(*) FROM threads t WHERE t.post_count > 0 AND t.last_post_at != (
            SELECT max(p.created_at) FROM posts p WHERE p.thread_id = t.id)
    """,
    "thread_count": """
        SELECT count(*) FROM communities c WHERE c.thread_count != (
            SELECT count(*) FROM threads t WHERE t.community_id = c.id)
    """,
    "helpful_count": """
        SELECT count(*) FROM posts p WHERE p.helpful_count != (
            SELECT count(*) FROM helpful_reactions r WHERE r.post_id = p.id)
    """,
    "member_count": """
        SELECT count(*) FROM communities c WHERE c.member_count != (
            SELECT count(*) FROM memberships m WHERE m.community_id = c.id)
    """,
    "methods_without_a_thread": """
        SELECT count(*) FROM methods m WHERE 1 != (
            SELECT count(*) FROM threads t WHERE t.method_id = m.id)
    """,
    "projects_without_a_thread": """
        SELECT count(*) FROM projects p WHERE 1 != (
            SELECT count(*) FROM threads t WHERE t.project_id = p.id)
    """,
    "projects_without_a_lead": """
        SELECT count(*) FROM projects p WHERE NOT EXISTS (
            SELECT 1 FROM project_team_members m WHERE m.project_id = p.id AND m.is_lead)
    """,
    "published_without_a_revision": """
        SELECT count(*) FROM methods m WHERE m.first_published_at IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM method_revisions r WHERE r.method_id = m.id)
    """,
    "mentors_over_capacity": """
        SELECT count(*) FROM mentor_offers o WHERE o.capacity < (
            SELECT count(*) FROM mentorships s
            WHERE s.mentor_id = o.user_id AND s.status = 'active')
    """,
    "mentorships_without_an_accepted_ask": """
        SELECT count(*) FROM mentorships s WHERE NOT EXISTS (
            SELECT 1 FROM mentoring_asks a
            WHERE a.request_id = s.request_id AND a.mentor_id = s.mentor_id
              AND a.status = 'accepted')
    """,
}


@pytest.mark.parametrize("counter", sorted(MISMATCHES))
def test_every_counter_matches_its_rows(built, counter):
    engine, _, _ = built
    assert _scalar(engine, MISMATCHES[counter]) == 0


def test_the_data_has_what_the_pages_measure(built):
    engine, (_, landmarks), _ = built
    assert _scalar(engine, "SELECT count(*) FROM methods") == TINY.methods
    assert _scalar(engine, "SELECT count(*) FROM projects") == TINY.projects
    assert _scalar(engine, "SELECT count(*) FROM mentor_offers") == TINY.mentors
    method = landmarks["method_id"]
    assert _scalar(engine, f"SELECT parent_id IS NOT NULL FROM methods WHERE id = {method}")  # noqa: S608
    assert _scalar(engine, f"SELECT adaptation_count FROM methods WHERE id = {method}") >= 3  # noqa: S608
    points = f"SELECT point_count FROM measures WHERE project_id = {landmarks['project_id']}"  # noqa: S608
    with engine.connect() as connection:
        assert [n >= 24 for n in connection.scalars(sa.text(points))] == [True, True]
    request = landmarks["mentoring_request_id"]
    assert _scalar(
        engine,
        f"SELECT requester_id = 1 AND status = 'open' FROM mentoring_requests WHERE id = {request}",  # noqa: S608
    )
    # Derived: the mentors' evidence and the search index, every kind of content in it.
    assert _scalar(engine, "SELECT count(*) FROM mentor_evidence") > 0
    assert _scalar(engine, "SELECT count(*) FROM search_documents") == _scalar(
        engine, "SELECT count(*) FROM search_fts_docsize"
    )
    word = landmarks["rare_word"]
    assert _scalar(engine, f"SELECT count(*) FROM search_fts WHERE search_fts MATCH '{word}'") >= 1  # noqa: S608
    triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search%'"
    assert _scalar(engine, triggers) == 3


def test_the_search_index_is_what_reindex_would_write(built):
    from community import create_app
    from community.search.commands import problems

    _, (url, _), _ = built
    app = create_app(database.bench_config(url))
    with app.app_context():
        assert problems(limit=5) == []


def test_every_page_answers_the_bench_user(built):
    _, (url, landmarks), _ = built
    app = InstrumentedApp(url, landmarks["user_id"])
    try:
        for page in PAGES:
            result = app.request("GET", page.url(landmarks))
            assert result.status == 200, page.name
        suggestions = app.request("GET", landmarks["suggestions"])
        assert suggestions.bytes > 0
        # A sample of the diverse queries, the warm-up's and the cold ones: each answers.
        for kind in ("search", "expertise"):
            sample = diverse.paths(kind)[::240] + diverse.cold_paths(kind)[::10]
            sample += diverse.warm_up_paths(kind)[::60]
            for path in sample:
                assert app.request("GET", path).status == 200, path
    finally:
        app.close()


class AppVisitor(Visitor):
    """The harness's visitor, through the Flask test client instead of a socket."""

    def __init__(self, app):
        super().__init__("localhost")
        self.client = app.test_client()

    def request(self, method: str, path: str, form: dict | None = None):
        response = self.client.open(
            path, method=method, data=form, headers={"User-Agent": USER_AGENT}
        )
        return response.status_code, response.headers, response.get_data()


def test_the_edit_loop_changes_another_members_post_and_the_run_puts_it_back(built, tmp_path):
    """What a reader sees changes once an edit is saved; after the run, nothing has."""
    import shutil

    from community import create_app
    from community.search.commands import problems

    _, (first_url, landmarks), _ = built
    # On a copy: the other tests read the data as built.
    shutil.copy(sa.make_url(first_url).database, tmp_path / "edited.db")
    url = f"sqlite:///{tmp_path / 'edited.db'}"
    engine = sa.create_engine(url)
    post = edits.choose_post(engine, landmarks)
    assert post.author_id != landmarks["user_id"]
    assert post.thread_id != landmarks["thread_id"]
    before = _digest(url)
    original = _scalar(engine, f"SELECT body_source FROM posts WHERE id = {post.post_id}")  # noqa: S608
    database.mark_dirty(
        engine, database.snapshot(engine, landmarks, edits.rows_changed(engine, post))
    )

    app = create_app(database.bench_config(url))
    editor = edits.Editor(AppVisitor(app), post, landmarks["user_password"])
    editor.sign_in()  # through the form, as the run does
    editor.run(seconds=1.0, interval=0.25)  # (one edit at least, however busy the machine)
    while editor.edits < 2:  # a second, so the page must show the latest of several
        assert editor.edit()
    result = editor.result()
    assert result.edits >= 2 and result.failures == 0
    body = _scalar(engine, f"SELECT body_source FROM posts WHERE id = {post.post_id}")  # noqa: S608
    assert body != original and body.endswith(f"Edited {result.edits}.")
    # The reader sees the new words, and so does search.
    reader = InstrumentedApp(url, landmarks["user_id"])
    try:
        page = reader.client.get(f"/posts/{post.post_id}", follow_redirects=True)
        assert f"Edited {result.edits}." in page.get_data(as_text=True)
    finally:
        reader.close()
    with app.app_context():
        assert problems(limit=5) == []
    engine.dispose()  # (the edits came through another engine)

    database.restore(engine)
    assert _scalar(engine, f"SELECT body_source FROM posts WHERE id = {post.post_id}") == original  # noqa: S608
    # Every table as before, but the editor's time of signing in and the content
    # generation (a counter that only goes up), which no run puts back.
    after = _digest(url)
    assert {t for t in before if before[t] != after[t]} <= {"users", "content_generation"}
    assert after["posts"] == before["posts"]
    assert after["post_revisions"] == before["post_revisions"]
    assert after["search_documents"] == before["search_documents"]
    with app.app_context():
        assert problems(limit=5) == []
    engine.dispose()


def _digest(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    digests = {}
    try:
        metadata = sa.MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            for name, table in sorted(metadata.tables.items()):
                if name in SKIPPED_TABLES or name.startswith("search_fts"):
                    continue
                skip = UNSEEDED_COLUMNS.get(table.name, set())
                columns = [c for c in table.c if c.name not in skip]
                rows = connection.execute(sa.select(*columns).order_by(*columns)).all()
                digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        engine.dispose()
    return digests


def test_two_builds_are_identical(built):
    _, (first_url, first_landmarks), (second_url, second_landmarks) = built
    assert first_landmarks == second_landmarks
    assert _digest(first_url) == _digest(second_url)

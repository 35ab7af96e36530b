"""`flask markdown rerender`: what an older renderer stored is rendered again from its source."""

from __future__ import annotations

import sqlalchemy as sa
from factories import adapt, first_post, make_community, make_thread, publish_method
from helpers import run_command

from community.audit.models import AuditEvent
from community.core.markdown import RENDER_VERSION
from community.discussions.models import Post
from community.methods.models import Adaptation, Method

NESTED = "Our huddle:\n\n- before the shift\n  - who is at risk\n- after a fall\n"
NESTED_HTML = "<li>before the shift<ul>\n<li>who is at risk</li>\n</ul>\n</li>"


def _as_an_older_renderer_left_it(db, post: Post) -> None:
    # What version 2 made of a list nested by two spaces: the items ran together.
    db.session.execute(
        sa.update(Post)
        .where(Post.id == post.id)
        .values(body_html="<p>old</p>", render_version=RENDER_VERSION - 1)
    )
    db.session.commit()


def test_texts_an_older_renderer_made_are_rendered_again_once(app, db, member, make_user):
    facilitator = make_user("fay-facilitator", name="Fay Facilitator")
    community = make_community(facilitator, "Falls prevention", members=[member])
    thread = make_thread(member, community, "Falls huddles", NESTED + "\nThanks @fay-facilitator")
    post = first_post(thread)
    member.set_bio("I lead falls work.\n\n- ward 7\n  - nights\n")
    member.bio_render_version = RENDER_VERSION - 1
    _as_an_older_renderer_left_it(db, post)

    result = run_command(app, ["markdown", "rerender"])

    assert result.exit_code == 0, result.output
    assert "posts: 1" in result.output
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert NESTED_HTML in post.body_html
    assert '<a href="/people/fay-facilitator"' in post.body_html  # the mention is a link again
    assert post.render_version == RENDER_VERSION
    assert "<ul>\n<li>nights</li>\n</ul>" in db.session.get(type(member), member.id).bio_html
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "markdown.rerender")
    ).all()
    assert len(events) == 1 and "rendered again" in events[0].summary

    again = run_command(app, ["markdown", "rerender"])
    assert again.exit_code == 0 and again.output.startswith("0 texts rendered again")


def test_methods_and_their_adaptations_are_rendered_again(app, db, member, make_user):
    parent = publish_method(member, "Falls huddles", sections={"how_to": NESTED})
    child = adapt(make_user("kemi-adeyemi", name="Kemi Adeyemi"), parent, "Falls huddles at night")
    db.session.execute(
        sa.update(Method)
        .where(Method.id.in_([parent.id, child.id]))
        .values(how_to_html="<p>old</p>", render_version=RENDER_VERSION - 1)
    )
    db.session.execute(
        sa.update(Adaptation)
        .where(Adaptation.method_id == child.id)
        .values(why_html="<p>old</p>", render_version=RENDER_VERSION - 1)
    )
    db.session.commit()

    result = run_command(app, ["markdown", "rerender"])

    assert result.exit_code == 0, result.output
    assert "methods: 2" in result.output and "adaptations: 1" in result.output
    db.session.expire_all()
    assert NESTED_HTML in db.session.get(Method, parent.id).how_to_html
    adaptation = db.session.get(Adaptation, child.id)
    assert adaptation.why_html != "<p>old</p>"
    assert adaptation.render_version == RENDER_VERSION

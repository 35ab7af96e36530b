"""A method's discussion is found by search exactly when its method can be seen."""

from __future__ import annotations

from factories import found, in_step, index_everyone, make_community, publish_method, search_as

from community.discussions import services as discussions
from community.methods import services


def test_replies_in_a_method_discussion_are_found_with_the_method_as_their_place(author, member):
    index_everyone()  # the factories' members, so the index starts in step
    method = publish_method(author, "Board rounds")
    thread = services.thread_of(method)
    discussions.reply(author, thread, "Ask me anything about it")  # the opening post
    post = discussions.reply(member, thread, "Huddles at the nurses station")
    (hit,) = search_as(member, "nurses station").hits
    assert (hit.kind, hit.object_id) == ("post", post.id)
    assert hit.places[0] == ("Board rounds", f"/methods/{method.id}-{method.slug}")
    assert hit.places[1] == ("Discussion", f"/methods/{method.id}-{method.slug}/discussion")
    thread_hits = [h for h in search_as(member, "board rounds").hits if h.kind == "thread"]
    assert [h.label for h in thread_hits] == ["Method discussion"]
    assert in_step() == []


def test_a_method_discussion_is_hidden_from_search_with_its_method(author, member, make_user):
    circle = make_community(author, "Private circle", private=True, members=[member])
    method = publish_method(author, "Board rounds", community_id=circle.id)
    discussions.reply(member, services.thread_of(method), "Huddles at the nurses station")
    outsider = make_user("otto-outsider")
    assert found(outsider, "nurses station") == []
    assert len(found(member, "nurses station")) == 1
    services.unpublish(author, method)
    assert found(member, "nurses station") == []  # a draft is for its authors
    assert len(found(author, "nurses station")) == 1


def test_renaming_a_discussed_method_renames_its_discussion_in_search(author, member):
    from community.methods.snapshots import content_of

    index_everyone()
    method = publish_method(author, "Board rounds")
    discussions.reply(member, services.thread_of(method), "Works on weekends too")
    renamed = content_of(method)
    renamed.title = "Morning huddles"
    services.update_method(author, method, renamed, base_version=method.version)
    hits = search_as(member, "morning huddles").hits
    assert sorted((h.kind, h.title) for h in hits) == [
        ("method", "Morning huddles"),  # the method itself, and its discussion
        ("thread", "Morning huddles"),
    ]
    assert in_step() == []

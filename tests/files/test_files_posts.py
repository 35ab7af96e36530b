"""Files on posts: attaching, the limits and refusals, re-encoded images, serving them only
to those who may read the post, and removing them."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from factories import add_member, client_as, first_post, make_community, make_thread
from factories import files as files_support
from factories.files import (
    EXECUTABLE,
    GPS_IFD,
    HTML_PAGE,
    SVG_WITH_SCRIPT,
    docx,
    jpeg_with_location,
    pdf,
    png,
    polyglot_gif,
    stored_paths,
    upload,
)
from helpers import error_summary
from PIL import Image

from community.audit.models import AuditEvent
from community.communities.models import Visibility
from community.core.extensions import db
from community.discussions import redaction
from community.discussions import services as discussions
from community.files.models import StoredFile

files_dir = files_support.files_dir  # (a fixture: each test's files in a folder of its own)
pytestmark = pytest.mark.usefixtures("files_dir")


@pytest.fixture
def author(make_user):
    return make_user("fi-author", name="Fi Author")


@pytest.fixture
def thread(author, make_user):
    community = make_community(make_user("fac-ilitator", name="Fac Ilitator"), members=[author])
    return make_thread(author, community, "Driver diagrams for falls")


def attach(client, post, **fields):
    return client.post(f"/posts/{post.id}/files", data=fields, content_type="multipart/form-data")


def files() -> list[StoredFile]:
    return list(db.session.scalars(sa.select(StoredFile).order_by(StoredFile.id)))


def served_url(page_html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/files/[A-Za-z0-9_-]+)"', page_html)


def test_an_image_is_shown_in_the_post_with_its_alt_text(author, thread, files_dir):
    post = first_post(thread)
    client = client_as(author)
    response = attach(
        client, post, file_1=upload(png(), "driver-diagram.png"),
        alt_1="Driver diagram: reduce falls by 20%",
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert re.search(r'<img src="/files/[\w-]+" alt="Driver diagram: reduce falls by 20%"', page)
    [url] = set(served_url(page))
    served = client.get(url)
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.headers["Content-Disposition"].startswith('inline; filename="driver-diagram.png"')
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert Image.open(io.BytesIO(served.data)).size == (40, 30)
    assert len(stored_paths(files_dir)) == 1


def test_other_files_are_listed_with_name_type_and_size_and_always_downloaded(author, thread):
    post = first_post(thread)
    client = client_as(author)
    attach(client, post, file_1=upload(pdf(), "measurement plan.pdf"),
           file_2=upload(docx(), "PDSA template.docx"),
           file_3=upload(b"week,falls\n1,4\n2,3\n", "falls.csv"))  # fmt: skip
    assert sorted(f.name for f in files()) == [
        "PDSA template.docx",
        "falls.csv",
        "measurement plan.pdf",
    ]
    thread_page = client.get(f"/threads/{thread.id}", follow_redirects=True).text
    assert "measurement plan.pdf" in thread_page
    assert "(PDF document, 1 KB)" in thread_page or "(PDF document, " in thread_page
    assert "PDSA template.docx" in thread_page and "Word document" in thread_page
    assert "falls.csv" in thread_page and "CSV file" in thread_page
    assert "<img" not in thread_page.split("ic-files", 1)[1].split("</div>", 1)[0]
    by_name = {f.name: f for f in files()}
    served = client.get(f"/files/{by_name['measurement plan.pdf'].token}")
    assert served.mimetype == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert "measurement%20plan.pdf" in served.headers["Content-Disposition"]
    assert served.data == pdf()
    csv = client.get(f"/files/{by_name['falls.csv'].token}")
    assert csv.headers["Content-Disposition"].startswith("attachment;")
    assert csv.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_an_image_needs_alt_text_and_nothing_is_saved_without_it(author, thread, files_dir):
    post = first_post(thread)
    response = attach(client_as(author), post, file_1=upload(pdf(), "plan.pdf"),
                      file_2=upload(png(), "board.png"))  # fmt: skip
    assert response.status_code == 200
    assert error_summary(response) == [
        "Describe what board.png shows, for people who cannot see it"
    ]
    assert files() == [] and stored_paths(files_dir) == []


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (EXECUTABLE, "ward-photo.png", "ward-photo.png is a program or script"),
        (SVG_WITH_SCRIPT, "diagram.svg", "diagram.svg is a web page or an SVG drawing"),
        (SVG_WITH_SCRIPT, "diagram.png", "diagram.png is a web page or an SVG drawing"),
        (HTML_PAGE, "notes.txt", "notes.txt is a web page or an SVG drawing"),
        (polyglot_gif(), "chart.gif", "chart.gif has a web page, script or archive hidden"),
        (pdf() + docx(), "plan.pdf", "plan.pdf has a web page, script or archive hidden"),
        (b"\x00\x01\x02binary", "data.csv", "data.csv is not a kind of file that can be shared"),
        (b"#!/bin/sh\nrm -rf /\n", "script.txt", "script.txt is a program or script"),
    ],
)
def test_the_type_is_decided_by_the_content_and_dangerous_files_are_refused(
    author, thread, files_dir, data, name, words
):
    response = attach(client_as(author), first_post(thread), file_1=upload(data, name),
                      alt_1="A picture")  # fmt: skip
    [message] = error_summary(response)
    assert message.startswith(words)
    assert files() == [] and stored_paths(files_dir) == []


def test_a_file_named_as_a_picture_is_kept_as_what_it_is(author, thread):
    attach(client_as(author), first_post(thread), file_1=upload(pdf(), "photo.png"))
    [stored] = files()
    assert (stored.name, stored.content_type, stored.is_image) == (
        "photo.pdf",
        "application/pdf",
        False,
    )


def test_a_file_too_large_is_refused_with_the_limit(author, thread, files_dir, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_MAX_MB", 1)
    big = b"week,falls\n" + b"1,4\n" * 300_000
    response = attach(client_as(author), first_post(thread), file_1=upload(big, "big.csv"))
    assert error_summary(response) == ["big.csv is larger than 1 MB"]
    assert files() == [] and stored_paths(files_dir) == []


def test_a_post_has_five_files_at_most(author, thread, files_dir):
    post = first_post(thread)
    client = client_as(author)
    attach(client, post, **{f"file_{n}": upload(pdf(), f"plan {n}.pdf") for n in range(1, 5)})
    assert len(files()) == 4
    response = attach(client, post, file_1=upload(pdf(), "five.pdf"),
                      file_2=upload(pdf(), "six.pdf"))  # fmt: skip
    assert error_summary(response) == [
        "A post can have 5 files at most: this one has room for 1 more"
    ]
    assert len(files()) == 4 and len(stored_paths(files_dir)) == 4
    attach(client, post, file_1=upload(pdf(), "five.pdf"))
    page = client.get(f"/posts/{post.id}/files").text
    assert "This post has as many files as a post can have" in page


def test_a_member_has_a_daily_quota(author, thread, files_dir, app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DAILY_QUOTA_MB", 1)
    client = client_as(author)
    half = b"week,falls\n" + b"1,4\n" * 150_000  # 600 KB
    attach(client, first_post(thread), file_1=upload(half, "one.csv"))
    response = attach(client, first_post(thread), file_1=upload(half, "two.csv"))
    assert error_summary(response) == [
        "You can upload 1 MB of files a day, and these would take you past it: try again tomorrow"
    ]
    assert [f.name for f in files()] == ["one.csv"] and len(stored_paths(files_dir)) == 1


def test_a_photo_loses_its_location_and_camera_details(author, thread):
    original = Image.open(io.BytesIO(jpeg_with_location()))
    assert original.getexif().get_ifd(GPS_IFD)  # the photo as taken says where
    client = client_as(author)
    attach(client, first_post(thread), file_1=upload(jpeg_with_location(), "ward.jpg"),
           alt_1="The ward's improvement board")  # fmt: skip
    [stored] = files()
    served = client.get(f"/files/{stored.token}").data
    image = Image.open(io.BytesIO(served))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert b"WardCam" not in served and b"ward 7" not in served
    assert "exif" not in image.info


def test_a_huge_picture_is_scaled_down(author, thread):
    client = client_as(author)
    attach(client, first_post(thread), file_1=upload(png((5000, 1000)), "wide.png"),
           alt_1="A wide process map")  # fmt: skip
    [stored] = files()
    assert (stored.width, stored.height) == (2560, 512)
    assert Image.open(io.BytesIO(client.get(f"/files/{stored.token}").data)).size == (2560, 512)


def test_a_decompression_bomb_is_refused(author, thread, files_dir):
    out = io.BytesIO()
    Image.new("1", (10000, 5000)).save(out, "PNG")  # 50 million pixels in a small file
    assert len(out.getvalue()) < 1024 * 1024
    response = attach(client_as(author), first_post(thread),
                      file_1=upload(out.getvalue(), "bomb.png"), alt_1="A picture")  # fmt: skip
    assert error_summary(response) == [
        "bomb.png is too large a picture (10000 × 5000 pixels): attach a smaller copy of it"
    ]
    assert files() == [] and stored_paths(files_dir) == []


def test_only_the_author_attaches_files_to_a_post(author, thread, make_user):
    other = make_user("other-member")
    add_member(thread.community, other)
    response = attach(client_as(other), first_post(thread), file_1=upload(pdf(), "plan.pdf"))
    assert response.status_code == 403
    assert files() == []


def test_a_private_communitys_file_is_not_found_by_anyone_else(make_user, author):
    facilitator = make_user("priv-fac")
    community = make_community(facilitator, visibility=Visibility.PRIVATE, members=[author])
    thread = make_thread(author, community, "Our falls data")
    attach(client_as(author), first_post(thread), file_1=upload(png(), "chart.png"),
           alt_1="Run chart of falls")  # fmt: skip
    [stored] = files()
    url = f"/files/{stored.token}"
    assert client_as(author).get(url).status_code == 200
    assert client_as(facilitator).get(url).status_code == 200
    assert client_as(make_user("outsider")).get(url).status_code == 404
    assert client_as(make_user("outsider-2")).get(f"{url}/remove").status_code == 404
    assert client_as(None).get(url).status_code == 302  # to sign in
    assert client_as(make_user("outsider-3")).get(f"/files/{stored.token[:-1]}x").status_code == 404


def test_a_removed_post_takes_its_files_with_it(author, thread, make_user, files_dir):
    post = discussions.reply(author, thread, "Here is the plan")
    attach(client_as(author), post, file_1=upload(pdf(), "plan.pdf"))
    [stored] = files()
    reader = make_user("reader")
    add_member(thread.community, reader)
    assert client_as(reader).get(f"/files/{stored.token}").status_code == 200
    token = stored.token
    discussions.delete_post(author, db.session.get(type(post), post.id))
    assert client_as(reader).get(f"/files/{token}").status_code == 404
    assert files() == [] and stored_paths(files_dir) == []


def test_a_purged_post_takes_its_files_with_it(author, thread, admin, files_dir):
    post = discussions.reply(author, thread, "Photo of the board, names showing")
    attach(client_as(author), post, file_1=upload(png(), "board.png"), alt_1="Ward board")
    redaction.purge_post(admin, db.session.get(type(post), post.id))
    assert files() == [] and stored_paths(files_dir) == []


def test_the_author_removes_a_file_after_being_asked(author, thread, files_dir):
    client = client_as(author)
    attach(client, first_post(thread), file_1=upload(pdf(), "old plan.pdf"))
    [stored] = files()
    token = stored.token
    asked = client.get(f"/files/{token}/remove")
    assert "Remove old plan.pdf?" in asked.text
    assert files() and len(stored_paths(files_dir)) == 1
    done = client.post(f"/files/{token}/remove", follow_redirects=True)
    assert "old plan.pdf has been removed." in done.text
    assert files() == [] and stored_paths(files_dir) == []
    assert client.get(f"/files/{token}").status_code == 404
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "file.removed"))
    assert event.actor_id == author.id and event.summary == "old plan.pdf"


def test_a_facilitator_removes_a_file_and_another_member_may_not(author, thread, make_user):
    attach(client_as(author), first_post(thread), file_1=upload(pdf(), "plan.pdf"))
    [stored] = files()
    other = make_user("another")
    add_member(thread.community, other)
    assert client_as(other).get(f"/files/{stored.token}/remove").status_code == 403
    assert client_as(other).post(f"/files/{stored.token}/remove").status_code == 403
    facilitator = db.session.get(type(author), thread.community.created_by_id)
    client_as(facilitator).post(f"/files/{stored.token}/remove")
    assert files() == []


def test_attaching_is_audited(author, thread):
    attach(client_as(author), first_post(thread), file_1=upload(pdf(), "plan.pdf"))
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "file.attached"))
    assert (event.actor_id, event.summary) == (author.id, "plan.pdf")


def test_a_request_larger_than_a_posts_allowance_is_refused_unread(
    author, thread, app, monkeypatch
):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    big = b"week,falls\n" + b"1,4\n" * 40_000
    response = attach(client_as(author), first_post(thread), file_1=upload(big, "big.csv"))
    assert response.status_code == 413
    assert "Those files are too large to send together" in response.text
    assert "Nothing was saved" in response.text
    assert files() == []

"""Where files are kept (a folder, or an S3 bucket through boto3, tested with moto's
in-process S3: no network), and the virus-scanning hook (with the fake scanner)."""

from __future__ import annotations

import io

import boto3
import pytest
import sqlalchemy as sa
from factories import client_as, first_post, make_community, make_thread
from factories import files as files_support
from factories.files import pdf, png, stored_paths, upload
from helpers import error_summary, run_command, sign_in_as
from moto import mock_aws

from community.core.extensions import db
from community.files import storage as storage_module
from community.files.models import ScanStatus, StoredFile
from community.files.scanning import FakeScanner, use_scanner
from community.files.storage import LocalStorage, S3Storage, new_key, use_storage

files_dir = files_support.files_dir  # (a fixture: each test's files in a folder of its own)
BUCKET = "ic-files"


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-2")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
        )
        yield client


def objects(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_s3_storage_streams_a_file_in_and_out_and_deletes_it(s3):
    store = S3Storage(BUCKET, prefix="files/", client=s3)
    key = new_key()
    data = bytes(range(256)) * 1024 * 20  # 5 MB: more than one chunk each way
    store.save(key, io.BytesIO(data))
    assert objects(s3) == [f"files/{key}"]
    assert store.exists(key)
    chunks = list(store.chunks(key))
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= storage_module.CHUNK
    assert b"".join(chunks) == data
    store.delete(key)
    assert objects(s3) == [] and not store.exists(key)


def test_a_post_file_kept_in_s3_is_served_and_removed_from_the_bucket(app, db, s3, make_user):
    use_storage(app, S3Storage(BUCKET, client=s3))
    use_scanner(app, None)
    try:
        author = make_user("s3-author")
        thread = make_thread(author, make_community(make_user("s3-fac"), members=[author]))
        client = client_as(author)
        client.post(f"/posts/{first_post(thread).id}/files", data={
            "file_1": upload(png(), "board.png"), "alt_1": "Ward board",
            "file_2": upload(pdf(), "plan.pdf")}, content_type="multipart/form-data")  # fmt: skip
        stored = list(db.session.scalars(sa.select(StoredFile).order_by(StoredFile.id)))
        assert sorted(objects(s3)) == sorted(f.storage_key for f in stored)
        assert client.get(f"/files/{stored[1].token}").data == pdf()
        client.post(f"/files/{stored[1].token}/remove")
        assert objects(s3) == [stored[0].storage_key]
    finally:
        app.extensions.pop("files_storage", None)
        app.extensions.pop("files_scanner", None)


def test_the_storage_is_chosen_by_configuration(tmp_path):
    local = storage_module.make_storage({"FILES_STORAGE": "local", "FILES_DIR": str(tmp_path)})
    assert isinstance(local, LocalStorage) and local.root == tmp_path
    with mock_aws():
        chosen = storage_module.make_storage({
            "FILES_STORAGE": "s3", "FILES_S3_BUCKET": BUCKET, "FILES_S3_PREFIX": "p/",
            "FILES_S3_ENDPOINT_URL": "", "FILES_S3_REGION": "eu-west-2"})  # fmt: skip
    assert isinstance(chosen, S3Storage) and (chosen.bucket, chosen.prefix) == (BUCKET, "p/")


def test_local_storage_refuses_a_key_it_did_not_make(tmp_path):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).path("../../etc/passwd")


# ---------------------------------------------------------------- scanning


@pytest.fixture
def author(make_user):
    return make_user("scan-author")


@pytest.fixture
def post(author, make_user):
    return first_post(make_thread(author, make_community(make_user("scan-fac"), members=[author])))


def attach(author, post, data: bytes, name: str):
    return client_as(author).post(
        f"/posts/{post.id}/files", data={"file_1": upload(data, name)},
        content_type="multipart/form-data",
    )  # fmt: skip


def test_an_infected_file_is_refused_and_nothing_is_kept(app, files_dir, author, post):
    use_scanner(app, FakeScanner())
    infected = b"week,falls\n" + FakeScanner.EICAR + b"\n"
    response = attach(author, post, infected, "falls.csv")
    assert error_summary(response) == ["falls.csv contains a virus and cannot be shared"]
    assert db.session.scalar(sa.select(sa.func.count(StoredFile.id))) == 0
    assert stored_paths(files_dir) == []


def test_a_clean_file_is_served_once_it_has_passed(app, files_dir, author, post):
    scanner = FakeScanner()
    use_scanner(app, scanner)
    attach(author, post, pdf(), "plan.pdf")
    stored = db.session.scalar(sa.select(StoredFile))
    assert scanner.scanned == 1 and stored.scan_status == ScanStatus.PASSED
    assert client_as(author).get(f"/files/{stored.token}").status_code == 200


def test_a_file_is_not_served_until_the_scanner_has_passed_it(
    app, files_dir, author, post, make_client
):
    scanner = FakeScanner(available=False)
    use_scanner(app, scanner)
    attach(author, post, pdf(), "plan.pdf")
    stored = db.session.scalar(sa.select(StoredFile))
    assert stored.scan_status == ScanStatus.PENDING
    client = client_as(author)
    assert client.get(f"/files/{stored.token}").status_code == 404
    assert "plan.pdf" not in client.get(f"/threads/{post.thread_id}", follow_redirects=True).text
    assert "waiting for its virus scan" in client.get(f"/posts/{post.id}/files").text
    scanner.available = True
    assert "1 passed, 0 failed" in run_command(app, ["files", "scan"]).output
    token, thread_id = stored.token, post.thread_id
    client = make_client()  # (a request in a context of its own, as under a real server)
    sign_in_as(client, author)
    assert client.get(f"/files/{token}").status_code == 200
    page = client.get(client.get(f"/threads/{thread_id}").headers["Location"])
    assert "plan.pdf" in page.text


def test_a_file_that_fails_a_later_scan_is_deleted_and_never_served(app, files_dir, author, post):
    scanner = FakeScanner(available=False)
    use_scanner(app, scanner)
    attach(author, post, b"notes\n" + FakeScanner.EICAR + b"\n", "notes.txt")
    stored = db.session.scalar(sa.select(StoredFile))
    scanner.available = True
    assert "0 passed, 1 failed" in run_command(app, ["files", "scan"]).output
    db.session.expire_all()
    assert db.session.get(StoredFile, stored.id).scan_status == ScanStatus.FAILED
    assert stored_paths(files_dir) == []
    assert client_as(author).get(f"/files/{stored.token}").status_code == 404

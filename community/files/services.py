"""Attaching files to posts, reading and removing them. Each change commits once, with its
audit entry; nothing is half-saved: a refused upload stores no bytes and no rows."""

from __future__ import annotations

import logging
import os
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

import sqlalchemy as sa
from flask import abort, current_app

from community.audit.services import record
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions.models import Post
from community.files import detection, images
from community.files.forms import SLOTS
from community.files.models import SERVABLE, FileKind, ScanStatus, StoredFile
from community.files.scanning import Verdict, scanner
from community.files.storage import new_key, storage
from community.visibility import can_remove_file, can_see_file, can_see_post

log = logging.getLogger(__name__)
MB = 1024 * 1024


@dataclass
class Upload:
    """One file a member chose, with the alt text they gave it, from form field `field`."""

    stream: BinaryIO
    filename: str
    alt_text: str
    field: str


@dataclass
class _Ready:
    upload: Upload
    detected: detection.Detected
    stream: BinaryIO
    size: int
    width: int | None = None
    height: int | None = None
    status: str = ScanStatus.NOT_SCANNED


def given_name(filename: str) -> str:
    """The name a member gave the file, without folders or control characters."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(c for c in unicodedata.normalize("NFC", base) if c.isprintable()).strip()


def safe_name(filename: str, extension: str) -> str:
    """The name a member gave the file, ending in the extension its content has."""
    stem = os.path.splitext(given_name(filename))[0].strip(" .") or "file"
    return stem[: 200 - len(extension)] + extension


def _size_of(stream: BinaryIO) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def used_today(user) -> int:
    """Bytes `user` uploaded in the last 24 hours (the daily quota counts them)."""
    since = utcnow() - timedelta(days=1)
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(StoredFile.size), 0)).where(
            StoredFile.uploader_id == user.id, StoredFile.created_at >= since
        )
    )


def may_attach_to_post(user, post: Post) -> bool:
    return post.author_id == user.id and not post.is_removed and can_see_post(user, post)


def room_on(post: Post) -> int:
    """How many more files `post` may have."""
    return max(current_app.config["UPLOAD_FILES_PER_POST"] - post.file_count, 0)


def uploads_from(form) -> list[Upload]:
    """The files chosen in the form's slots (an empty slot is skipped); every slot is read,
    not only those the page showed, so that too many is refused rather than cut short."""
    uploads = []
    for file_field, alt_field in form.slots(SLOTS):
        chosen = file_field.data
        if chosen is not None and getattr(chosen, "filename", ""):
            uploads.append(
                Upload(chosen.stream, chosen.filename, alt_field.data or "", file_field.name)
            )
    return uploads


def attach_to_post(user, post: Post, uploads: Sequence[Upload]) -> list[StoredFile]:
    """Check every file, then keep them all or none."""
    config = current_app.config
    if not may_attach_to_post(user, post):
        raise RuleViolation("Only the author of a post can attach files to it")
    if not uploads:
        raise RuleViolation("Choose a file to attach", field="file_1")
    room = config["UPLOAD_FILES_PER_POST"] - post.file_count
    if len(uploads) > room:
        raise RuleViolation(
            f"A post can have {config['UPLOAD_FILES_PER_POST']} files at most"
            + (f": this one has room for {room} more" if room > 0 else ": this one has them all"),
            field=uploads[0].field,
        )
    ready = _check(uploads, config)
    total = sum(r.size for r in ready)
    quota = config["UPLOAD_DAILY_QUOTA_MB"] * MB
    if used_today(user) + total > quota:
        raise RuleViolation(
            f"You can upload {config['UPLOAD_DAILY_QUOTA_MB']} MB of files a day, and these "
            "would take you past it: try again tomorrow", field=uploads[0].field,
        )  # fmt: skip
    _scan(ready)
    return _keep(user, post, ready)


def _check(uploads: Sequence[Upload], config) -> list[_Ready]:
    """Each file's size, type and alt text, and each image re-encoded; every problem at once."""
    problems, ready = Problems(), []
    limit = config["UPLOAD_MAX_MB"] * MB
    for upload in uploads:
        name = given_name(upload.filename)[:200] or "The file"
        try:
            size = _size_of(upload.stream)
            if size > limit:
                raise RuleViolation(f"{name} is larger than {config['UPLOAD_MAX_MB']} MB")
            detected = detection.detect(upload.stream, name)
            if detected.is_image:
                if not upload.alt_text.strip():
                    raise RuleViolation(f"Describe what {name} shows, for people who cannot see it")
                image = images.reencode(
                    upload.stream, detected, name,
                    config["UPLOAD_IMAGE_MAX_SIDE"], config["UPLOAD_IMAGE_MAX_PIXELS"],
                )  # fmt: skip
                ready.append(_Ready(upload, detected, image.stream, image.size,
                                    image.width, image.height))  # fmt: skip
            else:
                ready.append(_Ready(upload, detected, upload.stream, size))
        except RuleViolation as violation:
            problems.add(violation.message, upload.field)
    problems.raise_any()
    return ready


def _chunks(stream: BinaryIO, size: int = 64 * 1024) -> Iterable[bytes]:
    stream.seek(0)
    while chunk := stream.read(size):
        yield chunk
    stream.seek(0)


def _scan(ready: list[_Ready]) -> None:
    chosen = scanner()
    if chosen is None:
        return
    for r in ready:
        verdict = chosen.scan(_chunks(r.stream))
        if verdict == Verdict.INFECTED:
            raise RuleViolation(
                f"{given_name(r.upload.filename)} contains a virus and cannot be shared",
                field=r.upload.field,
            )
        r.status = ScanStatus.PASSED if verdict == Verdict.CLEAN else ScanStatus.PENDING


def _keep(user, post: Post, ready: list[_Ready]) -> list[StoredFile]:
    kept_keys: list[str] = []
    files = []
    try:
        for r in ready:
            key = new_key()
            storage().save(key, r.stream)
            kept_keys.append(key)
            files.append(StoredFile(
                token=secrets.token_urlsafe(32), post_id=post.id, uploader_id=user.id,
                name=safe_name(r.upload.filename, r.detected.extension),
                content_type=r.detected.content_type,
                kind=FileKind.IMAGE if r.detected.is_image else FileKind.DOCUMENT,
                size=r.size, alt_text=r.upload.alt_text.strip()[:300],
                width=r.width, height=r.height, storage_key=key, scan_status=r.status,
            ))  # fmt: skip
        db.session.add_all(files)
        # Altering the post (not only adding rows) draws its thread's kept pages anew.
        db.session.execute(
            sa.update(Post).where(Post.id == post.id)
            .values(file_count=Post.file_count + len(files))
        )  # fmt: skip
        for stored in files:
            record("file.attached", user, post, stored.name)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for key in kept_keys:
            _delete_bytes(key)
        raise
    return files


def _delete_bytes(key: str) -> None:
    try:
        storage().delete(key)
    except Exception:  # the row is gone; a stray object is logged, not shown
        log.exception("Could not delete the stored file %s", key)


def get_file_or_404(token: str, user) -> StoredFile:
    """A file `user` may see and that may be served; 404 for any other, alike."""
    stored = db.session.scalar(sa.select(StoredFile).where(StoredFile.token == token))
    if stored is None or not can_see_file(user, stored):
        abort(404)
    return stored


def get_servable_file_or_404(token: str, user) -> StoredFile:
    stored = get_file_or_404(token, user)
    if not stored.is_servable:
        abort(404)
    return stored


def files_of_post(post_id: int) -> list[StoredFile]:
    return list(
        db.session.scalars(
            sa.select(StoredFile).where(StoredFile.post_id == post_id).order_by(StoredFile.id)
        )
    )


def servable_files_of_posts(post_ids: Iterable[int]) -> list[StoredFile]:
    """The files shown under these posts (one query): those passed or not scanned."""
    return list(
        db.session.scalars(
            sa.select(StoredFile)
            .where(StoredFile.post_id.in_(list(post_ids)), StoredFile.scan_status.in_(SERVABLE))
            .order_by(StoredFile.id)
        )
    )


def remove_file(user, stored: StoredFile) -> None:
    """Who uploaded it, or a moderator of its thread, removes it: row, audit, then bytes."""
    if not can_remove_file(user, stored):
        raise RuleViolation("Only who attached a file and the moderators can remove it")
    key, name = stored.storage_key, stored.name
    post = db.session.get(Post, stored.post_id)
    db.session.delete(stored)
    db.session.execute(
        sa.update(Post).where(Post.id == post.id).values(file_count=Post.file_count - 1)
    )
    record("file.removed", user, post, name)
    db.session.commit()
    _delete_bytes(key)


def delete_files_of(files: Iterable[StoredFile]) -> None:
    """Delete the bytes of files whose rows have just gone (after the commit)."""
    for stored in files:
        _delete_bytes(stored.storage_key)


def scan_pending(limit: int = 100) -> tuple[int, int, int]:
    """Scan files that wait for the scanner: (passed, failed, still waiting). A failed
    file's bytes are deleted and it is never served. Each file commits on its own."""
    chosen = scanner()
    if chosen is None:
        return (0, 0, 0)
    passed = failed = waiting = 0
    pending = list(
        db.session.scalars(
            sa.select(StoredFile)
            .where(StoredFile.scan_status == ScanStatus.PENDING)
            .order_by(StoredFile.id)
            .limit(limit)
        )
    )
    for stored in pending:
        verdict = chosen.scan(storage().chunks(stored.storage_key))
        if verdict == Verdict.CLEAN:
            stored.scan_status = ScanStatus.PASSED
            passed += 1
        elif verdict == Verdict.INFECTED:
            stored.scan_status = ScanStatus.FAILED
            failed += 1
        else:
            waiting += 1
            continue
        db.session.commit()
        if stored.scan_status == ScanStatus.FAILED:
            _delete_bytes(stored.storage_key)
    return passed, failed, waiting


def take_away_files_of_post(post: Post) -> list[str]:
    """For removing or purging `post`, in its transaction: its files go with it (no one
    could open them again). Returns their storage keys, for `delete_bytes` after the
    commit."""
    gone = files_of_post(post.id)
    for stored in gone:
        db.session.delete(stored)
    if gone:
        post.file_count = 0
    return [stored.storage_key for stored in gone]


def take_away_lone_files(user) -> list[str]:
    """For deleting `user`'s account, in its transaction: the files they attached that no
    one else can see (those of their removed posts, and those never passed by the scanner)
    go. Returns their storage keys, for `delete_bytes` once the deletion has committed."""
    lone = list(
        db.session.scalars(
            sa.select(StoredFile)
            .join(Post, Post.id == StoredFile.post_id)
            .where(
                StoredFile.uploader_id == user.id,
                sa.or_(Post.deleted_at.is_not(None), StoredFile.scan_status.not_in(SERVABLE)),
            )
        )
    )
    for stored in lone:
        db.session.execute(
            sa.update(Post).where(Post.id == stored.post_id).values(file_count=Post.file_count - 1)
        )
        db.session.delete(stored)
    return [stored.storage_key for stored in lone]


def delete_bytes(keys: Iterable[str]) -> None:
    for key in keys:
        _delete_bytes(key)


def _iso(moment) -> str:
    # SQLite hands back naive datetimes, stored in UTC.
    return moment.isoformat() + ("Z" if moment.tzinfo is None else "")


def exported_files(user) -> list[dict]:
    """The files `user` attached, for their data download: what each is and where to
    download it (while signed in)."""
    rows = db.session.scalars(
        sa.select(StoredFile).where(StoredFile.uploader_id == user.id).order_by(StoredFile.id)
    )
    return [
        {
            "name": f.name, "type": f.content_type, "size": f.size, "alt_text": f.alt_text,
            "post_id": f.post_id, "attached_at": _iso(f.created_at),
            "address": f"/files/{f.token}",
        }
        for f in rows
    ]  # fmt: skip

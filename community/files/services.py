"""Attaching files to posts, methods, projects and PDSA cycles, reading and removing them,
and copying a method's files into an adaptation. Each change commits once, with its audit
entry; nothing is half-saved: a refused upload stores no bytes and no rows. What a file is
attached to is an `Owner` (owners.py)."""

from __future__ import annotations

import io
import logging
import os
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

import sqlalchemy as sa
from flask import abort, current_app
from sqlalchemy.orm import aliased

from community.audit.services import record
from community.core.errors import Problems, RuleViolation
from community.core.extensions import db
from community.core.timefmt import utcnow
from community.discussions.models import Post
from community.files import detection, images
from community.files.forms import SLOTS
from community.files.models import SERVABLE, FileKind, ScanStatus, StoredFile
from community.files.owners import Owner, OwnerKind, may_attach, owner_of
from community.files.scanning import Verdict, scanner
from community.files.storage import Storage, new_key, storage
from community.methods.models import Method, MethodStatus
from community.methods.revisions import keep_revision
from community.projects.models import PDSACycle, Project
from community.visibility import can_remove_file, can_see_file

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
    return may_attach(user, Owner.of(post))


def files_per_item() -> int:
    """How many files one post, method, project or PDSA cycle may have."""
    return current_app.config["UPLOAD_FILES_PER_ITEM"]


def room_on(thing) -> int:
    """How many more files `thing` (a post, method, project or cycle) may have."""
    owner = thing if isinstance(thing, Owner) else Owner.of(thing)
    return max(files_per_item() - owner.file_count(), 0)


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
    return attach(user, Owner.of(post), uploads)


def attach(user, owner: Owner, uploads: Sequence[Upload]) -> list[StoredFile]:
    """Check every file, then keep them all or none."""
    config = current_app.config
    if not may_attach(user, owner):
        raise RuleViolation(f"Only whoever may edit this {owner.noun} can attach files to it")
    if not uploads:
        raise RuleViolation("Choose a file to attach", field="file_1")
    if len(uploads) > room_on(owner):  # asked again, with the row held, before keeping
        _check_room(owner, len(uploads), uploads[0].field)
    ready = _check(uploads, config)
    _check_quota(user, sum(r.size for r in ready), uploads[0].field)
    _scan(ready)
    return _keep(user, owner, ready)


def _check_room(owner: Owner, count: int, field: str) -> None:
    """Refuse more files than `owner` has room for (its row held while it counts)."""
    owner.lock()
    limit = files_per_item()
    room = limit - owner.file_count()
    if count > room:
        raise RuleViolation(
            f"A {owner.noun} can have {limit} files at most"
            + (f": this one has room for {room} more" if room > 0 else ": this one has them all"),
            field=field,
        )


def _check_quota(user, size: int, field: str) -> None:
    quota_mb = current_app.config["UPLOAD_DAILY_QUOTA_MB"]
    if used_today(user) + size > quota_mb * MB:
        raise RuleViolation(
            f"You can upload {quota_mb} MB of files a day, and these would take you past "
            "it: try again tomorrow", field=field,
        )  # fmt: skip


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


def _keep(user, owner: Owner, ready: list[_Ready]) -> list[StoredFile]:
    kept_keys: list[str] = []
    files = []
    try:
        _check_room(owner, len(ready), ready[0].upload.field)
        for r in ready:
            key = new_key()
            storage().save(key, r.stream)
            kept_keys.append(key)
            files.append(StoredFile(
                token=secrets.token_urlsafe(32), **owner.values, uploader_id=user.id,
                name=safe_name(r.upload.filename, r.detected.extension),
                content_type=r.detected.content_type,
                kind=FileKind.IMAGE if r.detected.is_image else FileKind.DOCUMENT,
                size=r.size, alt_text=r.upload.alt_text.strip()[:300],
                width=r.width, height=r.height, storage_key=key, scan_status=r.status,
            ))  # fmt: skip
        db.session.add_all(files)
        _files_changed(owner, len(files))
        for stored in files:
            record("file.attached", user, owner.audit_target, _summary(owner, stored.name),
                   community_id=owner.community_id)  # fmt: skip
        if owner.kind == OwnerKind.METHOD and owner.thing.is_published:
            db.session.flush()
            # The note counts rather than names them: a file removed later leaves no name.
            count = "a file" if len(files) == 1 else f"{len(files)} files"
            keep_revision(owner.thing, user, f"Attached {count}")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for key in kept_keys:
            _delete_bytes(key)
        raise
    return files


def _summary(owner: Owner, name: str) -> str:
    if owner.kind == OwnerKind.CYCLE:
        return f"{owner.thing.label}: {name}"
    return name


def _files_changed(owner: Owner, change: int) -> None:
    """Alter the owner's row as its files change, so that what is drawn from it is drawn
    anew: a post's count (its thread's kept pages), a project's last activity."""
    if owner.kind == OwnerKind.POST:
        db.session.execute(
            sa.update(Post).where(Post.id == owner.id)
            .values(file_count=Post.file_count + change)
        )  # fmt: skip
    elif owner.kind in (OwnerKind.PROJECT, OwnerKind.CYCLE):
        db.session.execute(
            sa.update(Project).where(Project.id == owner.project.id)
            .values(last_activity_at=utcnow())
        )  # fmt: skip
    elif owner.kind == OwnerKind.METHOD:
        db.session.execute(
            sa.update(Method).where(Method.id == owner.id).values(updated_at=utcnow())
        )


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


def files_of(thing) -> list[StoredFile]:
    """Every file of a post, method, project or cycle, waiting for the scanner or not."""
    owner = thing if isinstance(thing, Owner) else Owner.of(thing)
    return list(db.session.scalars(
        sa.select(StoredFile).where(owner.criterion).order_by(StoredFile.id)
    ))  # fmt: skip


def files_of_post(post_id: int) -> list[StoredFile]:
    return list(
        db.session.scalars(
            sa.select(StoredFile).where(StoredFile.post_id == post_id).order_by(StoredFile.id)
        )
    )


def _servable_of(column, ids: Iterable[int]) -> list[StoredFile]:
    return list(
        db.session.scalars(
            sa.select(StoredFile)
            .where(column.in_(list(ids)), StoredFile.scan_status.in_(SERVABLE))
            .order_by(StoredFile.id)
        )
    )


def servable_files_of_posts(post_ids: Iterable[int]) -> list[StoredFile]:
    """The files shown under these posts (one query): those passed or not scanned."""
    return _servable_of(StoredFile.post_id, post_ids)


def shown_files(thing) -> list[StoredFile]:
    """The files shown on a method's or a project's page: those passed or not scanned."""
    owner = Owner.of(thing)
    return _servable_of(getattr(StoredFile, owner.column), [owner.id])


def shown_files_of_cycles(cycle_ids: Iterable[int]) -> dict[int, list[StoredFile]]:
    """Cycle id → the files shown with it (one query for a page of cycles)."""
    shown: dict[int, list[StoredFile]] = {}
    for stored in _servable_of(StoredFile.cycle_id, cycle_ids):
        shown.setdefault(stored.cycle_id, []).append(stored)
    return shown


def remove_file(user, stored: StoredFile) -> None:
    """Who uploaded it, whoever may edit what it is attached to, or a moderator or site
    administrator removes it: row (and its place in every method revision), audit, then
    bytes."""
    if not can_remove_file(user, stored):
        raise RuleViolation(
            "Only who attached a file, whoever may edit what it is attached to and the "
            "moderators can remove it"
        )
    key, name = stored.storage_key, stored.name
    owner = owner_of(stored)
    # Its links to method revisions keep their rows with no file (ON DELETE SET NULL).
    db.session.delete(stored)
    _files_changed(owner, -1)
    record("file.removed", user, owner.audit_target, _summary(owner, name),
           community_id=owner.community_id)  # fmt: skip
    if owner.kind == OwnerKind.METHOD and owner.thing.is_published:
        db.session.flush()
        keep_revision(owner.thing, user, "Removed a file")
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
    keys = take_away_files_of(post)
    if keys:
        post.file_count = 0
    return keys


def take_away_files_of(thing) -> list[str]:
    """For deleting `thing` (a post, or a PDSA cycle) in its transaction: its files go
    with it. Returns their storage keys, for `delete_bytes` after the commit."""
    gone = files_of(thing)
    for stored in gone:
        db.session.delete(stored)
    return [stored.storage_key for stored in gone]


def take_away_lone_files(user) -> list[str]:
    """For deleting `user`'s account, in its transaction: the files they attached that no
    one else can see go: those of their removed posts, of deleted methods (their lone
    drafts are deleted first) and of deleted projects, and those never passed by the
    scanner. Returns their storage keys, for `delete_bytes` once the deletion has
    committed."""
    cycle_project = aliased(Project)
    lone = list(
        db.session.scalars(
            sa.select(StoredFile)
            .outerjoin(Post, Post.id == StoredFile.post_id)
            .outerjoin(Method, Method.id == StoredFile.method_id)
            .outerjoin(Project, Project.id == StoredFile.project_id)
            .outerjoin(PDSACycle, PDSACycle.id == StoredFile.cycle_id)
            .outerjoin(cycle_project, cycle_project.id == PDSACycle.project_id)
            .where(
                StoredFile.uploader_id == user.id,
                sa.or_(
                    Post.deleted_at.is_not(None),
                    Method.status == MethodStatus.DELETED,
                    Project.deleted_at.is_not(None),
                    cycle_project.deleted_at.is_not(None),
                    StoredFile.scan_status.not_in(SERVABLE),
                ),
            )
        )
    )
    for stored in lone:
        if stored.post_id is not None:
            db.session.execute(
                sa.update(Post)
                .where(Post.id == stored.post_id)
                .values(file_count=Post.file_count - 1)
            )
        db.session.delete(stored)
    return [stored.storage_key for stored in lone]


def delete_bytes(keys: Iterable[str]) -> None:
    for key in keys:
        _delete_bytes(key)


# ------------------------------------------------------------------ adaptations


def files_to_copy(user, parent: Method, file_ids: Iterable[int]) -> list[StoredFile]:
    """Of `file_ids`, the files of `parent` that `user` may see and that may be served:
    those an adaptation of it may start with."""
    wanted = set(file_ids)
    return [
        f for f in shown_files(parent) if f.id in wanted and can_see_file(user, f)
    ]  # fmt: skip


def check_copies(user, method_room: int, chosen: Sequence[StoredFile], field: str) -> None:
    """The limits an upload has, for files copied into a new method."""
    if len(chosen) > method_room:
        raise RuleViolation(f"A method can have {files_per_item()} files at most", field=field)
    _check_quota(user, sum(f.size for f in chosen), field)


class _ChunkStream(io.RawIOBase):
    """A stored file's chunks read as a stream, so that a copy is never whole in memory."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks = iter(chunks)
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._left:
            try:
                self._left = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


def copy_files_into(user, method: Method, chosen: Sequence[StoredFile]) -> list[str]:
    """Copy `chosen` (a parent method's files) to `method`, in the caller's transaction:
    new bytes under new keys, new tokens, `user` as who attached them, each in the audit
    log. The caller decided that `method`'s audience may see them (the adaptation's text
    needs the same: methods/content.py `check_copied_audience`). Returns the new keys,
    for the caller to delete if its transaction fails."""
    keys: list[str] = []
    try:
        for original in chosen:
            key = new_key()
            stream = io.BufferedReader(_ChunkStream(storage().chunks(original.storage_key)))
            storage().save(key, stream)
            keys.append(key)
            db.session.add(StoredFile(
                token=secrets.token_urlsafe(32), method_id=method.id, uploader_id=user.id,
                name=original.name, content_type=original.content_type, kind=original.kind,
                size=original.size, alt_text=original.alt_text, width=original.width,
                height=original.height, storage_key=key, scan_status=original.scan_status,
            ))  # fmt: skip
            record("file.attached", user, method, f"{original.name} (from the method adapted)",
                   community_id=method.community_id)  # fmt: skip
    except BaseException:
        delete_bytes(keys)
        raise
    return keys


# ------------------------------------------------------------------ your data


def _iso(moment) -> str:
    # SQLite hands back naive datetimes, stored in UTC.
    return moment.isoformat() + ("Z" if moment.tzinfo is None else "")


def _in_archive(user, stored: StoredFile) -> bool:
    """Whether a member's files download holds this file's contents: their posts' files
    always (as the export holds their posts' text), any other while they may see it (a
    file copied from a private method stays with that method's readers)."""
    if not stored.is_servable:
        return False
    return stored.post_id is not None or can_see_file(user, stored)


def archive_name(stored: StoredFile) -> str:
    return f"files/{stored.id}-{stored.name}"


def _uploaded_by(user) -> list[StoredFile]:
    return list(db.session.scalars(
        sa.select(StoredFile).where(StoredFile.uploader_id == user.id).order_by(StoredFile.id)
    ))  # fmt: skip


def exported_files(user) -> list[dict]:
    """The files `user` attached, for their data download: what each is attached to, where
    to download it (while signed in) and its name in their files download, if it is
    there."""
    return [
        {
            "name": f.name, "type": f.content_type, "size": f.size, "alt_text": f.alt_text,
            "post_id": f.post_id, "method_id": f.method_id, "project_id": f.project_id,
            "cycle_id": f.cycle_id, "attached_at": _iso(f.created_at),
            "address": f"/files/{f.token}",
            "in_files_download": archive_name(f) if _in_archive(user, f) else None,
        }
        for f in _uploaded_by(user)
    ]  # fmt: skip


class _Spool(io.RawIOBase):
    """Where a ZIP archive is written, read out as it grows (so it is sent in pieces)."""

    def __init__(self):
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out, self._parts = b"".join(self._parts), []
        return out


def files_archive(user) -> Iterator[bytes]:
    """A ZIP archive of the contents of the files `user` attached (those `exported_files`
    names in `in_files_download`), made and sent a chunk at a time: no file is ever
    whole in memory. Which files is decided here, and the database is not read again
    while the archive is sent (it holds no transaction open for a slow download).
    Files are stored as they are (most are compressed already)."""
    chosen = [(archive_name(f), f.storage_key) for f in _uploaded_by(user) if _in_archive(user, f)]
    return _zipped(chosen, storage())


def _zipped(chosen: list[tuple[str, str]], kept: Storage) -> Iterator[bytes]:
    spool = _Spool()
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_STORED) as archive:
        for name, key in chosen:
            with archive.open(name, "w", force_zip64=True) as entry:
                for chunk in kept.chunks(key):
                    entry.write(chunk)
                    yield spool.take()
            yield spool.take()
    yield spool.take()

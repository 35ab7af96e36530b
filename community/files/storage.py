"""Where the bytes of files are kept: a folder on this server, or S3-compatible object storage.

Both stream: a file is copied in and out in chunks, never read whole into memory.
`FILES_STORAGE` chooses ("local", the default, under `FILES_DIR`; or "s3", for
several app servers sharing one bucket). The database holds each file's key.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

CHUNK = 64 * 1024


class Storage(Protocol):
    def save(self, key: str, stream: BinaryIO) -> None: ...
    def chunks(self, key: str) -> Iterator[bytes]: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...


def new_key() -> str:
    return secrets.token_hex(20)


def _checked(key: str) -> str:
    if not key or not all(c in "0123456789abcdef" for c in key):
        raise ValueError("A storage key is made by new_key()")
    return key


class LocalStorage:
    """Files in a folder (by default instance/files), two levels of 256 folders deep."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key

    def save(self, key: str, stream: BinaryIO) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its place and renamed into it, so no one reads half a file.
        handle, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise

    def chunks(self, key: str) -> Iterator[bytes]:
        with self.path(key).open("rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()


class S3Storage:
    """Files in a bucket of any S3-compatible service (boto3). Uploads go in parts
    (upload_fileobj) and downloads come in chunks, so a large file is never whole in
    memory."""

    def __init__(self, bucket: str, prefix: str = "", client=None, **client_options):
        if client is None:
            # boto3 is loaded only by a deployment that keeps its files in a bucket.
            import boto3

            client = boto3.client("s3", **{k: v for k, v in client_options.items() if v})
        self.client, self.bucket, self.prefix = client, bucket, prefix

    def _name(self, key: str) -> str:
        return f"{self.prefix}{_checked(key)}"

    def save(self, key: str, stream: BinaryIO) -> None:
        self.client.upload_fileobj(stream, self.bucket, self._name(key))

    def chunks(self, key: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except self.client.exceptions.ClientError:
            return False
        return True


def make_storage(config) -> Storage:
    if config["FILES_STORAGE"] == "s3":
        return S3Storage(
            config["FILES_S3_BUCKET"],
            prefix=config["FILES_S3_PREFIX"],
            endpoint_url=config["FILES_S3_ENDPOINT_URL"],
            region_name=config["FILES_S3_REGION"],
        )
    return LocalStorage(config["FILES_DIR"])


def storage() -> Storage:
    """The app's storage, made once per app (tests may put their own in its place)."""
    app = current_app._get_current_object()
    if "files_storage" not in app.extensions:
        app.extensions["files_storage"] = make_storage(app.config)
    return app.extensions["files_storage"]


def use_storage(app: Flask, chosen: Storage) -> None:
    app.extensions["files_storage"] = chosen

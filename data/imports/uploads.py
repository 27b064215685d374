"""Uploaded statements waiting for their review, kept in the database.

The review takes several requests (preview, corrections, commit) and its heavy steps run in a
background worker that may be another process or machine: the file's bytes live in a row of
`import_uploads` owned by the user, found again by (user, id). A day-old upload is removed when
the next one arrives; a committed one at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select

from data.ownership import insert_id, owned_row
from data.schema import import_uploads
from data.validation import NotFound

KEEP_FOR = timedelta(days=1)
# Uploads kept per user at once: a person reviews one or two files, not hundreds.
MAX_PENDING = 5


@dataclass(frozen=True)
class Upload:
    id: int
    file_name: str
    sha256: str
    content: bytes


def stage_upload(engine: Engine, user_id: int, file_name: str, content: bytes) -> Upload:
    """Keep an uploaded file for its review; returns it with its id and sha256."""
    digest = hashlib.sha256(content).hexdigest()
    name = (file_name or "statement").replace("\\", "/").rsplit("/", 1)[-1][:255] or "statement"
    with engine.begin() as conn:
        stale = datetime.now(UTC) - KEEP_FOR
        conn.execute(delete(import_uploads).where(import_uploads.c.created_at < stale))
        kept = select(import_uploads.c.id).where(import_uploads.c.user_id == user_id)
        recent = conn.execute(kept.order_by(import_uploads.c.id.desc())).scalars().all()
        if len(recent) >= MAX_PENDING:
            old = recent[MAX_PENDING - 1 :]
            conn.execute(delete(import_uploads).where(import_uploads.c.id.in_(old)))
        upload_id = insert_id(
            conn, import_uploads, user_id=user_id, file_name=name, sha256=digest, content=content
        )
    return Upload(upload_id, name, digest, content)


def load_upload(engine: Engine, user_id: int, upload_id: object) -> Upload:
    """The user's staged upload; NotFound when missing, expired or another user's."""
    with engine.connect() as conn:
        row = owned_row(conn, import_uploads, user_id, upload_id, "upload")
    return Upload(row.id, row.file_name, row.sha256, bytes(row.content))


def discard_upload(engine: Engine, user_id: int, upload_id: object) -> None:
    try:
        with engine.begin() as conn:
            row = owned_row(conn, import_uploads, user_id, upload_id, "upload")
            conn.execute(delete(import_uploads).where(import_uploads.c.id == row.id))
    except NotFound:
        pass

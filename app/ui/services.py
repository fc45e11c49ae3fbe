"""What a workstation window works with: the record service, the blob store, the templates
and the settings, built once and shut down once (no singletons).

Opening them is the slow part of starting (SQLAlchemy, Alembic, pyHanko and reportlab
imports, the schema check), so :meth:`WorkstationServices.open` is meant to run off the
GUI thread while the window is already on screen; everything heavy is imported inside it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from app.settings import Settings

if TYPE_CHECKING:
    from records.blobstore import BlobStore
    from records.executor import OrderedExecutor
    from records.service import RecordService
    from records.storage import Database
    from records.templates import Template

__all__ = ["ServicesSource", "WorkstationServices", "local_now"]

log = logging.getLogger(__name__)


def local_now() -> datetime:
    """The wall-clock time here, with its UTC offset (records print local time)."""
    return datetime.now().astimezone()


@dataclass(frozen=True)
class WorkstationServices:
    """The workstation's domain services; :meth:`shutdown` stops the writer thread and
    closes the database."""

    settings: Settings
    records: RecordService
    blobs: BlobStore
    templates: Mapping[str, Template]
    database: Database
    executor: OrderedExecutor
    _closed: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    @classmethod
    def open(cls, settings: Settings, *, clock: Callable[[], datetime] = local_now,
             executor: OrderedExecutor | None = None) -> WorkstationServices:
        """Open the database at ``settings.database_url`` (creating or upgrading its schema),
        the blob store under ``settings.data_path`` and the shipped templates."""
        from records.blobstore import BlobStore
        from records.executor import SerialExecutor
        from records.service import RecordService, ulid_factory
        from records.storage import open_database
        from records.templates import load_templates

        if settings.log_level != "DEBUG":
            # Alembic narrates every migration step at INFO; the window says what matters.
            logging.getLogger("alembic").setLevel(logging.WARNING)
        templates = load_templates()
        database = open_database(settings.database_url)
        try:
            blobs = BlobStore(settings.data_path / "blobs")
            writer = executor or SerialExecutor("inkseal-records")
            records = RecordService(database.sessions, blobs, templates, executor=writer,
                                    clock=clock, new_id=ulid_factory(clock))
        except BaseException:
            database.dispose()
            raise
        log.info("workstation services open: database %s, %d templates", database.url,
                 len(templates))
        return cls(settings, records, blobs, templates, database, writer)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def shutdown(self) -> None:
        """Finish queued writes, stop the writer thread, close the database.  Idempotent."""
        if self._closed.is_set():
            return
        self._closed.set()
        self.executor.shutdown(wait=True)
        self.database.dispose()
        log.info("workstation services closed")


#: What a window accepts: open services, or a function that opens them (run in background).
ServicesSource = WorkstationServices | Callable[[], WorkstationServices]

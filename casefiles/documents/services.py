"""The verbs of documents: upload, add a version, describe, publish, record downloads, check the storage.

A stored file and its row commit together: files written during a transaction are remembered on the session
and deleted again if that transaction ends without a commit (a failed commit leaves no file behind).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from casefiles.cases.models import Case
from casefiles.documents import detection, extraction, previews, public_copy
from casefiles.documents.detection import Detected, UploadRefused
from casefiles.documents.models import Document, DocumentVersion, Visibility
from casefiles.documents.records import DOCUMENT
from casefiles.documents.storage import HashingTempFile, Storage, get_storage, new_key
from casefiles.extensions import db
from casefiles.public.projection import is_public
from casefiles.records import editing
from casefiles.records.fields import FieldError

_PENDING = "casefiles.documents.new_files"
_DOOMED = "casefiles.documents.files_of_deleted_cases"


# --- files written in a transaction disappear again unless it commits ---------------------------------------


def _remember(storage: Storage, key: str) -> None:
    db.session.info.setdefault(_PENDING, []).append((storage, key))


@event.listens_for(Session, "before_flush")
def _note_files_of_deleted_cases(session: Session, flush_context: Any, instances: Any) -> None:
    """A case deleted for good takes its documents' files with it, once the deletion commits."""
    case_ids = [obj.id for obj in session.deleted if isinstance(obj, Case) and obj.id is not None]
    if not case_ids:
        return
    rows = session.execute(
        select(DocumentVersion)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Document.case_id.in_(case_ids))
    ).scalars()
    doomed = session.info.setdefault(_DOOMED, [])
    for version in rows:
        doomed.extend(key for key, _ in version.stored_files())
    from casefiles.evidence.models import Evidence

    for evidence in session.execute(select(Evidence).where(Evidence.case_id.in_(case_ids))).scalars():
        doomed.extend(key for key, _ in evidence.stored_files())


@event.listens_for(Session, "after_commit")
def _files_committed(session: Session) -> None:
    session.info.pop(_PENDING, None)
    doomed = session.info.pop(_DOOMED, [])
    if doomed:
        storage = get_storage()
        for key in doomed:
            try:
                storage.delete(key)
            except Exception:  # noqa: BLE001, S112 - the storage check lists anything a failure leaves behind
                continue


@event.listens_for(Session, "after_transaction_end")
def _files_not_committed(session: Session, transaction: Any) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_DOOMED, None)  # a deletion that did not commit keeps its files
    for storage, key in session.info.pop(_PENDING, []):
        try:
            storage.delete(key)
        except Exception:  # noqa: BLE001, S112 - the storage check lists anything a failure leaves behind
            continue


# --- receiving a file -------------------------------------------------------------------------------------


@dataclass
class Prepared:
    """An upload streamed to a temporary file, hashed, typed and checked; not stored yet."""

    temp: HashingTempFile
    original_filename: str
    detected: Detected
    text: str = ""
    text_truncated: bool = False
    ocr_confidence: float | None = None

    def discard(self) -> None:
        self.temp.close()


def _spool(storage: Storage, stream: IO[bytes]) -> HashingTempFile:
    """The upload as a hashing temporary file in the storage area (no copy when the request already wrote one)."""
    if isinstance(stream, HashingTempFile) and stream.path.parent == storage.temp_dir and not stream.claimed:
        stream.finish()
        return stream
    temp = storage.temp_file()
    try:
        while chunk := stream.read(1024 * 1024):
            temp.write(chunk)
        temp.finish()
    except BaseException:
        temp.close()
        raise
    return temp


def prepare_file(filename: str | None, stream: IO[bytes], storage: Storage | None = None) -> Prepared:
    """Stream, hash, detect and check one upload; UploadRefused (and nothing kept) when it is not acceptable."""
    storage = storage or get_storage()
    temp = _spool(storage, stream)
    try:
        detected = detection.detect(temp.path, temp.size)
        extracted = extraction.extract(detected.mime_type, temp.path)
        if not extracted.valid:
            if detected.mime_type == detection.PDF:
                raise UploadRefused(_l("This PDF is damaged or incomplete."))
            raise UploadRefused(_l("This document is damaged or not what it claims to be."))
    except BaseException:
        temp.close()
        raise
    return Prepared(
        temp=temp,
        original_filename=detection.safe_filename(filename, max_length=255),
        detected=detected,
        text=extracted.text.replace("\x00", ""),
        text_truncated=extracted.truncated,
        ocr_confidence=extracted.ocr_confidence,
    )


def _store_derived(storage: Storage, maker: Any, prepared: Prepared) -> tuple[str | None, str | None, int | None]:
    out = storage.temp_file()
    try:
        if not maker(prepared.detected.mime_type, prepared.temp.path, out):
            return None, None, None
        key = new_key()
        sha, size = out.sha256, out.size
        storage.put(key, out)
        _remember(storage, key)
        return key, sha, size
    except Exception:  # noqa: BLE001 - a preview is a convenience: the upload stands without one
        return None, None, None
    finally:
        out.close()


def _store(storage: Storage, document: Document, prepared: Prepared, actor: Any) -> DocumentVersion:
    """Write the file (and its preview and public copy), then the version row; the caller commits."""
    preview_key, preview_sha, _ = _store_derived(storage, previews.make_preview, prepared)
    public_key, public_sha, public_size = _store_derived(storage, public_copy.make_public_copy, prepared)
    key, sha, size = new_key(), prepared.temp.sha256, prepared.temp.size
    _remember(storage, key)
    storage.put(key, prepared.temp)
    number = max((v.number for v in document.versions), default=0) + 1
    version = DocumentVersion(
        number=number,
        uploaded_by_id=getattr(actor, "id", None),
        size=size,
        mime_type=prepared.detected.mime_type,
        original_filename=prepared.original_filename,
        sha256=sha,
        storage_key=key,
        preview_key=preview_key,
        preview_sha256=preview_sha,
        public_key=public_key,
        public_sha256=public_sha,
        public_size=public_size,
        extracted_text=prepared.text,
        text_truncated=prepared.text_truncated,
        ocr_confidence=prepared.ocr_confidence,
    )
    document.versions.append(version)
    db.session.flush()
    return version


# --- the verbs ----------------------------------------------------------------------------------------------


# What an editor may change directly: the declared fields of the form (visibility is published by staff, and the
# version of the file shown publicly follows the uploads).
EDITABLE = [f.name for f in DOCUMENT.fields if f.extra.get("in_form", True)]


def _reindex(document: Document) -> None:
    if document.case_id:
        from casefiles.cases.indexing import reindex_case

        case = db.session.get(Case, document.case_id)
        if case is not None:
            reindex_case(case)


def _title(given: Any, item: Prepared, several: bool) -> str:
    """The typed title, or the file's name (with the typed title before it when several files share it)."""
    title = " ".join(str(given or "").split())
    if title and not several:
        return title
    stem = item.original_filename.rsplit(".", 1)[0][:200] or item.original_filename[:200]
    return f"{title} — {stem}"[:200] if title else stem


def upload_documents(
    case: Case, *, actor: Any, files: list[tuple[str | None, IO[bytes]]], values: dict[str, Any]
) -> list[Document]:
    """Add one document per file to the case, all or nothing: one refused file refuses the whole batch.

    New documents are private. Raises UploadRefused with `.filename` set, or FieldError; nothing is stored then."""
    if not files:
        raise FieldError("files", _l("Choose at least one file."))
    described = {k: v for k, v in values.items() if k in EDITABLE}
    DOCUMENT.clean({**described, "title": described.get("title") or "-"})  # refuse bad values before any file
    storage = get_storage()
    prepared: list[Prepared] = []
    try:
        for filename, stream in files:
            try:
                prepared.append(prepare_file(filename, stream, storage))
            except UploadRefused as refused:
                refused.filename = detection.safe_filename(filename)  # type: ignore[attr-defined]
                raise
        documents = []
        for item in prepared:
            clean = DOCUMENT.clean(
                {
                    **described,
                    "title": _title(described.get("title"), item, len(prepared) > 1),
                    "visibility": Visibility.PRIVATE.value,
                    "reviewed_version": 1,
                }
            )
            document = Document(case_id=case.id, created_by_id=getattr(actor, "id", None), title="")
            editing.apply(DOCUMENT, document, clean)
            db.session.add(document)
            db.session.flush()
            version = _store(storage, document, item, actor)
            created = {k: [None, v] for k, v in DOCUMENT.snapshot(document).items() if v not in (None, "", [], False)}
            editing.audit(
                "upload",
                document,
                actor,
                {
                    **created,
                    "file": [None, version.original_filename],
                    "sha256": [None, version.sha256],
                    "size": [None, version.size],
                    "type": [None, version.mime_type],
                },
                rec=DOCUMENT,
            )
            documents.append(document)
    finally:
        for item in prepared:
            item.discard()
    _reindex(documents[0])
    return documents


def add_version(document: Document, *, actor: Any, filename: str | None, stream: IO[bytes]) -> DocumentVersion:
    """Store a new version of the document; every older version stays.

    The public side moves to it like any public change: at once, or on a published case after staff review when
    the uploader may not publish (until then the public downloads the last reviewed version)."""
    storage = get_storage()
    prepared = prepare_file(filename, stream, storage)
    try:
        previous = document.current
        version = _store(storage, document, prepared, actor)
    finally:
        prepared.discard()
    document.updated_at = version.uploaded_at or document.updated_at
    db.session.flush()
    editing.audit(
        "version",
        document,
        actor,
        {
            "version": [previous.number if previous else None, version.number],
            "file": [previous.original_filename if previous else None, version.original_filename],
            "sha256": [previous.sha256 if previous else None, version.sha256],
        },
        rec=DOCUMENT,
    )
    editing.update(document, actor=actor, changes={"reviewed_version": version.number})
    _reindex(document)
    return version


def update_document(
    document: Document, *, actor: Any, values: dict[str, Any], expected_version: int | None = None
) -> dict[str, list[Any]]:
    """Change the description of a document (not its visibility: see set_visibility); refused (StaleRecord) if it
    changed since the edit began. Public changes on a published case wait for review as for every record."""
    changes = {k: v for k, v in values.items() if k in EDITABLE}
    return editing.update(document, actor=actor, changes=changes, expected_version=expected_version)


def set_visibility(document: Document, *, actor: Any, public: bool) -> bool:
    """Publish or unpublish a document (staff only, checked by the policy); False when nothing changed."""
    wanted = Visibility.PUBLIC.value if public else Visibility.PRIVATE.value
    if document.visibility == wanted:
        return False
    shown = document.public_version
    if public and shown is not None:
        ensure_public_copy(shown)
    changes = editing.apply(DOCUMENT, document, {"visibility": wanted})
    db.session.flush()
    editing.audit("publish" if public else "unpublish", document, actor, changes, rec=DOCUMENT)
    return True


def ensure_public_copy(version: DocumentVersion) -> bool:
    """Make the metadata-free public copy of a version that has none (stored before such copies were made for its
    type, or whose copy failed at upload); False when none can be made, and then the public download refuses."""
    if version.public_key or not public_copy.needs_public_copy(version.mime_type):
        return True
    storage = get_storage()
    original = storage.temp_file()
    try:
        stream = storage.open(version.storage_key)
        try:
            while chunk := stream.read(1024 * 1024):
                original.write(chunk)
        finally:
            stream.close()
        original.finish()
        prepared = Prepared(
            temp=original, original_filename=version.original_filename, detected=Detected(version.mime_type)
        )
        key, sha, size = _store_derived(storage, public_copy.make_public_copy, prepared)
    except FileNotFoundError:
        return False
    finally:
        original.close()
    if key is None:
        return False
    version.public_key, version.public_sha256, version.public_size = key, sha, size
    return True


def record_download(document: Document, version: DocumentVersion, *, actor: Any) -> None:
    """Every download of a private document leaves an audit entry (who, which version)."""
    if document.is_public:
        return
    editing.audit(
        "download", document, actor, {"version": [None, version.number], "sha256": [None, version.sha256]}, rec=DOCUMENT
    )


# --- reading ------------------------------------------------------------------------------------------------


def case_documents(case: Case) -> list[Document]:
    """The documents of a case, newest first."""
    return list(
        db.session.scalars(
            select(Document).where(Document.case_id == case.id).order_by(Document.created_at.desc(), Document.id.desc())
        )
    )


def case_document_text(case: Case) -> str:
    """The extracted text of the latest version of every document of the case (for the staff case search)."""
    if case.id is None:
        return ""
    texts = []
    for document in case_documents(case):
        current = document.current
        texts.append(document.title)
        texts.append(document.description)
        if current is not None:
            texts.append(current.extracted_text)
    return "\n".join(t for t in texts if t)


def public_file(token: str) -> tuple[Document, DocumentVersion, str] | None:
    """(document, version, storage key) a public download serves, or None (missing, private or unpublished)."""
    document = db.session.scalars(select(Document).where(Document.public_token == token)).first()
    if document is None or not document.is_public or document.case_id is None:
        return None
    case = db.session.get(Case, document.case_id)
    current = document.public_version  # a new version waiting for review is not served
    # The one definition of "public" (published, with an address, not archived): an archived case's files go too.
    if case is None or not is_public(case) or current is None:
        return None
    if public_copy.needs_public_copy(current.mime_type):
        if not current.public_key:
            return None  # a file never goes out with its metadata (images, PDF, office documents)
        return document, current, current.public_key
    return document, current, current.storage_key


# --- the storage check --------------------------------------------------------------------------------------


@dataclass
class StorageReport:
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.mismatched or self.orphans)


def check_storage(storage: Storage | None = None) -> StorageReport:
    """Re-hash every stored file against its row; list missing files, hash mismatches and orphan files."""
    storage = storage or get_storage()
    report = StorageReport()
    expected: dict[str, tuple[str | None, str]] = {}
    for version in db.session.scalars(select(DocumentVersion).order_by(DocumentVersion.id)):
        label = f"document {version.document_id} version {version.number}"
        for key, sha in version.stored_files():
            expected[key] = (sha, label)
    from casefiles.evidence.models import Evidence

    names = ("captured bytes", "WARC record", "text rendering")
    for evidence in db.session.scalars(select(Evidence).where(Evidence.body_key.is_not(None)).order_by(Evidence.id)):
        for (key, sha), name in zip(evidence.stored_files(), names, strict=False):
            expected[key] = (sha, f"evidence {evidence.id} {name}")
    present = set(storage.keys())
    for key, (sha, label) in expected.items():
        if key not in present:
            report.missing.append(f"{key} ({label})")
            continue
        report.checked += 1
        if sha is not None and storage.hash(key) != sha:
            report.mismatched.append(f"{key} ({label})")
    report.orphans = sorted(present - expected.keys())
    stray = getattr(storage, "stray_files", None)
    if stray is not None:
        report.orphans.extend(stray())
    return report

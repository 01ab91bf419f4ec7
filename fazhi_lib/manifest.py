"""One definition of "current": what made the tables of a folder, written beside them in ``tables.json``.

The ingest tables depend on the inputs' content (each file's bytes), the metadata tables (``metadata.csv`` beside
the files and ``--metadata``), the vocabularies in use (the packaged ones and a researcher's ``--vocab`` folder), the
parser's code (``parser_version``) and the ingest options (``max_mb``). ``fingerprint`` hashes all of them: equal
fingerprints give equal tables. ``fazhi ingest`` and ``fazhi brief`` both reuse a folder's tables only when its
manifest holds the fingerprint of the inputs given now (``ingest_current``).

The analysis tables depend on the ingest tables and on the analysis parameters (n_topics, remedy_threshold, …). The
manifest records the parameters that made them and the ingest they were computed from (``record_analysis``); a new
ingest removes the analysis tables it makes stale (``record_ingest``), so a deleted, edited or renamed report is
never shown from an older analysis, and ``analysis_parameters`` tells whether the analysis tables there are those of
the current ingest and of which parameters.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from fazhi_lib.metadata import metadata_overrides
from fazhi_lib.outputs import discard
from fazhi_lib.readers import discover
from fazhi_lib.schema import ANALYSIS_TABLES, TABLES
from fazhi_lib.store import atomic_write, has_tables
from fazhi_lib.vocabulary import Vocabulary

__all__ = [
    "MANIFEST",
    "analysis_parameters",
    "content_key",
    "fingerprint",
    "ingest_current",
    "parser_version",
    "read_manifest",
    "record_analysis",
    "record_ingest",
]

MANIFEST = "tables.json"


@lru_cache(maxsize=1)
def parser_version() -> str:
    """A hash of the library's code and packaged vocabularies: results of another version are never reused.

    Returns
    -------
    str
        16 hexadecimal digits, computed once per process.
    """
    root = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *(root / "vocab").glob("*")]):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def content_key(path: Path, override: dict | None, *, max_mb: float, vocab: Vocabulary | None = None
                ) -> str | None:
    """Hash of what a file's result depends on besides the parser.

    Parameters
    ----------
    path : pathlib.Path
        The report file: its bytes count, not its name or place.
    override : dict or None
        Its metadata override (``metadata.metadata_overrides``).
    max_mb : float
        The size limit of the run.
    vocab : Vocabulary, optional
        The researcher's vocabularies in use.

    Returns
    -------
    str or None
        The SHA-256 of the file's bytes, its override, the size limit and the vocabulary's fingerprint; None when
        the file cannot be read now (the per-document step reports it).
    """
    try:
        data = path.read_bytes()
    except OSError:
        return None  # unreadable now: the per-document step reports it
    extra = json.dumps(override or {}, sort_keys=True, ensure_ascii=False, default=str)
    own = "" if vocab is None else vocab.fingerprint
    return hashlib.sha256(data + b"\0" + extra.encode() + f"\0{max_mb}".encode() + own.encode()).hexdigest()


def fingerprint(paths: Iterable[str | Path] | str | Path, *, metadata: str | Path | None = None,
                max_mb: float = 20.0, vocab: Vocabulary | None = None) -> str:
    """A hash of everything an ingest's tables depend on.

    Parameters
    ----------
    paths : path or iterable of paths
        The report files and folders given to the ingest.
    metadata : path, optional
        The extra metadata table (``metadata.csv`` beside the files always counts).
    max_mb : float
        The size limit of a file.
    vocab : Vocabulary, optional
        The researcher's vocabulary in use (the packaged vocabularies count through ``parser_version``).

    Returns
    -------
    str
        Equal for equal tables: the files found (path and ``content_key``), the files skipped, the metadata
        overrides, the options, the vocabularies and the parser version.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    files, skipped = discover(paths)
    overrides, problems = metadata_overrides(files, metadata)
    h = hashlib.sha256(f"{parser_version()}\0{max_mb}\0".encode())
    h.update(json.dumps([*skipped, *problems], ensure_ascii=False, default=str).encode())
    for f in files:
        h.update(f"{f}\0{content_key(f, overrides.get(f), max_mb=max_mb, vocab=vocab)}\n".encode())
    return h.hexdigest()


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of a tables folder; empty when there is none or it cannot be read (nothing there is current).

    Parameters
    ----------
    folder : str or pathlib.Path
        A tables folder.

    Returns
    -------
    dict
        The manifest's ``ingest`` and ``analysis`` records.
    """
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write(folder: Path, manifest: Mapping[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=2, default=str)
    atomic_write(folder / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def ingest_current(folder: str | Path, fingerprint_now: str) -> bool:
    """Whether ``folder`` holds every ingest table and they were made from exactly what ``fingerprint_now`` hashes.

    Parameters
    ----------
    folder : str or pathlib.Path
        A tables folder.
    fingerprint_now : str
        The ``fingerprint`` of the inputs given now.

    Returns
    -------
    bool
        True when the tables can be reused as they are.
    """
    recorded = read_manifest(folder).get("ingest", {}).get("fingerprint")
    return recorded == fingerprint_now and has_tables(folder, TABLES)


def forget_ingest(folder: str | Path) -> dict[str, Any]:
    """Mark the tables of ``folder`` as current for no input.

    Called before they are replaced, so that a run that stops halfway never leaves tables a later run would take as
    up to date.

    Parameters
    ----------
    folder : str or pathlib.Path
        A tables folder.

    Returns
    -------
    dict
        The manifest as it was, for ``restore_manifest`` when the tables were left as they were after all.
    """
    manifest = read_manifest(folder)
    if manifest.get("ingest", {}).get("fingerprint"):
        _write(Path(folder), {**manifest, "ingest": {**manifest["ingest"], "fingerprint": None}})
    return manifest


def restore_manifest(folder: str | Path, manifest: Mapping[str, Any]) -> None:
    """Write back the manifest ``forget_ingest`` returned: the tables it describes were not replaced.

    Parameters
    ----------
    folder : str or pathlib.Path
        The tables folder.
    manifest : mapping
        What ``forget_ingest`` returned; an empty one writes nothing.
    """
    if manifest:
        _write(Path(folder), manifest)


def record_ingest(folder: str | Path, *, fingerprint_now: str | None, options: Mapping[str, Any]) -> str:
    """Record a new ingest into ``folder`` and remove the analysis tables it makes stale.

    Parameters
    ----------
    folder : str or Path
        The tables folder the ingest has just written.
    fingerprint_now : str or None
        The inputs' ``fingerprint``; None when the tables must not be reused (a file failed: it is tried again).
    options : mapping
        The ingest options, for the record (``max_mb``, ``metadata``, ``vocab``, the inputs).

    Returns
    -------
    str
        The ingest's id, which the analysis tables computed from these tables record.
    """
    out = Path(folder)
    ingest_id = uuid.uuid4().hex
    for name in ANALYSIS_TABLES:  # computed from the tables just replaced: never to be shown with the new ones
        for suffix in (".parquet", ".csv"):
            discard(out / f"{name}{suffix}")
    _write(out, {"ingest": {"id": ingest_id, "fingerprint": fingerprint_now, "parser_version": parser_version(),
                            "written": _now(), "options": dict(options)}})
    return ingest_id


def record_analysis(folder: str | Path, parameters: Mapping[str, Any], *, vocab: Vocabulary | None = None,
                    learned: Mapping[str, Any] | None = None) -> None:
    """Record that the analysis tables of ``folder`` were computed now, from its current ingest tables.

    Parameters
    ----------
    folder : str or pathlib.Path
        The tables folder the analysis tables were written to.
    parameters : mapping of str to object
        The analysis parameters that made them.
    vocab : Vocabulary, optional
        The researcher's vocabularies in use (recorded by fingerprint).
    learned : mapping of str to object, optional
        What the analysis learned (the number of topics chosen …).
    """
    out = Path(folder)
    manifest = read_manifest(out)
    ingest = manifest.setdefault("ingest", {})
    ingest.setdefault("id", uuid.uuid4().hex)  # tables of an older version: they get an id now
    manifest["analysis"] = {"ingest_id": ingest["id"], "parameters": dict(parameters),
                            "vocab": "" if vocab is None else vocab.fingerprint, "learned": dict(learned or {}),
                            "written": _now()}
    _write(out, manifest)


def analysis_parameters(folder: str | Path, vocab: Vocabulary | None = None) -> dict[str, Any] | None:
    """The parameters of the analysis tables of ``folder``, when they are current.

    Current means all there and computed from its current ingest tables with ``vocab``.

    Parameters
    ----------
    folder : str or pathlib.Path
        A tables folder.
    vocab : Vocabulary, optional
        The researcher's vocabularies in use now.

    Returns
    -------
    dict or None
        The parameters by name; None when the tables are missing or stale (they must be computed again).
    """
    manifest = read_manifest(folder)
    analysis = manifest.get("analysis")
    ingest_id = manifest.get("ingest", {}).get("id")
    if not analysis or ingest_id is None or analysis.get("ingest_id") != ingest_id:
        return None
    if analysis.get("vocab", "") != ("" if vocab is None else vocab.fingerprint):
        return None
    if not has_tables(folder, ANALYSIS_TABLES):
        return None
    return dict(analysis.get("parameters", {}))

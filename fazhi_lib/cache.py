"""The result cache of ``fazhi ingest``: each file's ``DocResult`` kept on disk in SQLite.

Results are keyed by what they depend on (``manifest.content_key``) and the parser's version, so a file whose
content is unchanged is not parsed again.
"""

from __future__ import annotations

import pickle
import sqlite3
import warnings
from collections.abc import Iterable
from pathlib import Path

from fazhi_lib.manifest import (
    content_key,
    parser_version,
)
from fazhi_lib.parsing import DocResult
from fazhi_lib.vocabulary import Vocabulary

__all__ = ["ResultCache"]


class ResultCache:
    """Per-file results of ``process_file`` kept on disk: a file whose content is unchanged is not parsed again.

    Results are keyed by the file's content, its metadata override, the size limit, the researcher's vocabulary and
    the parser version.

    The results live in one SQLite database, ``DIRECTORY/results.sqlite`` (WAL mode, so concurrent ingests read while
    one writes and never see half a write). ``put`` only queues a pickled result; they are committed in one
    transaction per ``FLUSH_EVERY`` results and by ``flush``/``close``, because a file (or a transaction) per document
    costs a fair share of parsing it. Any SQLite error (a damaged database, one locked by another ingest for longer
    than ``TIMEOUT`` seconds) turns the cache off for the rest of the run with a warning: results are then computed,
    just not cached. Failures are never cached (they may be transient). The first write of a run drops the results
    of other parser versions, so the database does not grow with every change of the code or vocabularies.

    Parameters
    ----------
    directory : str or pathlib.Path
        The cache folder (created when first used).

    Attributes
    ----------
    path : pathlib.Path
        The database, ``DIRECTORY/results.sqlite``.
    version : str
        The parser version (``manifest.parser_version``) whose results are read and stored.
    error : str or None
        Why the cache was turned off, if it was.
    """

    FLUSH_EVERY = 128
    TIMEOUT = 10.0

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / "results.sqlite"
        self.version = parser_version()
        self.error: str | None = None  # why the cache was turned off, if it was
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[str, str, bytes]] = []
        self._purged = False

    def key(self, path: Path, override: dict | None, *, max_mb: float, vocab: Vocabulary | None = None
            ) -> str | None:
        """The key a file's result is stored under (``manifest.content_key``).

        Parameters
        ----------
        path : pathlib.Path
            The report file.
        override : dict or None
            Its metadata override.
        max_mb : float
            The size limit of the run.
        vocab : Vocabulary, optional
            The researcher's vocabularies in use.

        Returns
        -------
        str or None
            The key; None when the file cannot be read now (its result is then never cached).
        """
        return content_key(path, override, max_mb=max_mb, vocab=vocab)

    def _connect(self) -> sqlite3.Connection | None:
        """The open database, created if needed; None when the cache is off."""
        if self._db is None and self.error is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # autocommit mode: transactions are begun explicitly in flush()
                db = sqlite3.connect(self.path, timeout=self.TIMEOUT, isolation_level=None)
                self._db = db
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")  # with WAL: never corrupt, only the last commits may be lost
                db.execute("CREATE TABLE IF NOT EXISTS results (version TEXT NOT NULL, key TEXT NOT NULL, "
                           "result BLOB NOT NULL, PRIMARY KEY (version, key))")
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)
        return self._db

    def _disable(self, exc: Exception) -> None:
        self.error = f"{type(exc).__name__}: {exc}"
        self._pending.clear()
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None
        warnings.warn(f"result cache {self.path} not used ({self.error}); files are parsed again", RuntimeWarning,
                      stacklevel=3)

    def cached(self, keys: Iterable[str | None]) -> set[str]:
        """Those of ``keys`` that have a stored result for this parser version.

        Parameters
        ----------
        keys : iterable of str or None
            Keys of files (``key``); None is never cached.

        Returns
        -------
        set of str
            The keys with a stored result; empty when the cache is off.
        """
        wanted = {k for k in keys if k is not None}
        db = self._connect() if wanted else None
        if db is None:
            return set()
        try:  # one scan of the primary-key index instead of a query per file
            rows = db.execute("SELECT key FROM results WHERE version = ?", (self.version,))
            return {k for (k,) in rows if k in wanted}
        except sqlite3.Error as exc:
            self._disable(exc)
            return set()

    def get(self, key: str | None, path: Path) -> DocResult | None:
        """The stored result for ``key``, with ``path`` as its source and file name.

        Parameters
        ----------
        key : str or None
            The file's key (``key``).
        path : pathlib.Path
            Where the file is now (a copy or a moved file has the key of the one stored).

        Returns
        -------
        DocResult or None
            The result; None when there is none, it cannot be read or the cache is off.
        """
        db = None if key is None else self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT result FROM results WHERE version = ? AND key = ?", (self.version, key)).fetchone()
        except sqlite3.Error as exc:
            self._disable(exc)
            return None
        if row is None:
            return None
        try:
            result = pickle.loads(row[0])
        except Exception:  # an entry that cannot be read (say, of an older DocResult) is computed and replaced
            return None
        result.document.update(source=str(path), file_name=path.name)
        return result

    def put(self, key: str | None, result: DocResult) -> None:
        """Queue ``result`` for storing under ``key`` (pickled now: the caller may change it afterwards).

        Failures, results without a key and anything while the cache is off are not stored.

        Parameters
        ----------
        key : str or None
            The file's key (``key``).
        result : DocResult
            The file's result.
        """
        if key is None or result.document["status"] == "failed" or self.error is not None:
            return
        self._pending.append((self.version, key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(self._pending) >= self.FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Store the queued results in one transaction."""
        db = self._connect() if self._pending else None
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")  # take the write lock now (waiting up to TIMEOUT), not halfway through
            if not self._purged:  # results of other parser versions are never read again: free their space
                db.execute("DELETE FROM results WHERE version <> ?", (self.version,))
                self._purged = True
            db.executemany("INSERT OR REPLACE INTO results (version, key, result) VALUES (?, ?, ?)", self._pending)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            self._disable(exc)
        self._pending.clear()

    def close(self) -> None:
        """Store what is queued and close the database."""
        self.flush()
        if self._db is not None:
            self._db.close()
            self._db = None

"""The store: the one module that reads and writes a corpus's tables.

A tables folder holds every table as ``<name>.parquet`` (and ``<name>.csv`` in UTF-8 with BOM, which Excel reads,
when asked), the ``manifest.json`` that says what made them (``fazhi_lib.manifest``), the result cache and the
marker of an output folder. Every file is written under a temporary name and renamed when complete
(``write_tables``; ``TableStream`` for tables written batch by batch as Parquet row groups), so a reader never sees
half a table and a failed run leaves the tables as they were.

``load(folder)`` reads the ingest tables into a ``Corpus``; ``read(folder, names)`` reads any tables by name. Both
raise ``TablesNotFound`` naming the folder when it is missing, empty or lacks a table: nothing is ever computed in
their place.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from fazhi_lib.outputs import close_quietly, discard, remove_debris, tmp_path
from fazhi_lib.schema import ANALYSIS_TABLES, READABLE, TABLES

__all__ = [
    "Corpus",
    "OutputError",
    "TableStream",
    "TablesNotFound",
    "Written",
    "ensure_writable",
    "load",
    "read",
    "resolve_path",
    "write_tables",
]

SUMMARY_PARTS = ("problems", "plans")  # item counts shown per document by ``Corpus.summary``


class OutputError(RuntimeError):
    """The output directory cannot be created or written."""


class TablesNotFound(FileNotFoundError):
    """A tables folder that does not exist, is empty or lacks a table asked for.

    The message names the folder and says which command writes what is missing.
    """


@dataclass
class Corpus:
    """The ingest tables of a corpus, as pandas DataFrames (see ``fazhi_lib.schema``).

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per input report file, whatever happened to it (``status``, ``message``), with its metadata.
    texts : pandas.DataFrame
        The cleaned text of every document that has one, a failed one included (doc_id, text).
    sections : pandas.DataFrame
        The report's numbered sections (``fazhi_lib.structure``), with character offsets into its text.
    items : pandas.DataFrame
        The numbered items of the sections (doc_id, item_id, part, title, text, offsets).
    metrics : pandas.DataFrame
        One row per reported quantity (``fazhi_lib.metrics``).
    measures : pandas.DataFrame
        One row per mention of a rule-of-law mechanism (``fazhi_lib.measures``).
    cleaning : pandas.DataFrame
        What cleaning removed or changed, per document.
    skipped : pandas.DataFrame
        Files that are not reports of a supported format, with the reason (source, reason).
    """

    documents: pd.DataFrame
    texts: pd.DataFrame
    sections: pd.DataFrame
    items: pd.DataFrame
    metrics: pd.DataFrame
    measures: pd.DataFrame
    cleaning: pd.DataFrame
    skipped: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name.

        Returns
        -------
        dict of str to pandas.DataFrame
            Every table of ``fazhi_lib.schema.TABLES``, in that order.
        """
        return {name: getattr(self, name) for name in TABLES}

    def write(self, outdir: str | Path, *, csv: bool = False) -> Path:
        """Write every table into ``outdir`` (``write_tables``).

        Parameters
        ----------
        outdir : str or pathlib.Path
            The tables folder, created if needed.
        csv : bool, default False
            Also write each table as CSV (UTF-8 with BOM).

        Returns
        -------
        pathlib.Path
            The folder.
        """
        return write_tables(self.tables(), outdir, csv=csv)

    def summary(self) -> pd.DataFrame:
        """One line per document: file, place, period, parts found, item counts and status.

        Returns
        -------
        pandas.DataFrame
            Columns file, jurisdiction, level, period, parts, items, problems, plans, status (``summary_frame``).
        """
        return summary_frame(self.documents, part_counts(self.items))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{name}={len(df)}" for name, df in self.tables().items())
        return f"Corpus({sizes})"


def part_counts(items: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Number of items per (doc_id, part) for the parts in ``SUMMARY_PARTS``.

    A document's items are never split between batches, so the counts of batches can simply be merged.

    Parameters
    ----------
    items : pandas.DataFrame
        An `items` table (doc_id, part) or a batch of one.

    Returns
    -------
    dict of tuple of (str, str) to int
        The number of problems and plans items of each document; absent when none.
    """
    shown = items[items["part"].isin(SUMMARY_PARTS)]
    return {(doc_id, part): int(n) for (doc_id, part), n in shown.groupby(["doc_id", "part"]).size().items()}


def summary_frame(documents: pd.DataFrame, counts: Mapping[tuple[str, str], int]) -> pd.DataFrame:
    """One line per row of ``documents``: file, place, period, parts found, item counts and status.

    Parameters
    ----------
    documents : pandas.DataFrame
        The `documents` table (file_name, jurisdiction, admin_level, year_start, year_end, parts, n_items, status).
    counts : mapping of tuple of (str, str) to int
        The problems/plans items per document (see ``part_counts``), absent means none.

    Returns
    -------
    pandas.DataFrame
        Columns file, jurisdiction, level, period, parts, items, problems, plans, status.
    """
    d = documents
    period = [
        "" if pd.isna(a) else f"{int(a)}" + ("" if pd.isna(b) or b == a else f"–{int(b)}")
        for a, b in zip(d["year_start"], d["year_end"], strict=True)
    ]
    return pd.DataFrame({
        "file": d["file_name"],
        "jurisdiction": d["jurisdiction"].fillna(""),
        "level": d["admin_level"].fillna(""),
        "period": period, "parts": d["parts"].fillna(""), "items": d["n_items"],
        **{part: [counts.get((i, part), 0) for i in d["doc_id"]] for part in SUMMARY_PARTS},
        "status": d["status"],
    })


# ---- writing ---------------------------------------------------------------------------------------------------


def ensure_writable(outdir: str | Path) -> Path:
    """Create ``outdir`` if needed and check that files can be written in it.

    The temporary files that runs killed while writing there left behind are removed (``outputs.remove_debris``).

    Parameters
    ----------
    outdir : str or pathlib.Path
        The output folder.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    OutputError
        With a clear message when it cannot.
    """
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        remove_debris(out)  # first: on a full disk, the space they hold may be what this run needs
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-test-"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write to output directory {out}: {exc.strerror or exc}") from exc
    return out


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write ``path`` through ``write(temporary path)`` and rename it into place: never half a file.

    Parameters
    ----------
    path : pathlib.Path
        The file to write.
    write : callable
        Writes the whole file at the path it is given; when it raises, the temporary file is removed and ``path``
        is left as it was.
    """
    tmp = tmp_path(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        discard(tmp)


def write_tables(tables: Mapping[str, pd.DataFrame], outdir: str | Path, *, csv: bool = False) -> Path:
    """Write named DataFrames as ``OUTDIR/<name>.parquet`` (and ``.csv`` in UTF-8 with BOM when ``csv``).

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The tables by name.
    outdir : str or pathlib.Path
        The tables folder, created if needed.
    csv : bool, default False
        Also write each table as CSV.

    Returns
    -------
    pathlib.Path
        The folder. Each file is written under a temporary name and renamed, so no half-written table is left.
    """
    out = ensure_writable(outdir)
    for name, df in tables.items():
        atomic_write(out / f"{name}.parquet", lambda p, df=df: df.to_parquet(p, index=False))
        if csv:
            atomic_write(out / f"{name}.csv", lambda p, df=df: df.to_csv(p, index=False, encoding="utf-8-sig"))
    return out


class TableStream:
    """Tables written into ``outdir`` a batch at a time, all renamed into place together by ``commit``.

    ``append`` adds a batch of a streamed table (a Parquet row group; CSV rows when ``csv``), ``put`` a whole table;
    until ``commit`` everything lives under temporary names, and ``discard`` (always called on the way out, also
    after ``commit``) removes what was not committed. Memory is bounded by a batch.

    Parameters
    ----------
    outdir : pathlib.Path
        The tables folder (``ensure_writable`` first).
    streamed : iterable of str
        The tables written batch by batch (``append``).
    csv : bool, default False
        Also write each table as CSV (UTF-8 with BOM).
    """

    def __init__(self, outdir: Path, streamed: Iterable[str], *, csv: bool = False):
        self.out = outdir
        self.csv = csv
        self.final: dict[Path, Path] = {}  # temporary name -> table file, for every file written
        self.sinks: dict[str, list[_ParquetSink | _CsvSink]] = {}
        for name in streamed:
            self.sinks[name] = [_ParquetSink(self._tmp(f"{name}.parquet"))]
            if csv:
                self.sinks[name].append(_CsvSink(self._tmp(f"{name}.csv")))

    def _tmp(self, file_name: str) -> Path:
        tmp = tmp_path(self.out / file_name)
        self.final[tmp] = self.out / file_name
        return tmp

    def append(self, name: str, df: pd.DataFrame) -> None:
        """Append a batch of rows of the streamed table ``name``.

        Parameters
        ----------
        name : str
            One of the streamed tables.
        df : pandas.DataFrame
            The batch, with the table's columns and dtypes (as from ``pipeline.table_frames``).
        """
        for sink in self.sinks[name]:
            sink.write(df)

    def finish(self) -> None:
        """Complete every streamed table (still under its temporary name)."""
        for group in self.sinks.values():
            for sink in group:
                sink.finish()

    def put(self, name: str, df: pd.DataFrame) -> None:
        """Write the whole table ``name`` (under a temporary name).

        Parameters
        ----------
        name : str
            The table's name.
        df : pandas.DataFrame
            The table.
        """
        df.to_parquet(self._tmp(f"{name}.parquet"), index=False)
        if self.csv:
            df.to_csv(self._tmp(f"{name}.csv"), index=False, encoding="utf-8-sig")

    def commit(self) -> None:
        """Rename every complete table into place: only now they replace the old tables."""
        for tmp, path in self.final.items():
            os.replace(tmp, path)

    def discard(self) -> None:
        """Remove every temporary file left.

        Never raises: the error that stopped the run (say, a full disk) is the one reported.
        """
        for group in self.sinks.values():
            for sink in group:
                sink.discard()
        for tmp in self.final:
            discard(tmp)


# ---- reading ---------------------------------------------------------------------------------------------------


def project_root(start: Path | None = None) -> Path | None:
    """The project checkout holding ``start``, if any: the first parent with pyproject.toml and fazhi_lib/.

    Parameters
    ----------
    start : pathlib.Path, optional
        Where to look from (default: the working directory).

    Returns
    -------
    pathlib.Path or None
        The checkout's folder; None outside a checkout.
    """
    here = (start or Path.cwd()).resolve()
    for base in (here, *here.parents):
        if (base / "pyproject.toml").is_file() and (base / "fazhi_lib").is_dir():
            return base
    return None


def resolve_path(path: str | Path, *, must_exist: bool = False) -> Path:
    """A path as given when absolute or existing, else relative to the project checkout holding the working directory.

    So a notebook run from notebooks/ finds data/processed/seeds; outside a checkout the path stays as given.

    Parameters
    ----------
    path : str or pathlib.Path
        A path, ``~`` expanded.
    must_exist : bool, default False
        Resolve against the checkout only when the path exists there.

    Returns
    -------
    pathlib.Path
        The resolved path.
    """
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    root = project_root()
    if root is not None and ((root / p).exists() or not must_exist):
        return root / p
    return p


def _missing(folder: Path, names: Iterable[str]) -> TablesNotFound | None:
    """The error for the tables of ``names`` that ``folder`` lacks, or None when it has them all."""
    if not folder.is_dir():
        return TablesNotFound(f"tables folder {folder} does not exist: run `fazhi ingest REPORTS -o {folder}` first")
    if not any(folder.glob("*.parquet")):
        return TablesNotFound(f"tables folder {folder} holds no table: run `fazhi ingest REPORTS -o {folder}` first")
    lacking = [n for n in names if not (folder / f"{n}.parquet").is_file()]
    if not lacking:
        return None
    command = (f"fazhi analyze {folder}" if all(n in ANALYSIS_TABLES for n in lacking)
               else f"fazhi ingest REPORTS -o {folder}")
    return TablesNotFound(f"tables folder {folder} lacks {', '.join(f'{n}.parquet' for n in lacking)}: run "
                          f"`{command}` first")


def has_tables(folder: str | Path, names: Iterable[str] = TABLES) -> bool:
    """Whether ``folder`` holds every table of ``names``.

    Parameters
    ----------
    folder : str or pathlib.Path
        A tables folder.
    names : iterable of str, default TABLES
        The tables wanted (by default the ingest tables).

    Returns
    -------
    bool
        True when every table is there as ``<name>.parquet``.
    """
    return _missing(Path(folder), names) is None


def read(folder: str | Path, names: Iterable[str], *, columns: Mapping[str, list[str]] | None = None
         ) -> dict[str, pd.DataFrame]:
    """The tables ``names`` of a tables folder, by name.

    Parameters
    ----------
    folder : str or pathlib.Path
        A folder written by ``fazhi ingest`` (and ``fazhi analyze``); a relative path resolves with
        ``resolve_path``.
    names : iterable of str
        The tables wanted (``fazhi_lib.schema.TABLES``, ``ANALYSIS_TABLES``).
    columns : mapping of str to list of str, optional
        Only these columns of the tables named.

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables by name, in the order of ``names``.

    Raises
    ------
    TablesNotFound
        Naming the folder when it does not exist, holds no table or lacks one of ``names``.
    """
    names = list(names)
    path = resolve_path(folder)
    error = _missing(path, names)
    if error is not None:
        raise error
    columns = columns or {}
    return {n: pd.read_parquet(path / f"{n}.parquet", columns=columns.get(n)) for n in names}


def load(folder: str | Path) -> Corpus:
    """The ingest tables ``fazhi ingest`` wrote to ``folder``, as a ``Corpus``.

    Parameters
    ----------
    folder : str or pathlib.Path
        A tables folder; a relative path resolves with ``resolve_path``.

    Returns
    -------
    Corpus
        The ingest tables.

    Raises
    ------
    TablesNotFound
        Naming the folder when it does not exist, holds no table or lacks an ingest table.
    """
    return Corpus(**read(folder, TABLES))


def holds_readable(folder: Path) -> bool:
    """Whether ``folder`` holds a documents table with at least one readable (ok or warning) report.

    Parameters
    ----------
    folder : pathlib.Path
        A tables folder.

    Returns
    -------
    bool
        False also when the documents table is missing or cannot be read.
    """
    try:
        status = pd.read_parquet(folder / "documents.parquet", columns=["status"])["status"]
    except (OSError, ValueError, KeyError):
        return False
    return bool(status.isin(READABLE).any())


@dataclass
class Written:
    """What an ingest wrote to ``outdir``: the small tables in memory, the others on disk.

    Attributes
    ----------
    outdir : pathlib.Path
        The tables folder.
    documents : pandas.DataFrame
        The documents table written.
    skipped : pandas.DataFrame
        The skipped table written.
    rows : dict of str to int
        The number of rows of every table.
    counts : dict of tuple of (str, str) to int, optional
        The problems/plans items per document (see ``part_counts``) when gathered while writing, else None
        (``summary`` then reads them from items.parquet).
    """

    outdir: Path
    documents: pd.DataFrame
    skipped: pd.DataFrame
    rows: dict[str, int]
    counts: dict[tuple[str, str], int] | None = None

    def summary(self) -> pd.DataFrame:
        """One line per document, as ``Corpus.summary``.

        Returns
        -------
        pandas.DataFrame
            Columns file, jurisdiction, level, period, parts, items, problems, plans, status.
        """
        counts = self.counts
        if counts is None:
            counts = part_counts(pd.read_parquet(self.outdir / "items.parquet", columns=["doc_id", "part"],
                                                 filters=[("part", "in", list(SUMMARY_PARTS))]))
        return summary_frame(self.documents, counts)


def read_written(outdir: str | Path) -> Written:
    """The documents and skipped tables of an ingest output folder and every table's row count.

    The row counts come from the Parquet footers: the big tables are not read.

    Parameters
    ----------
    outdir : str or pathlib.Path
        A tables folder written by ``fazhi ingest``.

    Returns
    -------
    Written
        The documents and skipped tables and the row counts (``counts`` None).

    Raises
    ------
    TablesNotFound
        When an ingest table is missing.
    """
    import pyarrow.parquet as pq

    out = Path(outdir)
    error = _missing(out, TABLES)
    if error is not None:
        raise error
    rows = {name: pq.read_metadata(out / f"{name}.parquet").num_rows for name in TABLES}
    return Written(out, pd.read_parquet(out / "documents.parquet"), pd.read_parquet(out / "skipped.parquet"), rows)


# ---- streamed files --------------------------------------------------------------------------------------------


class _ParquetSink:
    """One table streamed into a Parquet file at ``tmp``: each non-empty DataFrame is appended as a row group.

    A column that is all None in a batch comes out of pandas as Arrow type ``null`` and can be cast to whatever the
    file has; but when a batch gives a real type to a column that so far was ``null``, the file cannot take it: the
    file so far is then closed as a part, a new part begins with the unified schema, and ``finish`` copies the parts
    one row group at a time into one file. Memory is bounded by a batch (or a row group) either way."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.parts: list[Path] = []
        self.writer = None  # pyarrow.parquet.ParquetWriter of the current part
        self.empty = None  # an empty batch as an Arrow table: the file's content if no batch has rows

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df`` (the table's columns and dtypes, as from ``table_frames``)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        if table.num_rows == 0:
            if self.empty is None:
                self.empty = table
            return
        if self.writer is not None and not table.schema.equals(self.writer.schema, check_metadata=False):
            schema = pa.unify_schemas([self.writer.schema, table.schema], promote_options="permissive")
            if not schema.equals(self.writer.schema, check_metadata=False):
                self.writer.close()  # the file cannot change its schema: continue in a new part
                self.writer = None
            table = table.cast(schema)
        if self.writer is None:
            self.parts.append(self.tmp.with_name(f"{self.tmp.name}.part{len(self.parts)}"))
            self.writer = pq.ParquetWriter(self.parts[-1], table.schema)
        self.writer.write_table(table)

    def finish(self) -> None:
        """Complete the file at ``tmp``."""
        import pyarrow.parquet as pq

        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if not self.parts:
            pq.write_table(self.empty, self.tmp)
        elif len(self.parts) == 1:
            os.replace(self.parts.pop(), self.tmp)
        else:  # every part's schema unifies into the last one's (each new part starts from the unified schema)
            schema = pq.read_schema(self.parts[-1])
            with pq.ParquetWriter(self.tmp, schema) as writer:
                for part in self.parts:
                    source = pq.ParquetFile(part)
                    for i in range(source.num_row_groups):
                        writer.write_table(source.read_row_group(i).cast(schema))
                    source.close()
            self._remove_parts()

    def discard(self) -> None:
        """Remove the part files and ``tmp`` unless it was renamed; closes an open writer first. Never raises (on a
        full disk, closing the writer fails too: the files are removed all the same)."""
        close_quietly(self.writer)
        self.writer = None
        self._remove_parts()
        discard(self.tmp)

    def _remove_parts(self) -> None:
        for part in self.parts:
            discard(part)
        self.parts.clear()


class _CsvSink:
    """One table streamed into a CSV file at ``tmp`` (UTF-8 with one BOM, header once), as ``DataFrame.to_csv``
    of the whole table writes it."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.file = None

    def write(self, df: pd.DataFrame) -> None:
        """Append ``df``'s rows (with the header before the first)."""
        header = self.file is None
        if header:
            # utf-8-sig writes the BOM once, at the start of the stream; newline="" as pandas asks for handles
            self.file = open(self.tmp, "w", encoding="utf-8-sig", newline="")
        df.to_csv(self.file, index=False, header=header)

    def finish(self) -> None:
        """Complete the file at ``tmp``."""
        if self.file is not None:
            self.file.close()
            self.file = None

    def discard(self) -> None:
        """Close and remove ``tmp`` unless it was renamed. Never raises."""
        close_quietly(self.file)
        self.file = None
        discard(self.tmp)



"""The ``fazhi`` command line: composes the library's functions, holds no logic of its own.

    fazhi ingest INPUT... -o OUTDIR [--csv] [--metadata CSV] [--jobs N] [--max-mb MB] [--quiet] [--no-cache]
                 [--engine local|dask] [--scheduler ADDRESS] [--vocab DIR]
    fazhi analyze OUTDIR [--topics K|auto] [--vectorizer words|chars] [--random-state N] [--csv] [--vocab DIR]
    fazhi brief [INPUT...] [--out DIR] [-p NAME VALUE]... [--lang en|zh] [--with-code] [--jobs N]
                [--per-report | --no-per-report] [--tables DIR] [--notebooks DIR] [--vocab DIR] [-v]

Exit status: 0 when every file was read (warnings allowed), 1 when at least one file (or, for ``brief``, one notebook)
failed, 2 when the command could not run (bad arguments or parameters, a bad vocabulary file, an input that does not
exist or holds no report, an output directory that cannot be written, no notebook found or no brief rendered): then
nothing was written. SIGTERM and SIGHUP stop a command as
Ctrl-C does, removing what it had not finished (exit status 128 + the signal's number).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from fazhi_lib.analysis import analyze_to
from fazhi_lib.briefs import run_briefs
from fazhi_lib.i18n import DEFAULT_LANG
from fazhi_lib.manifest import fingerprint, ingest_current
from fazhi_lib.outputs import Terminated, exit_on_signals, mark
from fazhi_lib.parameters import ParameterError, argument, parse_value
from fazhi_lib.pipeline import InputError, NothingReadError, check_inputs, ingest_to
from fazhi_lib.schema import TABLES
from fazhi_lib.store import OutputError, TablesNotFound, Written, ensure_writable, read_written
from fazhi_lib.vocabulary import VocabularyError, as_vocabulary


def _add_vocab_option(command: argparse.ArgumentParser) -> None:
    """``--vocab DIR``, which ingest, analyze and brief take alike."""
    command.add_argument("--vocab", metavar="DIR",
                         help="a folder of vocabulary files named like the packaged ones (mechanisms.csv, "
                              "indicators.csv, stopwords.txt …) whose rows are added to them, a row with a packaged "
                              "key replacing it")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="fazhi",
                                description="Rule-of-law reports (法治政府建设年度报告) into tidy tables.")
    sub = p.add_subparsers(dest="command", required=True)
    ing = sub.add_parser("ingest", help="read, clean and parse report files into tables",
                         description="Read report files (.txt in any Chinese encoding, .html, .docx, .pdf) and "
                                     "directories, and write the tables documents, texts, sections, items, "
                                     "cleaning and skipped as Parquet to OUTDIR.")
    ing.add_argument("inputs", nargs="+", metavar="INPUT", help="report files or directories (walked recursively)")
    ing.add_argument("-o", "--out", required=True, metavar="OUTDIR", help="output directory for the tables")
    ing.add_argument("--csv", action="store_true", help="also write each table as CSV (UTF-8 with BOM, for Excel)")
    ing.add_argument("--metadata", metavar="CSV",
                     help="metadata table keyed by file_name (a metadata.csv beside the inputs is always read)")
    ing.add_argument("--jobs", type=argument("jobs"), default=os.cpu_count() or 1, metavar="N",
                     help="worker processes (default: all cores)")
    ing.add_argument("--max-mb", type=argument("max_mb"), default=20.0, metavar="MB",
                     help="files larger than this fail with a message instead of being read (default 20)")
    ing.add_argument("--quiet", action="store_true", help="print only the totals line")
    ing.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local processes (default) or a Dask distributed cluster")
    ing.add_argument("--scheduler", metavar="ADDRESS",
                     help="with --engine dask: the scheduler's address (default: a local cluster of --jobs workers)")
    _add_vocab_option(ing)
    ing.add_argument("--no-cache", action="store_true",
                     help="parse every file again (by default results are cached in OUTDIR/.cache and files whose "
                          "content and metadata are unchanged are not parsed again)")
    ana = sub.add_parser("analyze", help="problem topics, remedies, shared sentences and year-over-year tables",
                         description="Read the tables `fazhi ingest` wrote to OUTDIR and write problem_topics, "
                                     "topics, remedies, shared_sentences, panel, promises, recurring_problems, "
                                     "copied_text and indicator_trends beside them, with default parameters.")
    ana.add_argument("outdir", metavar="OUTDIR", help="an ingest output directory")
    ana.add_argument("--topics", type=argument("n_topics"), default="auto", metavar="K",
                     help="number of problem topics (1 to 500), or auto (default)")
    ana.add_argument("--vectorizer", choices=("words", "chars"), default="words")
    ana.add_argument("--random-state", type=argument("random_state"), default=0, metavar="N")
    ana.add_argument("--csv", action="store_true", help="also write the tables as CSV")
    _add_vocab_option(ana)
    bri = sub.add_parser("brief", help="ingest, analyze, run every notebook and render HTML briefs",
                         description="Ingest INPUT (default: seeds/) unless its tables are up to date, analyze, "
                                     "execute every notebook of notebooks/ with papermill and render each to "
                                     "self-contained HTML, render the brief of every report into reports/, and "
                                     "write index.html (what the corpus holds, what stands out, every brief) and "
                                     "manifest.json in OUT/<run id>/; OUT/latest points at the newest complete run. "
                                     "The console shows a progress bar and a line per failure; the kernels' output "
                                     "is kept in OUT/<run id>/brief.log. Exits 1 when a notebook or a brief "
                                     "failed.")
    bri.add_argument("inputs", nargs="*", metavar="INPUT", help="report files or directories (default: seeds/)")
    bri.add_argument("--out", default="reports_out", metavar="DIR", help="output directory (default reports_out)")
    bri.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                     help="notebook parameter (a Python literal or a string), passed to the notebooks defining it; "
                          "checked against their parameters before any runs")
    bri.add_argument("--lang", type=argument("lang"), default=DEFAULT_LANG, metavar="en|zh",
                     help="language of the briefs: prose, headings, table headers and chart labels (default en; "
                          "the reports' own text stays as written)")
    bri.add_argument("--with-code", action="store_true", help="keep the code cells in the HTML briefs")
    bri.add_argument("--jobs", type=argument("jobs"), default=2, metavar="N",
                     help="notebooks run in parallel (default 2)")
    bri.add_argument("--per-report", action=argparse.BooleanOptionalAction, default=None,
                     help="render the brief of every report (default: for corpora of up to 5,000 reports, "
                          "fazhi_lib.briefs.PER_REPORT_MAX_DOCS); --no-per-report renders none")
    bri.add_argument("--tables", metavar="DIR", help="tables directory (default data/processed/<input name>)")
    bri.add_argument("--notebooks", metavar="DIR", help="the notebooks to run (default: the project's notebooks/)")
    _add_vocab_option(bri)
    bri.add_argument("-v", "--verbose", action="store_true",
                     help="print every step and everything the notebooks' kernels print (by default kept in the "
                          "run's brief.log)")
    return p


SUMMARY_MAX_DOCS = 50  # beyond this many documents the per-document table is not printed (nobody reads it)
MAX_LINES = 20  # problem and skipped lines printed for a larger corpus; the rest are in the tables


def _ready_to_ingest(args: argparse.Namespace) -> bool:
    """Check the inputs and the output folder before the work, not after it, and before anything is written."""
    try:
        check_inputs(args.inputs, [args.out])
        mark(ensure_writable(args.out), "tables")
    except InputError as exc:
        print(f"fazhi ingest: {exc}; nothing was read or written", file=sys.stderr)
        return False
    except (OutputError, OSError) as exc:
        print(f"fazhi ingest: {exc}", file=sys.stderr)
        return False
    return True


def _print_unread(command: str, exc: NothingReadError) -> None:
    for r in exc.documents.itertuples():
        print(f"  {r.status}: {r.source}: {r.message}")
    print(f"fazhi {command}: {exc}", file=sys.stderr)


def _ingest(args: argparse.Namespace) -> int:

    try:
        vocab = as_vocabulary(args.vocab)
    except VocabularyError as exc:
        print(f"fazhi ingest: {exc}; nothing was read or written", file=sys.stderr)
        return 2
    if not _ready_to_ingest(args):
        return 2
    t0 = time.perf_counter()
    cache = None if args.no_cache else Path(args.out) / ".cache"
    fp = fingerprint(args.inputs, metadata=args.metadata, max_mb=args.max_mb, vocab=vocab)
    unchanged = (cache is not None and ingest_current(args.out, fp)
                 and (not args.csv or all((Path(args.out) / f"{n}.csv").is_file() for n in TABLES)))
    if unchanged:  # same files, metadata and parser as the tables already written: nothing to do
        written = read_written(args.out)
    else:
        try:
            written = ingest_to(args.inputs, args.out, csv=args.csv, metadata=args.metadata, jobs=max(1, args.jobs),
                                max_mb=args.max_mb, cache_dir=cache, engine=args.engine, scheduler=args.scheduler,
                                keep_readable_tables=True, fingerprint_now=fp, vocab=vocab)
        except NothingReadError as exc:
            _print_unread("ingest", exc)
            return 1
        except (OSError, RuntimeError) as exc:
            print(f"fazhi ingest: cannot write the tables to {args.out}: {exc}", file=sys.stderr)
            return 2
    seconds = time.perf_counter() - t0
    docs = written.documents
    if not args.quiet:
        _print_details(written)
    counts = docs["status"].value_counts()
    by_status = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("ok", "warning", "failed", "duplicate"))
    reused = "; inputs unchanged, tables reused" if unchanged else ""
    print(f"{len(docs)} documents ({by_status}), {len(written.skipped)} skipped, {written.rows['items']} items;"
          f" tables in {written.outdir} ({seconds:.1f} s{reused})")
    return 1 if counts.get("failed", 0) else 0


def _print_details(written: Written) -> None:
    """Print what ingest found beyond the totals: for a small corpus a line per document, every document that is
    not ok and every skipped file; for a larger one the counts by status and the first ``MAX_LINES`` of each."""
    docs = written.documents
    small = len(docs) <= SUMMARY_MAX_DOCS
    if small and len(docs):
        with pd.option_context("display.max_rows", 200, "display.width", 200, "display.max_colwidth", 40):
            print(written.summary().to_string(index=False))
    elif not small:
        print("documents by status:")
        for status, n in docs["status"].value_counts().items():
            print(f"  {status:<10} {n:>8}")
    problems, skipped = docs[docs["status"] != "ok"], written.skipped
    limit = max(len(problems), len(skipped)) if small else MAX_LINES
    _print_lines([f"  {r.status}: {r.source}: {r.message}" for r in problems.head(limit).itertuples()],
                 len(problems), written.outdir / "documents.parquet")
    _print_lines([f"  skipped: {r.source}: {r.reason}" for r in skipped.head(limit).itertuples()],
                 len(skipped), written.outdir / "skipped.parquet")


def _print_lines(lines: list[str], total: int, table: Path) -> None:
    """Print ``lines``, the first of ``total``, and where to find the others when some were left out."""
    for line in lines:
        print(line)
    if total > len(lines):
        print(f"  … and {total - len(lines)} more; see {table}")


def _analyze(args: argparse.Namespace) -> int:

    t0 = time.perf_counter()
    try:
        tables = analyze_to(args.outdir, {"n_topics": args.topics, "vectorizer": args.vectorizer,
                                          "random_state": args.random_state}, csv=args.csv, vocab=args.vocab)
        mark(args.outdir, "tables")
    except (TablesNotFound, VocabularyError) as exc:
        print(f"fazhi analyze: {exc}", file=sys.stderr)
        return 2
    except (OSError, OutputError) as exc:
        print(f"fazhi analyze: cannot write to {args.outdir}: {exc}", file=sys.stderr)
        return 2
    written = list(tables)
    n_topics = tables["topics"]["topic"].nunique()
    remedies = tables["remedies"]
    share = remedies["matched"].mean() if len(remedies) else 0.0
    panels, kept = tables["panel"], tables["promises"]["kept"]
    print(f"{len(tables['problem_topics'])} problems in {n_topics} topics; {share:.0%} with a remedy; "
          f"{len(tables['shared_sentences'])} shared sentence pairs; "
          f"{panels.loc[panels['n_reports'] > 1, 'panel_id'].nunique()} jurisdictions with several reports, "
          f"{int(kept.sum())} of {len(kept)} plans kept the next year, "
          f"{int(tables['recurring_problems']['verbatim'].sum())} problems repeated word for word; "
          f"tables {', '.join(written)} in {args.outdir} ({time.perf_counter() - t0:.1f} s)")
    return 0


class _Bar:
    """The console of ``fazhi brief``: one progress bar over the notebooks and report briefs (on stderr), a line
    per failure (on stdout, above the bar)."""

    def __init__(self) -> None:
        self.bar = None

    def start(self, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, unit="brief", desc="fazhi brief", file=sys.stderr, dynamic_ncols=True,
                        mininterval=0.5)

    def advance(self, steps: int) -> None:
        if self.bar is not None:
            self.bar.update(steps)

    def failure(self, line: str) -> None:
        from tqdm import tqdm

        tqdm.write(f"  {line}", file=sys.stdout)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _brief(args: argparse.Namespace) -> int:

    params = {name: parse_value(value) for name, value in args.parameter}
    bar = _Bar()
    try:
        manifest = run_briefs(args.inputs or None, out=args.out, params=params, jobs=max(1, args.jobs),
                              with_code=args.with_code, per_report=args.per_report, tables_dir=args.tables,
                              notebooks_dir=args.notebooks, lang=args.lang, quiet=not args.verbose,
                              log=print if args.verbose else None, progress=None if args.verbose else bar,
                              vocab=args.vocab)
    except (ParameterError, VocabularyError) as exc:
        print(f"fazhi brief: {exc}; no notebook was run", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"fazhi brief: {exc}; nothing was read or written", file=sys.stderr)
        return 2
    except NothingReadError as exc:
        _print_unread("brief", exc)
        return 1
    except (OSError, OutputError) as exc:
        print(f"fazhi brief: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    failed_docs = manifest["corpus"]["failed_documents"]
    _print_lines([f"  failed: {f['source']}: {f['message']}" for f in failed_docs[:MAX_LINES]], len(failed_docs),
                 Path(manifest["corpus"]["tables_dir"]) / "documents.parquet")
    n, pages = len(manifest["notebooks"]), manifest.get("reports", [])
    if n + len(pages) == 0:  # never success: a run that rendered nothing has briefed nothing
        print(f"fazhi brief: no brief was rendered; see {manifest['index']}", file=sys.stderr)
        return 2
    pages_ok = sum(1 for p in pages if p["status"] == "ok")
    nbs_ok = sum(1 for nb in manifest["notebooks"] if nb["status"] == "ok")
    print(f"{nbs_ok} of {n} notebook briefs and {pages_ok} of {len(pages)} report briefs ok, {len(failed_docs)} "
          f"files failed ({manifest['duration']:.1f} s); index: {manifest['index']}")
    return 1 if manifest["failed"] or failed_docs else 0


COMMANDS = {"ingest": _ingest, "analyze": _analyze, "brief": _brief}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``fazhi`` console script.

    Parameters
    ----------
    argv : sequence of str, optional
        The command line after ``fazhi`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0, 1 or 2 as the module says, 128 + the signal's number when stopped by SIGTERM or SIGHUP.
    """
    args = _parser().parse_args(argv)
    try:
        with exit_on_signals():
            return COMMANDS[args.command](args)
    except Terminated as exc:  # the command's clean-up has run on the way out
        print(f"fazhi {args.command}: {exc}; unfinished files removed", file=sys.stderr)
        return 128 + exc.signum


if __name__ == "__main__":
    sys.exit(main())

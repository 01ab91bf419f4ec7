"""Run the whole job into rendered briefs: ingest, analyze, every notebook, the brief of every report, a landing page.

Ingest → analyze → every notebook (papermill) → HTML (nbconvert), the brief of every report
(``fazhi_lib.report_page``) → the run's landing page.

``run_briefs(inputs, out="reports_out")`` ingests the inputs into a tables directory (reused when the input files'
sha256 match its documents table), analyzes it, executes every notebook of ``notebooks/`` with papermill in
parallel worker processes and renders each to self-contained HTML. The brief of every report is rendered without a
kernel, in the same worker processes (a few pools of reports, each reading the tables once), into ``reports/``
under a name made from the report (``金龙坪街道_2022-2024.html``): for corpora of at most ``PER_REPORT_MAX_DOCS``
reports or when asked. The per-report notebook (any notebook whose parameters cell defines ``doc_id``) runs once,
for the first report: it is the same brief, to open in JupyterLab and explore. Then ``manifest.json`` and
``index.html``, the landing page (``fazhi_lib.landing``), are written. Every notebook gets the parameter ``lang``
when it declares it; the pages are in that language too.

The run is built in ``out/.<run id>.<pid>@<host>.partial/`` and renamed to ``out/<run id>/`` when complete;
``out/latest`` then points at it. One failing notebook or page never stops the others: it is recorded with its
error in the manifest and shown first on the landing page; a file that cannot be read is a failed document, as in
``fazhi ingest``. What the kernels print (their start-up warnings, a traceback they log on shutdown) goes to the
run's ``brief.log``, with the run's own messages, not to the console; ``quiet=False`` leaves it on the console.

Before anything runs, the parameters are checked against the notebooks' parameters (``fazhi_lib.parameters``) and the
inputs must exist and hold a report (``pipeline.check_inputs``). The notebooks run in worker processes that end with
the run, however it ends (``outputs.workers``); an interrupted run's folder is removed on the way out or, after
kill -9, by the next run (``outputs.remove_debris``).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import json
import os
import platform
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from fazhi_lib import locations
from fazhi_lib.analysis import analyze_to, current_analysis, with_defaults
from fazhi_lib.compare import report_labels
from fazhi_lib.i18n import DEFAULT_LANG, check_lang
from fazhi_lib.landing import landing_page, load_facts
from fazhi_lib.manifest import fingerprint, ingest_current
from fazhi_lib.outputs import MARKER, discard, mark, owner, remove_debris, tmp_path, workers
from fazhi_lib.parameters import ParameterError, check_parameters, parse_value
from fazhi_lib.pipeline import InputError, check_inputs, ingest_to
from fazhi_lib.readers import discover
from fazhi_lib.report_page import pages_to_render, render_chunk
from fazhi_lib.schema import readable
from fazhi_lib.store import atomic_write, ensure_writable, read
from fazhi_lib.vocabulary import Vocabulary, as_vocabulary

DEFAULT_NOTEBOOKS = locations.notebooks()  # the checkout's notebooks/, or the copy shipped with the package
DEFAULT_INPUT = locations.default_input()  # the seeds, in a checkout only
PER_REPORT_PARAM = "doc_id"
LANG_PARAM = "lang"
#: Up to this many reports, every report gets its brief unless ``per_report=False`` (more: with ``per_report=True``).
PER_REPORT_MAX_DOCS = 5000
#: The folder of a run holding the briefs of the reports, and the run's log.
REPORTS_DIR = "reports"
LOG_FILE = "brief.log"
#: Pages rendered by one task: each task reads the tables once; smaller tasks share the work out more evenly.
PAGES_PER_TASK = 250
KERNEL_START_ATTEMPTS = 3  # a notebook whose kernel fails to start is tried again, up to this many times in all

__all__ = ["Progress", "notebook_parameters", "parse_value", "render_index", "run_briefs", "run_id"]


# --------------------------------------------------------------------------------------------------- pure helpers
def notebook_parameters(path: str | Path) -> dict:
    """The names and default values the notebook's ``parameters``-tagged cell assigns (read with ast, not run).

    Parameters
    ----------
    path : str or pathlib.Path
        The notebook (``.ipynb``).

    Returns
    -------
    dict
        Name → default value; values that are not literals are given as their source text. Empty for a notebook
        without a ``parameters`` cell.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            params: dict = {}
            for node in ast.parse(src).body:
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    targets, value = [node.target], node.value
                else:
                    continue
                for t in targets:
                    if isinstance(t, ast.Name):
                        try:
                            params[t.id] = ast.literal_eval(value)
                        except ValueError:
                            params[t.id] = ast.get_source_segment(src, value)
            return params
    return {}


def _markdown_sources(nb: dict) -> Iterator[str]:
    """The Markdown of the notebook in order: its markdown cells and the Markdown its code cells displayed (the
    prose of the message catalogue, in the language of the run)."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            yield cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else ():
            text = output.get("data", {}).get("text/markdown")
            if text:
                yield text if isinstance(text, str) else "".join(text)


def first_heading(nb: dict) -> str:
    """The text of the notebook's first markdown heading (``# …``), or "".

    The Markdown its code cells displayed counts too (the prose of the message catalogue, in the language of the run).

    Parameters
    ----------
    nb : dict
        The notebook, as read from its JSON (or ``nbformat``).

    Returns
    -------
    str
        The heading's text without its ``#``.
    """
    for src in _markdown_sources(nb):
        for line in src.splitlines():
            if line.lstrip().startswith("#"):
                return line.strip().lstrip("#").strip()
    return ""


def _hash_params(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def run_id(params: dict | None, now: datetime) -> str:
    """The id of a run: ``YYYYmmdd-HHMMSS-<hash>``.

    Parameters
    ----------
    params : dict or None
        What the run was asked to do (the manifest's ``command``).
    now : datetime.datetime
        When the run started (an aware time is taken in UTC).

    Returns
    -------
    str
        The time and the first 8 hex digits of the parameters' sha256.
    """
    if now.tzinfo is not None:
        now = now.astimezone(UTC)
    return f"{now:%Y%m%d-%H%M%S}-{_hash_params(params or {})[:8]}"


def render_index(manifest: dict, facts: object = None, lang: str = DEFAULT_LANG) -> str:
    """The run's self-contained landing page (``landing.landing_page``); every piece of text in it is escaped.

    Parameters
    ----------
    manifest : dict
        The run's manifest.
    facts : landing.Facts, optional
        What the corpus holds (``landing.load_facts``); None for a page of the run alone.
    lang : str, default DEFAULT_LANG
        ``en`` or ``zh``.

    Returns
    -------
    str
        The page.
    """
    return landing_page(manifest, facts, lang)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------------ corpus & tables
def corpus_files(inputs: Sequence[str | Path]) -> list[dict]:
    """The report files ingest reads from ``inputs``, each with its sha256 (of the file's bytes).

    Parameters
    ----------
    inputs : sequence of str or pathlib.Path
        Report files and folders (as for ``fazhi ingest``).

    Returns
    -------
    list of dict
        Per file: ``path`` and ``sha256``; a file that cannot be read has sha256 None and the reason in
        ``error`` (ingest records it as a failed document).
    """
    files, _ = discover(inputs)
    out = []
    for f in files:
        h = hashlib.sha256()
        try:
            with open(f, "rb") as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError as exc:
            out.append({"path": str(f), "sha256": None, "error": exc.strerror or str(exc)})
            continue
        out.append({"path": str(f), "sha256": h.hexdigest()})
    return out


def corpus_hash(files: Iterable[dict]) -> str:
    """The sha256 of the sorted file hashes: the corpus's content, whatever the paths.

    Parameters
    ----------
    files : iterable of dict
        ``corpus_files``; an unreadable file counts by its path.

    Returns
    -------
    str
        The hex digest.
    """
    keys = sorted(f["sha256"] or f"unreadable:{f['path']}" for f in files)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def prepare_tables(inputs: Sequence[str | Path], tables_dir: Path, *, jobs: int = 1,
                   log=print, analysis: Mapping[str, object] | None = None, vocab: Vocabulary | None = None) -> dict:
    """Ingest into ``tables_dir`` unless its tables are current for the inputs, and analyze unless that is current.

    The tables are current when they have the same fingerprint as ``fazhi ingest`` uses (``manifest.ingest_current``);
    the analysis when its tables were made from them with the run's ``analysis`` parameters
    (``analysis.current_analysis``). As ``fazhi ingest``, a run in which no file could be read leaves tables of
    readable reports as they were (``pipeline.NothingReadError``); a failed analysis is recorded, not raised.

    Parameters
    ----------
    inputs : sequence of str or pathlib.Path
        Report files and folders.
    tables_dir : pathlib.Path
        The tables directory.
    jobs : int, default 1
        Worker processes for ingest.
    log : callable, default print
        Given the messages of the steps.
    analysis : mapping, optional
        The run's parameters: those of the analysis (``n_topics``, ``vectorizer``, ``random_state`` …) are used,
        the others ignored; an analysis parameter not given takes its default.
    vocab : Vocabulary, optional
        The researcher's additions to the vocabularies.

    Returns
    -------
    dict
        ``reused`` (the tables were current), ``analyzed`` (analyze ran now), ``analyze_error`` (None or the
        error) and ``analysis`` (the parameters with their defaults).
    """
    info = {"reused": False, "analyzed": False, "analyze_error": None, "analysis": with_defaults(analysis)}
    t0 = time.perf_counter()
    fp = fingerprint(list(inputs), vocab=vocab)
    if ingest_current(tables_dir, fp):
        info["reused"] = True
        log(f"tables in {tables_dir} match the inputs: not re-ingested")
    else:
        mark(ensure_writable(tables_dir), "tables")
        # as `fazhi ingest`: streamed to the tables, unchanged files taken from the cache
        written = ingest_to(list(inputs), tables_dir, jobs=max(1, jobs), cache_dir=tables_dir / ".cache",
                            keep_readable_tables=True, fingerprint_now=fp, vocab=vocab)
        log(f"ingested {len(written.documents)} documents into {tables_dir} ({time.perf_counter() - t0:.1f} s)")
    if current_analysis(tables_dir, info["analysis"], vocab) is not None:
        return info
    t1 = time.perf_counter()
    try:
        analyze_to(tables_dir, info["analysis"], vocab=vocab)
        info["analyzed"] = True
        log(f"analyzed in {time.perf_counter() - t1:.1f} s")
    except Exception as exc:
        info["analyze_error"] = f"{type(exc).__name__}: {exc}"
        log(f"analyze failed: {info['analyze_error']}")
    return info


def _documents(tables_dir: Path):
    """The documents table: every input file, with its status."""
    return read(tables_dir, ["documents"])["documents"]


# ---------------------------------------------------------------------------------------------------- execution
_REMOTE_SCRIPT = re.compile(r'<script\s+src="https?://[^"]*"[^>]*>\s*</script>')


def self_contained(page: str) -> str:
    """Drop the template's remote <script src="https://…"> tags (require.js, MathJax) so the page loads nothing.

    Parameters
    ----------
    page : str
        A notebook rendered to HTML.

    Returns
    -------
    str
        The page without those tags.
    """
    return _REMOTE_SCRIPT.sub("", page)


def _atomic_text(path: Path, text: str) -> None:
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def _ran_a_cell(path: Path) -> bool:
    """Whether the notebook papermill is writing at ``path`` has a cell that started (else its kernel never ran)."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return any(c.get("execution_count") or c.get("metadata", {}).get("papermill", {}).get("start_time")
               for c in nb.get("cells", []))


_QUIET: dict[str, str] = {}  # in a worker: the log file its output and its kernels' output go to


def _quiet_worker(log_file: str | None) -> None:
    """In a worker process: send what it and the kernels it starts print (fd 1 and 2) to the run's log, once.

    A kernel inherits these descriptors: its start-up warning (``Kernel is running over TCP without encryption``)
    and the ``KeyboardInterrupt caught in kernel`` it logs when stopped are written there, not on the console."""
    if not log_file or _QUIET.get("file") == log_file:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    fd = os.open(log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    _QUIET["file"] = log_file


def _execute(task: dict) -> dict:
    """Worker: run one task, a notebook or a batch of report pages; never raises."""
    _quiet_worker(task.get("log"))
    if task.get("kind") == "pages":
        return _render_pages(task)
    return _execute_notebook(task)


def _render_pages(task: dict) -> dict:
    """Worker: render the briefs of a batch of reports (``report_page.render_chunk``); never raises."""
    t0 = time.perf_counter()
    try:
        results = render_chunk(task["tables_dir"], task["out_dir"], task["pages"], lang=task["lang"],
                               index_href=task["index_href"])
    except Exception as exc:  # the tables could not be read: every page of the batch failed
        error = f"{type(exc).__name__}: {exc}"
        results = [{"doc_id": doc, "file": name, "status": "failed", "error": error, "seconds": 0.0}
                   for doc, name in task["pages"]]
    for r in results:
        r["file"] = f"{REPORTS_DIR}/{r['file']}"
    return {"kind": "pages", "results": results, "duration": round(time.perf_counter() - t0, 2)}


def _execute_notebook(task: dict) -> dict:
    """Worker: run one notebook with papermill, render it to HTML; never raises."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    t0 = time.perf_counter()
    run_dir = Path(task["run_dir"])
    ipynb, page = run_dir / f"{task['name']}.ipynb", run_dir / f"{task['name']}.html"
    tmp = run_dir / f".{task['name']}.{owner()}.tmp.ipynb"
    result = {"status": "ok", "error": None}
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(task["notebook"], str(tmp), parameters=task["parameters"], cwd=task["cwd"],
                                       kernel_name=task["kernel"], progress_bar=False, log_output=False,
                                       request_save_on_cell_execute=False)
        except papermill.PapermillExecutionError as exc:
            result.update(status="failed", error=f"{exc.ename}: {exc.evalue}", cell=exc.exec_count)
        except Exception as exc:
            if attempt < KERNEL_START_ATTEMPTS and not _ran_a_cell(tmp):
                continue  # the kernel did not start (say, a port taken between choosing and binding it): again
            result.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        break
    summary = ""
    try:
        if tmp.exists():
            nb = nbformat.read(str(tmp), as_version=4)
            summary = first_heading(nb)
            exporter = HTMLExporter(exclude_input=not task["with_code"], embed_images=True)
            body, _ = exporter.from_notebook_node(nb)
            _atomic_text(page, self_contained(body))
            os.replace(tmp, ipynb)
    except Exception as exc:
        result.update(status="failed", error=result["error"] or f"rendering failed: {type(exc).__name__}: {exc}")
    finally:
        discard(tmp)
    if not summary:
        try:
            summary = first_heading(json.loads(Path(task["notebook"]).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            pass
    if task.get("doc_title"):
        summary = f"{summary} — {task['doc_title']}" if summary else task["doc_title"]
    out = {"name": task["name"], "notebook": Path(task["notebook"]).name, "parameters": task["parameters"],
           "summary": summary, **result, "duration": round(time.perf_counter() - t0, 2),
           "ipynb": ipynb.name if ipynb.exists() else None, "html": page.name if page.exists() else None}
    if task.get("one_report"):
        out["one_report"] = True  # the per-report notebook, run for one report (to open in JupyterLab)
    return out


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("fazhi", "pandas", "matplotlib", "papermill", "nbconvert"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    out["python"] = platform.python_version()
    return out


def _now() -> datetime:
    return datetime.now(UTC)


def _as_paths(inputs: Sequence[str | Path] | str | Path | None) -> list[Path]:
    if inputs is None or inputs == []:
        if DEFAULT_INPUT is None:
            raise InputError("no reports given (outside a checkout of fazhi there is no default corpus): name the "
                             "report files or folders to brief")
        return [DEFAULT_INPUT]
    if isinstance(inputs, str | Path):
        return [Path(inputs)]
    return [Path(p) for p in inputs]


def _check_doc_id(params: dict, reports) -> None:
    """A ``doc_id`` given as a parameter must be a report of the corpus (checked once the tables are there)."""
    doc_id = params.get(PER_REPORT_PARAM)
    if doc_id is not None and doc_id not in set(reports["doc_id"]):
        known = ", ".join(list(reports["doc_id"])[:5]) or "none"
        raise ParameterError(f"{PER_REPORT_PARAM} {doc_id!r} is not a report of the corpus (readable reports: "
                             f"{known}{', …' if len(reports) > 5 else ''})")


class Progress(Protocol):
    """What a command shows while a run goes on: one bar over the notebooks and report pages, a line per failure."""

    def start(self, total: int) -> None:
        """The number of steps of the run is known: the notebooks and the report pages.

        Parameters
        ----------
        total : int
            The number of steps.
        """

    def advance(self, steps: int) -> None:
        """``steps`` more notebooks or pages are done.

        Parameters
        ----------
        steps : int
            How many were done now.
        """

    def failure(self, line: str) -> None:
        """Something failed: one line saying what and why.

        Parameters
        ----------
        line : str
            The line (``failed: <notebook or page>: <error>``).
        """


class _NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, steps: int) -> None:
        pass

    def failure(self, line: str) -> None:
        pass


def _pages_wanted(per_report: bool | None, n_reports: int) -> bool:
    return bool(n_reports) and (per_report or (per_report is None and n_reports <= PER_REPORT_MAX_DOCS))


def _plan_tasks(notebooks: dict[Path, dict], values: dict, reports, per_report: bool | None,
                task: dict) -> tuple[list[dict], list[str]]:
    """One task per notebook (the per-report notebook once, for the first report when the reports get their
    briefs); and the notes to show in the index."""
    tasks, notes = [], []
    pages = _pages_wanted(per_report, len(reports))
    for nb, defined in notebooks.items():
        chosen = {k: v for k, v in values.items() if k in defined}
        base = {**task, "notebook": str(nb.resolve()), "name": nb.stem}
        per_doc = PER_REPORT_PARAM in defined and PER_REPORT_PARAM not in values
        if per_doc and pages:
            first = reports.iloc[0]
            title = first["title"] if isinstance(first["title"], str) and first["title"] else \
                report_labels(reports)[first["doc_id"]]  # a report without a title goes by its place and period
            tasks.append({**base, "doc_title": title, "one_report": True,
                          "parameters": {**chosen, PER_REPORT_PARAM: str(first["doc_id"])}})
            continue
        if per_doc and not len(reports):
            notes.append(f"{nb.name}: no report could be read, run once")
        elif per_doc:
            notes.append(f"{nb.name}: run once, for its default report; the {len(reports):,} reports got no brief "
                         "of their own (use --per-report for one each)")
        tasks.append({**base, "parameters": chosen})
    return tasks, notes


def _page_tasks(documents, per_report: bool | None, task: dict, lang: str) -> list[dict]:
    """The report pages to render, in batches of ``PAGES_PER_TASK`` (at least one batch per worker)."""
    reports = readable(documents)
    if not _pages_wanted(per_report, len(reports)):
        return []
    todo = pages_to_render(documents)
    n_tasks = max(min(task["jobs"], len(todo)), -(-len(todo) // PAGES_PER_TASK))
    return [{"kind": "pages", "log": task.get("log"), "pages": todo[i::n_tasks], "lang": lang,
             "tables_dir": task["tables_dir"], "out_dir": str(Path(task["run_dir"]) / REPORTS_DIR),
             "index_href": "../index.html"} for i in range(n_tasks)]


def _run_tasks(tasks: list[dict], jobs: int, log, progress: Progress) -> tuple[list[dict], list[dict]]:
    """Execute the tasks in worker processes, as workers become free; out: the notebooks' results in the order of
    the tasks and the pages' results in the order of the reports. The workers end with this process however it
    ends: on an exception (Ctrl-C, SIGTERM) they are terminated here, on kill -9 of this process they end
    themselves (``outputs.workers``)."""
    if not tasks:
        return [], []
    done: dict[int, dict] = {}
    with workers(max(1, min(jobs, len(tasks)))) as pool:
        for i, r in pool.imap_unordered(_indexed, list(enumerate(tasks))):
            done[i] = r
            _tell(r, log, progress)
    ordered = [done[i] for i in range(len(tasks))]
    notebooks = [r for r in ordered if r.get("kind") != "pages"]
    pages = [p for r in ordered if r.get("kind") == "pages" for p in r["results"]]
    order = {p[0]: i for t in tasks if t.get("kind") == "pages" for i, p in enumerate(t["pages"])}
    pages.sort(key=lambda p: (order.get(p["doc_id"], 0), p["doc_id"]))
    return notebooks, pages


def _indexed(job: tuple[int, dict]) -> tuple[int, dict]:
    return job[0], _execute(job[1])


def _tell(result: dict, log, progress: Progress) -> None:
    """Log a finished task and move the progress on; a failure gets its line."""
    if result.get("kind") == "pages":
        failed = [p for p in result["results"] if p["status"] != "ok"]
        log(f"  {len(result['results']) - len(failed)} of {len(result['results'])} report briefs "
            f"({result['duration']:.1f} s)")
        for p in failed:
            progress.failure(f"failed: {p['file']}: {p['error']}")
            log(f"  failed {p['file']}: {p['error']}")
        progress.advance(len(result["results"]))
        return
    log(f"  {result['status']:6} {result['name']} ({result['duration']:.1f} s)"
        + (f": {result['error']}" if result["error"] else ""))
    if result["status"] != "ok":
        progress.failure(f"failed: {result['name']}: {result['error']}")
    progress.advance(1)


def _failed_documents(documents) -> list[dict]:
    failed = documents[documents["status"] == "failed"]
    return [{"source": r.source, "message": r.message} for r in failed.itertuples()]


@contextlib.contextmanager
def _warnings_to(write: Callable[[str], object]) -> Iterator[None]:
    """Within the block, Python warnings (a library's FutureWarning during analyze …) go to ``write``, not to the
    console."""
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: write(
            warnings.formatwarning(message, category, filename, lineno, line).rstrip())
        yield


class _RunLog:
    """The run's log file (``brief.log`` in the run folder), each line also given to ``echo`` when there is one."""

    def __init__(self, path: Path, echo: Callable[[str], object] | None):
        self.path, self.echo = path, echo
        self.path.touch()

    def __call__(self, line: str) -> None:
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(f"{line}\n")
        if self.echo is not None:
            self.echo(line)


def _landing(manifest: dict, tables: Path, lang: str, say: Callable[[str], object]) -> str:
    """The landing page with what the corpus holds; if that cannot be read, the page of the run alone (the run
    is not lost for it)."""
    try:
        facts = load_facts(tables, {r["doc_id"]: r["file"] for r in manifest["reports"] if r["status"] == "ok"})
    except Exception as exc:
        say(f"the landing page shows the run only: {type(exc).__name__}: {exc}")
        manifest["notes"].append(f"the corpus could not be summarised here: {type(exc).__name__}: {exc}")
        facts = None
    return render_index(manifest, facts, lang)


def run_briefs(inputs: Sequence[str | Path] | str | Path | None = None, *, out: str | Path = "reports_out",
               params: dict | None = None, jobs: int = 2, with_code: bool = False, per_report: bool | None = None,
               tables_dir: str | Path | None = None, notebooks_dir: str | Path | None = None,
               kernel: str = "python3", log: Callable[[str], object] | None = print, lang: str = DEFAULT_LANG,
               quiet: bool = True, progress: Progress | None = None, vocab: str | Path | None = None) -> dict:
    """Run ingest, analyze and every notebook, render the briefs and write the run directory.

    The parameters are checked first, then the inputs; either stops the run before anything is written.

    Parameters
    ----------
    inputs : str, pathlib.Path or sequence of them, optional
        Report files and folders (default: the seeds of a checkout).
    out : str or pathlib.Path, default "reports_out"
        The briefs folder: the run is written to ``out/<run id>/`` and ``out/latest`` points at it.
    params : dict, optional
        Extra notebook parameters, each passed only to the notebooks whose parameters cell defines it; checked
        by ``parameters.check_parameters`` (ParameterError for a value out of range or a name no notebook has).
    jobs : int, default 2
        Worker processes running notebooks and report pages (and ingesting).
    with_code : bool, default False
        Keep the code cells in the notebooks' HTML.
    per_report : bool, optional
        None renders the brief of every report when the corpus has at most ``PER_REPORT_MAX_DOCS``; True always;
        False never (the per-report notebook then runs once with its default ``doc_id``).
    tables_dir : str or pathlib.Path, optional
        The tables directory (default: ``locations.default_tables``).
    notebooks_dir : str or pathlib.Path, optional
        The notebooks to run (default: the project's ``notebooks/``).
    kernel : str, default "python3"
        The Jupyter kernel the notebooks run in.
    log : callable or None, default print
        Gets the run's messages (also written to ``brief.log`` in the run folder; None: only there).
    lang : str, default DEFAULT_LANG
        ``en`` or ``zh`` (a ``lang`` in ``params`` wins): the language of the notebooks that declare ``lang``, of
        the report briefs and of the landing page.
    quiet : bool, default True
        Send what the notebooks' kernels print to ``brief.log`` too (False: to the console).
    progress : Progress, optional
        Told how far the run is and what failed.
    vocab : str or pathlib.Path, optional
        A folder of vocabulary files added to the packaged ones (a bad file stops the run before anything is
        written).

    Returns
    -------
    dict
        The manifest: its ``failed`` counts the notebooks and report pages that failed,
        ``corpus.failed_documents`` the files that could not be read; ``path`` and ``index`` give the complete run
        directory and its index page.

    Raises
    ------
    ParameterError
        For a parameter value out of range or a name no notebook has.
    InputError
        When an input does not exist or holds no report, or there is no notebook.
    """
    started = _now()
    t0 = time.perf_counter()
    vocab = as_vocabulary(vocab)  # a bad vocabulary file stops the run before anything is written
    progress = progress or _NoProgress()
    inputs = _as_paths(inputs)
    nb_dir = Path(notebooks_dir) if notebooks_dir else DEFAULT_NOTEBOOKS
    notebooks = {nb: notebook_parameters(nb) for nb in sorted(nb_dir.glob("*.ipynb"))}
    if not notebooks:
        raise InputError(f"no notebook (*.ipynb) in {nb_dir}: nothing to brief")
    params = check_parameters(dict(params or {}), {nb.name: d for nb, d in notebooks.items()})
    lang = check_lang(str(params.get(LANG_PARAM, lang)))
    out = Path(out)
    tables = (Path(tables_dir) if tables_dir else locations.default_tables(inputs[0], out)).resolve()
    check_inputs(inputs, [tables, out])
    command = {"inputs": [str(p) for p in inputs], "out": str(out), "params": params, "jobs": jobs,
               "with_code": with_code, "per_report": per_report, "tables_dir": str(tables),
               "notebooks_dir": str(nb_dir), "kernel": kernel, "lang": lang,
               "vocab": None if vocab is None else str(vocab.folder)}
    rid = run_id(command, started)
    out.mkdir(parents=True, exist_ok=True)
    remove_debris(out)  # the unfinished runs of processes that are gone
    new_marker = mark(out, "briefs")  # now: an input folder holding `out` must not list this run's files
    partial = out / f".{rid}.{owner()}.partial"
    final = out / rid
    partial.mkdir()
    try:
        say = _RunLog(partial / LOG_FILE, log)
        with _warnings_to(say) if quiet else contextlib.nullcontext():
            work = _run(inputs, command, notebooks, partial, quiet, say, progress, vocab)
            manifest = {"run_id": rid, "started": started.isoformat(timespec="seconds"),
                        "finished": _now().isoformat(timespec="seconds"),
                        "duration": round(time.perf_counter() - t0, 2), "command": command, "lang": lang, **work}
            mark(partial, "brief run")
            _atomic_text(partial / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2,
                                                               default=str))
            _atomic_text(partial / "index.html", _landing(manifest, tables, lang, say))
        os.rename(partial, final)
    except BaseException:
        discard(partial)
        if new_marker and [p.name for p in out.iterdir()] == [MARKER]:
            discard(out / MARKER)  # a failed first run leaves the folder as it found it
        raise
    tmp_link = tmp_path(out / "latest")
    discard(tmp_link)
    os.symlink(rid, tmp_link)
    os.replace(tmp_link, out / "latest")
    manifest["path"] = str(final)
    manifest["index"] = str((final / "index.html").resolve())
    return manifest


def _run(inputs: list[Path], command: dict, notebooks: dict[Path, dict], partial: Path, quiet: bool, say: _RunLog,
         progress: Progress, vocab: Vocabulary | None) -> dict:
    """The work of ``run_briefs`` inside its run folder, as its ``command`` says: tables, notebooks and report
    pages. Out: the manifest's corpus, versions, notes, notebooks, reports, log and failed."""
    tables, params, jobs, lang = Path(command["tables_dir"]), command["params"], command["jobs"], command["lang"]
    files = corpus_files(inputs)
    prep = prepare_tables(inputs, tables, jobs=jobs, log=say, analysis=params, vocab=vocab)  # the one analysis
    documents = _documents(tables)
    reports = readable(documents)
    _check_doc_id(params, reports)
    task = {"cwd": str(Path(command["notebooks_dir"]).resolve()), "kernel": command["kernel"],
            "with_code": command["with_code"], "jobs": max(1, jobs), "run_dir": str(partial.resolve()),
            "tables_dir": str(tables), "log": str((partial / LOG_FILE).resolve()) if quiet else None}
    first = inputs[0].resolve()  # for a notebook of one's own that declares input_dir (the reports folder)
    values = {"tables_dir": str(tables), "input_dir": str(first if first.is_dir() else first.parent), **params,
              LANG_PARAM: lang}
    tasks, notes = _plan_tasks(notebooks, values, reports, command["per_report"], task)
    pages = _page_tasks(documents, command["per_report"], task, lang)
    if pages:
        (partial / REPORTS_DIR).mkdir()
        mark(partial / REPORTS_DIR, "brief run")
    if prep["analyze_error"]:
        notes.insert(0, f"analyze failed: {prep['analyze_error']}")
    failed_docs = _failed_documents(documents)
    notes += [f"could not be read: {f['source']}: {f['message']}" for f in failed_docs[:50]]
    n_pages = sum(len(t["pages"]) for t in pages)
    say(f"running {len(tasks)} notebooks and {n_pages} report briefs with {max(1, jobs)} processes")
    progress.start(len(tasks) + n_pages)
    results, page_results = _run_tasks(tasks + pages, jobs, say, progress)
    return {
        "corpus": {"files": files, "hash": corpus_hash(files), "n_documents": len(reports),
                   "failed_documents": failed_docs, "tables_dir": str(tables), "reused_tables": prep["reused"],
                   "analyzed": prep["analyzed"], "analyze_error": prep["analyze_error"]},
        "versions": _versions(), "notes": notes, "notebooks": results, "reports": page_results, "log": LOG_FILE,
        "failed": sum(1 for r in [*results, *page_results] if r["status"] != "ok"),
    }

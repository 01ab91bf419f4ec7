"""Run the whole job into rendered briefs: ingest → analyze → every notebook (papermill) → HTML (nbconvert) → index.

``run_briefs(inputs, out="reports_out")`` ingests the inputs into a tables directory (reused when the input files'
sha256 match its documents table), analyzes it, executes every notebook of ``notebooks/`` with papermill in
parallel worker processes (the per-report notebook, any notebook whose parameters cell defines ``doc_id``, once per
document for corpora of at most ``PER_REPORT_MAX_DOCS`` documents or when asked), renders each to self-contained
HTML and writes ``manifest.json`` and ``index.html``. The run is built in ``out/.<run id>.<pid>@<host>.partial/`` and
renamed to ``out/<run id>/`` when complete; ``out/latest`` then points at it. One failing notebook never stops the
others: it is recorded with the failing cell's exception in the manifest and shown in the index; a file that cannot
be read is a failed document, as in ``fazhi ingest``.

Before anything runs, the parameters are checked against the notebooks' parameters (``fazhi_lib.parameters``) and the
inputs must exist and hold a report (``pipeline.check_inputs``). The notebooks run in worker processes that end with
the run, however it ends (``outputs.worker_pool``); an interrupted run's folder is removed on the way out or, after
kill -9, by the next run (``outputs.remove_debris``).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import platform
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from fazhi_lib import locations
from fazhi_lib.analysis import analyze_to, current_analysis, with_defaults
from fazhi_lib.manifest import fingerprint, ingest_current
from fazhi_lib.outputs import MARKER, discard, mark, owner, remove_debris, tmp_path, worker_pool
from fazhi_lib.parameters import ParameterError, check_parameters, parse_value
from fazhi_lib.pipeline import InputError, check_inputs, ingest_to
from fazhi_lib.safehtml import escape as _e
from fazhi_lib.safehtml import href
from fazhi_lib.schema import READABLE
from fazhi_lib.store import atomic_write, ensure_writable, read
from fazhi_lib.vocabulary import Vocabulary, as_vocabulary

DEFAULT_NOTEBOOKS = locations.notebooks()  # the checkout's notebooks/, or the copy shipped with the package
DEFAULT_INPUT = locations.default_input()  # the seeds, in a checkout only
PER_REPORT_PARAM = "doc_id"
PER_REPORT_MAX_DOCS = 50
KERNEL_START_ATTEMPTS = 3  # a notebook whose kernel fails to start is tried again, up to this many times in all

__all__ = ["notebook_parameters", "parse_value", "render_index", "run_briefs", "run_id"]


# --------------------------------------------------------------------------------------------------- pure helpers
def notebook_parameters(path: str | Path) -> dict:
    """The names and default values the notebook's ``parameters``-tagged cell assigns (read with ast, not run).

    Values that are not literals are given as their source text. A notebook without such a cell has none."""
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


def first_heading(nb: dict) -> str:
    """The text of the notebook's first markdown heading (``# …``), or ""."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line in src.splitlines():
            if line.lstrip().startswith("#"):
                return line.strip().lstrip("#").strip()
    return ""


def _hash_params(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def run_id(params: dict | None, now: datetime) -> str:
    """``YYYYmmdd-HHMMSS-<hash>``: the UTC time and the first 8 hex digits of the parameters' sha256."""
    if now.tzinfo is not None:
        now = now.astimezone(UTC)
    return f"{now:%Y%m%d-%H%M%S}-{_hash_params(params or {})[:8]}"


def _fmt_params(params: dict) -> str:
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in params.items())


_CSS = """body{font-family:system-ui,"Noto Sans SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;
vertical-align:top}th{background:#f3f3f3}.failed{background:#fde8e8}.ok{background:#eef8ee}
code{font-size:90%}.err{color:#a00;white-space:pre-wrap}"""


def render_index(manifest: dict) -> str:
    """The run's self-contained index page; every piece of text in it is HTML-escaped."""
    nbs = manifest.get("notebooks", [])
    n_failed = sum(1 for n in nbs if n.get("status") != "ok")
    rows = []
    for n in nbs:
        status = n.get("status", "")
        link = f'<a href="{_e(href(n["html"]))}">{_e(n.get("name", ""))}</a>' if n.get("html") else _e(n["name"])
        err = f'<div class="err">{_e(n.get("error"))}</div>' if n.get("error") else ""
        rows.append(
            f'<tr class="{"ok" if status == "ok" else "failed"}"><td>{link}</td><td>{_e(n.get("summary", ""))}</td>'
            f'<td><code>{_e(_fmt_params(n.get("parameters", {})))}</code></td><td>{_e(status)}{err}</td>'
            f'<td>{float(n.get("duration") or 0):.1f} s</td></tr>')
    corpus = manifest.get("corpus", {})
    files = "".join(f"<tr><td>{_e(f['path'])}</td><td><code>{_e(f['sha256'])}</code></td></tr>"
                    for f in corpus.get("files", []))
    versions = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in manifest.get("versions", {}).items())
    command = manifest.get("command", {})
    cmd_rows = "".join(f"<tr><td>{_e(k)}</td><td><code>{_e(json.dumps(v, ensure_ascii=False, default=str))}"
                       f"</code></td></tr>" for k, v in command.items())
    notes = "".join(f"<li>{_e(x)}</li>" for x in manifest.get("notes", []))
    summary = (f"{len(nbs)} briefs, {n_failed} failed; run {_e(manifest.get('run_id'))} from "
               f"{_e(manifest.get('started'))} to {_e(manifest.get('finished'))} "
               f"({float(manifest.get('duration') or 0):.1f} s)")
    return f"""<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>fazhi briefs {_e(manifest.get("run_id"))}</title>
<style>{_CSS}</style></head><body>
<h1>fazhi briefs</h1>
<p>{summary}</p>
{f"<ul>{notes}</ul>" if notes else ""}
<h2>Briefs</h2>
<table><tr><th>brief</th><th>summary</th><th>parameters</th><th>status</th><th>duration</th></tr>
{"".join(rows)}
</table>
<h2>Input corpus</h2>
<p>corpus hash <code>{_e(corpus.get("hash"))}</code>, {len(corpus.get("files", []))} files, tables in
<code>{_e(corpus.get("tables_dir"))}</code></p>
<table><tr><th>file</th><th>sha256</th></tr>{files}</table>
<h2>Command parameters</h2>
<table>{cmd_rows}</table>
<h2>Package versions</h2>
<table>{versions}</table>
</body></html>
"""


# ------------------------------------------------------------------------------------------------ corpus & tables
def corpus_files(inputs: Sequence[str | Path]) -> list[dict]:
    """The report files ingest reads from ``inputs``, each with its sha256 (of the file's bytes); a file that cannot
    be read has sha256 None and the reason in ``error`` (ingest records it as a failed document)."""
    from fazhi_lib.readers import discover

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
    """sha256 of the sorted file hashes (the corpus's content, whatever the paths); an unreadable file counts by
    its path."""
    keys = sorted(f["sha256"] or f"unreadable:{f['path']}" for f in files)
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


def prepare_tables(inputs: Sequence[str | Path], tables_dir: Path, files: list[dict], jobs: int = 1,
                   log=print, analysis: Mapping[str, object] | None = None, vocab: Vocabulary | None = None) -> dict:
    """Ingest into ``tables_dir`` unless its tables are current for the inputs (``manifest.ingest_current``: the
    same fingerprint as ``fazhi ingest`` uses), and analyze with the run's ``analysis`` parameters unless the
    analysis tables there are current and were made with them (``analysis.current_analysis``).

    As ``fazhi ingest``, a run in which no file could be read leaves tables of readable reports as they were
    (``pipeline.NothingReadError``)."""
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
    """Drop the template's remote <script src="https://…"> tags (require.js, MathJax) so the page loads nothing."""
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


def _execute(task: dict) -> dict:
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
    return {"name": task["name"], "notebook": Path(task["notebook"]).name, "parameters": task["parameters"],
            "summary": summary, **result, "duration": round(time.perf_counter() - t0, 2),
            "ipynb": ipynb.name if ipynb.exists() else None, "html": page.name if page.exists() else None}


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


def _plan_tasks(notebooks: dict[Path, dict], values: dict, reports, per_report: bool | None,
                task: dict) -> tuple[list[dict], list[str]]:
    """One task per notebook, or per report for the per-report notebook; and the notes to show in the index."""
    tasks, notes = [], []
    for nb, defined in notebooks.items():
        chosen = {k: v for k, v in values.items() if k in defined}
        base = {**task, "notebook": str(nb.resolve())}
        per_doc = PER_REPORT_PARAM in defined and PER_REPORT_PARAM not in values
        if per_doc and len(reports) and (per_report or (per_report is None and len(reports) <= PER_REPORT_MAX_DOCS)):
            for doc in reports.itertuples():
                title = doc.title if isinstance(doc.title, str) and doc.title else doc.file_name
                tasks.append({**base, "name": f"{nb.stem}-{doc.doc_id}", "doc_title": title,
                              "parameters": {**chosen, PER_REPORT_PARAM: doc.doc_id}})
            continue
        if per_doc and not len(reports):
            notes.append(f"{nb.name}: no report could be read, run once")
        elif per_doc:
            notes.append(f"{nb.name}: {len(reports)} documents, run once (use --per-report for one each)")
        tasks.append({**base, "name": nb.stem, "parameters": chosen})
    return tasks, notes


def _run_tasks(tasks: list[dict], jobs: int, log) -> list[dict]:
    """Execute the tasks in worker processes, in order. The workers end with this process however it ends: on an
    exception (Ctrl-C, SIGTERM) they are terminated here, on kill -9 of this process they end themselves
    (``outputs.worker_pool``)."""
    if not tasks:
        return []
    pool = worker_pool(max(1, min(jobs, len(tasks))))
    results = []
    try:
        for r in pool.imap(_execute, tasks):
            log(f"  {r['status']:6} {r['name']} ({r['duration']:.1f} s)" + (f": {r['error']}" if r["error"] else ""))
            results.append(r)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return results


def _failed_documents(documents) -> list[dict]:
    failed = documents[documents["status"] == "failed"]
    return [{"source": r.source, "message": r.message} for r in failed.itertuples()]


def run_briefs(inputs: Sequence[str | Path] | str | Path | None = None, out: str | Path = "reports_out",
               params: dict | None = None, jobs: int = 2, with_code: bool = False, per_report: bool | None = None,
               tables_dir: str | Path | None = None, notebooks_dir: str | Path | None = None,
               kernel: str = "python3", log=print, vocab: str | Path | None = None) -> dict:
    """Run ingest, analyze and every notebook, render the briefs and write the run directory; returns the manifest.

    ``params`` are extra notebook parameters, each passed only to the notebooks whose parameters cell defines it;
    they are checked first (``parameters.check_parameters``: ParameterError for a value out of range or a name no
    notebook has), then the inputs (``pipeline.check_inputs``: InputError when one does not exist or holds no
    report); either stops the run before anything is written. ``per_report``: None runs the per-report notebook once
    per document when the corpus has at most 50; True always; False never (it then runs once with its default
    ``doc_id``). The manifest's ``failed`` counts the notebooks that failed, ``corpus.failed_documents`` the files
    that could not be read; ``path`` and ``index`` give the complete run directory and its index page.
    """
    started = _now()
    t0 = time.perf_counter()
    vocab = as_vocabulary(vocab)  # a bad vocabulary file stops the run before anything is written
    inputs = _as_paths(inputs)
    nb_dir = Path(notebooks_dir) if notebooks_dir else DEFAULT_NOTEBOOKS
    notebooks = {nb: notebook_parameters(nb) for nb in sorted(nb_dir.glob("*.ipynb"))}
    if not notebooks:
        raise InputError(f"no notebook (*.ipynb) in {nb_dir}: nothing to brief")
    params = check_parameters(dict(params or {}), {nb.name: d for nb, d in notebooks.items()})
    out = Path(out)
    tables = (Path(tables_dir) if tables_dir else locations.default_tables(inputs[0], out)).resolve()
    check_inputs(inputs, [tables, out])
    first = inputs[0].resolve()
    input_dir = str(first if first.is_dir() else first.parent)
    command = {"inputs": [str(p) for p in inputs], "out": str(out), "params": params, "jobs": jobs,
               "with_code": with_code, "per_report": per_report, "tables_dir": str(tables),
               "notebooks_dir": str(nb_dir), "kernel": kernel, "vocab": None if vocab is None else str(vocab.folder)}
    rid = run_id(command, started)
    out.mkdir(parents=True, exist_ok=True)
    remove_debris(out)  # the unfinished runs of processes that are gone
    new_marker = mark(out, "briefs")  # now: an input folder holding `out` must not list this run's files
    partial = out / f".{rid}.{owner()}.partial"
    final = out / rid
    partial.mkdir()
    try:
        files = corpus_files(inputs)
        prep = prepare_tables(inputs, tables, files, jobs=jobs, log=log, analysis=params, vocab=vocab)
        documents = _documents(tables)
        reports = documents[documents["status"].isin(READABLE)]
        _check_doc_id(params, reports)
        task = {"cwd": str(nb_dir.resolve()), "kernel": kernel, "with_code": with_code,
                "run_dir": str(partial.resolve())}
        values = {"tables_dir": str(tables), "input_dir": input_dir, **params}
        tasks, notes = _plan_tasks(notebooks, values, reports, per_report, task)
        if prep["analyze_error"]:
            notes.insert(0, f"analyze failed: {prep['analyze_error']}")
        failed_docs = _failed_documents(documents)
        notes += [f"could not be read: {f['source']}: {f['message']}" for f in failed_docs[:50]]
        log(f"running {len(tasks)} notebooks with {max(1, jobs)} processes")
        results = _run_tasks(tasks, jobs, log)
        manifest = {
            "run_id": rid, "started": started.isoformat(timespec="seconds"),
            "finished": _now().isoformat(timespec="seconds"), "duration": round(time.perf_counter() - t0, 2),
            "command": command,
            "corpus": {"files": files, "hash": corpus_hash(files), "n_documents": len(reports),
                       "failed_documents": failed_docs, "tables_dir": str(tables), "reused_tables": prep["reused"],
                       "analyzed": prep["analyzed"], "analyze_error": prep["analyze_error"]},
            "versions": _versions(), "notes": notes, "notebooks": results,
            "failed": sum(1 for r in results if r["status"] != "ok"),
        }
        mark(partial, "brief run")
        _atomic_text(partial / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2, default=str))
        _atomic_text(partial / "index.html", render_index(manifest))
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

"""Running the per-document step over many files: in this process, in local worker processes, or on Dask.

The step runs in this process, in a pool of local worker processes, or on a Dask distributed cluster; results come
back in the order of the files, cached ones read from the ``ResultCache``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fazhi_lib.cache import ResultCache
from fazhi_lib.outputs import workers
from fazhi_lib.parsing import DocResult, process_file
from fazhi_lib.vocabulary import Vocabulary

__all__ = ["run_files"]


def run_files(files: list[Path], overrides: dict[Path, dict], *, jobs: int, max_mb: float,
              cache: ResultCache | None = None, engine: str = "local", scheduler: str | None = None,
              vocab: Vocabulary | None = None) -> Iterator[DocResult]:
    """Results in the order of ``files``: from the cache where possible, the rest computed (in parallel).

    Cached results are read one at a time as they are yielded, so memory does not grow with the corpus.

    Parameters
    ----------
    files : list of pathlib.Path
        The report files, in the order their results are wanted.
    overrides : dict of pathlib.Path to dict
        Each file's metadata override (``metadata.metadata_overrides``); a file without one is not in it.
    jobs : int
        Worker processes; 1 or less runs every file in this process.
    max_mb : float
        Files larger than this fail with a message instead of being read.
    cache : ResultCache, optional
        Where results are kept between runs; closed when the results are consumed or the consumer stops.
    engine : {"local", "dask"}, default "local"
        Local worker processes, or a Dask distributed cluster.
    scheduler : str, optional
        The address of a Dask scheduler (tcp://10.0.0.5:8786); without it a local Dask cluster of ``jobs``
        workers.
    vocab : Vocabulary, optional
        A researcher's vocabularies overlaid on the packaged ones.

    Yields
    ------
    DocResult
        The result of each file, in the order of ``files``.

    Raises
    ------
    ValueError
        For an engine other than "local" or "dask".
    """
    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")

    def _compute_all(todo: list[Path]) -> Iterator[DocResult]:
        if engine == "dask":
            return _compute_dask(todo, overrides, max_mb, scheduler, jobs, vocab)
        return _compute(todo, overrides, jobs, max_mb, vocab)

    if cache is None:
        yield from _compute_all(files)
        return
    keys = [cache.key(f, overrides.get(f), max_mb=max_mb, vocab=vocab) for f in files]
    hits = cache.cached(keys)
    computed = _compute_all([f for f, k in zip(files, keys, strict=True) if k not in hits])
    try:
        for f, k in zip(files, keys, strict=True):
            r = cache.get(k, f) if k in hits else None
            if r is None:
                # a hit that cannot be read after all is parsed here, outside the workers' queue
                r = process_file(f, overrides.get(f), max_mb=max_mb, vocab=vocab) if k in hits else next(computed)
                cache.put(k, r)
            yield r
    finally:
        cache.close()
        computed.close()  # stop the workers when the consumer stopped early


def _compute(files: list[Path], overrides: dict[Path, dict], jobs: int, max_mb: float,
             vocab: Vocabulary | None) -> Iterator[DocResult]:
    if jobs <= 1 or len(files) < 2:
        for f in files:
            yield process_file(f, overrides.get(f), max_mb=max_mb, vocab=vocab)
        return
    with workers(jobs) as pool:
        args = [(f, overrides.get(f), max_mb, vocab) for f in files]
        yield from pool.imap(_process_args, args, chunksize=max(1, min(32, len(files) // (jobs * 8) or 1)))


def _compute_dask(files: list[Path], overrides: dict[Path, dict], max_mb: float, scheduler: str | None,
                  jobs: int, vocab: Vocabulary | None) -> Iterator[DocResult]:
    """The same per-document function on a Dask distributed cluster: the one at ``scheduler`` (an address such as
    tcp://10.0.0.5:8786; its workers must see the input paths), else a local cluster of ``jobs`` worker processes.
    Results come back in the order of ``files``, a bounded number in flight, so memory stays flat."""
    if not files:
        return
    from dask.distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        window = 256
        futures = [client.submit(process_file, f, overrides.get(f), max_mb=max_mb, vocab=vocab, pure=False)
                   for f in files[:window]]
        for i in range(len(files)):
            if i + window < len(files):
                nxt = files[i + window]
                futures.append(client.submit(process_file, nxt, overrides.get(nxt), max_mb=max_mb, vocab=vocab,
                                             pure=False))
            yield futures[i].result()
            futures[i] = None  # let the result go
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _process_args(args: tuple[Path, dict | None, float, Vocabulary | None]) -> DocResult:
    path, override, max_mb, vocab = args
    return process_file(path, override, max_mb=max_mb, vocab=vocab)

"""fazhi: Chinese local governments' rule-of-law reports (法治政府建设年度报告) into tidy tables.

For notebooks::

    import fazhi_lib
    corpus = fazhi_lib.ingest("seeds")          # or fazhi_lib.load("data/processed/seeds")
    corpus.documents, corpus.sections, corpus.items
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Corpus", "__version__", "ingest", "load"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import fazhi_lib.readers` stays light and modules can be used on their own.
    if name == "ingest":
        from fazhi_lib import pipeline

        return pipeline.ingest
    if name in ("Corpus", "load"):
        from fazhi_lib import store

        return getattr(store, name)
    raise AttributeError(f"module 'fazhi_lib' has no attribute {name!r}")

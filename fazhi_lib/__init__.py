"""The fazhi toolkit: Chinese local governments' rule-of-law reports (法治政府建设年度报告) into tidy tables.

For notebooks::

    import fazhi_lib
    corpus = fazhi_lib.ingest("seeds")          # or fazhi_lib.load("data/processed/seeds")
    corpus.documents, corpus.sections, corpus.items
    tables = fazhi_lib.analyze(corpus, n_topics=8)   # the analysis tables, with the parameters that made them

``vocab=`` (a folder, or a ``Vocabulary``) overlays a researcher's vocabularies on the packaged ones in ``ingest`` and
``analyze``. The modules below are the library's parts (``fazhi_lib.schema``, ``store``, ``pipeline`` …); what is
listed in ``__all__`` is the user-facing API.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Corpus", "TablesNotFound", "Vocabulary", "__version__", "analyze", "ingest", "load"]

# Imported on first use, so that `import fazhi_lib.readers` stays light and modules can be used on their own.
_LAZY = {"ingest": "pipeline", "Corpus": "store", "load": "store", "TablesNotFound": "store",
         "analyze": "analysis", "Vocabulary": "vocabulary"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"fazhi_lib.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'fazhi_lib' has no attribute {name!r}")

"""Where fazhi finds what it was not given: the notebooks, and in a checkout of the project its seeds and tables.

An installed copy carries the notebooks as package data (``fazhi_lib/notebooks``, mapped from the checkout's
``notebooks/`` when the package is built). The seed reports and the ``data/processed`` tables folder exist only in a
checkout of the project: outside one, a command that is given no reports stops with an error instead of guessing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["checkout", "default_input", "default_tables", "notebooks"]

_PACKAGE = Path(__file__).resolve().parent


def checkout() -> Path | None:
    """The project checkout this copy of the library runs from, or None for an installed copy.

    Returns
    -------
    pathlib.Path or None
        The folder holding pyproject.toml, fazhi_lib/ and seeds/; None outside a checkout.
    """
    root = _PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "seeds").is_dir():
        return root
    return None


def notebooks() -> Path:
    """The folder of the notebooks ``fazhi brief`` runs by default.

    Returns
    -------
    pathlib.Path
        The checkout's ``notebooks/``, or the copy shipped with the package.
    """
    root = checkout()
    if root is not None and (root / "notebooks").is_dir():
        return root / "notebooks"
    spec = importlib.util.find_spec("fazhi_lib.notebooks")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return _PACKAGE / "notebooks"


def default_input() -> Path | None:
    """The reports a command reads when given none: the seeds of the checkout; None outside a checkout.

    Returns
    -------
    pathlib.Path or None
        The checkout's ``seeds/`` folder, or None.
    """
    root = checkout()
    return None if root is None else root / "seeds"


def default_tables(first_input: Path, out: Path) -> Path:
    """The tables folder of ``fazhi brief`` when none is given.

    Parameters
    ----------
    first_input : pathlib.Path
        The first input folder or file of the command: its name names the tables folder.
    out : pathlib.Path
        The folder of the briefs.

    Returns
    -------
    pathlib.Path
        ``data/processed/<input name>`` in the checkout, else ``OUT/tables/<input name>`` beside the briefs.
    """
    name = first_input.resolve().name or "corpus"
    root = checkout()
    return (root / "data" / "processed" / name) if root is not None else out / "tables" / name

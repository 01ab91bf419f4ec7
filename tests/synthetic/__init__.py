"""Synthetic corpora for the tests and benchmarks (not part of the installed library).

- ``generate``: reports made from the seeds' points, with their truth (``python -m synthetic.generate``);
- ``generate_panels``: the same jurisdictions over several years (``python -m synthetic.generate_panels``);
- ``panel_truth``: scores the year-over-year tables against the truth of ``generate_panels``.

Run the entry points with the tests folder on the path: ``PYTHONPATH=tests python -m synthetic.generate …``.
"""

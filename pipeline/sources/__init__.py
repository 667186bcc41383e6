"""Sources: everything that reads ``data/raw`` and turns it into the tidy tables of ``data/processed``.

Read in data-flow order: ``registry`` (region and indicator slugs) and ``schema`` (table contracts),
``qualifiers`` (what a target's wording means), ``validate`` (named checks), the readers (``portal``
exports, work ``reports``), then the stages ``ingest`` and ``targets``, and ``data`` (loaders of
the processed tables for the layers above). Imports nothing from model, evaluation or presentation.
"""

"""Development tools that are not part of the installed package: the browser benchmark harness
(``bench.py``, run by ``tillsyn bench`` from a checkout) shared with the end-to-end tests."""

"""Page sections, one module per topic; a page imports the topics it composes.

``headlines`` (the large figures and quick links), ``tables`` (tables that drill down), ``charts``
(charts with captions), ``maps`` (the map, its legend and table), ``comparison`` (rank and
rankings), ``unit`` (one unit), ``change`` (change since the compare round, trends over rounds);
``scope`` holds what they share (the scope's figures, the source line). Each section takes the
current filters, reads cached tables through ``screen.cache`` and draws. Figures come from
``figures``; nothing is computed here that a test could not check there.
"""

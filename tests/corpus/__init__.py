"""A corpus of small Word documents for tests, generated the way Microsoft Word (365) writes them.

- :mod:`corpus.word` writes a minimal but real WordprocessingML package (deterministic bytes).
- :mod:`corpus.cases` lists the valid cases (``CASES``), each with the controls a reader must find.
- :mod:`corpus.hostile` lists broken and hostile inputs (``HOSTILE``).

Only the standard library and lxml are used, so the XML is Word's and not python-docx's.
"""

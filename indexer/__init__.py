"""The WESH indexer: chain state mirrored into SQL, exact, reorg-safe, resumable and fast.

See docs/indexer.md for the design; ``python -m indexer --help`` for the command line.
Imports nothing from ``api/`` or ``scripts/``.
"""

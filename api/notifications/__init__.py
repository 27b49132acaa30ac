"""Residents hear about their tasks: the inbox, Web Push, and the notifier that fills them from
the indexer's tables (issue #15)."""

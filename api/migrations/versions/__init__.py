"""The revisions, oldest first by ``down_revision``: ``v<revision>_<slug>.py``."""

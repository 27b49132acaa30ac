"""The city's admin scripts, run with ``ape run <script> <command> ...`` (see README.md).

Files starting with ``_`` are shared code, not scripts: ape's ``run`` command skips them.
"""

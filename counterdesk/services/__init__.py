"""Use cases. The TUI, the CLI and the batch importer all come through here, so a rule exists once.

Functions take the SQLModel ``Session`` first and the acting staff member as ``actor=``; each use
case commits its own transaction.
"""

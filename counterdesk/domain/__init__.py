"""Pure rules: validators, guidance, application numbers, masking, the status workflow.

Nothing in this package imports Textual, typer or the database.
"""

"""typer commands: parse arguments, call the services, print (rich tables or ``--json``)."""

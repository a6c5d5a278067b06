from counterdesk.cli.main import run

run()

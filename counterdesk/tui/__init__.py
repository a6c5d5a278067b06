"""The Textual TUI: screens gather input, call the services, show the result."""

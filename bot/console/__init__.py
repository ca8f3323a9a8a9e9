"""The console front end: a chat in the terminal, and plain-text rendering."""

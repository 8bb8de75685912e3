"""Use cases over the store, shared by the recorder, the CLI and the TUI."""

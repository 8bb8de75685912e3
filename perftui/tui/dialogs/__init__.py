"""Modal dialogs: notes for acknowledging, target edits, new metrics, audit trail, pickers."""

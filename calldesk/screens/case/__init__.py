"""The case workspace: its screen, work menu, dialogs and store side."""

"""The supervisor queue: its screen, pages, dialogs and the views it opens."""

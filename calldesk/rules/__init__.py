"""The protocol's rules as pure functions over plain data: no screen, no database, no file I/O.

The service layer applies them; the TUI, the CLI and imports all go through it. Each rule is imported from its
own module (`calldesk.rules.triage`, ...): the package loads none of them, so a start loads only the rules it uses.
"""

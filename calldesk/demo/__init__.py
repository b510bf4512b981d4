"""The demo generator: synthetic callers, calls and case histories for `calldesk demo` and the practice store.
Only calldesk.demo.fill (and the practice store) touch a database: it writes what it generates, batch by batch."""

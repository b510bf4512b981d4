"""The demo generator: synthetic callers, calls and case histories for `calldesk demo` and the practice store.
Nothing here touches a database: calldesk.store.demo writes what it generates, batch by batch."""

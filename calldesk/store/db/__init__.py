"""The store's plumbing: engine, unit of work, schema and migrations, who acts and sees, the audit
trail, PostgreSQL's own enforcement, backup and restore."""

"""Read queries: what the screens, the CLI and the services read; nothing here writes."""

"""calldesk: a terminal call desk that enforces a public agency's call protocol."""

__version__ = "0.1.0"

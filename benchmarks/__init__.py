"""calldesk's benchmarks: `python -m benchmarks` prints each figure beside its target."""

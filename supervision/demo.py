"""Demo data of supervision (called by seed_demo)."""


def build(regions) -> None:
    """Add this app's demo records to the demo jurisdiction (idempotent)."""

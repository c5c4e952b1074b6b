"""Demo data of voting (called by seed_demo)."""


def build(regions) -> None:
    """Add this app's demo records to the demo jurisdiction (idempotent)."""

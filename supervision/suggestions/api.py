"""REST endpoints of supervision.suggestions."""


def register(router) -> None:
    """Add this app's viewsets to the portal's API router."""

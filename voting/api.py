"""REST endpoints of voting."""


def register(router) -> None:
    """Add this app's viewsets to the portal's API router."""

"""Models of the petitions app; built by its own issue on top of portal's regions and access."""

"""Models of the stations app; built by its own issue on top of portal's regions and access."""

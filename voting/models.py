"""Models of the voting app; built by its own issue on top of portal's regions and access."""

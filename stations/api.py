"""REST API of the stations app. Being built."""

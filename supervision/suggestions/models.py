"""Models of deputies ' suggestions (建议办理)."""

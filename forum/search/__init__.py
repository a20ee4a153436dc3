"""Self-service: full-text search, its index, suggestions while typing, knowledge articles, outside sources."""

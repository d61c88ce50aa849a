"""The async caches: JSON files and SQL databases."""

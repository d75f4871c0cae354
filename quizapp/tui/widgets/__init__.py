"""Widgets, one small file each: a card view per kind, the feedback panel, and their pieces."""

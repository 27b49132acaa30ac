"""Residents' reports of a spot that needs care, and the city turning one into a task (#16)."""

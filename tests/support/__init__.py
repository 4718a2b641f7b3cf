"""Helpers shared by more than one test package (each test package keeps its own fixtures)."""

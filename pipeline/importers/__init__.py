"""Readers for layouts other than the project's tidy raw schema."""

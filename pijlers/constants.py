"""Choices of the programme structure."""

# The programme structure has no fixed choices: pillars and action lines are data.

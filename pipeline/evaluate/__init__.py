"""Evaluation of what the pipeline built against hand-checked gold files (tests/gold/)."""

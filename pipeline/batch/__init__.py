"""Batch processing: `trialgraph run` over files and folders."""

"""Batch processing: `trialgraph run` over files, folders, list files and standard input.

`inputs` streams input files and the documents they hold, `work` is the per-document unit of work,
`local` runs it in a pool of worker processes on this machine, `cluster` on a Dask cluster,
`report` describes a run, and `run` ties them to the store and the graph exports.
"""

"""`trialgraph review`: the curation web app (queue, evidence, decisions, audit trail) and the export of
curated annotations as training data. Decisions themselves live in `pipeline.store.curation`."""

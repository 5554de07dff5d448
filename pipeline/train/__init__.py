"""Training of TrialGraph's statistical models from the raw gold corpora (`trialgraph train`)."""

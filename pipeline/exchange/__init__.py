"""The field's exchange formats: TrialGraph annotations written as PubTator text and BioC XML/JSON
(`pubtator`, `bioc`), and the one mapping between their entity types and identifiers and ours (`labels`).
Reading those formats is the readers' job (`pipeline.readers.pubtator`, `pipeline.readers.bioc`)."""

OUTPUT_FORMATS = ("jsonl", "pubtator", "bioc", "bioc-json")  # what `trialgraph annotate --format` writes

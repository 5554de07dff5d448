"""TrialGraph: clinical-trial evidence mining into a drug–event knowledge graph."""

__version__ = "0.1.0"

"""The drug–event knowledge graph: assembly from the store, exports and queries."""

"""Git as the audit trail: the only place that runs git, and what is read back from history."""

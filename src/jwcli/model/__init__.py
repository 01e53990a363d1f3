"""Models of the files (charter, baselines, records, assessments) and of jw's results."""

"""Reading the files of a relationship repository: the safe YAML loader and the repository walk."""

"""`jw import` and assessment forms: spreadsheets (CSV, xlsx) in, records and assessments out.

- `sheets`: a CSV or xlsx file as rows of cells, each with the address a person would look for;
- `columns`: which column holds which field of a record kind;
- `values`: a cell's value read as the loader reads the same text in a YAML file;
- `batch`: the rows of one file turned into records, checked with the repository, written and
  committed together, or not at all;
- `forms`: the assessment form an assessor fills in offline, and reading it back;
- `late`: which imported records land in a closed quarter.

Nothing here prints or prompts: problems come back as data, located at their cells.
"""

"""`jw export`: the tables behind the scorecard and the pack, for spreadsheets and BI tools.

`tables.py` builds the tables as plain rows of exact values (Decimal, date, text); `writers.py`
writes them as CSV, one JSON document, or an xlsx workbook.
"""

"""Analysis: plain functions from the loaded models to results (scores, states, triggers).

Nothing here reads files, prints or exits. Every figure is computed exactly (`Fraction`, or
`Decimal` for money) and rounded only when reported (`jwcli.model.scores.round_half_up`).
The entry point of scoring is `jwcli.analysis.scoring.score_quarter`.
"""

"""The quarterly review pack: a view model (review.py), Jinja templates and inline SVG charts."""

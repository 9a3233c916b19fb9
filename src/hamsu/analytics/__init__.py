"""Pure analytics for Hamsu: attribution, funnel math, forecasting, scoring models.

Nothing in this package imports Django. It works on Polars/Arrow frames and NumPy
arrays so it can be tested, benchmarked and used from the CLI on its own.
"""

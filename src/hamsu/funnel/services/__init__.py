"""Every write of the funnel app, one module per concern (import the module you need)."""

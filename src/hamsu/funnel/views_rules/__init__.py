"""Pages to read and edit the funnel's rules: routing, SLA policies with their business
calendars, and rules of engagement.

Thin views: a form parses, a service writes (transactional, audited — the same services
as the API), and the permissions are the API's for the same objects. Everyone who may
see a list may read it; only those who may change it see the buttons, and a write by
anyone else is a 403.
"""

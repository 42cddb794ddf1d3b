"""The web layer: route modules, access control, upload queue and user CLI.

These modules sit beside app.py (same layer: Flask is allowed here, not in search/ or
indexer/); app.py wires them in with `register_*(app, current_clearance)` calls. Route
modules: search_routes, reading_routes (issue 5), precedent_routes (issue 6) and
account_routes (issue 7); shared helpers in context.py, JSON/text shapes in shaping.py.
"""

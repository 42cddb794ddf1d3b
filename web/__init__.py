"""The web layer's access control, account routes, upload queue and user CLI (issue 7).

These modules sit beside app.py (same layer: Flask is allowed here, not in search/ or
indexer/); app.py wires them in with a few calls.
"""

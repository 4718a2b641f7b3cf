"""One module per API resource; each exports ``ENDPOINTS`` (see ``sandbox/app.py``)."""

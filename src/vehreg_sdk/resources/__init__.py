"""One module per API resource, each with its sync and async twin side by side.

Nothing is imported here: a client imports a resource module the first time its
attribute (``client.ebike_registrations``) is used.
"""

"""The reference portal: a reference implementation of ``resources/portal-api.yaml``, NOT a production portal.

It exists so LabSync's sync client can be tested end to end, the desktop demo has something to sync to, and
IT can rehearse (``labsync portal serve``). It is an ASGI app (Starlette) on uvicorn with a SQLite store; it
needs the optional ``portal`` extra (starlette, uvicorn, cryptography) and never imports Qt.

Public surface: ``app.portal.run.start_portal`` (in-process, background thread) and
``app.portal.store.portal_stats``.
"""

"""N similar resources: a generated spec and a generic in-memory app that conforms to it.

`spec.document(n, nested=...)` writes the contract of an API with accounts and `n`
resources (create, list, read, update, delete each; with `nested`, every second resource
lives inside the one before it); `app.create_app(document)` serves any such document.
The scale benchmark (`python -m tests.conformance.scale`) runs the engine against them.
"""

from .app import create_app
from .spec import document, operations_of

__all__ = ["create_app", "document", "operations_of"]

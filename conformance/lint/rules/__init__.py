"""The lint rules, one module per concern. Importing this package registers them all."""

from . import examples, limits, links, oas2, operations, responses, validity

__all__ = ["examples", "limits", "links", "oas2", "operations", "responses", "validity"]

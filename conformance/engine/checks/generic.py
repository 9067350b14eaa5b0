"""Schemathesis's default checks, registered under the ids this toolkit reports them by.

Schemathesis runs these itself on every generated request; registering them here puts
them in the catalogue and lets a waiver name them.
"""

from __future__ import annotations

from ..registry import REGISTRY, Check, Owasp

_GENERIC = (
    ("not_a_server_error", "No request, valid or not, gets a 5xx answer.", Owasp.API8),
    (
        "status_code_conformance",
        "Every status code the deployment answers is documented for the operation.",
        Owasp.API9,
    ),
    (
        "content_type_conformance",
        "Every response's Content-Type is one the operation documents.",
        Owasp.API8,
    ),
    (
        "response_headers_conformance",
        "Every header the contract requires on a response is present and matches its schema.",
        Owasp.API8,
    ),
    (
        "response_schema_conformance",
        "Every response body matches its documented schema exactly (no extra fields).",
        Owasp.API3,
    ),
    (
        "negative_data_rejection",
        "A request that breaks the contract's schemas is rejected with a 4xx.",
        Owasp.API8,
    ),
    (
        "positive_data_acceptance",
        "A request that fits the contract's schemas is "
        "accepted (or refused for a documented reason).",
        Owasp.API9,
    ),
    (
        "missing_required_header",
        "A request without a required header is rejected with a 4xx.",
        Owasp.API8,
    ),
    ("unsupported_method", "A method a path does not support is 405.", Owasp.API8),
    (
        "allow_header_conformance",
        "A 405 carries an Allow header listing exactly the documented methods.",
        Owasp.API8,
    ),
    (
        "use_after_free",
        "A deleted resource is no longer served (stateful sequences through the links).",
        Owasp.API1,
    ),
    (
        "ensure_resource_availability",
        "A created resource can be read back through the links (stateful sequences).",
        Owasp.API9,
    ),
    (
        "ignored_auth",
        "An operation that declares security refuses a request without it.",
        Owasp.API2,
    ),
    (
        "object_level_authorization",
        "One account's reads of its own objects, replayed as the run's other account (WFC "
        "peers), are refused; it runs wherever the run has two accounts.",
        Owasp.API1,
    ),
)

for _name, _description, _owasp in _GENERIC:
    REGISTRY.add(
        Check(
            id="generic." + _name.replace("_", "-"),
            description=_description,
            owasp=_owasp,
            schemathesis_name=_name,
        )
    )

REGISTRY.add(
    Check(
        id="generic.run-errors",
        description=(
            "Schemathesis completed every request (no timeouts, dropped connections or errors)."
        ),
        owasp=Owasp.API8,
        schemathesis_name="(run errors)",
    )
)

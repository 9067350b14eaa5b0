"""Integrity under concurrency: races neither duplicate accounts nor lose items."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from ..context import CheckContext
from ..http import json_body
from ..registry import Owasp, check


@check(
    "concurrency.duplicate-signup",
    risk="Racing sign-ups can create two accounts for one email address.",
    description=(
        "Parallel sign-ups with one email (in varied case) give exactly one 201; the rest are 400."
    ),
    owasp=Owasp.API6,
    operations=("createUser",),
)
def duplicate_signup(ctx: CheckContext) -> None:
    email = ctx.identities.email_for("racer")
    password = "a-long-password-6"
    variants = [email if n % 2 == 0 else email.upper() for n in range(ctx.depth.parallel)]

    def sign_up(address: str) -> httpx.Response:
        return ctx.call("createUser", json={"email": address, "password": password})

    with ThreadPoolExecutor(max_workers=len(variants)) as pool:
        responses = list(pool.map(sign_up, variants))
    created = [response for response in responses if response.status_code == 201]
    for response in created:
        body = json_body(response)
        address = body.get("email")
        ctx.identities.adopt_created(str(address or email), password, body.get("id"))
    others = sorted({response.status_code for response in responses if response.status_code != 201})
    if len(created) != 1 or others not in ([400], []):
        ctx.fail(
            "racing sign-ups did not give exactly one account",
            expected=f"one 201 and {len(variants) - 1} x 400",
            seen=f"{len(created)} x 201, others {others}",
            response=created[-1] if len(created) > 1 else responses[-1],
            operation="createUser",
        )


@check(
    "concurrency.parallel-creates",
    risk="Parallel writes can lose or mix up records.",
    description=(
        "N parallel item creations give N distinct, readable items, all counted in the list."
    ),
    owasp=Owasp.API6,
    operations=("createItem", "listItems"),
)
def parallel_creates(ctx: CheckContext) -> None:
    owner = ctx.user("parallel")
    count = ctx.depth.parallel
    headers = ctx.identities.headers(owner)

    def create(number: int) -> httpx.Response:
        return ctx.call("createItem", headers=headers, json={"title": f"parallel {number}"})

    with ThreadPoolExecutor(max_workers=count) as pool:
        responses = list(pool.map(create, range(count)))
    for response in responses:
        ctx.expect_status(response, 201, operation="createItem", title="a parallel create failed")
    ids = {ctx.json_object(response, operation="createItem").get("id") for response in responses}
    if len(ids) != count:
        ctx.fail(
            "parallel creates shared ids",
            expected=f"{count} distinct ids",
            seen=str(sorted(ids, key=str)),
            response=responses[-1],
            operation="createItem",
        )
    for item_id in ids:
        read = ctx.call("readItem", headers=headers, path={"item_id": item_id})
        ctx.expect_status(read, 200, operation="createItem", title="a created item cannot be read")
    listing = ctx.call("listItems", headers=headers, params={"limit": 100})
    ctx.expect_status(listing, 200, operation="listItems", title="list did not answer 200")
    if listing.headers.get("X-Total-Count") != str(count):
        ctx.fail(
            "the list does not count every parallel create",
            expected=str(count),
            seen=repr(listing.headers.get("X-Total-Count")),
            response=listing,
            operation="listItems",
        )

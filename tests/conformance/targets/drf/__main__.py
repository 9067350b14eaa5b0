"""Serve the tracker in a process of its own: `python -m tests.conformance.targets.drf`.

`--port 0` (the default) takes a free port; the base URL is printed on one line once the
socket listens, then the process serves until it is interrupted.
"""

from __future__ import annotations

import argparse
import socket
import sys

import uvicorn

from .app import create_app
from .faults import FAULTS


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.conformance.targets.drf")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--faults", default="", help=f"comma-separated, of: {', '.join(sorted(FAULTS))}"
    )
    args = parser.parse_args(argv)
    faults = {name for name in args.faults.split(",") if name}
    app = create_app(faults=faults)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    # Listening before the URL is printed: a client that connects at once waits in the
    # backlog until start-up is done, instead of being refused.
    sock.listen(128)
    config = uvicorn.Config(app, lifespan="on", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    sys.stdout.write(f"http://{args.host}:{sock.getsockname()[1]}\n")
    sys.stdout.flush()
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()

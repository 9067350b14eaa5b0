"""The `conformance` command line: one Typer app, one subcommand per module.

Known errors (`ConformanceError`) become one line on stderr and their exit code; the
subcommands themselves never print tracebacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from .errors import ConformanceError

app = typer.Typer(
    name="conformance",
    help="Contract-first API toolkit: lint the spec, generate models, test and load a deployment.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Rich reads every help text as markup, where `[name]` is a style that vanishes: help that
# shows TOML tables (`[roles]`) goes through `escape`.
# The contract a subcommand reads: `--spec PATH|URL`, the bundled one by default.
SpecOption = Annotated[
    str | None,
    typer.Option(help="The contract, a path or URL (default: the bundled spec/openapi.yaml)."),
]

err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


@app.callback()
def root() -> None:
    """Contract-first API toolkit: lint the spec, generate models, test and load a deployment."""


@app.command()
def generate(
    spec: Annotated[
        str | None,
        typer.Option(
            help="An OpenAPI 3 document, a path or URL (default: the bundled spec/openapi.yaml)."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(help="With --spec: a .py file for one module, or a folder for a package."),
    ] = None,
    pyproject: Annotated[
        Path | None,
        typer.Option(
            help="With --spec: a pyproject.toml (or its folder) whose \\[tool.datamodel-codegen] "
            "options win over the defaults."
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 listing the stale files.")
    ] = False,
    project: Annotated[
        Path | None,
        typer.Option(help="The project checkout (default: the nearest one above the cwd)."),
    ] = None,
) -> None:
    """Regenerate generated/ from spec/openapi.yaml, or make the models of any OpenAPI spec."""
    from .errors import UsageError
    from .generate import find_project_root, generate_spec
    from .generate import generate as run_generator

    if spec is None:
        if output is not None or pyproject is not None:
            raise UsageError("--output and --pyproject go with --spec", hint="add --spec PATH|URL")
        result = run_generator(find_project_root(project), check=check)
        target, source, again = "generated/", "spec/openapi.yaml", "conformance generate"
    else:
        if output is None:
            raise UsageError("--spec needs --output", hint="a .py file or a folder")
        if project is not None:
            raise UsageError("--project is for the bundled spec", hint="drop it with --spec")
        result = generate_spec(spec, output, pyproject=pyproject, check=check)
        target, source = str(output), spec
        again = f"conformance generate --spec {spec} --output {output}"
    # The generator's warnings quote the document, so Rich must not read markup in them.
    for warning in result.warnings[:_WARNINGS_SHOWN]:
        err_console.print(f"warning: {warning}", markup=False, emoji=False)
    if len(result.warnings) > _WARNINGS_SHOWN:
        err_console.print(f"({len(result.warnings) - _WARNINGS_SHOWN} more warnings)")
    changed = ", ".join(str(path) for path in result.changed)
    if check:
        if result.changed:
            err_console.print(f"stale: {changed} (run `{again}`)", markup=False)
            raise typer.Exit(1)
        out_console.print(f"{target} is up to date with {source}", markup=False)
    elif result.changed:
        out_console.print(f"regenerated: {changed}", markup=False)
    else:
        out_console.print(f"{target} was already up to date", markup=False)


# Enough to see what a spec's warnings are about, few enough to see the result after them.
_WARNINGS_SHOWN = 10


@app.command()
def lint(
    spec: Annotated[
        str | None,
        typer.Argument(
            help="A path or http(s) URL of an OpenAPI document (default: the bundled spec).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            help="text: one line per finding; json: a JSON list; sarif: SARIF 2.1.0, for code "
            "scanning.",
        ),
    ] = "text",
    ruleset: Annotated[
        list[str] | None,
        typer.Option(
            help="A rule set to run, repeatable: recommended, owasp, contract or all "
            "(default: recommended, plus contract on the bundled spec). Validity rules "
            "always run.",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help=escape(
                "The configuration file: [lint] rulesets and [lint.rules] severities "
                "(default: ./conformance.toml when it exists)."
            )
        ),
    ] = None,
) -> None:
    """Check a contract: OpenAPI validity, then the chosen rule sets; exit 1 on any error."""
    from .contract.loader import DEFAULT_SPEC, is_bundled, parse_document, read_source
    from .errors import UsageError
    from .lint import lint_document
    from .lint.config import cli_rulesets, load_lint_config
    from .lint.formats import document_formats
    from .lint.report import has_errors, text_lines, to_json

    if output_format not in ("text", "json", "sarif"):
        raise UsageError(f"unknown --format {output_format!r}", hint="use text, json or sarif")
    settings = load_lint_config(config).with_rulesets(cli_rulesets(ruleset))
    text = read_source(spec)
    document = parse_document(text, source=str(spec or DEFAULT_SPEC))
    bundled = is_bundled(spec)
    findings = lint_document(document, settings, bundled=bundled)
    # Findings quote the document, so Rich must not read `[...]` or `:name:` in them.
    if output_format == "json":
        out_console.print(to_json(findings), markup=False, emoji=False)
    elif output_format == "sarif":
        # Only SARIF points at lines, which PyYAML's node tree gives.
        from .contract.lines import LineIndex
        from .lint.sarif import artifact_uri, to_sarif

        ran = settings.active(formats=document_formats(document), bundled=bundled)
        sarif = to_sarif(findings, ran, uri=artifact_uri(spec), lines=LineIndex(text))
        out_console.print(sarif, markup=False, emoji=False)
    else:
        for line in text_lines(findings):
            out_console.print(line, markup=False, emoji=False)
    if has_errors(findings):
        raise typer.Exit(1)


@app.command()
def load(
    url: Annotated[str, typer.Option(help="The deployment to load, e.g. http://127.0.0.1:8000.")],
    run_time: Annotated[
        str | None,
        typer.Option(help="How long to send load: 30s, 5m, 1h30m. Required: no unbounded runs."),
    ] = None,
    users: Annotated[
        int | None,
        typer.Option(help="Concurrent users (default 10; the pool with --arrival-rate)."),
    ] = None,
    spawn_rate: Annotated[
        float | None, typer.Option(help="Users started per second (default: all within 10 s).")
    ] = None,
    slo: Annotated[
        list[str] | None,
        typer.Option(
            help="A gate, repeatable: 'p95<300ms', 'errors<1%', "
            "'POST /api/v1/auth/login:p99<1500ms', 'login:p99<1.5s', 'rps>=50'."
        ),
    ] = None,
    arrival_rate: Annotated[
        float | None,
        typer.Option(help="Open model: start this many requests/s whatever the latency."),
    ] = None,
    processes: Annotated[
        int | None, typer.Option(help="Locust processes generating load (default 1).")
    ] = None,
    mix: Annotated[
        str | None,
        typer.Option(
            help="Task weights by operationId or resource.action: 'getBoard=30,cards.create=1'."
        ),
    ] = None,
    think_time: Annotated[
        str | None, typer.Option(help="Seconds between a user's tasks: N or MIN-MAX (0.5-1.5).")
    ] = None,
    report_dir: Annotated[
        Path | None,
        typer.Option(help="Where the HTML, CSV and JSON reports go (reports/load-<time>)."),
    ] = None,
    spec: SpecOption = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help=escape("[roles] and [[identity]] (default: ./conformance.toml when it exists).")
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="The seed of the request bodies and choices.")] = 0,
) -> None:
    """Load a deployment with the journeys of its contract; exit 1 if an SLO fails."""
    from load.runner import prepare, run_load

    settings = prepare(
        url=url,
        run_time=run_time,
        users=users,
        spawn_rate=spawn_rate,
        slos=slo or [],
        report_dir=report_dir,
        processes=processes,
        arrival_rate=arrival_rate,
        mix=mix,
        think_time=think_time,
        spec=spec,
        config=config,
        seed=seed,
    )
    try:
        report = run_load(settings, out_console)
    except KeyboardInterrupt:
        err_console.print("interrupted: no verdict")
        raise typer.Exit(130) from None
    if not report.passed:
        failed = sum(not result.passed for result in report.results)
        err_console.print(f"{failed} of {len(report.results)} SLOs failed")
        raise typer.Exit(1)


@app.command()
def inspect(
    spec: SpecOption = None,
    config: Annotated[
        Path | None,
        typer.Option(help="The configuration file (default: ./conformance.toml when it exists)."),
    ] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="Plan as if admin credentials were given.")
    ] = False,
    output_format: Annotated[
        str, typer.Option("--format", help="text, or json: the model as one JSON object.")
    ] = "text",
) -> None:
    """Show what a run finds in a spec: roles, resources, and the checks per operation."""
    import json

    from .config import find_config
    from .contract import load_contract
    from .engine.settings import ConfigTables, load_config
    from .errors import UsageError
    from .inspect import describe, text_lines

    if output_format not in ("text", "json"):
        raise UsageError(f"--format {output_format!r} is not a format", hint="text or json")
    path = find_config(config)
    tables = load_config(path) if path is not None else ConfigTables()
    contract = load_contract(spec, role_overrides=tables.roles, auth=tables.auth)
    model = describe(contract, has_admin=admin, identities=len(tables.identities))
    if output_format == "json":
        typer.echo(json.dumps(model, indent=2))
        return
    for line in text_lines(model):
        out_console.print(line, markup=False)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    migrate: Annotated[
        bool, typer.Option("--migrate", help="Upgrade the database to the newest schema first.")
    ] = False,
) -> None:
    """Run the reference implementation (settings from the environment; see README.md)."""
    from .serve import serve as run_server

    run_server(host=host, port=port, workers=workers, run_migrations=migrate)


@app.command()
def run(
    url: Annotated[
        str | None,
        typer.Option(help="The deployment to test (default: start the reference implementation)."),
    ] = None,
    spec: SpecOption = None,
    admin_email: Annotated[
        str | None,
        typer.Option(
            help="A superuser's email, for the superuser checks (or CONFORMANCE_ADMIN_EMAIL)."
        ),
    ] = None,
    admin_password: Annotated[
        str | None,
        typer.Option(help="That superuser's password (or CONFORMANCE_ADMIN_PASSWORD)."),
    ] = None,
    profile: Annotated[
        str, typer.Option(help="quick (about a minute) or full (deeper generation).")
    ] = "quick",
    workers: Annotated[int, typer.Option(help="Checks and schemathesis workers in parallel.")] = 1,
    rate_limit: Annotated[
        str | None, typer.Option(help="The most requests to send, e.g. 20/s, 600/m.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Replay a run: the seed it printed.")] = None,
    keep_data: Annotated[
        bool, typer.Option("--keep-data", help="Do not delete what the run created (debugging).")
    ] = False,
    report_json: Annotated[
        Path | None, typer.Option(help="Write the JSON report (docs/report-schema.md) here.")
    ] = None,
    junit_xml: Annotated[Path | None, typer.Option(help="Write a JUnit XML report here.")] = None,
    report_html: Annotated[Path | None, typer.Option(help="Write an HTML report here.")] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help=escape(
                "The configuration file: waivers, [roles], [[identity]] "
                "(default: ./conformance.toml when it exists)."
            )
        ),
    ] = None,
    check: Annotated[
        list[str] | None,
        typer.Option(help="Run only this check id or family (repeatable); see docs/checks.md."),
    ] = None,
    generic: Annotated[bool, typer.Option(help="Run schemathesis's generic phases too.")] = True,
    served_spec: Annotated[
        str | None,
        typer.Option(
            help="Where the deployment serves its OpenAPI document, for drift (default: looked "
            "for under the spec's servers and paths)."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every check.")] = False,
) -> None:
    """Test a deployment against the contract: exit 0 if it conforms, 1 if not, 2 on errors."""
    from .engine.reporters import Fanout
    from .engine.reporters.console import ConsoleReporter
    from .engine.reporters.files import HtmlReport, JsonReport, JunitReport
    from .engine.runner import run as run_engine
    from .engine.settings import load_settings, parse_profile

    settings = load_settings(
        url=url,
        spec=spec,
        admin_email=admin_email,
        admin_password=admin_password,
        profile=parse_profile(profile),
        workers=workers,
        rate_limit=rate_limit,
        seed=seed,
        keep_data=keep_data,
        report_json=report_json,
        junit_xml=junit_xml,
        report_html=report_html,
        config=config,
        select=tuple(check or ()),
        generic=generic,
        served_spec=served_spec,
    )
    written = [path for path in (report_json, junit_xml, report_html) if path is not None]
    reporters: list[ConsoleReporter | JsonReport | JunitReport | HtmlReport] = [
        ConsoleReporter(out_console, verbose=verbose, reports=written)
    ]
    if settings.report_json is not None:
        reporters.append(JsonReport(settings.report_json))
    if settings.junit_xml is not None:
        reporters.append(JunitReport(settings.junit_xml))
    if settings.report_html is not None:
        reporters.append(HtmlReport(settings.report_html))
    result = run_engine(settings, Fanout(reporters))
    raise typer.Exit(result.exit_code)


def main() -> None:
    """The console script: run the app, turning known errors into one line.

    Anything else is a bug of the toolkit: its traceback is printed (the one place that
    does) and the exit code is 3, so that it is never mistaken for a failing target (1).
    """
    try:
        app()
    except ConformanceError as exc:
        err_console.print(f"error: {exc}", markup=False)
        raise SystemExit(exc.exit_code) from None
    except Exception:  # noqa: BLE001 - the outer handler for bugs; it re-raises as exit 3
        err_console.print_exception()
        err_console.print("internal error: this is a bug of the toolkit; please report it")
        raise SystemExit(3) from None

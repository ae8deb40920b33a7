"""The ``sixaika`` command: validate, build, serve and query.

Settings are options before or after the command (``sixaika --port 8080 serve`` or
``sixaika serve --port 8080``), or ``SIXAIKA_*`` environment variables.

Exit codes: 0 success, 1 the data does not conform to the shapes, 2 unusable input,
3 the command could not be done for a reason outside the sources (another build is
running, the disk is full, a folder is read-only, memory ran out, a fault of ours); each
is told in one line on stderr, with a traceback only under ``--debug``.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace

from .build import BuildRefused, Progress, build, check
from .build.cache import software_digest
from .build.release import source_commit
from .config import SETTINGS, Settings
from .errors import Failure, InputError
from .read import completeness
from .release import Release
from .sparql.terminal import add_query_parser, run_query

EXIT_OK, EXIT_INVALID, EXIT_UNUSABLE, EXIT_FAILED = 0, 1, 2, 3
Command = Callable[[argparse.Namespace, Settings], int]  # (arguments, settings) -> exit code


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="sixaika", description=__doc__.splitlines()[0])
    _add_settings(top, default=None)
    _add_debug(top, default=False)
    commands = top.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check the sources against the shapes")
    validate.add_argument(
        "--format",
        choices=("text", "json", "turtle"),
        default="text",
        help="text for people; json or turtle (sh:ValidationReport) for tools",
    )
    validate.add_argument(
        "--lang", choices=("en", "fi"), default="en", help="language of the messages"
    )
    validate.add_argument("--quiet", action="store_true", help="no progress messages")
    validate.add_argument(
        "--missing",
        metavar="FIELD",
        choices=completeness.BY_KEY,
        help="then list the projects or organisations that lack FIELD (a key of the counts "
        "the text ends with: " + ", ".join(completeness.BY_KEY) + ")",
    )

    build_cmd = commands.add_parser("build", help="validate and publish a new release")
    build_cmd.add_argument("--lang", choices=("en", "fi"), default="en")
    build_cmd.add_argument("--quiet", action="store_true", help="no progress messages")
    build_cmd.add_argument(
        "--wait",
        action="store_true",
        help="if another build is running, wait for it to finish (without: stop at once, "
        "exit code 3)",
    )
    build_cmd.add_argument(
        "--store",
        dest="build_store",
        metavar="URL",
        help="then load the release into this SPARQL store (its query endpoint; the graph "
        "store endpoint is SIXAIKA_STORE_DATA or derived from it)",
    )

    commands.add_parser(
        "serve",
        help="serve the current release (building one first if there is none, if it was "
        "built for another base, or if the checkout has moved to another commit since)",
    )
    add_query_parser(commands)
    for command in commands.choices.values():
        # SUPPRESS: a setting given before the command is not undone by its absence after.
        _add_settings(command, default=argparse.SUPPRESS)
        _add_debug(command, default=argparse.SUPPRESS)
    return top


def _add_debug(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="show the traceback of an unexpected failure (disk full, out of memory, a bug)",
    )


def _add_settings(parser: argparse.ArgumentParser, default: object) -> None:
    group = parser.add_argument_group("settings")
    for setting in SETTINGS:
        try:
            group.add_argument(
                setting.flag,
                dest=setting.name,
                default=default,
                help=f"{setting.help} [env {setting.env}, default {setting.default!r}]",
            )
        except argparse.ArgumentError:  # the command's own option of that name wins
            continue  # (build --store URL loads a store; the setting is given before build)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return _guarded(COMMANDS[args.command], args)


def _guarded(command: Command, args: argparse.Namespace, settings: Settings | None = None) -> int:
    """``command``'s exit code; unusable input and failures are a line on stderr each, not
    a traceback (unless ``--debug``)."""
    lang = getattr(args, "lang", "en")
    error = "virhe" if lang == "fi" else "error"
    try:
        if settings is None:
            settings = Settings.from_env(**{s.name: getattr(args, s.name) for s in SETTINGS})
        return command(args, settings)
    except InputError as e:
        for each in getattr(e, "errors", [e]):  # InputErrors: one line each
            print(f"{error}: {each.text(lang)}", file=sys.stderr)
        return EXIT_UNUSABLE
    except ValueError as e:  # a bad setting
        print(f"{error}: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    except Failure as e:
        print(f"{error}: {e.text(lang)}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as e:  # the machine failed (a full disk, say), or we did
        if getattr(args, "debug", False):
            traceback.print_exc()
        why = Failure.of(e).text(lang)
        failed = _FAILED.get(args.command, _FAILED[None])[lang == "fi"]
        print(f"{error}: {failed.format(command=args.command, why=why)}", file=sys.stderr)
        return EXIT_FAILED


_FAILED = {  # the line that tells of a command's unexpected failure (en, fi)
    "build": (
        "the build failed: {why}; the current release is unchanged",
        "julkaisu epäonnistui: {why}; nykyinen julkaisu on ennallaan",
    ),
    "validate": ("the check failed: {why}", "tarkistus epäonnistui: {why}"),
    None: ("{command} failed: {why}", "{command} epäonnistui: {why}"),
}


def run_validate(args: argparse.Namespace, settings: Settings) -> int:
    checked, report = check(settings, Progress(quiet=args.quiet), args.lang)
    if args.format == "text":
        output = report.text(args.lang)
        if args.missing and report.completeness:
            lacking = checked.lacking(args.missing, settings)
            table = completeness.TABLE_OF[args.missing]
            total = report.completeness[table.fact][table.name]
            lines = completeness.missing_lines(args.missing, lacking, total, args.lang)
            output += "\n\n" + "\n".join(lines)
    else:
        output = {"json": report.json, "turtle": report.turtle}[args.format]()
    print(output)
    return EXIT_OK if report.conforms else EXIT_INVALID


_REFUSED = {
    "en": "error: build refused, the data does not conform; the current release is unchanged",
    "fi": "virhe: julkaisua ei tehty, koska aineisto ei kelpaa; nykyinen julkaisu on ennallaan",
}


def run_build(args: argparse.Namespace, settings: Settings) -> int:
    # build --store URL, or the setting: the release is loaded there before it is current.
    settings = replace(settings, store=getattr(args, "build_store", None) or settings.store)
    try:
        release, report = build(settings, Progress(quiet=args.quiet), args.lang, args.wait)
    except BuildRefused as refused:
        print(refused.report.text(args.lang), file=sys.stderr)
        print(_REFUSED[args.lang if args.lang in _REFUSED else "en"], file=sys.stderr)
        return EXIT_INVALID
    # The warnings, the verdict and how complete the data is (``validate``'s text).
    print(report.text(args.lang), file=sys.stderr)
    print(release.path)
    return EXIT_OK


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from .web.server import serve  # gunicorn is needed only here

    current = Release.current(settings)
    args.lang, args.quiet, args.wait = "en", False, True  # another build: wait for it
    if why := _why_build_first(current, settings):
        print(f"{why}: building one from the sources", file=sys.stderr)
        if (code := _in_a_child(run_build, args, settings)) != EXIT_OK:
            return code
    elif current is not None and (why := _why_build_again(current, settings)):
        print(
            f"{why}: building a new release from the sources; "
            f"the current one, {current.id}, is served meanwhile",
            file=sys.stderr,
        )
        refused = f"serving the current release, {current.id}, as it is"
        _in_the_background(run_build, args, settings, refused)
    serve(settings)
    return EXIT_OK


def _why_build_first(current: Release | None, settings: Settings) -> str | None:
    """Why ``serve`` builds before serving: no release, one that cannot be read, or one
    made for another base (its IRIs would name nothing this server answers for: an empty
    site)."""
    if current is None:
        return "no release yet"
    if why := current.damaged:
        return f"the current release, {current.path.name}, cannot be used: {why}"
    built_for = current.manifest.base
    if built_for != settings.base:
        return f"the current release was built for the base {built_for}, not {settings.base}"
    return None


def _why_build_again(current: Release, settings: Settings) -> str | None:
    """Why ``serve`` builds a new release though it could serve the current one: the
    checkout has moved to another commit since (after a ``git pull``, the bundled data and
    the code that derives pages and the index from it may both have changed), or other
    code built it (after an upgrade, the pages and the index of the old code). Synthetic
    releases (benchmarks) are not built from the sources, so none is built again. Should
    that build fail, the current release is served as it is."""
    built_from, now = current.manifest.source_commit, source_commit(settings.root)
    if built_from and now and built_from != now:
        return (
            f"the current release was built from commit {built_from[:12]}, "
            f"the checkout is at {now[:12]}"
        )
    built_by, running = current.manifest.software, software_digest()
    if current.manifest.synthetic or built_by == running:
        return None
    if built_by is None:
        return "the current release does not record the code that built it"
    return f"the current release was built by other code ({built_by[:12]}, this is {running[:12]})"


def _in_a_child(command: Command, args: argparse.Namespace, settings: Settings) -> int:
    """``command`` run in a child process of its own; its exit code.

    A build leaves the store's threads behind it: gunicorn's workers, forked from this
    process after a build in it, inherited copies of them and crashed on exit (SIGSEGV).
    """
    child = multiprocessing.get_context("fork").Process(
        target=lambda: sys.exit(_guarded(command, args, settings)), name="sixaika-build"
    )
    child.start()
    child.join()
    if child.exitcode in (EXIT_OK, EXIT_INVALID, EXIT_UNUSABLE, EXIT_FAILED):
        return child.exitcode
    print(f"error: the build failed (its process ended with {child.exitcode})", file=sys.stderr)
    return EXIT_UNUSABLE


def _in_the_background(
    command: Command, args: argparse.Namespace, settings: Settings, refused: str
) -> None:
    """``command`` run in a forked child that nothing waits for: the server starts at once
    on the current release, and its release watcher moves the web workers to the one the
    build makes current (a full build of a million projects takes half an hour). Should
    the build be refused, the child says ``refused`` and the current release stays.

    Not a ``multiprocessing`` child: that module joins its children as the server exits,
    which would hold a stopped server until the build ends. The arbiter reaps the child.
    """
    if os.fork() != 0:
        return
    code = EXIT_FAILED
    try:
        code = _guarded(command, args, settings)
        if code != EXIT_OK:
            print(refused, file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # not the server's exit handlers: they are its parent's


COMMANDS: dict[str, Command] = {
    "validate": run_validate,
    "build": run_build,
    "serve": run_serve,
    "query": run_query,
}

if __name__ == "__main__":
    sys.exit(main())

"""Command line: `python -m runner [--force] [--timeout S] [--jobs N] [SNIPPET ...]`."""

import argparse
import sys
import time
from pathlib import Path

from runner.engine import DEFAULT_TIMEOUT, Project, RunnerError


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m runner", description=__doc__)
    parser.add_argument("only", nargs="*", help="snippet ids or paths (default: all)")
    parser.add_argument("--root", default=str(Path(__file__).resolve().parents[1]),
                        help="project root (default: the folder that holds runner/)")
    parser.add_argument("--output-dir", help="output folder (default: $SNIPPETS_OUTPUT_DIR, "
                        "or ROOT/build/outputs)")
    parser.add_argument("--force", action="store_true", help="ignore the cache")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    parser.add_argument("--jobs", type=int, default=None, help="parallel snippets")
    parser.add_argument("--fresh", action="store_true", help="start each snippet in a fresh "
                        "interpreter instead of forking it from the warm worker "
                        "(also: SNIPPETS_WARM=0)")
    args = parser.parse_args(argv)

    project = Project.from_env(args.root, output_dir=args.output_dir, timeout=args.timeout)
    if args.jobs:
        project.jobs = args.jobs
    if args.fresh:
        project.warm = False
    only = [str(Path(p).resolve()) if p.endswith(".py") else p for p in args.only]
    started = time.perf_counter()
    try:
        results = project.run(only=only or None, force=args.force)
    except RunnerError as error:
        print(f"runner: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("runner: interrupted: every running snippet was stopped; their last good "
              "outputs were kept", file=sys.stderr)
        return 130
    for result in results:
        print(f"{result.status:7} {result.seconds:7.2f} s  {result.path}")
    ran = sum(r.status == "ran" for r in results)
    print(f"{len(results)} snippets, {ran} ran, {len(results) - ran} cached, "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: `python -m runner [--force] [--timeout S] [--jobs N] [--shard I/N] [SNIPPET ...]`,
and `python -m runner --merge DIR [DIR ...]` to merge the stores of other output folders
(one per CI shard) into the output folder and link every snippet from it."""

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
    parser.add_argument("--shard", type=shard, default=None, metavar="I/N",
                        help="run only shard I of N (every N-th snippet in id order)")
    parser.add_argument("--merge", nargs="+", metavar="DIR", default=None,
                        help="merge these output folders' stores into the output folder")
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
        if args.merge:
            missing = project.merge([Path(d) for d in args.merge])
            if missing:
                print("runner: merged, but these snippets have no stored run: "
                      + ", ".join(missing), file=sys.stderr)
                return 1
            print(f"merged {len(args.merge)} output folder(s) into {project.output_dir}")
            return 0
        results = project.run(only=only or None, force=args.force, shard=args.shard)
    except RunnerError as error:
        print(f"runner: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("runner: interrupted: every running snippet was stopped; their last good "
              "outputs were kept", file=sys.stderr)
        return 130
    for result in results:
        print(f"{result.status:7} {result.seconds:7.2f} s  {result.backend:10} {result.path}")
        if result.note:
            print(f"        note: {result.note}")
    snippets = {r.id for r in results}
    ran = len({r.id for r in results if r.status == "ran"})
    print(f"{len(snippets)} snippets, {ran} ran, {len(snippets) - ran} cached "
          f"({len(results)} runs on {', '.join(project.backends)}), "
          f"{time.perf_counter() - started:.1f} s")
    return 0


def shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N, e.g. 2/4")
    return int(index), int(count)


if __name__ == "__main__":
    sys.exit(main())

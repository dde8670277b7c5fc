"""The fault suite: each way a contributor, a hostile snippet or a damaged cache can hit the
runner's store or the build, as a throwaway project. Each case asserts the message, the
exit status, that the last good outputs survive byte for byte, and that no temporary file
is left behind. (Process clean-up and the sandbox are tested with the supervisor.)
"""

import errno
import hashlib
import json
import os
import re
import shutil
import textwrap
import threading
from pathlib import Path

import pytest

from runner.__main__ import main as cli
from runner.engine import Project, RunnerError, exchange, installed_backends, write_atomic
from tests.conftest import make_project_in
from tests.test_build import build

pytestmark = pytest.mark.recorded  # tests/records.py

TEMPORARY = re.compile(r"^\.tmp-|\.tmp$|\.link$|^\.old-|\.building-")


def project_with(tmp_path, snippets, **options):
    for name, source in snippets.items():
        path = tmp_path / "snippets" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, bytes):
            path.write_bytes(source)
        else:
            path.write_text(textwrap.dedent(source))
    return Project(tmp_path, **options)


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder (links followed) by relative path, with its SHA-256."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    return found


def leftovers(*folders: Path) -> list[str]:
    return [str(p) for folder in folders if folder.exists()
            for p in folder.rglob("*") if TEMPORARY.search(p.name)]


def published(project: Project, snippet_id: str) -> dict[str, str]:
    """The files of a snippet's last good run, by name, with their hashes."""
    return tree(project.link(snippet_id).resolve())


# ---- the store: exact keys ---------------------------------------------------------------


def test_the_child_runs_exactly_the_bytes_that_were_hashed(tmp_path, monkeypatch):
    """An edit between hashing and running neither runs nor is stored under the old key."""
    project = project_with(tmp_path, {"ch/01_a.py": "print('hashed')\n"})
    path = project.snippets()[0]
    key = project.key(path)
    real = Project.execute

    def edit_then_execute(self, *args, **kwargs):
        path.write_text("print('edited meanwhile')\n")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Project, "execute", edit_then_execute)
    [result] = project.run()
    assert result.key == key and project.outputs("ch/01_a").text() == "hashed\n"
    monkeypatch.undo()
    [again] = project.run()  # the edited file is new input: it runs, under its own key
    assert again.status == "ran" and again.key != key
    assert project.outputs("ch/01_a").text() == "edited meanwhile\n"
    path.write_text("print('hashed')\n")  # reverting serves the run of the original bytes
    [reverted] = project.run()
    assert reverted.status == "cached" and project.outputs("ch/01_a").text() == "hashed\n"


def test_a_submodule_a_dynamic_import_and_a_data_file_are_in_the_key(tmp_path):
    project = project_with(tmp_path, {
        "ch/pkg/__init__.py": "",
        "ch/pkg/sub.py": "VALUE = 1\n",
        "ch/hidden.py": "HIDDEN = 'a'\n",
        "ch/table.csv": "x\n1\n",
        "ch/01_deps.py": """
            # runner: data=table.csv
            import importlib
            from pathlib import Path
            from pkg.sub import VALUE
            hidden = importlib.import_module("hidden").HIDDEN
            rows = Path(__file__).with_name("table.csv").read_text().split()
        """,
    })
    assert [r.status for r in project.run()] == ["ran"]
    meta = project.outputs("ch/01_deps").meta
    assert sorted(meta["deps"]) == ["ch/hidden.py", "ch/pkg/__init__.py", "ch/pkg/sub.py"]
    assert [r.status for r in project.run()] == ["cached"]
    for name, text, value in [("ch/pkg/sub.py", "VALUE = 2\n", ("VALUE", 2)),
                              ("ch/hidden.py", "HIDDEN = 'b'\n", ("hidden", "b")),
                              ("ch/table.csv", "x\n2\n", ("rows", ["x", "2"]))]:
        (tmp_path / "snippets" / name).write_text(text)
        assert [r.status for r in project.run()] == ["ran"], name
        assert project.outputs("ch/01_deps").values[value[0]] == value[1]
        assert [r.status for r in project.run()] == ["cached"], name
    (tmp_path / "snippets" / "ch" / "table.csv").unlink()
    with pytest.raises(RunnerError, match=r"snippets/ch/01_deps.py: declared data file "
                                          r"table.csv does not exist"):
        project.run()


# ---- the store: verified on every hit ----------------------------------------------------


@pytest.mark.parametrize("damage", ["truncated-values", "edited-output", "extra-file",
                                    "missing-meta", "file-made-a-link"])
def test_a_damaged_entry_is_run_again_with_a_message(tmp_path, damage, caplog):
    project = project_with(tmp_path, {"ch/01_a.py": "answer = 0.1 * 10\nprint('1.0')\n"})
    project.run()
    good = published(project, "ch/01_a")
    stored = project.link("ch/01_a").resolve()
    if damage == "truncated-values":
        (stored / "values.json").write_text('{"answer": 1.0')
    elif damage == "edited-output":
        (stored / "stdout.txt").write_text("0.1 x |10| = 42\n")
    elif damage == "extra-file":
        (stored / "intruder.txt").write_text("published if trusted\n")
    elif damage == "missing-meta":
        (stored / "meta.json").unlink()
    else:
        (stored / "stdout.txt").unlink()
        (stored / "stdout.txt").symlink_to(tmp_path / "elsewhere.txt")
    assert project.stale() == ["snippets/ch/01_a.py"]
    [result] = project.run()
    assert result.status == "ran"
    assert re.search(r"snippets/ch/01_a.py: stored outputs \w+ are damaged \(.+\); running it "
                     r"again", result.note)
    assert "snippets/ch/01_a.py: stored outputs" in caplog.text
    rerun = published(project, "ch/01_a")
    rerun.pop("meta.json"), good.pop("meta.json")  # a new run, with its own time ...
    assert rerun == good  # ... of the same bytes as the first
    assert project.stale() == [] and leftovers(project.output_dir) == []


def test_a_link_replaced_by_a_file_or_folder_is_relinked(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": "print('ok')\n"})
    project.run()
    good = published(project, "ch/01_a")
    link = project.link("ch/01_a")
    for replace in (lambda: link.write_text("not a link\n"), lambda: link.mkdir()):
        link.unlink()
        replace()
        assert project.stale() == ["snippets/ch/01_a.py"]
        [result] = project.run()
        assert result.status == "cached" and "linked again" in result.note
        assert link.is_symlink() and published(project, "ch/01_a") == good
    assert leftovers(project.output_dir) == []


def test_stale_notices_a_missing_store_entry(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": "print('ok')\n"})
    project.run()
    target = project.link("ch/01_a").resolve()
    for file in target.iterdir():
        file.unlink()
    target.rmdir()
    assert project.stale() == ["snippets/ch/01_a.py"]
    assert project.run()[0].status == "ran" and project.stale() == []


def test_a_forced_run_never_leaves_the_key_without_an_entry(tmp_path, monkeypatch):
    """Killed at the moment of replacing: the old entry is still complete and linked."""
    import runner.engine as engine

    project = project_with(tmp_path, {"ch/01_a.py": "print('ok')\n"})
    project.run()
    good = published(project, "ch/01_a")
    seen = []

    def killed(new, old):
        seen.append(project.verify(old))  # the entry is whole right up to the swap
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "exchange", killed)
    with pytest.raises(KeyboardInterrupt):
        project.run_one(project.snippets()[0], force=True)
    assert seen == [""] and published(project, "ch/01_a") == good
    assert project.stale() == [] and leftovers(project.output_dir) == []


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("new")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "f").write_text("old")
    exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "f").read_text() == "new"
    assert (tmp_path / "a" / "f").read_text() == "old"


# ---- clear errors --------------------------------------------------------------------


def test_a_non_utf8_snippet_is_named_with_its_line(tmp_path, capsys):
    project = project_with(tmp_path, {"ch/01_good.py": "print('good')\n",
                                      "ch/02_latin1.py": b"x = 1\nprint('caf\xe9')\n"})
    assert cli(["--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "snippets/ch/02_latin1.py:2: not valid UTF-8 (byte 0xe9): save it as UTF-8" in err
    assert project.outputs("ch/01_good").text() == "good\n"
    assert leftovers(project.output_dir) == []


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_an_unwritable_output_folder_is_a_clear_error(tmp_path, monkeypatch, code):
    """A read-only or full output folder, even when every snippet is cached."""
    import runner.engine as engine

    project = project_with(tmp_path, {"ch/01_a.py": "print('ok')\n"})
    project.run()
    before = tree(project.output_dir)
    real = engine.os.replace

    def refuse(src, dst):
        if str(dst).endswith("runs.json"):
            raise OSError(code, os.strerror(code), str(dst))
        return real(src, dst)

    monkeypatch.setattr(engine.os, "replace", refuse)
    (tmp_path / "snippets" / "ch" / "01_a.py").touch()  # cached, yet runs.json changes
    with pytest.raises(RunnerError, match=rf"cannot record the run in .*runs.json: "
                                          rf"{re.escape(os.strerror(code))}"):
        project.run()
    assert tree(project.output_dir) == before and leftovers(project.output_dir) == []


def test_an_unwritable_store_names_the_snippet(tmp_path, monkeypatch):
    import runner.engine as engine

    project = project_with(tmp_path, {"ch/01_a.py": "print('ok')\n"})
    project.run()
    good = published(project, "ch/01_a")
    (tmp_path / "snippets" / "ch" / "01_a.py").write_text("print('changed')\n")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(project.store()))

    monkeypatch.setattr(engine.tempfile, "mkdtemp", full)
    with pytest.raises(RunnerError, match=r"snippets/ch/01_a.py: cannot access .*\.store: "
                                          r"No space left on device"):
        project.run()
    assert published(project, "ch/01_a") == good


def test_output_is_capped_per_snippet(tmp_path):
    project = project_with(tmp_path, {"ch/01_loud.py": "print('fine')\n"})
    project.run()
    good = published(project, "ch/01_loud")
    (tmp_path / "snippets" / "ch" / "01_loud.py").write_text(
        "for _ in range(3000):\n    print('x' * 1000)\n")
    with pytest.raises(RunnerError, match=r"snippets/ch/01_loud.py:2: OutputLimit: the snippet "
                                          r"printed more than 1,000,000 characters"):
        project.run()
    (tmp_path / "snippets" / "ch" / "01_loud.py").write_text(
        "import matplotlib.pyplot as plt\nimport numpy as np\n"
        "fig, ax = plt.subplots(num='huge')\n"
        "ax.scatter(*np.random.default_rng(0).random((2, 60000)))\n")
    with pytest.raises(RunnerError, match=r"snippets/ch/01_loud.py: its outputs take [\d,]+ "
                                          r"bytes, more than the 4,000,000 allowed"):
        project.run()
    assert published(project, "ch/01_loud") == good and leftovers(project.output_dir) == []


def test_sys_exit_zero_is_success_and_nonzero_a_failure(tmp_path):
    project = project_with(tmp_path, {"ch/01_exit.py": """
        import sys
        print("done")
        result = 1
        sys.exit(0)
        print("never")
    """})
    [result] = project.run()
    assert result.status == "ran" and project.outputs("ch/01_exit").text() == "done\n"
    assert project.outputs("ch/01_exit").values["result"] == 1
    (tmp_path / "snippets" / "ch" / "01_exit.py").write_text("import sys\nsys.exit(2)\n")
    with pytest.raises(RunnerError, match=r"snippets/ch/01_exit.py:2: SystemExit: the snippet "
                                          r"exited with status 2"):
        project.run()
    assert project.outputs("ch/01_exit").text() == "done\n"


def test_a_misnamed_snippet_gives_the_naming_rule(tmp_path, capsys):
    project = project_with(tmp_path, {"ch/01_ok.py": "print(1)\n", "ch/2_extra.py": "print(2)\n",
                                      "ch/helper.py": "X = 1\n"})
    assert cli(["--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "snippets/ch/2_extra.py: breaks the naming rule (snippets are named NN_topic.py" in err
    assert "helper.py" not in err
    assert not project.output_dir.exists() or leftovers(project.output_dir) == []


def test_a_failed_run_keeps_the_time_of_the_outputs_shown(tmp_path):
    project = project_with(tmp_path, {"ch/01_a.py": "print('good')\n"})
    project.run()
    shown = project.outputs("ch/01_a").meta
    (tmp_path / "snippets" / "ch" / "01_a.py").write_text("import time\ntime.sleep(0.5)\n"
                                                         "raise ValueError('late')\n")
    with pytest.raises(RunnerError):
        project.run()
    [entry] = project.runs()
    assert entry["status"] == "failed"
    assert entry["seconds"] == shown["seconds"] and entry["key"] == shown["key"]
    from runner.report import execution_times
    page = execution_times(project.runs(), "versions")
    started = "warm worker" if shown.get("warm") else "fresh interpreter"
    assert (f"| {shown['seconds']:.1f} | {started} | an earlier run (this build's run failed) |"
            in page)


def test_concurrent_atomic_writes_never_tear_a_file(tmp_path):
    """As two builds writing the same notebook: readers see one whole version."""
    target = tmp_path / "chapter.ipynb"
    texts = [f"{n}" * 200_000 for n in range(8)]
    threads = [threading.Thread(target=write_atomic, args=(target, text)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_text() in texts
    assert leftovers(tmp_path) == []


# ---- sharding ----------------------------------------------------------------------------


def test_merged_shards_equal_one_full_run(tmp_path, capsys):
    snippets = {f"ch{c}/0{n}_s.py": f"value = {c} * {n}\nprint('value', value)\n"
                for c in (1, 2) for n in range(1, 5)}
    snippets["ch1/helper.py"] = "K = 7\n"
    snippets["ch1/05_uses_helper.py"] = "from helper import K\nprint(K)\n"
    full = project_with(tmp_path / "full", snippets)
    full.run()
    root = tmp_path / "sharded"
    project_with(root, snippets)
    shards = [root / f"shard-{i}" for i in (1, 2, 3)]
    for number, folder in enumerate(shards, start=1):
        assert cli(["--root", str(root), "--output-dir", str(folder),
                    "--shard", f"{number}/3"]) == 0
    counts = [len(list((folder / ".store").glob("[!.]*"))) for folder in shards]
    backends = installed_backends()  # the command line runs each snippet on every one
    # each snippet ran exactly once per backend
    assert sorted(counts) == [3 * len(backends)] * 3 and sum(counts) == 9 * len(backends)
    assert cli(["--root", str(root), "--output-dir", str(root / "merged"),
                "--merge", *map(str, shards)]) == 0
    merged = Project(root, output_dir=root / "merged", backends=backends)
    assert merged.stale() == []
    assert {r.status for r in merged.run()} == {"cached"}
    for path in full.snippets():
        snippet_id = full.snippet_id(path)
        mine, theirs = full.outputs(snippet_id), merged.outputs(snippet_id)
        assert mine.meta["key"] == theirs.meta["key"] and mine.meta["files"] == \
            theirs.meta["files"], snippet_id
        assert set(merged.backends_of(snippet_id)) == set(backends)
    assert cli(["--root", str(root), "--shard", "4/3"]) == 1
    assert "shard 4/3 does not exist" in capsys.readouterr().err


def test_merge_refuses_a_damaged_shard(tmp_path, capsys):
    project = project_with(tmp_path, {"ch/01_a.py": "print(1)\n"})
    project_dir = tmp_path / "shard"
    Project(tmp_path, output_dir=project_dir).run()
    [entry] = [p for p in (project_dir / ".store").iterdir() if not p.name.startswith(".")]
    (entry / "stdout.txt").write_text("2\n")
    assert cli(["--root", str(tmp_path), "--merge", str(project_dir)]) == 1
    assert "not merged, stdout.txt does not match its hash" in capsys.readouterr().err
    assert not project.outputs("ch/01_a").exists


# ---- the build -----------------------------------------------------------------------------

GOOD_PAGE = '# P\n\nThe answer is {{ ch/01_ok:answer }}.\n'


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """A small project and its site, built once; each case works on a copy."""
    folder = tmp_path_factory.mktemp("good")
    snippets = {"ch/01_ok.py": "answer = 42\nbad = float('nan')\n"}
    project = make_project_in(folder / "project", snippets,
                              {"index.md": "# Home\n", "p.md": GOOD_PAGE, "ch.md": "# Ch\n"})
    first = build(project, folder / "site")
    assert first.returncode == 0, first.stderr[-2000:]
    assert "The answer is 42." in (folder / "site" / "p" / "index.html").read_text()
    return folder


def site_files(site: Path) -> dict[str, str]:
    return tree(site)


@pytest.mark.parametrize(
    ("extra", "page", "expected"),
    [
        ({}, "# P\n\nA typo: {{ ch/01_ok: answer }}.\n",
         r"docs/p.md:3: placeholder '\{\{ ch/01_ok: answer \}\}' was not filled in"),
        ({}, "# P\n\nNo chapter: {{ 01_ok:answer }}.\n",
         r"docs/p.md:3: placeholder '\{\{ 01_ok:answer \}\}' was not filled in"),
        ({}, "# P\n\nIt is {{ ch/01_ok:bad }}.\n",
         r"docs/p.md:3: value 'bad' of snippets/ch/01_ok.py is 'nan', not a number"),
        ({}, '# P\n\n<img alt="gone" src="figures/ch/01_ok/missing.svg">\n',
         r"p/index.html: <img> links to figures/ch/01_ok/missing.svg, which the site "),
        ({}, '# P\n\n<a download href="snippets/ch/09_gone.py">get it</a>\n',
         r"p/index.html: <a> links to snippets/ch/09_gone.py, which the site does not have"),
        ({"orphan/01_x.py": "print(1)\n"}, GOOD_PAGE,
         r"snippets/orphan/ has no page: its snippets belong to docs/orphan.md"),
        ({"ch/2_extra.py": "print(1)\n"}, GOOD_PAGE,
         r"snippets/ch/2_extra.py: breaks the naming rule"),
    ],
    ids=["placeholder-space", "placeholder-no-chapter", "nan-value", "missing-img",
         "missing-download", "folder-without-page", "misnamed-snippet"],
)
def test_a_bad_page_fails_and_keeps_the_last_good_site(good_build, tmp_path, extra, page,
                                                       expected):
    shutil.copytree(good_build, tmp_path, symlinks=True, dirs_exist_ok=True)
    project, site = tmp_path / "project", tmp_path / "site"
    good_site, good_store = site_files(site), tree(project / "build" / "outputs" / ".store")
    (project / "docs" / "p.md").write_text(page)
    for name, source in extra.items():
        (project / "snippets" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "snippets" / name).write_text(source)
    failed = build(project, site)
    assert failed.returncode != 0
    assert re.search(expected, failed.stderr), failed.stderr[-2000:]
    assert site_files(site) == good_site  # not emptied, not half rewritten
    store = tree(project / "build" / "outputs" / ".store")
    assert {name: store.get(name) for name in good_store} == good_store
    assert leftovers(tmp_path, project / "build") == []


def test_a_damaged_store_is_repaired_by_the_build(make_project, tmp_path):
    project = make_project(snippets={"ch/01_ok.py": "answer = 42\n"},
                           pages={"index.md": "# Home\n", "p.md": GOOD_PAGE, "ch.md": "# Ch\n"})
    assert build(project, tmp_path / "site").returncode == 0
    stored = (project / "build" / "outputs" / "ch" / "01_ok").resolve()
    (stored / "values.json").write_text('{"answer": 4')
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "snippets/ch/01_ok.py: stored outputs" in result.stderr
    assert "The answer is 42." in (tmp_path / "site" / "p" / "index.html").read_text()
    # with execution off, damage is a stale output, which the strict build refuses
    (stored / "values.json").write_text('{"answer": 4')
    off = build(project, tmp_path / "site", SNIPPETS_EXECUTE="0")
    assert off.returncode != 0 and "out of date: snippets/ch/01_ok.py" in off.stderr


def test_the_failed_run_time_never_reaches_the_times_page(make_project, tmp_path):
    project = make_project(snippets={"ch/01_ok.py": "answer = 42\n"},
                           pages={"index.md": "# Home\n", "p.md": GOOD_PAGE, "ch.md": "# Ch\n"})
    assert build(project, tmp_path / "site").returncode == 0
    shown = json.loads((project / "build" / "outputs" / "runs.json").read_text())[0]["seconds"]
    (project / "snippets" / "ch" / "01_ok.py").write_text(
        "import time\ntime.sleep(1.5)\nanswer = 1 / 0\n")
    assert build(project, tmp_path / "site").returncode != 0
    (project / "snippets" / "ch" / "01_ok.py").write_text("answer = 42\n")
    assert build(project, tmp_path / "site", SNIPPETS_EXECUTE="0").returncode == 0
    html = (tmp_path / "site" / "execution-times" / "index.html").read_text()
    assert re.search(rf"<td[^>]*>{shown:.1f}</td>", html), html

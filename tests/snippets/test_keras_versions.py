"""The version page: every listed release probed, the answers grouped as they came."""

import pytest

from runner import releases


@pytest.fixture(scope="module")
def table(values):
    return values("01_release_table")


def test_every_listed_release_has_a_row_and_ran(table):
    listed = [r.folder for r in releases.releases()]
    assert table["folders"] == listed
    assert [r["label"].replace("Keras ", "keras-").replace("tf_keras ", "tf_keras-")
            for r in table["rows"]] == listed
    assert table["summary"]["ran"] == len(listed), [
        (r["label"], r.get("why")) for r in table["rows"] if not r["runs"]]


def test_each_release_was_imported_from_its_folder_and_reported_its_version(table):
    for row in table["rows"]:
        assert row["label"].split()[1] == row["version"], row["label"]
    for folder, answer in table["answers"].items():
        assert answer["from_folder"] is True, folder


def test_groups_are_consecutive_runs_of_identical_answers(table):
    rows, groups = table["rows"], table["groups"]
    assert sum(len(g["members"]) for g in groups) == len(rows)
    for row in rows:
        group = groups[row["group"]]
        assert row["label"] in group["members"]
        assert row["cells"] == group["cells"]
    for left, right in zip(groups, groups[1:], strict=False):
        if left["keras"] == right["keras"]:
            assert left["cells"] != right["cells"]  # else they would be one group


def test_activity_penalty_turned_from_sum_to_mean_once(table):
    kinds = [r["cells"]["activity_kind"] for r in table["rows"] if r["keras"] == "Keras"]
    assert set(kinds) == {"sum", "mean"}
    change = kinds.index("mean")
    assert kinds == ["sum"] * change + ["mean"] * (len(kinds) - change)
    assert table["reference"]["activity_kind"] == "mean"  # tf_keras
    assert table["first_mean"] == "3.14.1" and table["last_sum"] == "3.13.2"
    for row in table["rows"]:
        one, four = (float(x) for x in row["cells"]["activity"].split(" → "))
        assert one == 20.0
        assert four == {"sum": 80.0, "mean": 20.0}[row["cells"]["activity_kind"]]


def test_pinned_release_agrees_with_the_activity_chapter(table, outputs):
    """The last Keras 3 row is the pinned Keras the chapters ran."""
    assert table["summary"]["last_keras3"].split()[1] == outputs.values(
        "about/01_versions")["versions"]["Keras"]
    assert table["pinned"]["activity_kind"] == "mean"


def test_identifier_answers_the_page_states(table):
    assert table["pinned"]["get_l1_l2"] == "ValueError"
    assert table["pinned"]["get_l1l2"] == "L1L2(l1=0, l2=0)"
    assert table["reference"]["get_l1_l2"] == "L1L2(l1=0.01, l2=0.01)"
    assert table["reference"]["get_l1l2"] == "str 'l1l2'"
    changed = [title for title in table["columns"].values() if title in table["changed_text"]]
    assert changed == table["changed"]
    assert all("activity penalty" in title for title in changed)


def test_release_list_rejects_unpinned_lines():
    with pytest.raises(SystemExit, match="x.txt:2: 'keras==3.0.5' is not pinned"):
        releases.parse("# comment\nkeras-3.0.5: keras==3.0.5\n", "x.txt")
    with pytest.raises(SystemExit, match="x.txt:1: expected"):
        releases.parse("keras 3.0.5\n", "x.txt")
    parsed = releases.parse("a-1: a==1 --hash=sha256:00 b==2 --hash=sha256:11\n", "x.txt")
    assert parsed[0].requirements == ("a==1 --hash=sha256:00", "b==2 --hash=sha256:11")


def test_backend_installs_are_measured_for_every_installed_backend(values):
    from importlib.metadata import version

    from runner.engine import BACKEND_MODULE, BACKEND_NAME, installed_backends

    installs = values("02_backend_installs")["installs"]
    assert sorted(installs) == sorted(BACKEND_NAME[name] for name in installed_backends())
    for name in installed_backends():
        facts = installs[BACKEND_NAME[name]]
        assert facts["version"] == version(BACKEND_MODULE[name])
        assert 0 < facts["main_mb"] <= facts["total_mb"]
    if "torch" in installed_backends():
        assert values("02_backend_installs")["torch_version"].endswith("+cpu")

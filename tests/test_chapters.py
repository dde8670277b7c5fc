"""The one list of chapters (mkdocs.yml's "Chapters") and its naming rule: every chapter has
its page, snippets folder, test module and notebook, and every snippets folder a page."""

from pathlib import Path

from runner.chapters import Chapter, chapters, missing_parts, nav, nav_files

ROOT = Path(__file__).resolve().parents[1]


def test_every_chapter_has_all_its_parts():
    assert chapters(ROOT), "no chapters in mkdocs.yml"
    assert missing_parts(ROOT) == []


def test_the_naming_rule():
    chapter = Chapter("kernel-regularizers", "Kernel regularizers")
    assert (chapter.page, chapter.folder, chapter.test_module, chapter.notebook) == (
        "kernel-regularizers.md", "kernel_regularizers",
        "tests/snippets/test_kernel_regularizers.py", "notebooks/kernel-regularizers.ipynb")


def test_notebooks_are_not_pages_of_the_nav():
    """A chapter's notebook is a download linked from the chapter, not a second copy of the
    book in the sidebar (and "Next" from the last chapter leads out of the chapters)."""
    files = nav_files(nav(ROOT))
    assert not [file for file in files if file.endswith(".ipynb")]
    last = chapters(ROOT)[-1].page
    assert not files[files.index(last) + 1].startswith("notebooks/")


def test_missing_parts_are_named(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "nav:\n  - Home: index.md\n  - Chapters:\n      - New: new-one.md\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "new-one.md").write_text("# New\n")
    (tmp_path / "snippets" / "new_one").mkdir(parents=True)
    (tmp_path / "snippets" / "stray").mkdir()
    assert missing_parts(tmp_path) == [
        "chapter 'new-one' has no tests/snippets/test_new_one.py",
        "chapter 'new-one' has no notebooks/new-one.ipynb",
        "snippets/new_one/ has no tests/snippets/test_new_one.py",
        "snippets/stray/ has no page docs/stray.md in the nav",
        "snippets/stray/ has no tests/snippets/test_stray.py",
    ]

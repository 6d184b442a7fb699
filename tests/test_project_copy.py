"""The tests' own factory (conftest.py `project_copy`): `build(languages=…)` builds the
languages it names and no other, and a mistake in a test's list is an error, not a
build of something else."""

from __future__ import annotations

import pytest
from conftest import build_only
from sitekit import model
from sitekit.gate import project_catalogue


def build_flags(root) -> dict[str, bool]:
    return {entry["locale"]: entry.get("build", True) for entry in model.i18n_plugin_config(model.load_mkdocs_config(root))["languages"]}


def test_build_only_sets_each_languages_build_flag(project_copy):
    codes = [lang.code for lang in project_catalogue(project_copy.root).languages]
    assert all(build_flags(project_copy.root).values())
    chosen = [codes[0], codes[-1]]
    build_only(project_copy.root, chosen)
    assert build_flags(project_copy.root) == {code: code in chosen for code in codes}
    build_only(project_copy.root, codes)  # and back: every language built again
    assert all(build_flags(project_copy.root).values())


@pytest.mark.parametrize("mistake", ["default_left_out", "unknown_code"])
def test_build_only_refuses_a_list_it_cannot_build(project_copy, mistake):
    catalogue = project_catalogue(project_copy.root)
    default, other = catalogue.default.code, catalogue.languages[1].code
    languages = [other] if mistake == "default_left_out" else [default, "xx-no-such-language"]
    before = (project_copy.root / "mkdocs.yml").read_bytes()
    with pytest.raises(ValueError, match="the copy's languages are"):
        build_only(project_copy.root, languages)
    assert (project_copy.root / "mkdocs.yml").read_bytes() == before


def test_a_build_of_the_default_language_makes_no_other_languages_pages(project_copy):
    catalogue = project_catalogue(project_copy.root)
    other = catalogue.languages[1]
    build = project_copy.build(languages=[catalogue.default.code])
    assert build.returncode == 0, build.output
    assert (build.site / catalogue.url(catalogue.default.code, "trial.md") / "index.html").is_file()
    assert not (build.site / catalogue.url(other.code, "trial.md") / "index.html").exists()

"""The project's code as an installed package (pyproject.toml): what a CI deploy does,
`pip install --require-hashes -r requirements.lock && pip install --no-deps .`, puts
`sitekit` in site-packages, away from the project. The build must then find the project
through its config alone (the build never uses sitekit.model.REPO), from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from conftest import REPO, copy_project


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """`sitekit` as a non-editable install puts it: the wheel pip builds from pyproject.toml, unpacked."""
    work = tmp_path_factory.mktemp("package")
    wheel = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(work), str(REPO)],
        capture_output=True,
        text=True,
    )
    assert wheel.returncode == 0, wheel.stderr
    (built,) = work.glob("painpump_site-*.whl")
    site_packages = work / "site-packages"
    zipfile.ZipFile(built).extractall(site_packages)
    return {**os.environ, "PYTHONPATH": str(site_packages)}, site_packages


def test_the_wheel_holds_the_sitekit_package(installed):
    env, site_packages = installed
    assert (site_packages / "sitekit" / "model" / "__init__.py").is_file()
    where = subprocess.run([sys.executable, "-c", "import sitekit; print(sitekit.__file__)"], env=env, capture_output=True, text=True)
    assert where.stdout.strip() == str(site_packages / "sitekit" / "__init__.py"), where.stderr


def test_a_deploy_builds_with_the_installed_package_from_any_folder(installed, tmp_path):
    env, _ = installed
    project = tmp_path / "project"
    copy_project(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    build = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    assert (tmp_path / "site" / "es" / "search" / "search_index.json").is_file()


def test_the_scripts_find_the_project_from_their_own_location(installed, tmp_path):
    env, _ = installed
    status = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "docs.py"), "status", "--json"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert status.returncode == 0, status.stderr

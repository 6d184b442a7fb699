"""The written site, listed once every language is built, for the steps after it
(sitekit/site_files.py): they read each built file once and write through it, in the
plugin's written order (sitekit/build/plugin.py)."""

from __future__ import annotations

from sitekit.build.state import Build


def on_post_build(build: Build, config):
    if build.nested(config):
        return  # wait for the last language's build
    build.list_site(config)

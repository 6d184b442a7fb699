"""Interface strings of the language being built, for the theme overrides (`ui.*`)."""

from __future__ import annotations

from pathlib import Path

from sitekit import model


def on_env(env, config, files):
    env.globals["ui"] = model.ui_strings(config.theme["language"], Path(config.config_file_path).parent)
    return env

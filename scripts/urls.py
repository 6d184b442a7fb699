#!/usr/bin/env python3
"""Keep the published-URL contract (published-urls.txt): every address staff may share.

  check   list what is wrong: addresses of the site missing from the list, and listed
          addresses that no longer resolve (each with its fix: a redirect to add in
          mkdocs.yml, or a section id to put back)
  update  add the site's new addresses to the list (never removes one: an address that
          no longer resolves stays listed until a redirect covers it)

Both read the Markdown pages and mkdocs.yml (no build needed). Exit status: 0 all well,
1 problems found, 2 usage error or unreadable files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml
from sitekit import model, urls
from sitekit.gate import Gate
from sitekit.structure import ConfigError

ROOT = Path(__file__).resolve().parents[1]  # the project: this script lives in its scripts/ folder


def problems(root: Path, listed: list[str]) -> tuple[list[str], list[str], model.Catalogue]:
    """(configuration and broken-address problems, unlisted addresses, catalogue)."""
    gate = Gate.for_project(root)
    catalogue = gate.catalogue
    found = [p.format(root) for p in urls.redirect_problems(urls.redirect_maps(model.load_mkdocs_config(root)), gate)]
    view = urls.from_sources(gate)
    return found + urls.broken(listed, view, catalogue), urls.unlisted(listed, view, catalogue), catalogue


def cmd_check(root: Path, listed: list[str]) -> int:
    """List what is wrong, change nothing."""
    found, missing, _ = problems(root, listed)
    if missing:
        found.append(urls.unlisted_message(missing))
    for line in found:
        print(line, file=sys.stderr)
    print(f"{len(listed)} published addresses checked: {len(found)} problems.", file=sys.stderr)
    return 1 if found else 0


def cmd_update(root: Path, listed: list[str]) -> int:
    """Add the site's new addresses to the list; report the ones that no longer resolve."""
    found, missing, catalogue = problems(root, listed)
    if missing or not urls.contract_path(root).exists():
        urls.write_contract(urls.contract_path(root), [*listed, *missing], [lang.code for lang in catalogue.languages])
    for url in missing:
        print(f"added {url}")
    print(f"{urls.CONTRACT}: {len(missing)} added, {len(listed) + len(missing)} listed.")
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} problems: listed addresses are never removed; fix each as it says.", file=sys.stderr)
    return 1 if found else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/urls.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    parser.add_argument("command", choices=["check", "update"], help="check (change nothing) or update (add new addresses)")
    args = parser.parse_args(argv)
    path = urls.contract_path(args.root)
    try:
        listed = urls.read_contract(path) if path.exists() else []
        if not path.exists() and args.command == "check":
            print(f"urls.py: {urls.CONTRACT} does not exist — run `{urls.UPDATE_COMMAND}` to create it", file=sys.stderr)
            return 2
        return {"check": cmd_check, "update": cmd_update}[args.command](args.root, listed)
    except urls.ContractError as err:
        print(f"{urls.CONTRACT}:{err.line}: {err.message}", file=sys.stderr)
        return 2
    except (ConfigError, yaml.YAMLError) as err:
        first = str(err).replace("\n", " ")
        print(f"urls.py: mkdocs.yml cannot be read ({first}) — fix mkdocs.yml", file=sys.stderr)
        return 2
    except (model.PageError, OSError, KeyError) as err:
        print(f"urls.py: cannot read the pages ({err}) — run `python scripts/docs.py check` to see what is wrong", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

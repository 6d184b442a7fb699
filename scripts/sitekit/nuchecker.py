"""The Nu HTML Checker (vnu-jar, pinned in package-lock.json) run with the machine's Java:
one JVM for many files, since starting it is the slow part."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitekit import model

VNU_JAR = model.REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SETUP_HINT = "run `bash scripts/setup.sh --system` (installs Java from Debian and vnu-jar from package-lock.json)"


class CheckerMissing(RuntimeError):
    """Java or vnu.jar is not installed."""


@dataclass(frozen=True)
class NuError:
    file: Path
    line: int
    column: int
    message: str
    extract: str

    @property
    def text(self) -> str:
        """What an allow-list pattern is matched against: the message, then the markup it is about."""
        return f"{self.message} | {self.extract}"

    def format(self, root: Path | None = None) -> str:
        path = self.file.relative_to(root).as_posix() if root and self.file.is_relative_to(root) else str(self.file)
        extract = re.sub(r"\s+", " ", self.extract).strip()
        return f"{path}:{self.line}:{self.column}: {self.message} [{extract}]"


def checker_missing() -> str | None:
    """Why the checker cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return f"java is missing: {SETUP_HINT}"
    if not VNU_JAR.exists():
        return f"{VNU_JAR.relative_to(model.REPO)} is missing: {SETUP_HINT}"
    return None


def nu_errors(files: Sequence[Path]) -> list[NuError]:
    """Every error the checker reports in `files`, in one Java run."""
    reason = checker_missing()
    if reason:
        raise CheckerMissing(reason)
    if not files:
        return []
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stderr)
    except json.JSONDecodeError as err:
        raise RuntimeError(f"the Nu HTML Checker failed (exit {result.returncode}):\n{result.stderr}") from err
    errors = []
    for message in report.get("messages", []):
        if message.get("type") == "non-document-error":
            raise RuntimeError(f"the Nu HTML Checker could not check {message.get('url')}: {message.get('message')}")
        if message.get("type") != "error":
            continue
        errors.append(
            NuError(
                file=Path(unquote(urlsplit(message["url"]).path)),
                line=int(message.get("lastLine", message.get("firstLine", 0))),
                column=int(message.get("firstColumn", message.get("lastColumn", 0))),
                message=message["message"],
                extract=message.get("extract", ""),
            )
        )
    return errors


def unexpected(errors: Sequence[NuError], allowed: Sequence[tuple[str, str]]) -> list[NuError]:
    """The errors no allow-list entry (pattern, reason) matches; patterns are regular
    expressions searched in `NuError.text` (message | markup)."""
    return [error for error in errors if not any(re.search(pattern, error.text, re.S) for pattern, _ in allowed)]

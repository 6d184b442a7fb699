"""What to tell an editor, a translator or the build's log when a file cannot be written:
the disk, not the page. A full disk or a read-only folder raises OSError deep inside a
command; reported as a page problem ("run `docs.py check`"), it sends people to fix a page
that has nothing wrong with it. `write_problem` names the file and the cause."""

from __future__ import annotations

import errno

WRITING_ONLY = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}  # a read never fails so
# errno -> (cause, fix)
_CAUSES = {
    errno.ENOSPC: ("the disk is full", "free space on the disk"),
    errno.EDQUOT: ("the disk quota is used up", "free space in your quota"),
    errno.EFBIG: ("the file would be too large for the disk", "free space, or write to another disk"),
    errno.EROFS: ("the disk is read-only", "check permissions: mount the disk writable, or work in a writable copy"),
    errno.EACCES: ("permission denied", "check permissions: you must be allowed to read and write the file and its folder"),
    errno.EPERM: ("not permitted", "check permissions: you must be allowed to read and write the file and its folder"),
}


def is_disk_problem(err: BaseException) -> bool:
    """A write that failed because of the disk or its permissions (not because of what was written)."""
    return isinstance(err, OSError) and err.errno in _CAUSES


def write_problem(err: OSError, what: str | None = None, verb: str = "write") -> str:
    """`cannot write FILE: the disk is full — free space on the disk` (FILE: `what`, else the
    file the error names: a copy's target, else the file)."""
    target = what or err.filename2 or err.filename or "a file"
    cause, fix = _CAUSES.get(err.errno or 0, (err.strerror or str(err), "free space or check permissions"))
    return f"cannot {verb} {target}: {cause} — {fix}"


def build_problem(error: BaseException) -> str | None:
    """The line a failed build logs when the disk made it fail (None: something else did),
    found through the exceptions it was raised from."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError) and is_disk_problem(current):
            return f"{write_problem(current)}; nothing is wrong with the pages: build again then"
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def access_problem(err: OSError) -> str:
    """As write_problem, for an error that may come from a read as well (permissions)."""
    return write_problem(err, verb="write" if err.errno in WRITING_ONLY else "read or write")

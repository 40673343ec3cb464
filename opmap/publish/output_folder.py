"""The output folder is replaced as a set: a run writes into a fresh folder beside DIR and swaps it in.

- One run at a time per DIR: an exclusive lock (flock, released by the kernel even on `kill -9`)
  kept in the user cache folder, so nothing but opmap's outputs sits beside DIR.
- The new files are written into `.DIR.opmap-new-*` beside DIR; when all are written the two folders
  are exchanged in one step (Linux `renameat2(RENAME_EXCHANGE)`; elsewhere two renames, with the old
  folder put back by the next run if a crash falls between them), so DIR always holds one whole run.
- Files in DIR that opmap did not write are carried over into the new folder.
- The staging folder is removed on every exit Python sees; folders left by a killed run are removed
  (or, for a lost DIR, put back) by the next run into the same DIR, under the lock.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from opmap.errors import OpmapError
from opmap.userdata import cache_dir

STAGING = ".opmap-new-"
RETIRED = ".opmap-old-"
AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(second))


def leftovers(out: Path) -> list[Path]:
    """Staging and retired folders of earlier runs into `out`, beside it."""
    return sorted(p for p in out.parent.glob(f".{out.name}.opmap-*") if p.is_dir())


def _clean_leftovers(out: Path) -> None:
    """Put back a retired folder when DIR itself was lost between two renames, remove the rest."""
    found = leftovers(out)
    retired = [p for p in found if p.name.startswith(f".{out.name}{RETIRED}")]
    if not out.exists() and retired:
        retired[-1].rename(out)
        found.remove(retired[-1])
    for path in found:
        shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    key = hashlib.sha1(os.fsencode(out)).hexdigest()[:20]
    lock_path = cache_dir() / "locks" / f"out-{key}.lock"
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = lock_path.open("a")
    except OSError as exc:
        raise OpmapError(f"{lock_path}: cannot create the lock for {out} ({exc.strerror})") from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # waits while another run writes into the same folder
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def replaced_as_a_set(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder; when the body ends without error it becomes `out`."""
    out = Path(os.path.realpath(out))  # a symlinked DIR: its target folder is the one replaced
    if out.exists() and not out.is_dir():
        raise OpmapError(f"{out}: exists and is not a folder")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OpmapError(f"{out}: cannot create the output folder ({exc.strerror})") from exc
    with _locked(out):
        _clean_leftovers(out)
        try:
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}{STAGING}", dir=out.parent))
        except OSError as exc:
            raise OpmapError(f"{out}: cannot write beside the output folder ({exc.strerror})") from exc
        try:
            yield staging
            _carry_over(out, staging)
            os.chmod(staging, 0o777 & ~_umask())
            _swap_in(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _carry_over(out: Path, staging: Path) -> None:
    """Files and folders of the user's in `out` (not written by this run, not opmap's) go along."""
    if not out.is_dir():
        return
    for entry in out.iterdir():
        target = staging / entry.name
        if target.exists() or entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, target, symlinks=True)
        else:
            try:
                os.link(entry, target, follow_symlinks=False)
            except OSError:
                shutil.copy2(entry, target, follow_symlinks=False)


def _swap_in(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    if _exchange(staging, out):
        return  # staging now holds the old run; the caller removes it
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}{RETIRED}", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)

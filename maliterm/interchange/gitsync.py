"""`maliterm sync`: a team's laptops share one database through git: commit, pull, push.

Git is the distributed engine; maliterm only makes it safe for a database: before pulling it
writes our merge driver into the clone's .git/config and the `merge=maliterm` line into
.gitattributes, so a pull merges records (`maliterm merge-driver`), never lines of JSON. The
remote is any git remote: a bare repository on a USB stick (a path) or a server (a URL).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

from maliterm.errors import MalitermError

DRIVER = "maliterm"


def driver_command() -> str:
    """This very maliterm, whatever PATH says: the clone's config names the interpreter it runs in."""
    return f"{shlex.quote(sys.executable)} -m maliterm merge-driver %O %A %B %P"


class GitFailed(MalitermError):
    """A git command failed; `output` is what git said."""

    def __init__(self, title: str, output: str, msg: str) -> None:
        self.output = output
        super().__init__(title, msg=msg)


@dataclass
class Git:
    root: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        try:
            done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True,
                                  errors="replace", check=False, env={**os.environ, "GIT_MERGE_AUTOEDIT": "no"})
        except FileNotFoundError:
            raise MalitermError("git missing", msg="git is not installed (or not on PATH): maliterm sync needs "
                                "it. Install git, then run maliterm sync again.") from None
        if check and done.returncode:
            said = (done.stderr + done.stdout).strip()
            raise GitFailed(f"git {args[0]} failed", said, f"git {' '.join(args)} failed: {said}")
        return done

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def ok(self, *args: str) -> bool:
        return self.run(*args, check=False).returncode == 0


def repo_of(db: Path) -> tuple[Git, str]:
    """The git clone holding `db` and the file's path inside it (with / separators)."""
    folder = db.resolve().parent
    done = Git(folder).run("rev-parse", "--show-toplevel", check=False)
    if done.returncode:
        raise MalitermError("not a git repository", msg=(
            f"{db} is not in a git repository, so there is nothing to sync with. Either clone the team's "
            f"shared repository (git clone /media/usb/team.git) and use its db.json, or start one here: "
            f"git -C {shlex.quote(str(folder))} init, then maliterm sync REMOTE."))
    root = Path(done.stdout.strip())
    return Git(root), db.resolve().relative_to(root.resolve()).as_posix()


def configure(git: Git, rel: str) -> None:
    """Our merge driver for `rel`, in this clone's config and .gitattributes; the lock file ignored."""
    if git.run("config", f"merge.{DRIVER}.driver", check=False).stdout.strip() != driver_command():
        git.run("config", f"merge.{DRIVER}.name", "maliterm database merge")
        git.run("config", f"merge.{DRIVER}.driver", driver_command())
    if git.out("check-attr", "merge", "--", rel).rsplit(": ", 1)[-1] != DRIVER:
        attributes = git.root / ".gitattributes"
        old = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
        pattern = "/" + rel.replace(" ", "[[:space:]]")  # a space would end the pattern
        attributes.write_text(old + ("" if not old or old.endswith("\n") else "\n") + f"{pattern} merge={DRIVER}\n",
                              encoding="utf-8")
    exclude = Path(git.out("rev-parse", "--git-path", "info/exclude"))
    exclude = exclude if exclude.is_absolute() else git.root / exclude
    lock = f"/{rel}.lock"
    old = exclude.read_text(encoding="utf-8") if exclude.exists() else ""
    if lock not in old.splitlines():
        exclude.parent.mkdir(parents=True, exist_ok=True)
        exclude.write_text(old + ("" if not old or old.endswith("\n") else "\n") + lock + "\n", encoding="utf-8")


def _records(raw: bytes) -> dict[tuple[str, str], object]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    if not isinstance(data, dict):
        return {}
    # The change log is a record of edits, not an edit: leave it out of the count.
    return {(t, rid): rec for t, recs in data.items() if t != "changes" and isinstance(recs, dict)
            for rid, rec in recs.items()}


def change_count(before: bytes, after: bytes) -> str:
    """`3 records changed (1 added, 2 edited)`: what a commit of the database holds."""
    old, new = _records(before), _records(after)
    added = len(new.keys() - old.keys())
    deleted = len(old.keys() - new.keys())
    edited = sum(1 for k in new.keys() & old.keys() if new[k] != old[k])
    parts = [f"{n} {word}" for n, word in ((added, "added"), (edited, "edited"), (deleted, "deleted")) if n]
    total = added + edited + deleted
    return f"{total} record{'' if total == 1 else 's'} changed" + (f" ({', '.join(parts)})" if parts else "")


def commit(git: Git, rel: str) -> str | None:
    """Commit the database and .gitattributes if either changed; the commit message, or None."""
    paths = [rel] + [".gitattributes"] * (git.root / ".gitattributes").exists()
    if not git.out("status", "--porcelain", "--", *paths):
        return None
    head = git.run("show", f"HEAD:{rel}", check=False)
    before = head.stdout.encode() if head.returncode == 0 else b""
    message = "maliterm sync: " + change_count(before, (git.root / rel).read_bytes())
    git.run("add", "--", *paths)
    git.run("commit", "-q", "-m", message, "--", *paths)
    return message


def conflicted(git: Git) -> list[str]:
    return git.out("diff", "--name-only", "--diff-filter=U").splitlines()


def pick_remote(git: Git, remote: str | None) -> str:
    remotes = git.out("remote").split()
    if remote is None:
        if not remotes:
            raise MalitermError("no remote", msg="this clone has no remote to sync with: give one, a bare "
                                "repository on a USB stick (maliterm sync /media/usb/team.git) or a git URL.")
        return "origin" if "origin" in remotes else remotes[0]
    if remote not in remotes and os.path.exists(remote):
        remote = str(Path(remote).resolve())  # git runs in the clone: a path is the user's, from here
    if not remotes and remote not in remotes:
        git.run("remote", "add", "origin", remote)  # remembered: next time `maliterm sync` alone will do
        return "origin"
    return remote


def sync(db: Path, remote: str | None, say: Callable[[str], None]) -> None:
    """Commit `db`, pull REMOTE merging records, push; raises MalitermError with what to do on failure.

    The caller holds the database's writer lock and has checked the file is valid.
    """
    git, rel = repo_of(db)
    configure(git, rel)
    if git.ok("rev-parse", "-q", "--verify", "MERGE_HEAD"):  # finishing a merge that stopped for a person
        if others := [p for p in conflicted(git) if p != rel]:
            raise MalitermError("merge in progress", msg=f"git is merging and other files have conflicts: "
                                f"{', '.join(others)}. Resolve them, git add them, then maliterm sync again.")
        git.run("add", "--", rel)
        git.run("commit", "-q", "--no-edit")
        say(f"finished the merge of {rel}")
    elif message := commit(git, rel):
        say(f"committed: {message}")
    target = pick_remote(git, remote)
    shown = target if target == remote or remote is None else f"{remote} ({target})"
    branch = git.run("symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
    if not branch:
        raise MalitermError("no branch", msg="this clone is not on a branch (a detached HEAD): "
                            "git switch to one, then maliterm sync again.")
    try:
        there = git.out("ls-remote", "--heads", target, f"refs/heads/{branch}")
    except GitFailed as exc:
        raise MalitermError("remote unreachable", msg=f"cannot reach {shown}: {exc.output} "
                            "(a USB stick not mounted? no network?). Nothing was pulled or pushed; "
                            "your commit is kept: maliterm sync again later.") from None
    if there:
        pulled = git.run("pull", "-q", "--no-rebase", "--no-edit", target, branch, check=False)
        said = (pulled.stderr + pulled.stdout).strip()
        if pulled.returncode:
            if rel in conflicted(git):
                raise MalitermError("conflicts to choose", msg=f"{said}\n\nNothing is lost: {rel} holds both sides. "
                                    "When you have looked at the conflicts above, run maliterm sync again: "
                                    "it commits the merge and pushes.")
            raise MalitermError("pull failed", msg=f"git pull {shown} {branch} failed: {said}")
        if said:
            say(said)  # the merge driver's report: what came in, what was kept, collisions
        say(f"pulled {branch} from {shown}")
    try:
        git.run("push", "-q", target, f"HEAD:refs/heads/{branch}")
    except GitFailed as exc:
        raise MalitermError("push failed", msg=f"pushing to {shown} failed: {exc.output} "
                            "(someone may have pushed meanwhile: maliterm sync again).") from None
    say(f"pushed {branch} to {shown}")

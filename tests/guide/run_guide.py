#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Run every command of a Markdown guide, in order, and check what they print (CTest: guide).

Written in Python rather than as a Boost.Test area: the guide is a reader typing shell commands,
so the natural harness is a shell session driven from a script, and reading Markdown and matching
text is a few lines of the standard library (like tests/ci/test_check_citations.py).

Conventions of a guide (docs/writing-a-plugin.md states them at its top):

- A fenced block tagged `sh` holds commands. Every command of every `sh` block runs, in order, in
  one continuing session: the working folder and exported variables carry over from one command
  to the next, as for a reader typing them. A command is a line, or the lines up to where
  `bash -n` accepts the text (a trailing backslash, an open quote). Each must exit with status 0
  unless an annotation says otherwise. Blank lines and comment lines are not commands.
- A line `Save as `NAME`:` followed by a fenced block (any tag) writes that block to NAME in the
  current folder of the session. Prose that looks like one (`Save it as `NAME`:`) is an error.
- A block that follows an `sh` block with nothing but blank lines and annotations between them
  is that block's output (whatever its tag; usually `text`): each of its lines must be a line of
  the output (stdout and stderr of all the block's commands), compared with runs of spaces
  folded (table widths vary).
  `$PWD`, `$SPARK_PREFIX` and `$HOME` in it stand for the session's values. `...` stands for any
  text (what the guide left out, or what varies between runs: timings, addresses), and a value
  cut short by it (`76ff586a...`, a hash) for any value; a line that is only `...` is not
  checked. Any other block that is not `sh` and has no `Save as` (an equation, a diagram, a
  C++ excerpt after some prose) is an illustration and is not run.
- A fenced block without a tag, or tagged like a shell session (`bash`, `shell`, `console`), is an
  error: tag commands `sh` and outputs or illustrations `text`. So is an unterminated block.
  Blocks count at any indentation (inside list items too).

Annotations are HTML comments alone on their lines, right before a block (only blank lines or
other annotations between), one directive each; the text after the directive's last argument,
from a colon on, is its reason (required where noted). Arguments are in backticks (or in
double quotes, for one that holds a backtick).

  <!-- guide-test: exit N `COMMAND` -->            the command of the next sh block that contains
                                                   COMMAND (exactly one must) exits with status N
  <!-- guide-test: output contains `TEXT` -->       the next sh block's output contains TEXT
  <!-- guide-test: replace `FIRST` through `LAST` with `SHELL`: REASON -->
  <!-- guide-test: replace `COMMAND` with `SHELL`: REASON -->
                                                   the commands from the one containing FIRST to
                                                   the one containing LAST are not run; SHELL
                                                   runs in their place (it may use $GUIDE_SOURCE
                                                   and $GUIDE_PREFIX, below)
  <!-- guide-test: output not checked: REASON -->   the next text block is not compared with the
                                                   output before it

Any other `guide-test:` comment, or one that is not right before a block it applies to, is an
error. Nothing is skipped silently.

The session starts in a fresh temporary folder, which is also $HOME, with a minimal environment
(PATH, the locale C.UTF-8, the sanitizers' options). $GUIDE_SOURCE is the source folder given
with --source, and $GUIDE_PREFIX a copy of the install given with --prefix (at $HOME/spark; a
copy because the guide installs its plugin into it).

On the first failure the runner prints the block's line in the guide, the command, its exit
status and output, and what was expected, and exits with status 1; a guide it cannot read exits
with status 2 before running anything.

Usage:
  run_guide.py GUIDE [--prefix DIR] [--source DIR] [--keep]
  run_guide.py --self-test DIR     each Markdown file in DIR must pass or fail as its first
                                   line says (tests/guide/data)
"""

import argparse
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import List, Optional

COMMAND_TIMEOUT_S = 300  # one command; CTest's TIMEOUT bounds the whole run
SESSION_TOOLS = ("bash", "env")
# Tags that look like commands but would not run: refused, so a command is never skipped silently.
SHELL_LIKE_TAGS = ("bash", "shell", "console", "shell-session", "zsh")
# What the guide's outputs write for the session's paths.
PLACEHOLDERS = ("$SPARK_PREFIX", "$HOME", "$PWD")
# The environment a reader's fresh shell needs; everything else of the caller's stays out (a
# CMAKE_GENERATOR, MAKEFLAGS of an outer make, a SPARK_PLUGIN_PATH would change the results).
KEPT_VARIABLES = ("PATH", "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
                  "TSAN_OPTIONS")


class GuideError(Exception):
    """The guide cannot be read: a block or an annotation the runner does not understand."""


class CheckFailure(Exception):
    """A command failed, or printed something other than the guide says."""


@dataclass
class Directive:
    line: int  # 1-based line of the annotation in the guide
    kind: str  # exit, contains, replace, unchecked
    args: List[str]
    status: int = 0


@dataclass
class Block:
    line: int  # 1-based line of the opening fence
    tag: str
    body: List[str]
    directives: List[Directive] = field(default_factory=list)
    save_as: Optional[str] = None
    output_of: Optional["Block"] = None  # the sh block right before, whose output this is


# --------------------------------------------------------------------------------------------------
# Reading the guide

# Any indentation: a block inside a list item is still a block (never skipped for its indent).
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*$")
SAVE_AS = re.compile(r"^Save as `([^`]+)`:\s*$")
# Prose that looks like a "Save as" line but is not one: its block would silently not be saved.
SAVE_AS_LIKE = re.compile(r"\bsave\b.*`[^`]+`\s*:\s*$", re.I)
QUOTED = r"(`[^`]*`|\"[^\"]*\")"  # in backticks, or in double quotes when it has a backtick
DIRECTIVES = [
    ("exit", re.compile(r"^exit (\d+) " + QUOTED + r"(.*)$", re.S)),
    ("contains", re.compile(r"^output contains " + QUOTED + r"(.*)$", re.S)),
    ("replace", re.compile(r"^replace " + QUOTED + r" through " + QUOTED + r" with " + QUOTED +
                           r"(.*)$", re.S)),
    ("replace", re.compile(r"^replace " + QUOTED + r" with " + QUOTED + r"(.*)$", re.S)),
    ("unchecked", re.compile(r"^output not checked(.*)$", re.S)),
]
NEEDS_REASON = ("replace", "unchecked")


def parse_directive(text, line):
    for kind, pattern in DIRECTIVES:
        match = pattern.match(text)
        if not match:
            continue
        groups = list(match.groups())
        reason = groups.pop().strip()
        groups = [g if kind == "exit" and g.isdigit() else g[1:-1] for g in groups]
        if reason and not reason.startswith(":"):
            raise GuideError(f"line {line}: unexpected text after the annotation's arguments: "
                             f"'{reason}' (a reason starts with a colon)")
        if kind in NEEDS_REASON and not reason[1:].strip():
            raise GuideError(f"line {line}: the annotation '{text}' needs a reason after a colon: "
                             "say why the guide's commands or output cannot be used as written")
        directive = Directive(line, kind, groups)
        if kind == "exit":
            directive.status = int(groups[0])
            directive.args = groups[1:]
        if kind == "replace" and len(groups) == 2:
            directive.args = [groups[0], groups[0], groups[1]]
        return directive
    raise GuideError(
        f"line {line}: unknown guide-test annotation '{text}'; known: exit N `COMMAND`, "
        "output contains `TEXT`, replace `FIRST` [through `LAST`] with `SHELL`: REASON, "
        "output not checked: REASON")


def read_guide(path):
    """The guide's fenced blocks, with their annotations and save targets, in order."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = []
    pending = []  # directives waiting for their block
    save_as = None  # (name, line) of a "Save as" waiting for its block
    last_sh = None  # the sh block a text block may be the output of
    i = 0
    while i < len(lines):
        text = lines[i]
        stripped = text.strip()
        if stripped.startswith("<!--"):
            start = i
            comment = stripped
            while "-->" not in comment:
                i += 1
                if i == len(lines):
                    raise GuideError(f"line {start + 1}: HTML comment is never closed")
                comment += "\n" + lines[i].strip()
            if not comment.endswith("-->"):
                raise GuideError(f"line {i + 1}: text after an HTML comment on its line")
            inner = comment[4:-3].strip()
            if inner.startswith("guide-test:"):
                if save_as:
                    raise GuideError(f"line {start + 1}: annotation between 'Save as' (line "
                                     f"{save_as[1]}) and its block")
                pending.append(parse_directive(inner[len("guide-test:"):].strip(), start + 1))
            elif re.match(r"guide[- _]?test\b", inner, re.I):
                raise GuideError(f"line {start + 1}: malformed annotation '{inner[:60]}'; write "
                                 "<!-- guide-test: DIRECTIVE -->")
            i += 1
            continue
        fence = FENCE.match(text)
        if fence:
            indent, marker, tag = fence.groups()
            start = i
            body = []
            i += 1
            while i < len(lines):
                close = lines[i].strip()
                if close.startswith(marker[0] * len(marker)) and set(close) == {marker[0]}:
                    break
                body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
                i += 1
            else:
                raise GuideError(f"line {start + 1}: fenced block is never closed")
            if not tag:
                raise GuideError(f"line {start + 1}: fenced block without a language tag: tag "
                                 "commands ```sh and outputs or illustrations ```text")
            if tag in SHELL_LIKE_TAGS:
                raise GuideError(f"line {start + 1}: block tagged '{tag}': tag commands ```sh "
                                 "(the runner runs those) and outputs ```text")
            block = Block(start + 1, tag, body, pending)
            if save_as:
                block.save_as = save_as[0]
                save_as = None
            # Whatever its tag (json for a file printed with cat): a block that directly
            # follows commands reads as their output, so it is checked as one.
            if tag != "sh" and last_sh is not None and not block.save_as:
                block.output_of = last_sh
            check_directives(block)
            blocks.append(block)
            pending = []
            last_sh = block if tag == "sh" and not block.save_as else None
            i += 1
            continue
        if "<!--" in text and re.search(r"<!--\s*guide[- _]?test", text, re.I):
            raise GuideError(f"line {i + 1}: an annotation must be alone on its line(s)")
        if stripped:
            if pending:
                raise GuideError(f"line {pending[0].line}: annotation is not right before a "
                                 f"block (text follows on line {i + 1})")
            if save_as:
                raise GuideError(f"line {save_as[1]}: 'Save as `{save_as[0]}`:' is not followed "
                                 f"by a fenced block (text on line {i + 1})")
            saved = SAVE_AS.match(stripped)
            if saved:
                save_as = (saved.group(1), i + 1)
            elif SAVE_AS_LIKE.search(stripped):
                raise GuideError(f"line {i + 1}: '{stripped}' looks like a 'Save as' line; write "
                                 "exactly 'Save as `NAME`:' so that the block after it is saved")
            last_sh = None
        i += 1
    if pending:
        raise GuideError(f"line {pending[0].line}: annotation at the end, before no block")
    if save_as:
        raise GuideError(f"line {save_as[1]}: 'Save as' at the end, before no block")
    return blocks


def check_directives(block):
    for d in block.directives:
        if d.kind in ("exit", "contains", "replace") and (block.tag != "sh" or block.save_as):
            raise GuideError(f"line {d.line}: this annotation applies to an sh block, but the "
                             f"block at line {block.line} is '{block.tag}'")
        if d.kind == "unchecked" and block.output_of is None:
            raise GuideError(f"line {d.line}: 'output not checked' applies to a text block "
                             f"right after an sh block; the block at line {block.line} is not one")


# --------------------------------------------------------------------------------------------------
# Commands of an sh block

@dataclass
class Command:
    line: int  # 1-based line in the guide
    text: str
    status: int = 0  # expected exit status
    replaced: bool = False  # shell put in place of guide commands by a replace annotation


def is_complete(text):
    return subprocess.run(["bash", "-n", "-c", text], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


def split_commands(block):
    """The commands of an sh block, each with its line; a command ends where bash accepts it."""
    commands = []
    current, first = [], 0
    for offset, text in enumerate(block.body):
        if not current and (not text.strip() or text.strip().startswith("#")):
            continue
        if not current:
            first = block.line + 1 + offset
        current.append(text)
        joined = "\n".join(current)
        if not joined.endswith("\\") and is_complete(joined):
            commands.append(Command(first, joined))
            current = []
    if current:
        raise GuideError(f"line {first}: the command starting here is incomplete or not valid "
                         "shell: " + " ".join(current)[:120])
    return commands


def find_one(commands, needle, directive):
    found = [i for i, c in enumerate(commands) if needle in c.text and not c.replaced]
    if len(found) != 1:
        raise GuideError(f"line {directive.line}: `{needle}` matches {len(found)} commands of "
                         "the block after it; it must match exactly one")
    return found[0]


def plan_commands(block):
    """The block's commands after its annotations: replaced ranges, expected statuses."""
    commands = split_commands(block)
    for d in block.directives:
        if d.kind == "replace":
            first = find_one(commands, d.args[0], d)
            last = find_one(commands, d.args[1], d)
            if last < first:
                raise GuideError(f"line {d.line}: `{d.args[1]}` comes before `{d.args[0]}`")
            commands[first:last + 1] = [Command(commands[first].line, d.args[2], replaced=True)]
    for d in block.directives:
        if d.kind == "exit":
            commands[find_one(commands, d.args[0], d)].status = d.status
    if not commands:
        raise GuideError(f"line {block.line}: sh block without a command")
    return commands


# --------------------------------------------------------------------------------------------------
# The session

class Session:
    """A shell session in which each command runs in its own bash, started in the folder and
    with the environment the previous one left (so each has its own status, output and
    timeout)."""

    def __init__(self, home, source, prefix):
        self.home = home
        self.cwd = home
        self.state = tempfile.mkdtemp(prefix="guide-session-")
        self.env = {k: os.environ[k] for k in KEPT_VARIABLES if k in os.environ}
        self.env.update(HOME=home, LANG="C.UTF-8", LC_ALL="C.UTF-8", TERM="dumb", PWD=home)
        if source:
            self.env["GUIDE_SOURCE"] = source
        if prefix:
            self.env["GUIDE_PREFIX"] = prefix
        # `python3` in the guide is the interpreter running this script: the one CMake chose
        # (Debian's, with python3-numpy, as a reader on Debian 12 has it), not whatever another
        # python3 earlier on the caller's PATH (a pyenv shim) would be.
        tools = os.path.join(self.state, "bin")
        os.mkdir(tools)
        os.symlink(sys.executable, os.path.join(tools, "python3"))
        self.env["PATH"] = tools + os.pathsep + self.env.get("PATH", os.defpath)

    def close(self):
        shutil.rmtree(self.state, ignore_errors=True)

    def run(self, text):
        """Runs one command; returns (exit status, stdout and stderr interleaved)."""
        cwd_file = os.path.join(self.state, "cwd")
        env_file = os.path.join(self.state, "env")
        trailer = (f"trap '__guide_status=$?; pwd > \"{cwd_file}\"; env -0 > \"{env_file}\"; "
                   "exit $__guide_status' EXIT\n")
        for name in (cwd_file, env_file):
            if os.path.exists(name):
                os.remove(name)
        # Its own process group, so that a command that hangs is ended with all it started.
        process = subprocess.Popen(["bash", "-c", trailer + text], cwd=self.cwd, env=self.env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            stdout, _ = process.communicate(timeout=COMMAND_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, _ = process.communicate()
            out = stdout.decode("utf-8", "replace")
            return None, out + f"\n(killed after {COMMAND_TIMEOUT_S} s)"
        if os.path.exists(cwd_file) and os.path.exists(env_file):
            with open(cwd_file, encoding="utf-8") as f:
                self.cwd = f.read().rstrip("\n")
            with open(env_file, "rb") as f:
                entries = f.read().decode("utf-8", "replace").split("\0")
            env = dict(e.split("=", 1) for e in entries if "=" in e)
            for transient in ("_", "SHLVL", "OLDPWD"):
                env.pop(transient, None)
            self.env = env
        return process.returncode, stdout.decode("utf-8", "replace")

    def value(self, name):
        return self.cwd if name == "$PWD" else self.env.get(name[1:], "")


# --------------------------------------------------------------------------------------------------
# Checking outputs

ABRIDGED = re.compile(r"\w*\.\.\.")


def line_pattern(expected):
    """A regex for one expected output line: spaces folded, `...` (and a value cut short by it)
    matching anything."""
    parts = ABRIDGED.split(expected.strip())
    words = [r"\s+".join(re.escape(w) for w in part.split()) for part in parts]
    pieces = []
    for index, part in enumerate(parts):
        if index:
            pieces.append(r".*")
        # Spaces next to `...` are optional: the elided text may have been a column's padding.
        if part[:1].isspace():
            pieces.append(r"\s*")
        pieces.append(words[index])
        if part[-1:].isspace():
            pieces.append(r"\s*")
    return re.compile("".join(pieces))


def substitute(text, values):
    for name in PLACEHOLDERS:
        text = text.replace(name, values[name])
    return text


def missing_lines(block, output, values):
    """The lines of a text block (line number, text) that are not lines of the output."""
    actual = [" ".join(line.split()) for line in output.split("\n")]
    missing = []
    for offset, expected in enumerate(block.body):
        if not expected.strip() or expected.strip() == "...":
            continue
        wanted = substitute(expected, values)
        if not any(line_pattern(wanted).fullmatch(line) for line in actual):
            closest = difflib.get_close_matches(" ".join(wanted.split()), actual, n=1)
            missing.append((block.line + 1 + offset, expected, closest[0] if closest else None))
    return missing


# --------------------------------------------------------------------------------------------------
# Running a guide

def indent(text, prefix="    "):
    return "\n".join(prefix + line for line in text.rstrip("\n").split("\n")) or prefix


def run_guide(guide, source, prefix, keep):
    blocks = read_guide(guide)
    plans = {id(b): plan_commands(b) for b in blocks if b.tag == "sh" and not b.save_as}
    work = tempfile.mkdtemp(prefix="guide-")
    home = os.path.join(work, "home")
    os.mkdir(home)
    install = None
    if prefix:
        install = os.path.join(home, "spark")
        shutil.copytree(prefix, install, symlinks=True)
    session = Session(home, source, install)
    print(f"running {guide} in {home}")
    try:
        outputs = {}
        values_at = {}
        for block in blocks:
            if block.save_as:
                path = os.path.join(session.cwd, block.save_as)
                os.makedirs(os.path.dirname(path), exist_ok=True)  # as an editor would
                with open(path, "w", encoding="utf-8") as f:
                    f.write("\n".join(block.body) + "\n")
                print(f"line {block.line}: saved {block.save_as}")
            elif block.tag == "sh":
                values_at[id(block)] = {n: session.value(n) for n in PLACEHOLDERS}
                outputs[id(block)] = run_block(session, block, plans[id(block)],
                                               values_at[id(block)])
            elif block.output_of is not None:
                if any(d.kind == "unchecked" for d in block.directives):
                    print(f"line {block.line}: output not checked (annotated)")
                    continue
                sh = block.output_of
                missing = missing_lines(block, outputs[id(sh)], values_at[id(sh)])
                if missing:
                    raise CheckFailure(
                        f"line {block.line}: the output of the sh block at line {sh.line} lacks "
                        "these lines of the guide (spaces folded, `...` matching anything):\n" +
                        "\n".join(f"  line {n}: {text}" +
                                  (f"\n    closest output line: {near}" if near else "")
                                  for n, text, near in missing) +
                        "\nthe commands:\n" +
                        indent("\n".join(c.text for c in plans[id(sh)])) +
                        "\ntheir output:\n" + indent(outputs[id(sh)]))
                print(f"line {block.line}: output matches")
        print(f"{guide}: every command ran as the guide says")
        return 0
    except CheckFailure as e:
        print(f"{guide}:{e}", file=sys.stderr)
        print(f"(session folder: {home}{'' if keep else ', removed'})", file=sys.stderr)
        return 1
    finally:
        session.close()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def run_block(session, block, commands, values):
    output = ""
    for command in commands:
        status, out = session.run(command.text)
        output += out
        shown = "(in place of the guide's) " if command.replaced else ""
        if status != command.status:
            raise CheckFailure(
                f"line {command.line}: {shown}command "
                f"{'did not finish' if status is None else f'exited with status {status}'}, "
                f"expected exit status {command.status}:\n{indent(command.text)}\nin {session.cwd}; its output:\n" +
                indent(out))
        print(f"line {command.line}: {shown}{command.text.splitlines()[0]} (status {status})")
    for d in block.directives:
        if d.kind == "contains" and substitute(d.args[0], values) not in output:
            raise CheckFailure(
                f"line {d.line}: the output of the sh block at line {block.line} does not "
                f"contain `{d.args[0]}`; the commands:\n" +
                indent("\n".join(c.text for c in commands)) + "\ntheir output:\n" + indent(output))
    return output


# --------------------------------------------------------------------------------------------------
# Self-tests: small guides under tests/guide/data, each saying on its first line what must happen

EXPECTATION = re.compile(r"^<!-- self-test: (passes|fails with `(.+)`) -->$")


def self_test(folder):
    me = os.path.abspath(__file__)
    names = sorted(n for n in os.listdir(folder) if n.endswith(".md"))
    if not names:
        print(f"no *.md in {folder}", file=sys.stderr)
        return 2
    failures = 0
    for name in names:
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as f:
            first = f.readline().strip()
        expected = EXPECTATION.match(first)
        if not expected:
            print(f"{name}: first line must be <!-- self-test: passes --> or "
                  "<!-- self-test: fails with `MESSAGE` -->", file=sys.stderr)
            failures += 1
            continue
        done = subprocess.run([sys.executable, me, path], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120)
        out = done.stdout.decode("utf-8", "replace")
        if expected.group(1) == "passes":
            ok = done.returncode == 0
            want = "exit status 0"
        else:
            ok = done.returncode != 0 and expected.group(2) in out
            want = f"a non-zero exit status and `{expected.group(2)}` in the output"
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
        if not ok:
            failures += 1
            print(f"  expected {want}; got exit status {done.returncode} and:\n{indent(out)}",
                  file=sys.stderr)
    print(f"{len(names)} self-tests, {failures} failures")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("guide", nargs="?", help="the Markdown guide to run")
    parser.add_argument("--source", help="the source folder ($GUIDE_SOURCE in the session)")
    parser.add_argument("--prefix", help="a Spark install, copied to $GUIDE_PREFIX")
    parser.add_argument("--keep", action="store_true", help="keep the session folder")
    parser.add_argument("--self-test", metavar="DIR", help="run the runner's own tests")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress and failures in the order they happen
    for tool in SESSION_TOOLS:
        if shutil.which(tool) is None:
            print(f"run_guide.py: '{tool}' is not on PATH; the session needs it", file=sys.stderr)
            return 2
    if args.self_test:
        return self_test(args.self_test)
    if not args.guide:
        parser.error("give a guide, or --self-test DIR")
    try:
        return run_guide(args.guide, args.source and os.path.abspath(args.source),
                         args.prefix and os.path.abspath(args.prefix), args.keep)
    except GuideError as e:
        print(f"{args.guide}:{e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

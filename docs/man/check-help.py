#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The man page and --help cannot drift (TAP).

    check-help.py PROGRAM MANPAGE

Runs PROGRAM --help and, for every command its help lists under "Commands:",
PROGRAM COMMAND --help. Every option printed there must be documented in the
man page (a .TP tag line of its OPTIONS or COMMANDS section), every option
documented there must be printed by some --help, the commands must be the
same, every exit status the help names must have an entry under EXIT STATUS,
and the page must format without groff warnings (as lintian checks it),
where groff is installed."""
import os
import re
import shutil
import subprocess
import sys

OPTION_IN_HELP = re.compile(r"^\s+(?:(-[A-Za-z0-9]), )?(--[A-Za-z0-9][A-Za-z0-9-]*)")
# In roff a hyphen of an option is written \- ; long options first, then -h.
LONG_IN_ROFF = re.compile(r"\\-\\-([A-Za-z0-9][A-Za-z0-9\\-]*)")
SHORT_IN_ROFF = re.compile(r"(?<![\\A-Za-z0-9-])\\-([A-Za-z0-9])\b")
FONT_MACRO = re.compile(r"^\.(?:B|I|BI|BR|IB|IR|RB|RI)\s+")

results = []


def check(ok, description, detail=""):
    results.append((ok, description, detail))


def run_help(argv):
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("LANGUAGE", None)
    done = subprocess.run(argv + ["--help"], env=env, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


def help_options(text):
    options = set()
    for line in text.splitlines():
        m = OPTION_IN_HELP.match(line)
        if m:
            options.update(o for o in m.groups() if o)
    return options


def help_commands(text):
    commands, inside = [], False
    for line in text.splitlines():
        if line.strip() == "Commands:":
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            commands.append(line.split()[0])
    return commands


def man_sections(path):
    """Returns {section name: [tag lines of its .TP entries]}."""
    sections, current, lines = {}, None, open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(".SH"):
            current = line[3:].strip().strip('"')
            sections.setdefault(current, [])
        elif line.startswith(".TP") and current and i + 1 < len(lines):
            sections[current].append(lines[i + 1])
    return sections


def roff_options(tag):
    options = {"--" + o.replace("\\-", "-") for o in LONG_IN_ROFF.findall(tag)}
    options.update("-" + o for o in SHORT_IN_ROFF.findall(LONG_IN_ROFF.sub("", tag)))
    return options


def roff_command(tag):
    word = FONT_MACRO.sub("", tag).split()[0].strip('"')
    return word.replace("\\-", "-")


def main():
    program, manpage = sys.argv[1], sys.argv[2]
    name = os.path.basename(program)
    page = os.path.basename(manpage)

    status, text = run_help([program])
    check(status == 0, f"{name} --help exits 0", text if status else "")
    printed = {f"{name} --help": help_options(text)}
    commands = help_commands(text)
    for command in commands:
        sub_status, sub_text = run_help([program, command])
        check(sub_status == 0, f"{name} {command} --help exits 0", sub_text if sub_status else "")
        printed[f"{name} {command} --help"] = help_options(sub_text)

    sections = man_sections(manpage)
    documented = set()
    for section in ("OPTIONS", "COMMANDS"):
        for tag in sections.get(section, []):
            documented |= roff_options(tag)
    check(bool(documented), f"{page} documents options in .TP entries")

    for source, options in printed.items():
        missing = sorted(options - documented)
        check(not missing, f"every option of `{source}` is in {page}", " ".join(missing))
    everything = set().union(*printed.values())
    extra = sorted(documented - everything)
    check(not extra, f"every option in {page} is printed by --help", " ".join(extra))

    in_man = [roff_command(tag) for tag in sections.get("COMMANDS", [])]
    check(sorted(commands) == sorted(in_man),
          f"commands of `{name} --help` and {page} COMMANDS agree",
          f"--help: {commands}; man page: {in_man}")

    statuses = [roff_command(tag) for tag in sections.get("EXIT STATUS", [])]
    check(bool(statuses) and all(s.isdigit() for s in statuses), f"{page} has an EXIT STATUS list",
          f"{statuses}")
    named = re.search(r"^Exit status:(.*)$", text, re.M)
    if named:
        codes = re.findall(r"\b(\d+) ", named.group(1))
        missing = sorted(set(codes) - set(statuses))
        check(not missing, f"every exit status of `{name} --help` is in {page}", " ".join(missing))
    check("EXAMPLES" in sections, f"{page} has EXAMPLES")

    # groff -ww: every warning; -z: format but print nothing. The same
    # warnings make lintian's groff-message tag. groff-base is in every
    # Debian installation but minimal containers; the package build
    # (Build-Depends) and lintian always check it.
    notes = []
    if shutil.which("groff"):
        env = dict(os.environ, LC_ALL="C.UTF-8")
        groff = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", manpage], env=env,
                               capture_output=True, text=True)
        check(groff.returncode == 0 and not groff.stderr.strip(), f"{page} formats without groff warnings",
              groff.stderr)
    else:
        notes.append("groff not installed: formatting not checked here (no test point)")

    for number, (ok, description, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {number} - {description}")
        if not ok and detail:
            for line in detail.strip().splitlines():
                print(f"# {line}")
    for note in notes:
        print(f"# {note}")
    print(f"1..{len(results)}")
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())

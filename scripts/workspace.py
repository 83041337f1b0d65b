#!/usr/bin/env python3
"""What scripts/test needs to know about the workspace, read from `cargo metadata`.

    workspace.py publishable     the crates meant for crates.io (`publish` not false), one a line
    workspace.py clippy-plan     NAME<TAB>FLAGS lines: each publishable crate on its own, with its
                                 default features, and with all features (or none) where it has any
"""

import json
import subprocess
import sys


def metadata(no_deps):
    cmd = ["cargo", "metadata", "--format-version", "1", "--locked"]
    if no_deps:
        cmd.append("--no-deps")
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE).stdout
    return json.loads(out)


def publishable(meta):
    members = set(meta["workspace_members"])
    return [
        p
        for p in meta["packages"]
        if p["id"] in members and p["publish"] != []
    ]


def cmd_publishable():
    for p in publishable(metadata(no_deps=True)):
        print(p["name"])


def cmd_clippy_plan():
    for p in publishable(metadata(no_deps=True)):
        print(f"{p['name']}\t")
        optional = [f for f in p["features"] if f != "default"]
        if optional:
            print(f"{p['name']}\t--all-features")
        if p["features"].get("default"):
            print(f"{p['name']}\t--no-default-features")


COMMANDS = {
    "publishable": cmd_publishable,
    "clippy-plan": cmd_clippy_plan,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]]()

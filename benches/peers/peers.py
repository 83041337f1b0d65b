"""Times the Python peers over the AWS managed policy corpus, in-process, best of N runs.

policyuniverse: wildcard expansion of every statement's actions (expand_policy).
parliament: linting every policy (analyze_policy_string).
cloudsplaining: scanning every policy for risky actions (scan_policy, the function behind
`cloudsplaining scan-policy-file`, with its default exclusions), the peer of our audit.
Prints one JSON object: seconds per tool and the counts each produced, for a sanity check.
"""
import glob
import json
import logging
import os
import sys
import time

from parliament import analyze_policy_string
from policyuniverse.expander_minimizer import expand_policy
from cloudsplaining.command.scan_policy_file import scan_policy

logging.disable(logging.CRITICAL)


def documents(corpus):
    docs = []
    for path in sorted(glob.glob(os.path.join(corpus, "*.json"))):
        with open(path) as f:
            docs.append(json.load(f)["PolicyVersion"]["Document"])
    return docs


def best(runs, work):
    times, result = [], None
    work()  # warm-up: the tools load their data on first use
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def expand_all(docs):
    actions = 0
    for doc in docs:
        expanded = expand_policy(policy=json.loads(json.dumps(doc)))
        statements = expanded["Statement"]
        if isinstance(statements, dict):
            statements = [statements]
        for statement in statements:
            listed = statement.get("Action", [])
            actions += len(listed) if isinstance(listed, list) else 1
    return actions


def lint_all(texts):
    findings, crashes = 0, 0
    for text in texts:
        try:
            findings += len(analyze_policy_string(text).findings)
        except Exception:  # parliament raises on condition types its data does not know
            crashes += 1
    return findings, crashes


def scan_all(docs):
    """Policies with a privilege-escalation finding, and all findings, per cloudsplaining."""
    escalating, findings = 0, 0
    for doc in docs:
        results = scan_policy(json.loads(json.dumps(doc)))
        if results.get("PrivilegeEscalation", {}).get("findings"):
            escalating += 1
        for key, value in results.items():
            if isinstance(value, dict):
                findings += len(value.get("findings", []))
    return escalating, findings


def main():
    corpus, runs = sys.argv[1], int(sys.argv[2])
    docs = documents(corpus)
    texts = [json.dumps(d) for d in docs]
    expand_s, actions = best(runs, lambda: expand_all(docs))
    lint_s, (findings, crashes) = best(runs, lambda: lint_all(texts))
    scan_s, (escalating, scan_findings) = best(runs, lambda: scan_all(docs))
    print(json.dumps({
        "policies": len(docs),
        "policyuniverse_expand_s": expand_s,
        "policyuniverse_actions": actions,
        "parliament_lint_s": lint_s,
        "parliament_findings": findings,
        "parliament_crashes": crashes,
        "cloudsplaining_scan_s": scan_s,
        "cloudsplaining_escalating_policies": escalating,
        "cloudsplaining_findings": scan_findings,
    }))


if __name__ == "__main__":
    main()

"""Times the Python peers over the AWS managed policy corpus, in-process, best of N runs.

policyuniverse: wildcard expansion of every statement's actions (expand_policy).
parliament: linting every policy (analyze_policy_string).
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


def main():
    corpus, runs = sys.argv[1], int(sys.argv[2])
    docs = documents(corpus)
    texts = [json.dumps(d) for d in docs]
    expand_s, actions = best(runs, lambda: expand_all(docs))
    lint_s, (findings, crashes) = best(runs, lambda: lint_all(texts))
    print(json.dumps({
        "policies": len(docs),
        "policyuniverse_expand_s": expand_s,
        "policyuniverse_actions": actions,
        "parliament_lint_s": lint_s,
        "parliament_findings": findings,
        "parliament_crashes": crashes,
    }))


if __name__ == "__main__":
    main()

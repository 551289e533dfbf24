"""One line from a schemathesis JSON report, for run.sh's summary.

Usage: python summary.py REPORT.json PROBES.json ACCOUNT SECONDS EXIT_CODE

PROBES.json (written by hooks.py) counts, by status, the requests that
carried an identifier foreign to the account.
"""

import json
import sys

path, probes_path, account, seconds, code = sys.argv[1:]
try:
    with open(probes_path, encoding="utf-8") as handle:
        probes = {int(status): n for status, n in json.load(handle).items()}
except (OSError, ValueError):
    probes = {}
refused = sum(n for status, n in probes.items() if not 200 <= status < 300)
foreign = f"{sum(probes.values())} with a foreign identifier ({refused} refused)"
try:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    operations = report["operations"]["tested"]
    cases = report["test_cases"]["generated"]
    failures = report["test_cases"]["unique_failures"]
    errors = sum(error["count"] for error in report["errors"])
except (OSError, KeyError, ValueError) as error:
    print(f"{account}: no report ({error}); exit {code}, {seconds} s")
else:
    print(
        f"{account}: {operations} operations, {cases} cases, {failures} failures, "
        f"{errors} errors, {seconds} s; {foreign} (exit {code})"
    )

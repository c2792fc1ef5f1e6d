#!/usr/bin/python3
"""Reads the subunit stream of a tempest run and compares it with the tests neutrino is
known to pass.

    results.py RUN.subunit OUTDIR EXPECTED_PASSING

Writes OUTDIR/passing.txt, failing.txt (with the last line of each traceback),
skipped.txt (with the reason) and regressions.txt (expected to pass, did not).  Prints
the regressions, the tests that pass now and are not on the list yet, and last a line
"N passed, N failed, N skipped" in which every regression counts as a failure; a test
that fails and was never on the list is a known failure, counted with the skipped (the
line before says how many): it is work for an issue, not a broken build.  Exits 1 when
there is a regression."""

import os
import re
import sys

import subunit
import testtools


def read_stream(path):
    """Returns {test id: (status, detail)}; ids lose their [tag] suffix.  A class whose
    setUpClass failed is reported by tempest as one test named after the class."""
    tests = {}

    def on_test(t):
        if t["status"] in (None, "exists", "inprogress"):
            return
        detail = ""
        if "reason" in t["details"]:
            detail = t["details"]["reason"].as_text().strip()
        elif "traceback" in t["details"]:
            lines = [l for l in t["details"]["traceback"].as_text().splitlines() if l.strip()]
            detail = lines[-1][:300] if lines else ""
        tests[re.sub(r"\[.*\]$", "", t["id"])] = (t["status"], detail)

    with open(path, "rb") as f:
        result = testtools.StreamToDict(on_test)
        result.startTestRun()
        subunit.ByteStreamToStreamResult(f, non_subunit_name="stdout").run(result)
        result.stopTestRun()
    return tests


def write_list(path, rows):
    with open(path, "w") as f:
        f.writelines(row + "\n" for row in rows)


def main(stream, outdir, expected_path):
    tests = read_stream(stream)
    with open(expected_path) as f:
        expected = {l.strip() for l in f if l.strip() and not l.startswith("#")}
    passing = sorted(t for t, (s, _) in tests.items() if s == "success")
    failing = sorted(t for t, (s, _) in tests.items() if s in ("fail", "uxsuccess"))
    skipped = sorted(t for t, (s, _) in tests.items() if s == "skip")
    regressions = sorted(expected - set(passing))
    new = sorted(set(passing) - expected)
    os.makedirs(outdir, exist_ok=True)
    write_list(os.path.join(outdir, "passing.txt"), passing)
    write_list(os.path.join(outdir, "failing.txt"),
               ["%s: %s" % (t, tests[t][1]) for t in failing])
    write_list(os.path.join(outdir, "skipped.txt"),
               ["%s: %s" % (t, tests[t][1]) for t in skipped])
    write_list(os.path.join(outdir, "regressions.txt"),
               ["%s: %s" % (t, tests.get(t, ("not run", "not run"))[1]) for t in regressions])
    print("tempest: %d ran, %d passed (%d expected), %d failed, %d skipped"
          % (len(tests), len(passing), len(expected), len(failing), len(skipped)))
    for t in regressions:
        status, detail = tests.get(t, ("not run", ""))
        print("   REGRESSION %s (%s) %s" % (t, status, detail[:200]))
    if new:
        print("   %d pass that are not in %s yet (add them):" % (len(new), expected_path))
        for t in new:
            print("     " + t)
    known = [t for t in failing if t not in expected]
    print("   %d known failures (never on the list) are counted as skipped" % len(known))
    print("%d passed, %d failed, %d skipped"
          % (len(passing), len(regressions), len(skipped) + len(known)))
    return 1 if regressions else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))

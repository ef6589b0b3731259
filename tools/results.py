#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge the TAP and console logs of a base run and a patched run.

Rules (README, "What make check checks"):
  * no kernel splat in either guest log;
  * on the base kernel, every case matching tests/base-must-fail fails
    (else the tests are blind), and the integrity cases pass;
  * on the patched kernel, a case fails if and only if tests/known-failures
    lists it; a skip caused by a missing filesystem is a failure;
  * the kernel's existing splice selftests pass on every kernel;
  * the compatibility stage (compat_* cases: real programs from Debian)
    runs on every kernel and passes on the base kernel too, except for
    what tests/base-must-fail lists.
The last line is "check: N passed, N failed[, N skipped]".
"""
import argparse
import fnmatch
import os
import re
import sys
import textwrap

SPLAT = re.compile(
    r"(BUG:|WARNING:|Oops|kernel BUG at|general protection fault|"
    r"UBSAN|DEBUG_LOCKS_WARN_ON|lockdep is turned off|refcount_t:|"
    r"Bad page|list_(add|del) corruption|Kernel panic|Call Trace:|"
    r"INFO: task .* blocked)")
TAP = re.compile(r"^(not ok|ok) \d+ (\S+)(?:\s*#\s*(\w+)\s*(.*))?$")
# Skip reasons that mean the guest lacked something it should have had.
ENV_SKIP = re.compile(r"is not set|is not a |cannot make|needs root")


class TapResults(dict):
    """name -> (status, reason), and the names reported more than once."""
    def __init__(self):
        super().__init__()
        self.duplicates = set()


def parse_tap(path):
    """name -> (status, reason); status is ok, fail or skip."""
    res = TapResults()
    dups = res.duplicates
    with open(path, errors="replace") as f:
        for line in f:
            m = TAP.match(line.rstrip("\n"))
            if not m:
                continue
            ok, name, directive, reason = m.groups()
            if name in res:
                dups.add(name)
            if directive and directive.upper() == "SKIP":
                res[name] = ("skip", reason or "")
            else:
                res[name] = ("ok" if ok == "ok" else "fail", "")
    return res


def read_list(path):
    items = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    items.append(line)
    return items


def splats(path):
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if SPLAT.search(line):
                out.append(line.rstrip())
    return out


def grouped(names):
    """Print fixture.variant.test names as 'fixture.test: variants'."""
    groups = {}
    for n in sorted(names):
        parts = n.split(".")
        if len(parts) == 3:
            key, var = parts[0] + "." + parts[2], parts[1]
        else:
            key, var = n, ""
        groups.setdefault(key, []).append(var)
    for key in sorted(groups):
        vs = [v for v in groups[key] if v]
        print("    %s (%d):" % (key, len(groups[key])))
        if vs:
            print(textwrap.fill(" ".join(vs), width=100, initial_indent=" " * 6,
                                subsequent_indent=" " * 6))


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.problems = []

    def check(self, good, problem=None):
        if good:
            self.passed += 1
        else:
            self.failed += 1
            if problem:
                self.problems.append(problem)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", help="run directory of the base kernel (omit to judge one run)")
    ap.add_argument("--patched", required=True, help="run directory of the patched kernel")
    ap.add_argument("--debug", help="run directory of the debug kernel, judged like the patched one")
    ap.add_argument("--known", required=True, help="tests/known-failures")
    ap.add_argument("--must-fail", required=True, help="tests/base-must-fail")
    ap.add_argument("--write-known", help="write the patched failures here and stop")
    ap.add_argument("--gate", action="append", default=[], metavar="NAME=RC",
                    help="another check that passed if RC is 0")
    a = ap.parse_args()

    base = parse_tap(os.path.join(a.base, "tap.log")) if a.base else {}
    patched = parse_tap(os.path.join(a.patched, "tap.log"))
    t = Tally()

    if a.write_known:
        with open(a.write_known, "w") as f:
            f.write("# Cases still expected to fail on the patched kernel.\n"
                    "# make check fails if one of them passes: remove it then.\n")
            for n in sorted(k for k, v in patched.items() if v[0] == "fail"
                            and n_is_stable(k)):
                f.write(n + "\n")
        return 0

    for label, d in (("base", a.base), ("patched", a.patched), ("debug", a.debug)):
        if not d:
            continue
        s = splats(os.path.join(d, "console.log"))
        t.check(not s, "%s kernel: splat in the guest log:\n      %s" %
                (label, "\n      ".join(s[:20])))

    for g in a.gate:
        name, _, rc = g.rpartition("=")
        print("%s: %s" % (name, "ok" if rc == "0" else "FAILED"))
        t.check(rc == "0", "%s failed" % name)

    if a.base:
        judge_base(t, base, a.must_fail)

    runs = [("patched", patched)]
    if a.debug:
        runs.append(("debug", parse_tap(os.path.join(a.debug, "tap.log"))))
    for label, res in runs:
        judge_patched(t, label, res, read_list(a.known))

    for p in t.problems:
        print("FAIL: " + p)
    print("check: %d passed, %d failed, %d skipped" % (t.passed, t.failed, t.skipped))
    return 1 if t.failed else 0


def judge_patched(t, label, patched, known):
    """Only what tests/known-failures lists may fail, and the kernel's own
    splice selftests pass."""
    known = set(known)
    stable = {k: v for k, v in patched.items() if n_is_stable(k)}
    for k in sorted(stable):
        st, why = stable[k]
        if st == "skip":
            if ENV_SKIP.search(why):
                t.check(False, "%s kernel: %s skipped: %s" % (label, k, why))
            else:
                t.skipped += 1
        elif st == "ok":
            t.check(k not in known,
                    "%s kernel: %s passes but tests/known-failures lists it: remove it" % (label, k))
        else:
            t.check(k in known, "%s kernel: %s FAILS" % (label, k))
    for k in sorted(known - set(stable)):
        t.check(False, "tests/known-failures lists %s, which did not run on the %s kernel" % (k, label))
    pfail = [k for k, v in stable.items() if v[0] == "fail"]
    print("%s kernel: %s: %d pass, %d fail (%d listed in tests/known-failures), %d skipped" % (
        label, cases(stable), count(stable, "ok"), len(pfail),
        len([k for k in pfail if k in known]), count(stable, "skip")))

    judge_existing(t, label, patched)
    judge_compat(t, label, patched, [])
    if not patched:
        t.check(False, "%s kernel: no results" % label)


def judge_existing(t, label, res):
    """The kernel's own splice selftests pass on every kernel."""
    existing = sorted(k for k in res if not n_is_stable(k))
    t.check(existing, "%s kernel: the kernel's own splice selftests did not run" % label)
    for k in existing:
        t.check(res[k][0] == "ok", "%s kernel: %s %s" % (label, k, res[k][0]))


def judge_base(t, base, must_fail):
    """The bug must show on the base kernel, and the rest must be sane."""
    stable_base = {k: v for k, v in base.items() if n_is_stable(k)}
    bfail = sorted(k for k, v in stable_base.items() if v[0] == "fail")
    print("base kernel: %s: %d pass, %d FAIL, %d skipped" % (
        cases(stable_base), count(stable_base, "ok"), len(bfail),
        count(stable_base, "skip")))
    print("  the bug, reproduced: cases that fail on the unpatched kernel")
    grouped(bfail)
    for pat in read_list(must_fail):
        hit = [k for k in stable_base if fnmatch.fnmatchcase(k, pat)]
        blind = [k for k in hit if stable_base[k][0] != "fail"]
        t.check(hit and not blind,
                "base kernel: %s must fail there (else the tests are blind): %s" % (
                    pat, ", ".join(blind) if hit else "no such case ran"))
    judge_compat(t, "base", base, read_list(must_fail))
    for k, v in sorted(stable_base.items()):
        if k.endswith(".integrity"):
            t.check(v[0] == "ok", "base kernel: %s %s: the test itself is wrong" % (k, v[0]))
    judge_existing(t, "base", base)


def judge_compat(t, label, res, must_fail):
    """Real programs work on every kernel; on the base kernel, only the
    cases tests/base-must-fail lists may (and must) fail."""
    compat = {k: v for k, v in res.items() if k.startswith("compat_")}
    t.check(compat, "%s kernel: the compatibility stage (compat/compat.sh) did not run" % label)
    print("%s kernel: compatibility stage (real programs): %d cases, %d pass, %d fail" % (
        label, len(compat), count(compat, "ok"), count(compat, "fail")))
    if not compat:
        return
    for part in ("compat_fuse.", "compat_cp.", "compat_nfs.", "compat_http."):
        t.check(any(k.startswith(part) for k in compat),
                "%s kernel: no %s* case ran: part of the compatibility stage is missing" % (
                    label, part))
    t.check("compat_stage.complete" in compat,
            "%s kernel: the compatibility stage did not run to its end" % label)
    dups = sorted(getattr(res, "duplicates", set()) & set(compat))
    t.check(not dups, "%s kernel: compatibility cases reported twice: %s" % (
        label, ", ".join(dups)))
    if label != "base":
        return      # judged with the other cases against known-failures
    for k, (st, _) in sorted(compat.items()):
        if any(fnmatch.fnmatchcase(k, p) for p in must_fail):
            continue
        t.check(st == "ok", "base kernel: %s %s: real programs must work on the "
                "unpatched kernel too, or the stage tests the wrong thing" % (k, st))


def n_is_stable(name):
    """Our own tests: everything but the kernel's existing splice scripts."""
    return not name.startswith("splice_existing.")


def cases(d):
    """How many cases, and how many of them are mm/cow's vmsplice cases:
    regression guards that pass on the base kernel too."""
    cow = sum(1 for k in d if k.startswith("mm_cow."))
    return "%d cases (%d of ours, %d mm/cow vmsplice)" % (len(d), len(d) - cow, cow)


def count(d, st):
    return sum(1 for v in d.values() if v[0] == st)


if __name__ == "__main__":
    sys.exit(main())

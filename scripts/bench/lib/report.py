#!/usr/bin/env python3
"""Tables and verdicts for the benchmark scripts.

A results file has one line per variant: LABEL<TAB>value value ... (the values in one unit, e.g. ms).

  report.py table FILE UNIT [BASELINE_LABEL]   median, min, p90, max per variant (and x baseline)
  report.py median FILE LABEL                  the median of one variant (empty when it is missing)
  report.py verdict TEXT A OP B                "target: TEXT: MET|NOT MET (A OP B)"; OP is <= or >=;
                                               A or B empty means "cannot judge"
"""
import sys


def read(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            label, _, values = line.partition("\t")
            rows.append((label, [float(v) for v in values.split()]))
    return rows


def median(values):
    s = sorted(values)
    n = len(s)
    if n == 0:
        return None
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def p90(values):
    s = sorted(values)
    return s[min(len(s) - 1, -(-9 * len(s) // 10) - 1)]  # nearest rank


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def table(path, unit, baseline=None):
    rows = read(path)
    base = None
    for label, values in rows:
        if label == baseline and values:
            base = median(values)
    width = max([len("variant")] + [len(label) for label, _ in rows])
    head = f"{'variant':<{width}}  {'n':>3}  {'median':>9}  {'min':>9}  {'p90':>9}  {'max':>9}"
    if base:
        head += f"  {'x ' + baseline[:24]:>26}"
    print(head + f"   ({unit})")
    for label, values in rows:
        if not values:
            print(f"{label:<{width}}  {0:>3}  {'-':>9}")
            continue
        m = median(values)
        line = (f"{label:<{width}}  {len(values):>3}  {fmt(m):>9}  {fmt(min(values)):>9}  {fmt(p90(values)):>9}"
                f"  {fmt(max(values)):>9}")
        if base:
            line += f"  {m / base:>26.2f}"
        print(line)


def verdict(text, a, op, b):
    if a == "" or b == "":
        print(f"target: {text}: CANNOT JUDGE (a measurement is missing)")
        return
    a, b = float(a), float(b)
    ok = a <= b if op == "<=" else a >= b
    print(f"target: {text}: {'MET' if ok else 'NOT MET'} ({fmt(a)} {op} {fmt(b)} is {str(ok).lower()})")


def main(argv):
    cmd = argv[1]
    if cmd == "table":
        table(argv[2], argv[3], argv[4] if len(argv) > 4 else None)
    elif cmd == "median":
        for label, values in read(argv[2]):
            if label == argv[3] and values:
                print(repr(median(values)))
                return
    elif cmd == "verdict":
        verdict(argv[2], argv[3], argv[4], argv[5])
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)

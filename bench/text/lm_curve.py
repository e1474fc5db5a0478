#!/usr/bin/env python3
"""Precision/recall curve of the statistical detector's threshold, from one
run: `govinspect text` with the threshold set low, then every threshold T
applied to the statistical hits' scores (lexicon hits always count).

Usage:
  lm_curve.py GOVINSPECT [TESTSET] [--set KEY=VALUE]... [--key lm_min_gain]
              [--from 2] [--to 9] [--step 0.5]

The best-first detector applies a correction before judging the next one,
so a hit below T that is dropped here may have changed the context of a
later one: the figures are close to, not equal to, a run with
KEY = T (sighan.py --set gives the exact one). Scoring as in sighan.py.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sighan  # noqa: E402


def main():
    args = sys.argv[1:]
    sets, pos = [], []
    key, lo, hi, step = 'lm_min_gain', 2.0, 9.0, 0.5
    i = 0
    while i < len(args):
        a = args[i]
        if a == '--set':
            sets.append(args[i + 1].split('=', 1))
        elif a == '--key':
            key = args[i + 1]
        elif a == '--from':
            lo = float(args[i + 1])
        elif a == '--to':
            hi = float(args[i + 1])
        elif a == '--step':
            step = float(args[i + 1])
        else:
            pos.append(a)
            i += 1
            continue
        i += 2
    if not pos:
        sys.exit(__doc__)
    exe = os.path.abspath(pos[0])
    testset = pos[1] if len(pos) > 1 else sighan.default_set()
    if not os.path.exists(testset):
        print('skip: no test set at %s' % testset)
        return 0
    items = sighan.load(testset)
    found = sighan.run_text(exe, items, (), sets + [[key, str(lo)]])
    print('set %s%s' % (os.path.basename(testset), ''.join('; %s=%s' % (k, v) for k, v in sets)))
    print('| %s | FPR | Det Acc | Det P | Det R | Det F1 | flagged | exact | Char P | Char R |' % key)
    print('|---|---|---|---|---|---|---|---|---|---|')
    t = lo
    while t <= hi + 1e-9:
        print(('| %g ' % t) + '| %.4f | %.4f | %.4f | %.4f | %.4f | %d | %d | %.4f | %.4f |' %
              sighan.scores(items, sighan.flag(items, found, t)))
        t += step
    return 0


if __name__ == '__main__':
    sys.exit(main())

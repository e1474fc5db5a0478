#!/usr/bin/env python3
"""Sentence-level detection scores of `govinspect text` on a Chinese
spelling-check test set (SIGHAN-2015 bake-off definitions).

Usage:
  sighan.py GOVINSPECT [TESTSET] [--without FILE.tsv]... [--errors N]

TESTSET is pycorrector's sighan_2015_test.json (objects with original_text
and wrong_ids, 0-based character indexes) or a TSV "wrong<TAB>right" file
(EC-LAW, MCSC: the error positions are where the two differ). Default:
$GI_SHARED_DIR/corpus/csc/pycorrector_sighan_2015_test.json, else
../shared/corpus/csc/ next to the repository.

A sentence counts as detected only when the positions flagged equal the true
ones. For a lexicon hit, the flagged positions are the characters where the
match differs from its suggestion (every character when they differ in
length); for a statistical hit, its one character.

  FPR       = correct sentences with any flag / correct sentences
  accuracy  = sentences whose flags equal the truth (none for none) / all
  precision = sentences flagged exactly right / sentences flagged
  recall    = sentences flagged exactly right / sentences with errors

--without FILE.tsv leaves a lexicon file out (runs against a copy of the
data folder), e.g. typo-pycorrector.tsv, whose pairs overlap the test set.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def default_set():
    shared = os.environ.get('GI_SHARED_DIR') or os.path.join(os.path.dirname(REPO), 'shared')
    return os.path.join(shared, 'corpus', 'csc', 'pycorrector_sighan_2015_test.json')


def load(path):
    items = []
    if path.endswith('.json'):
        for o in json.load(open(path, encoding='utf-8')):
            items.append((o['original_text'], set(o['wrong_ids'])))
    else:
        for line in open(path, encoding='utf-8'):
            f = line.rstrip('\n').split('\t')
            if len(f) < 2:
                continue
            w, r = f[0], f[1]
            if len(w) != len(r):
                continue
            items.append((w, {i for i in range(len(w)) if w[i] != r[i]}))
    return items


def main():
    args = sys.argv[1:]
    without, errors = [], 0
    pos = []
    i = 0
    while i < len(args):
        if args[i] == '--without':
            without.append(args[i + 1])
            i += 2
        elif args[i] == '--errors':
            errors = int(args[i + 1])
            i += 2
        else:
            pos.append(args[i])
            i += 1
    if not pos:
        sys.exit(__doc__)
    exe = os.path.abspath(pos[0])
    testset = pos[1] if len(pos) > 1 else default_set()
    if not os.path.exists(testset):
        print('skip: no test set at %s' % testset)
        return 0
    items = load(testset)
    env = dict(os.environ)
    tmp = tempfile.mkdtemp(prefix='gi-sighan-')
    try:
        if without:
            data = os.path.join(tmp, 'data')
            shutil.copytree(os.path.join(REPO, 'data', 'lexicons'), os.path.join(data, 'lexicons'))
            for w in without:
                os.remove(os.path.join(data, 'lexicons', w))
            env['GOVINSPECT_DATA'] = data
        inp = os.path.join(tmp, 'in.txt')
        with open(inp, 'w', encoding='utf-8') as f:
            for s, _ in items:
                f.write(s.replace('\n', ' ') + '\n')
        p = subprocess.run([exe, 'text', '--format', 'json', inp], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode not in (0, 3):
            sys.exit('govinspect failed: %s' % p.stderr.decode())
        found = json.loads(p.stdout)['findings']
    finally:
        shutil.rmtree(tmp)
    flagged = [set() for _ in items]
    for f in found:
        if f['indicator'] != 'content.typo':
            continue  # serious wording and harmful words are not spelling errors
        li, col = f['line'] - 1, f['column'] - 1
        m, s = f['match'], f['suggestion']
        if len(m) == len(s):
            flagged[li] |= {col + k for k in range(len(m)) if m[k] != s[k]}
        else:
            flagged[li] |= {col + k for k in range(len(m))}
    n = len(items)
    neg = sum(1 for _, g in items if not g)
    posn = n - neg
    fp_sent = sum(1 for (s, g), fl in zip(items, flagged) if not g and fl)
    acc = sum(1 for (s, g), fl in zip(items, flagged) if fl == g)
    nflag = sum(1 for fl in flagged if fl)
    tp = sum(1 for (s, g), fl in zip(items, flagged) if g and fl == g)
    p_ = tp / nflag if nflag else 0.0
    r_ = tp / posn if posn else 0.0
    f1 = 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
    print('set %s: %d sentences (%d with errors); lexicons without: %s' %
          (os.path.basename(testset), n, posn, ', '.join(without) or '-'))
    print('| FPR | Det Acc | Det P | Det R | Det F1 | flagged | exact |')
    print('|---|---|---|---|---|---|---|')
    print('| %.4f | %.4f | %.4f | %.4f | %.4f | %d | %d |' %
          (fp_sent / neg if neg else 0, acc / n, p_, r_, f1, nflag, tp))
    shown = 0
    for (s, g), fl in zip(items, flagged):
        if shown >= errors:
            break
        if fl and fl != g:
            print('  wrong: %s truth=%s flagged=%s' % (s, sorted(g), sorted(fl)))
            shown += 1
    return 0


if __name__ == '__main__':
    sys.exit(main())

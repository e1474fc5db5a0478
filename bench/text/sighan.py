#!/usr/bin/env python3
"""Sentence-level detection scores of `govinspect text` on a Chinese
spelling-check test set (SIGHAN-2015 bake-off definitions).

Usage:
  sighan.py GOVINSPECT [TESTSET] [--without FILE.tsv]... [--set KEY=VALUE]...
            [--errors N]

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
  Char P, R = flagged characters that are errors / flagged characters, and
              / error characters (finding level: what a reviewer sees)

--without FILE.tsv leaves a lexicon file out (runs against a copy of the
data folder), e.g. typo-pycorrector.tsv, whose pairs overlap the test set.
--set KEY=VALUE sets a key of detector.conf in that copy (min_gain=3,
lm_min_gain=5, use_lm=0 ...): how bench/text/lm_grid.py tunes the detector.
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


def char_scores(items, flagged):
    """Finding-level precision and recall: flagged characters that are
    errors / flagged characters, over all error characters (what a reviewer
    sees: each finding is one character)."""
    hit = sum(len(fl & g) for (s, g), fl in zip(items, flagged))
    nfl = sum(len(fl) for fl in flagged)
    ng = sum(len(g) for _, g in items)
    return (hit / nfl if nfl else 0.0), (hit / ng if ng else 0.0)


def set_conf(path, sets):
    lines = open(path, encoding='utf-8').read().split('\n')
    for k, v in sets:
        hit = [i for i, l in enumerate(lines) if l.split('=')[0].strip() == k]
        if hit:
            lines[hit[0]] = '%s = %s' % (k, v)
        else:
            lines.append('%s = %s' % (k, v))
    open(path, 'w', encoding='utf-8').write('\n'.join(lines))


def run_text(exe, items, without=(), sets=()):
    """`govinspect text --format json` on the sentences, one a line, with a
    copy of the lexicons when files are left out or detector keys set."""
    env = dict(os.environ)
    tmp = tempfile.mkdtemp(prefix='gi-sighan-')
    try:
        if without or sets:
            data = os.path.join(tmp, 'data')
            shutil.copytree(os.path.join(REPO, 'data', 'lexicons'), os.path.join(data, 'lexicons'))
            for w in without:
                os.remove(os.path.join(data, 'lexicons', w))
            set_conf(os.path.join(data, 'lexicons', 'detector.conf'), sets)
            env['GOVINSPECT_DATA'] = data
        inp = os.path.join(tmp, 'in.txt')
        with open(inp, 'w', encoding='utf-8') as f:
            for s, _ in items:
                f.write(s.replace('\n', ' ') + '\n')
        p = subprocess.run([exe, 'text', '--format', 'json', inp], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode not in (0, 3):
            sys.exit('govinspect failed: %s' % p.stderr.decode())
        return json.loads(p.stdout)['findings']
    finally:
        shutil.rmtree(tmp)


def flag(items, found, min_score=None):
    """The flagged positions per sentence; statistical hits scoring below
    min_score are left out when it is given."""
    flagged = [set() for _ in items]
    for f in found:
        if f['indicator'] != 'content.typo':
            continue  # serious wording and harmful words are not spelling errors
        if min_score is not None and f.get('statistical') and f.get('score', 0) < min_score:
            continue
        li, col = f['line'] - 1, f['column'] - 1
        m, s = f['match'], f['suggestion']
        if len(m) == len(s):
            flagged[li] |= {col + k for k in range(len(m)) if m[k] != s[k]}
        else:
            flagged[li] |= {col + k for k in range(len(m))}
    return flagged


def scores(items, flagged):
    """FPR, accuracy, P, R, F1, sentences flagged, exact, char P, char R."""
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
    cp_, cr_ = char_scores(items, flagged)
    return (fp_sent / neg if neg else 0, acc / n, p_, r_, f1, nflag, tp, cp_, cr_)


def main():
    args = sys.argv[1:]
    without, sets, errors = [], [], 0
    pos = []
    i = 0
    while i < len(args):
        if args[i] == '--without':
            without.append(args[i + 1])
            i += 2
        elif args[i] == '--set':
            sets.append(args[i + 1].split('=', 1))
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
    flagged = flag(items, run_text(exe, items, without, sets))
    posn = sum(1 for _, g in items if g)
    print('set %s: %d sentences (%d with errors); lexicons without: %s%s' %
          (os.path.basename(testset), len(items), posn, ', '.join(without) or '-',
           ''.join('; %s=%s' % (k, v) for k, v in sets)))
    print('| FPR | Det Acc | Det P | Det R | Det F1 | flagged | exact | Char P | Char R |')
    print('|---|---|---|---|---|---|---|---|---|')
    print('| %.4f | %.4f | %.4f | %.4f | %.4f | %d | %d | %.4f | %.4f |' % scores(items, flagged))
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

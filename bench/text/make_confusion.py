#!/usr/bin/env python3
"""Derive data/lexicons/confusion.txt from pycorrector's confusion sets.

Usage: make_confusion.py SHARED_CORPUS_WORDING_DIR > data/lexicons/confusion.txt

Input (Apache-2.0, shibing624/pycorrector, see data/lexicons/LICENSE-pycorrector):
  pycorrector_same_pinyin.txt  char<TAB>same sound, same tone<TAB>same sound, other tone
  pycorrector_same_stroke.txt  groups of look-alike characters, tab separated
  pycorrector_common_char_set.txt  the 3,500 common characters
Output: char<TAB>same sound<TAB>other tone<TAB>same shape, candidates limited
to the common characters (a rare character is seldom the intended one).
"""
import os
import sys

d = sys.argv[1]
common = set(l.strip() for l in open(os.path.join(d, 'pycorrector_common_char_set.txt'), encoding='utf-8') if l.strip())
rows = {}
for line in open(os.path.join(d, 'pycorrector_same_pinyin.txt'), encoding='utf-8'):
    if line.startswith('#'):
        continue
    f = line.rstrip('\n').split('\t')
    if len(f) < 2 or len(f[0]) != 1:
        continue
    c = f[0]
    same = ''.join(x for x in f[1] if x in common and x != c)
    tone = ''.join(x for x in (f[2] if len(f) > 2 else '') if x in common and x != c and x not in same)
    rows.setdefault(c, ['', '', ''])
    rows[c][0] += same
    rows[c][1] += tone
for line in open(os.path.join(d, 'pycorrector_same_stroke.txt'), encoding='utf-8'):
    g = [x for x in line.strip().split('\t') if len(x) == 1]
    for c in g:
        r = rows.setdefault(c, ['', '', ''])
        r[2] += ''.join(x for x in g if x != c and x in common and x not in r[2])
print('# confusion sets for the statistical typo detector, derived by bench/text/make_confusion.py')
print('# from shibing624/pycorrector (Apache-2.0; see LICENSE-pycorrector in this folder):')
print('# pycorrector/data/same_pinyin.txt, same_stroke.txt, common_char_set.txt')
print('# columns: char<TAB>same sound and tone<TAB>same sound, other tone<TAB>similar shape')
for c in sorted(rows):
    r = rows[c]
    if not any(r):
        continue
    print('\t'.join([c] + r))

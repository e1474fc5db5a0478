#!/usr/bin/env python3
"""Oracle figure of a language model on SIGHAN-2015: of the error
characters the confusion sets can fix (the right character is among the
wrong one's candidates in data/lexicons/confusion.txt), the share whose
correct substitution raises the model's best segmentation of the window
around it (lm_window 4, lm_max_word 6, as the detector scores) by at least
10^4 (and 10^2, 10^6).

Usage: lm_oracle.py BUILD_DIR [TESTSET.json]
Builds bench/text/lm_oracle.c against BUILD_DIR/libgovinspect.a, then runs
it with SunPinyin's model and libime's, when installed.
"""
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import sighan  # noqa: E402


def confusion():
    sets = {}
    for line in open(os.path.join(REPO, 'data/lexicons/confusion.txt'), encoding='utf-8'):
        if line.startswith('#'):
            continue
        f = line.rstrip('\n').split('\t')
        sets[f[0]] = set(''.join(f[1:]))
    return sets


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    build = os.path.abspath(sys.argv[1])
    path = sys.argv[2] if len(sys.argv) > 2 else sighan.default_set()
    if not os.path.exists(path):
        print('skip: no test set at %s' % path)
        return 0
    exe = os.path.join(build, 'lm_oracle')
    libs = subprocess.run(['pkg-config', '--libs', 'sqlite3', 'yaml-0.1', 'jansson', 'uchardet',
                           'libcurl', 'libxml-2.0', 'zlib', 'xlsxwriter', 'libzip'],
                          capture_output=True, text=True).stdout.split()
    subprocess.run(['gcc', '-std=c17', '-O2', '-D_DEFAULT_SOURCE', '-I', os.path.join(REPO, 'src'),
                    '-o', exe, os.path.join(HERE, 'lm_oracle.c'),
                    os.path.join(build, 'libgovinspect.a')] + libs + ['-lm', '-lpthread'], check=True)
    conf = confusion()
    lines, total = [], 0
    for o in json.load(open(path, encoding='utf-8')):
        w, r = o['original_text'], o['correct_text']
        if len(w) != len(r):
            continue
        for i in o['wrong_ids']:
            if i >= len(w) or w[i] == r[i]:
                continue
            total += 1
            if r[i] in conf.get(w[i], ()):
                lines.append('%s\t%d\t%s\n' % (w, i, r[i]))
    print('%s: %d error characters, %d fixable by the confusion sets' %
          (os.path.basename(path), total, len(lines)))
    models = []
    for d in glob.glob('/usr/lib/*/sunpinyin/data'):
        models.append(('sunpinyin', d))
    for f in glob.glob('/usr/lib/*/libime/zh_CN.lm'):
        models.append(('libime', f))
    for kind, where in models:
        out = subprocess.run([exe, kind, where], input=''.join(lines), capture_output=True,
                             text=True, check=True).stdout.split()
        gains = [float(x) for x in out]
        share = lambda t: sum(1 for g in gains if g >= t) / max(1, len(gains))  # noqa: E731
        print('%-9s gain >= 2: %.1f %%, >= 4: %.1f %%, >= 6: %.1f %%' %
              (kind, 100 * share(2), 100 * share(4), 100 * share(6)))
    return 0


if __name__ == '__main__':
    sys.exit(main())

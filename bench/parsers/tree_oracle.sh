#!/usr/bin/env bash
# Compares what gumbo and libxml2 build for the malformed-HTML cases in
# bench/parsers/cases/ with what a browser builds: headless Chromium's
# DOMParser, i.e. the HTML5 tree-construction algorithm (scripting disabled,
# so <noscript> content is parsed as markup, as gumbo does).
#   tree   the whole tree in html5lib test format (comments and doctype left
#          out; an empty <head> dropped, since libxml2 never makes one)
#   model  the page-model view: links as (tag, hidden|shown, url), the
#          title, and every non-blank text node outside script/style as
#          (hidden|shown, whitespace-collapsed text); "hidden" = the element
#          or an ancestor has style display:none / visibility:hidden or the
#          hidden attribute
# Usage: bench/parsers/tree_oracle.sh [OUT_DIR]   (needs chromium, python3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out=${1:-${TMPDIR:-/tmp}/govinspect-parsers/oracle}
mkdir -p "$out"/{chromium,gumbo,libxml2}
pb="$here/parse_bench"
[ -x "$pb" ] || "$here/build.sh"
command -v chromium >/dev/null || { echo "tree_oracle: chromium not installed (apt-get install -y chromium)" >&2; exit 2; }

# 1. one page that parses every case with DOMParser and prints the results
python3 - "$here/cases" "$out/wrapper.html" <<'PYEOF'
import json, os, sys
cases = {}
for f in sorted(os.listdir(sys.argv[1])):
    if f.endswith('.html'):
        cases[f[:-5]] = open(os.path.join(sys.argv[1], f), 'rb').read().decode('utf-8')
js = r"""
const NS = {'http://www.w3.org/2000/svg': 'svg ', 'http://www.w3.org/1998/Math/MathML': 'math '};
function esc(s) { return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t'); }
function ind(d) { return '| ' + '  '.repeat(d); }
function tree(doc) {
  const out = []; let pend = null, pd = 0;
  const flush = () => { if (pend !== null && pend.length) out.push(ind(pd) + '"' + esc(pend) + '"'); pend = null; };
  (function walk(node, d) {
    for (const c of node.childNodes) {
      if (c.nodeType === 1) {
        flush();
        out.push(ind(d) + '<' + (NS[c.namespaceURI] || '') + c.localName + '>');
        const as = Array.from(c.attributes).map(a => [a.name, a.value]).sort((x, y) => x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0);
        for (const [n, v] of as) out.push(ind(d + 1) + n + '="' + esc(v) + '"');
        if (c.localName === 'template' && c.content) { out.push(ind(d + 1) + 'content'); walk(c.content, d + 2); }
        else walk(c, d + 1);
      } else if (c.nodeType === 3) {
        if (pend !== null && pd !== d) flush();
        if (pend === null) { pend = ''; pd = d; }
        pend += c.data;
      }
    }
  })(doc, 0);
  flush();
  return out.join('\n') + '\n';
}
function hides(el) {
  if (el.hasAttribute('hidden')) return true;
  const s = (el.getAttribute('style') || '').replace(/\s+/g, '').toLowerCase();
  return s.includes('display:none') || s.includes('visibility:hidden');
}
const LINK = {a: 'href', area: 'href', link: 'href', img: 'src', script: 'src', iframe: 'src'};
function model(doc) {
  const out = [];
  (function walk(node, hidden, skip) {
    for (const c of node.childNodes) {
      if (c.nodeType === 3) {
        const t = c.data.replace(/[ \t\n\r\f]+/g, ' ').replace(/^ | $/g, '');
        if (t && !skip) out.push('text\t' + (hidden ? 'hidden' : 'shown') + '\t' + t);
        continue;
      }
      if (c.nodeType !== 1) continue;
      const h = hidden || hides(c);
      const at = LINK[c.localName];
      if (at && c.hasAttribute(at)) out.push('link\t' + c.localName + '\t' + (h ? 'hidden' : 'shown') + '\t' + c.getAttribute(at));
      const sk = skip || c.localName === 'script' || c.localName === 'style';
      if (c.localName === 'template' && c.content) walk(c.content, h, sk); else walk(c, h, sk);
    }
  })(doc, false, false);
  for (const el of doc.getElementsByTagName('title')) {
    if (el.namespaceURI === 'http://www.w3.org/1999/xhtml') { out.push('title\t' + el.textContent.replace(/[ \t\n\r\f]+/g, ' ').replace(/^ | $/g, '')); break; }
  }
  return out.join('\n') + '\n';
}
const res = {};
for (const [name, src] of Object.entries(CASES)) {
  const doc = new DOMParser().parseFromString(src, 'text/html');
  res[name] = {tree: tree(doc), model: model(doc)};
}
document.getElementById('out').textContent = btoa(unescape(encodeURIComponent(JSON.stringify(res))));
"""
with open(sys.argv[2], 'w', encoding='utf-8') as f:
    f.write('<!DOCTYPE html><meta charset="utf-8"><pre id="out"></pre><script>const CASES = '
            + json.dumps(cases).replace('</', '<\\/') + ';\n' + js + '</script>')
PYEOF

chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$out/wrapper.html" \
  2>/dev/null > "$out/chromium.dom"

python3 - "$out" <<'PYEOF'
import base64, json, re, sys
out = sys.argv[1]
m = re.search(r'<pre id="out">([^<]*)</pre>', open(out + '/chromium.dom').read())
res = json.loads(base64.b64decode(m.group(1)).decode('utf-8'))
for name, r in res.items():
    open(f'{out}/chromium/{name}.tree', 'w', encoding='utf-8').write(r['tree'])
    open(f'{out}/chromium/{name}.model', 'w', encoding='utf-8').write(r['model'])
PYEOF

# 2. the same from gumbo and libxml2 (parse_bench's tree and dump modes)
for p in gumbo libxml2; do
  for f in "$here"/cases/*.html; do
    n=$(basename "$f" .html)
    "$pb" -m tree -p "$p" "$f" > "$out/$p/$n.tree"
    "$pb" -m dump -p "$p" "$f" |
      awk -F'\t' '$1=="link"{print $1"\t"$2"\t"$3"\t"$4} $1=="title"||$1=="text"{print}' > "$out/$p/$n.model"
  done
done

# 3. compare
python3 - "$out" "$here/cases" <<'PYEOF' | tee "$out/summary.txt"
import os, sys
out, cases = sys.argv[1], sys.argv[2]
def depth(l):
    return (len(l) - len(l[2:].lstrip(' ')) - 2) // 2
def norm_tree(t):
    lines = t.rstrip('\n').split('\n')
    keep = []
    for i, l in enumerate(lines):
        if l.lstrip('| ') == '<head>':
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is None or depth(nxt) <= depth(l):
                continue  # empty head
        keep.append(l)
    return keep
def model(p):
    return sorted(x.rstrip() for x in open(p, encoding='utf-8', errors='replace').read().split('\n') if x.strip())
names = sorted(f[:-5] for f in os.listdir(cases) if f.endswith('.html'))
fmt = '%-40s %-11s %-11s %-12s %-12s'
print(fmt % ('case', 'gumbo-tree', 'gumbo-model', 'libxml2-tree', 'libxml2-model'))
tot = {}
for n in names:
    ref_t = norm_tree(open(f'{out}/chromium/{n}.tree', encoding='utf-8').read())
    ref_m = model(f'{out}/chromium/{n}.model')
    row = []
    for p in ('gumbo', 'libxml2'):
        t = norm_tree(open(f'{out}/{p}/{n}.tree', encoding='utf-8', errors='replace').read())
        m = model(f'{out}/{p}/{n}.model')
        for k, ok in (('tree', t == ref_t), ('model', m == ref_m)):
            row.append('same' if ok else 'DIFF')
            tot[(p, k)] = tot.get((p, k), 0) + ok
    print(fmt % (n, *row))
print(fmt % ('same as browser, of %d' % len(names), tot[('gumbo', 'tree')], tot[('gumbo', 'model')],
             tot[('libxml2', 'tree')], tot[('libxml2', 'model')]))
PYEOF
echo "details: diff -u $out/chromium/CASE.tree $out/libxml2/CASE.tree (or .model)"

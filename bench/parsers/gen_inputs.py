#!/usr/bin/env python3
"""Writes the generated inputs of the parser benchmark into OUT_DIR (default
$TMPDIR/govinspect-parsers/inputs); nothing goes into the repository.

  positions.html / positions.expected   text nodes marked @Tnnnn@ and elements
      with id="Ennnn", and for each its true line, column (1-based, in
      characters, tabs count 1) and byte offset of the node's start
  hostile/*.html   deep nesting, huge pages, huge text and attribute values,
      1,000,000 attributes, a formatting-element bomb, 300-deep nesting
"""
import os
import sys

# The shared corpus sits beside the repository.
corpus = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared', 'corpus')
out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get('TMPDIR', '/tmp'), 'govinspect-parsers', 'inputs')
os.makedirs(os.path.join(out, 'hostile'), exist_ok=True)


# ---------------------------------------------------------------- positions
class Doc:
    def __init__(self):
        self.parts, self.off, self.line, self.col, self.exp = [], 0, 1, 1, []

    def add(self, s):
        b = s.encode('utf-8')
        self.parts.append(b)
        self.off += len(b)
        # line/col: CRLF and lone CR both end a line (as in HTML5 input
        # preprocessing)
        i = 0
        while i < len(s):
            ch = s[i]
            if ch == '\r':
                if i + 1 < len(s) and s[i + 1] == '\n':
                    i += 1
                self.line += 1
                self.col = 1
            elif ch == '\n':
                self.line += 1
                self.col = 1
            else:
                self.col += 1
            i += 1

    def mark(self, name):
        """the next byte starts the node called name"""
        self.exp.append((name, self.line, self.col, self.off))


d = Doc()
d.add('<!DOCTYPE html>\n<html>\n<head>\n<title>positions</title>\n</head>\n<body>\n')
d.add('<p>'); d.mark('T0001'); d.add('@T0001@ plain text</p>\n')
d.add('<p>'); d.mark('T0002'); d.add('\n   @T0002@ text that starts with a newline</p>\n')
d.add('<p>'); d.mark('T0003'); d.add('&amp;&nbsp;@T0003@ text that starts with entities</p>\n')
d.add('<p>'); d.mark('T0004'); d.add('中' * 3000 + ' @T0004@ after 9000 bytes in the same text node</p>\n')
d.add('<p>'); d.mark('T0005'); d.add('line one\nline two\nline three @T0005@</p>\n')
d.add('\t\t<p>'); d.mark('T0006'); d.add('@T0006@ after tabs</p>\n')
d.add('<div>中文前缀<span>x</span>'); d.mark('T0007'); d.add('@T0007@ after a CJK run on the same line</div>\n')
d.add('<p>a\r\nb\r\n<b>'); d.mark('T0008'); d.add('@T0008@ after CRLF lines</b></p>\n')
d.mark('E0001'); d.add('<a\n   href="/x"\n   id="E0001">'); d.mark('T0009'); d.add('@T0009@ in a start tag over 3 lines</a>\n')
d.add('<table>'); d.mark('T0010'); d.add('@T0010@ fostered text<tr><td>cell</td></tr></table>\n')
d.add('<div>'); d.mark('E0002'); d.add('<span id="E0002">x</span></div>\n')
d.add('<br>\n' * 70000)
d.add('<p>'); d.mark('T0011'); d.add('@T0011@ after line 70000</p>\n')
d.mark('E0003'); d.add('<span id="E0003">'); d.mark('T0012'); d.add('@T0012@ in an element after line 70000</span>\n')
d.add('</body>\n</html>\n')
with open(os.path.join(out, 'positions.html'), 'wb') as f:
    f.write(b''.join(d.parts))
with open(os.path.join(out, 'positions.expected'), 'w') as f:
    for e in d.exp:
        f.write('%s %d %d %d\n' % e)


# ------------------------------------------------------------------ hostile
def write(name, *chunks):
    with open(os.path.join(out, 'hostile', name), 'wb') as f:
        for c in chunks:
            f.write(c if isinstance(c, bytes) else c.encode('utf-8'))


head = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
tail = '<a href="/after">after</a></body></html>'
write('deep_div_300.html', head, '<div>' * 300, '<a href="/deep">deep</a>', '</div>' * 300,
      '<p>text after the deep part</p>', tail)
write('deep_div_100k.html', head, '<div>' * 100000, '<a href="/deep">deep</a>', '</div>' * 100000, tail)
write('deep_div_1m.html', head, '<div>' * 1000000, '<a href="/deep">deep</a>', '</div>' * 1000000, tail)
write('deep_unclosed_div_100k.html', head, '<div>x' * 100000, tail)

# a 50 MB page of real markup: the body of a real government page, repeated
src = open(os.path.join(corpus, 'gov_html', 'shanxi_gov_article.html'), 'rb').read()
body = src[src.find(b'<body'):src.rfind(b'</body>')]
body = body[body.find(b'>') + 1:]
n = (50 * 1000 * 1000) // len(body) + 1
write('big_50mb_real_markup.html', head, body * n, tail)
write('big_text_20mb.html', head, '<p>', '政府网站信息公开' * (20 * 1000 * 1000 // 24), '</p>', tail)
write('big_attr_20mb.html', head, '<img src="data:image/png;base64,', 'QUJD' * (5 * 1000 * 1000), '">', tail)

for k in (10000, 30000, 100000, 1000000):
    name = {10000: '10k', 30000: '30k', 100000: '100k', 1000000: '1m'}[k]
    write('attrs_%s_distinct.html' % name, head, '<div ',
          ' '.join('a%d=1' % i for i in range(k)), '>x</div>', tail)
write('attrs_1m_same_name.html', head, '<div ', ' '.join(['a=1'] * 1000000), '>x</div>', tail)
write('attrs_1m_over_100k_tags.html', head,
      ''.join('<i ' + ' '.join('a%d=1' % j for j in range(10)) + '>x</i>' for _ in range(100000)), tail)

# HTML5 "reconstruct the active formatting elements": N distinct open <b>,
# then M paragraphs; every <p> closes the previous one (popping the <b>s) and
# its text re-creates all N.  O(N*M) elements from O(N+M) bytes.
for nb, m in ((1000, 1000), (10000, 1000)):
    write('formatting_bomb_%dx%d.html' % (nb, m), head, '<p>',
          ''.join('<b id=%d>' % i for i in range(nb)), '<p>x' * m, tail)

print(out)

# Acceptance: the situation of the example 通报 (../shared/seed, 榆林市
# 2020年第三季度), rebuilt and inspected end to end.
#
#   bash tests/acceptance/run.sh PATH/TO/govinspect SOURCE_DIR   (CTest: label acceptance)
#
# worldgen.py builds two rounds of a world of 51 websites and 323 accounts
# (q2: as of 2020-05-10; q3: as of 2020-08-10) with what must be found in
# expect.json. Each round: import the registry (the q3 import only moves
# the feeds), import the probe log, serve the round's pages with
# `gi_serve --hosts` (src/serve) and inspect through one catch-all
# --connect-to, so nothing leaves 127.0.0.1. Then the findings are compared
# with expect.json: which targets fail, and with which veto.
#
# The sections below are functions, so review, verdicts and report
# assertions are a few lines each (see "Review, verdicts and the 通报").
. "$(dirname "$0")/../integration/lib/assert.bash"
set -e
if ! command -v python3 >/dev/null 2>&1; then
  echo "skipped: python3 is needed to build the world" >&2
  exit 77
fi
. "$SRC/tests/integration/lib/serve.bash"
HERE="$SRC/tests/acceptance"
WORLD="$TMP/world"
DB="$TMP/acceptance.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }
now() { date +%s.%N; }
T0=$(now)

# ---- The world -------------------------------------------------------------

python3 "$HERE/worldgen.py" acceptance "$WORLD"
expect() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
  "$WORLD/expect.json" "$1"; }

# run_round NAME: imports world/NAME and inspects it as round NAME.
run_round() {
  local name=$1 dir="$WORLD/$1"
  local as_of label
  as_of=$(expect "d['$name']['as_of']"); label=$(expect "d['$name']['label']")
  run gi sites import "$dir/sites.csv"; expect_rc 0 "$name: sites import"
  run gi media import "$dir/media.csv"; expect_rc 0 "$name: media import"
  run gi probes import "$dir/probes.csv"; expect_rc 0 "$name: probes import"
  serve --hosts "$dir/www"
  local t=$(now)
  run gi inspect --round "$name" --as-of "$as_of" --label "$label" \
    --connect-to "::127.0.0.1:$PORT" --proxy "" --delay 0
  expect_rc 0 "$name: inspect"
  echo "$name: inspect took $(awk "BEGIN {printf \"%.1f\", $(now) - $t}") s"
  echo "$OUT" | grep "round $name:" || true
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
}

# findings_of NAME: the round's active findings, one line each
# (TARGET INDICATOR KIND STATUS), into $TMP/NAME.findings.
findings_of() {
  run gi findings --round "$1" --format json
  expect_rc 0 "$1: findings"
  printf '%s' "$OUT" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["status"] not in ("gone", "dismissed"):
        print(f["target"], f["indicator"], f["kind"], f["status"])' >"$TMP/$1.findings"
}

# summary NAME: counts per indicator and status, as people read them.
summary() {
  echo "== findings of round $1 (indicator, status, count)"
  awk '{print $2, $4}' "$TMP/$1.findings" | sort | uniq -c | awk '{printf "  %-28s %-10s %5d\n", $2, $3, $1}'
}

# The veto indicators (spec §2, §4): a target with one of these fails, or is
# pending while it awaits review.
VETOES='site.security|site.unreachable|site.home_stale|site.column_stale|site.interaction|site.service|media.security|media.interaction|media.comment_ads|media.stale'

# failing NAME site|media: the targets with a veto finding, sorted.
failing() {
  local pat='^[0-9b]'
  [ "$2" = media ] && pat='^[a-z][a-z]-'
  grep -E "$pat" "$TMP/$1.findings" | grep -E " ($VETOES) " | awk '{print $1}' | sort -u
}

# check_round NAME: the failing targets equal expect.json's, and each
# account fails with exactly its listed problems.
check_round() {
  local name=$1
  expect_eq "$(failing "$name" site | tr '\n' ' ')" \
    "$(expect "' '.join(sorted(d['$name']['sites_failing']))") " "$name: failing sites"
  expect_eq "$(failing "$name" media | tr '\n' ' ')" \
    "$(expect "' '.join(sorted(d['$name']['media_failing']))") " "$name: failing accounts"
  local want got
  want=$(expect "'\n'.join(sorted(k + ' ' + ','.join(sorted({'stale': 'media.stale', 'closed': 'media.interaction', 'ads': 'media.comment_ads'}[p] for p in v)) for k, v in d['$name']['media_problems'].items()))")
  got=$(grep -E '^[a-z][a-z]-' "$TMP/$name.findings" | grep -E " ($VETOES) " | awk '{print $1, $2}' | sort -u |
        awk '{a[$1] = a[$1] ? a[$1] "," $2 : $2} END {for (k in a) print k, a[k]}' | sort)
  expect_eq "$got" "$want" "$name: each account's vetoes"
}

# ---- Round q2 (2020年第二季度) and round q3 (2020年第三季度) -----------------

run_round q2
run_round q3
findings_of q2
findings_of q3
summary q2
summary q3

# ---- Findings against the world's truth ------------------------------------

expect_eq "$(expect "d['sites']")" 51 "sites in the world"
expect_eq "$(expect "d['media']")" 323 "accounts in the world"
check_round q2
check_round q3
# 6108000039 fails by its stale columns: more than 10 of them.
CHECKS=$((CHECKS + 1))
n=$(grep -c '^6108000039 site.column_stale column.stale confirmed' "$TMP/q3.findings" || true)
[ "$n" -gt 10 ] || fail "6108000039: $n stale columns, expected more than 10"
# Of q2's 40 failing accounts exactly 3 fail in q3; q2's 5 sites are fixed.
expect_eq "$(comm -12 <(failing q2 media) <(failing q3 media) | wc -l)" 3 "accounts failing in both rounds"
expect_eq "$(comm -12 <(failing q2 site) <(failing q3 site) | wc -l)" 0 "sites failing in both rounds"

# ---- Review, verdicts and the 通报 -------------------------------------------

# verdict_counts NAME: "site pass fail pending unknown / media …" of a round.
verdict_counts() {
  run gi verdicts --round "$1" --format json
  printf '%s' "$OUT" | python3 -c '
import json, sys
from collections import Counter
d = json.load(sys.stdin)
for kind in ("site", "media"):
    c = Counter(t["verdict"] for t in d["targets"] if t["kind"] == kind)
    print(kind, c["pass"], c["fail"], c["pending"], c["unknown"], end=" ")'
}

# The advertising comments await a reviewer; before the decision those
# accounts are pending, not failed.
expect_eq "$(verdict_counts q3)" "site 50 1 0 0 media 291 28 4 0 " "q3 verdicts before review"
run gi review confirm --round q3 --all --indicator media.comment_ads --by 审核员 --note 核实为广告
expect_rc 0 "review confirm the advertising"
run gi review confirm --round q2 --all --indicator media.comment_ads --by 审核员 --note 核实为广告
expect_rc 0 "review confirm q2's advertising"
expect_eq "$(verdict_counts q3)" "site 50 1 0 0 media 291 32 0 0 " "q3 verdicts after review"
expect_eq "$(verdict_counts q2)" "site 46 5 0 0 media 283 40 0 0 " "q2 verdicts"

run gi report --round q3 --previous q2 --format md -o "$TMP/通报.md" --set 地区=榆林市
expect_rc 0 "report md"
for f in html docx xlsx; do
  run gi report --round q3 --previous q2 --format $f -o "$TMP/通报.$f" --set 地区=榆林市
  expect_rc 0 "report $f"
done

# compare_with_seed: the report's figures, recheck sentence and both
# appendices equal the example's, ignoring whitespace and the width of
# punctuation (the example is a PDF's text).
SEED="$SRC/../shared/seed/000_2d6f49849f7e880c.txt"
REPORT=$(cat "$TMP/通报.md")
norm() { python3 -c '
import sys, re
t = sys.stdin.read()
t = re.sub(r"\s+", "", t)
for a, b in ((",", "，"), ("(", "（"), (")", "）"), (":", "："), (";", "；")):
    t = t.replace(a, b)
print(t)'; }
NREPORT=$(printf '%s' "$REPORT" | norm)
# The figures the issue names, whether or not the example is at hand.
for want in "检查比例为100%，其中，合格50个，占比98.04%，存在严重问题的1个，占比1.96%" \
            "检查比例为100%，其中，合格291个，占比90.09%，存在突出问题的32个，占比9.91%" \
            "第二季度通报存在问题的5个政府网站已全部整改到位，40个不合格政府系统政务新媒体仍有3个不合格" \
            "检查范围为全市纳入全国政府网站信息报送系统的51个政府网站、全市政务新媒体323个"; do
  CHECKS=$((CHECKS + 1))
  grep -qF -- "$want" <<<"$NREPORT" || fail "the report lacks: $want"
done
# appendix_rows FILE KIND: the rows of 附件1 or 附件2 as "序号|a|b|c".
if [ -r "$SEED" ]; then
  SEED_ROWS=$(python3 - "$SEED" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
rows = []
for line in text.splitlines():
    cells = [c for c in line.split("\t")]
    if len(cells) == 4 and re.fullmatch(r"\d+", cells[0].strip()):
        rows.append("|".join(re.sub(r"\s+", "", c) for c in cells))
print("\n".join(rows))
PY
)
  REPORT_ROWS=$(python3 - "$TMP/通报.md" <<'PY'
import re, sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if line.startswith("|") and len(cells) == 4 and re.fullmatch(r"\d+", cells[0]):
        rows.append("|".join(re.sub(r"\s+", "", c) for c in cells))
print("\n".join(rows))
PY
)
  expect_eq "$(wc -l <<<"$REPORT_ROWS")" 33 "appendix rows (1 site + 32 accounts)"
  expect_eq "$REPORT_ROWS" "$SEED_ROWS" "both appendices equal the example's, row by row"
  # The example's own sentences: figures of both kinds and the recheck.
  SEED_SENTENCES=$(norm <"$SEED" | python3 -c '
import re, sys
t = sys.stdin.read()
for pat in (r"三季度政府网站检查比例为[^。]*?（名单见附件1）",
            r"三季度政府系统政务新媒体检查比例为[^。]*?（名单见附件2）",
            r"第二季度通报存在问题的[^，]*，[^，]*?仍有\d+个不合格"):
    m = re.search(pat, t)
    print(m.group(0) if m else "MISSING " + pat)')
  while IFS= read -r sentence; do
    CHECKS=$((CHECKS + 1))
    grep -qF -- "$sentence" <<<"$NREPORT" || fail "the example's sentence is not in the report: $sentence"
  done <<<"$SEED_SENTENCES"
else
  echo "skipped: the example report is not at $SEED; compared with the issue's figures only" >&2
fi

echo "acceptance: $(awk "BEGIN {printf \"%.1f\", $(now) - $T0}") s in all"
finish

# Shared helpers for integration tests: each test script is run by CTest as
#   bash SCRIPT PATH/TO/govinspect SOURCE_DIR
# and works in a temporary folder of its own, removed at exit.
set -u
GI=${1:?usage: SCRIPT GOVINSPECT_BINARY SOURCE_DIR}
SRC=${2:?usage: SCRIPT GOVINSPECT_BINARY SOURCE_DIR}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
export LANG=C LC_ALL=C
unset GOVINSPECT_DB
FAILS=0
CHECKS=0

# run CMD...: runs it, keeping stdout in $OUT, stderr in $ERR, status in $RC.
run() {
  set +e
  "$@" >"$TMP/.out" 2>"$TMP/.err"
  RC=$?
  set -e
  OUT=$(cat "$TMP/.out")
  ERR=$(cat "$TMP/.err")
}

fail() {
  FAILS=$((FAILS + 1))
  echo "FAIL: $*" >&2
  echo "  status: $RC" >&2
  echo "  stdout: $(printf '%s' "$OUT" | head -c 2000)" >&2
  echo "  stderr: $(printf '%s' "$ERR" | head -c 2000)" >&2
}

expect_rc() { CHECKS=$((CHECKS + 1)); [ "$RC" -eq "$1" ] || fail "${2:-} expected status $1"; }
expect_out() { CHECKS=$((CHECKS + 1)); grep -qF -- "$1" <<<"$OUT" || fail "${2:-} stdout lacks: $1"; }
expect_err() { CHECKS=$((CHECKS + 1)); grep -qF -- "$1" <<<"$ERR" || fail "${2:-} stderr lacks: $1"; }
expect_no_out() { CHECKS=$((CHECKS + 1)); ! grep -qF -- "$1" <<<"$OUT" || fail "${2:-} stdout has: $1"; }
expect_no_err() { CHECKS=$((CHECKS + 1)); ! grep -qF -- "$1" <<<"$ERR" || fail "${2:-} stderr has: $1"; }
expect_eq() { CHECKS=$((CHECKS + 1)); [ "$1" = "$2" ] || { fail "${3:-} expected '$2', got '$1'"; }; }

finish() {
  if [ "$FAILS" -gt 0 ]; then
    echo "$FAILS of $CHECKS checks failed" >&2
    exit 1
  fi
  echo "all $CHECKS checks passed"
  exit 0
}

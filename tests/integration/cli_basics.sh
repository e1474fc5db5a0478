# The command line itself: help, version, usage errors, exit statuses.
. "$(dirname "$0")/lib/assert.bash"
set -e

run "$GI" --version
expect_rc 0 "--version"; expect_out "govinspect "

run "$GI" --help
expect_rc 0 "--help"
for c in "sites import" "sites list" "media import" "media list" "rules show" "demo"; do
  expect_out "$c" "--help lists"
done

run "$GI"
expect_rc 2 "no command"

run "$GI" frobnicate
expect_rc 2 "unknown command"; expect_err "unknown command"

for c in "sites import" "sites list" "media import" "media list" "rules show" "demo"; do
  # shellcheck disable=SC2086
  run "$GI" $c --help
  expect_rc 0 "$c --help"; expect_out "Usage: govinspect [GLOBAL OPTIONS] $c"
done

run "$GI" help sites import
expect_rc 0 "help sites import"; expect_out "Usage: govinspect [GLOBAL OPTIONS] sites import"

run "$GI" sites list --format yaml
expect_rc 2 "bad --format"; expect_err "unknown format"

run "$GI" sites import
expect_rc 2 "import without a file"

run "$GI" --db postgresql://localhost/gi sites list
expect_rc 1 "postgresql"; expect_err "PostgreSQL"

# Global options may follow the command; --db= form.
run "$GI" sites list --db="$TMP/a.db" --no-progress -q
expect_rc 0 "globals after the command"
[ -f "$TMP/a.db" ] || fail "--db= did not create the database"

# $GOVINSPECT_DB is used when --db is absent.
GOVINSPECT_DB="$TMP/env.db" run "$GI" sites list
expect_rc 0 "GOVINSPECT_DB"
[ -f "$TMP/env.db" ] || fail "GOVINSPECT_DB not used"

# sqlite:PATH is the same as PATH.
run "$GI" --db "sqlite:$TMP/b.db" sites list
expect_rc 0 "sqlite: prefix"
[ -f "$TMP/b.db" ] || fail "sqlite:PATH did not create the database"

# A file that is not a database.
echo "not a database at all, just text that is long enough to fill a header page" > "$TMP/junk.db"
run "$GI" --db "$TMP/junk.db" sites list
expect_rc 1 "junk database"; expect_err "junk.db"

# Messages follow the locale.
LANG=zh_CN.UTF-8 LC_ALL= run "$GI" frobnicate
expect_rc 2 "zh unknown command"; expect_err "未知命令"

finish

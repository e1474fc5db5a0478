# The README's main command on the bundled demo.
. "$(dirname "$0")/lib/assert.bash"
set -e
export GOVINSPECT_DATA="$SRC/data"
run "$GI" --db "$TMP/demo.db" --no-progress demo
expect_rc 0 "demo"
expect_out "示范市人民政府"; expect_out "6199000001"; expect_out "6 websites"; expect_out "5 accounts"
expect_no_err "warning"
finish

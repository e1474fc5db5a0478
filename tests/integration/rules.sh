# rules show, --rules overlays, invalid rule files.
. "$(dirname "$0")/lib/assert.bash"
set -e
run "$GI" rules show
expect_rc 0 "rules show"
expect_out "site.unreachable"; expect_out "media.stale"; expect_out "监测时间点"
printf '%s\n' "$OUT" > full.yaml
# The printed set, given back, is accepted unchanged.
run "$GI" --rules full.yaml rules show
expect_rc 0 "round trip of rules show"
# A short provincial variant.
cat > prov.yaml <<'YAML'
indicators:
  media.stale:
    window_days: 10
YAML
run "$GI" --rules prov.yaml rules show
expect_rc 0 "provincial overlay"; expect_out "window_days: 10"
# An unknown key is refused with its line.
printf 'indicators:\n  media.stale:\n    window_dayz: 10\n' > typo.yaml
run "$GI" --rules typo.yaml rules show
expect_rc 1 "unknown key"; expect_err "typo.yaml:3"; expect_err "window_dayz"
printf 'indicators: [unclosed\n' > syntax.yaml
run "$GI" --rules syntax.yaml rules show
expect_rc 1 "syntax error"; expect_err "syntax.yaml:"
run "$GI" --rules nonexistent.yaml rules show
expect_rc 1 "missing rules file"; expect_err "nonexistent.yaml"
finish

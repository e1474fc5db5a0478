# For tests that talk to a local server: gi_serve ($GI_SERVE, set by CTest)
# serves a folder on 127.0.0.1. Source after assert.bash. Skips the test
# (exit 77) when gi_serve is not available, drops proxies from the
# environment so nothing leaves 127.0.0.1, and kills every server at exit.
if [ -z "${GI_SERVE:-}" ] || [ ! -x "$GI_SERVE" ]; then
  echo "skipped: GI_SERVE (the gi_serve fixture server) is not set" >&2
  exit 77
fi
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

SERVERS=""
trap 'for p in $SERVERS; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"' EXIT

# serve [--hosts] DIR: starts gi_serve on DIR (--hosts: a folder per Host
# header, the demo's server); sets PORT and SERVER_PID. The server writes
# the requests it answered to $TMP/NAME.log (NAME: DIR's last part) when it
# stops.
serve() {
  local opt=""
  if [ "$1" = --hosts ]; then opt=--hosts; shift; fi
  local log
  log="$TMP/$(basename "$1").log"
  "$GI_SERVE" $opt "$1" >"$TMP/.port" 2>"$log" </dev/null &
  SERVER_PID=$!
  SERVERS="$SERVERS $SERVER_PID"
  PORT=""
  for _ in $(seq 100); do
    PORT=$(head -n1 "$TMP/.port" 2>/dev/null || true)
    [ -n "$PORT" ] && break
    sleep 0.05
  done
  if [ -z "$PORT" ]; then
    echo "FAIL: gi_serve did not start: $(cat "$log")" >&2
    exit 1
  fi
}

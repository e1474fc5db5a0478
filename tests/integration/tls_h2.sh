# inspect and probe over TLS and HTTP/2: a throwaway CA (made here with the
# openssl CLI) signs a certificate for www.h2.test and 127.0.0.1; nghttpd
# (Debian's nghttp2-server, an HTTP/2-only server) serves a tiny site with it
# on a free 127.0.0.1 port. With --ca-file and --resolve the crawl completes
# over HTTP/2 (the -v log names the version of every answer, and nghttpd's
# own log shows the requests); without --ca-file the same site is refused
# with a certificate error, recorded as crawl.incomplete, never accepted
# silently. Nothing leaves 127.0.0.1: the only name is mapped by --resolve.
. "$(dirname "$0")/lib/assert.bash"
set -e
for tool in nghttpd openssl python3; do
  if ! command -v "$tool" >/dev/null; then
    echo "skipped: no $tool (scripts/install-deps installs nghttp2-server, openssl, python3)" >&2
    exit 77
  fi
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
H2_PID=""
trap '[ -z "$H2_PID" ] || kill "$H2_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$TMP"' EXIT
DB="$TMP/t.db"
gi() { "$GI" --db "$DB" --no-progress "$@"; }
HOST=www.h2.test

# --- the throwaway CA and the server's certificate (EC keys: quick).
mkcert() {
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -days 2 \
    -subj "/CN=govinspect test CA" -keyout ca.key -out ca.pem
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -subj "/CN=$HOST" -keyout server.key -out server.csr
  printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=digitalSignature" \
    "extendedKeyUsage=serverAuth" "subjectAltName=DNS:$HOST,IP:127.0.0.1" >server.ext
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
    -extfile server.ext -out server.pem
}
if ! mkcert >openssl.log 2>&1; then
  echo "FAIL: openssl could not make the test certificates: $(cat openssl.log)" >&2
  exit 1
fi

# --- the site: a homepage, an inner page, one broken link.
mkdir -p site
cat >site/index.html <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范县人民政府</title></head>
<body><div class="nav"><a href="/news.html">政务公开</a> <a href="/missing.html">办事服务</a></div>
<p>示范县人民政府门户网站，提供政务公开、办事服务和互动交流。</p></body></html>
EOF
cat >site/news.html <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>政务公开</title></head>
<body><p>政务公开栏目。</p><a href="/">首页</a></body></html>
EOF
printf 'User-agent: *\nDisallow: /private/\n' >site/robots.txt
# nghttpd types files by a mime.types file; its own, so nothing depends on
# /etc/mime.types being installed.
printf 'text/html html\ntext/plain txt\n' >mime.types

# --- nghttpd on a free port, logging in append mode (the log is emptied
# between runs) (asked of the kernel; retried if taken meanwhile).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=""
for _ in 1 2 3; do
  p=$(free_port)
  nghttpd -v -a 127.0.0.1 -d site --mime-types-file=mime.types "$p" server.key server.pem \
    >>nghttpd.log 2>&1 </dev/null &
  H2_PID=$!
  for _ in $(seq 100); do
    if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2)' "$p" 2>/dev/null; then
      PORT=$p; break
    fi
    kill -0 "$H2_PID" 2>/dev/null || break
    sleep 0.05
  done
  [ -n "$PORT" ] && break
  kill "$H2_PID" 2>/dev/null || true; wait "$H2_PID" 2>/dev/null || true; H2_PID=""
done
if [ -z "$PORT" ]; then
  echo "FAIL: nghttpd did not start: $(cat nghttpd.log)" >&2
  exit 1
fi
BASE="https://$HOST:$PORT"
RESOLVE="$HOST:$PORT:127.0.0.1"

printf 'site_code,name,url\n6199000001,示范县人民政府,%s/\n' "$BASE" >sites.csv
run gi sites import sites.csv
expect_rc 0 "import"

# --- usage: an unreadable CA file is refused before anything starts.
run gi inspect --round bad --as-of 2020-08-10 --sites-only --ca-file "$TMP/none.pem"
expect_rc 2 "missing --ca-file"; expect_err "none.pem"; expect_err "cannot read the CA file"
run gi probe --ca-file "$TMP/site"
expect_rc 2 "--ca-file is a folder"; expect_err "$TMP/site"
run gi probe --ca-file server.key
expect_rc 2 "--ca-file is a key"; expect_err "server.key: no PEM certificate"

# --- with the CA: the crawl completes, every answer over HTTP/2.
run gi -v inspect --round r1 --as-of 2020-08-10 --sites-only --delay 0 --timeout 5 \
  --resolve "$RESOLVE" --ca-file ca.pem
expect_rc 0 "inspect with --ca-file"
expect_out "6199000001: 2 pages"
expect_out "1 broken"
expect_no_out "incomplete"
expect_err "fetch: GET $BASE/: HTTP/2 200"
expect_err "fetch: GET $BASE/news.html: HTTP/2 200"
expect_err "HTTP/2 404"
expect_no_err "HTTP/1"
run gi findings --round r1 --format json
expect_rc 0 "findings r1"
expect_out '"url": "'"$BASE"'/missing.html"'
expect_no_out "crawl.incomplete"
# nghttpd's log: the HTTP/2 frames of the requests it answered.
CHECKS=$((CHECKS + 1)); grep -q ':path: /news.html' nghttpd.log || fail "nghttpd never served /news.html over HTTP/2"
CHECKS=$((CHECKS + 1)); grep -q 'recv HEADERS frame' nghttpd.log || fail "nghttpd's log has no HTTP/2 HEADERS frame"

# --- without the CA: refused, and recorded as such.
: >nghttpd.log
run gi inspect --round r2 --as-of 2020-08-10 --sites-only --delay 0 --timeout 5 --resolve "$RESOLVE"
expect_rc 3 "inspect without --ca-file"
expect_out "6199000001: 0 pages"; expect_out "incomplete"
expect_out "unable to get local issuer certificate"
run gi findings --round r2 --format json
expect_rc 0 "findings r2"
expect_out '"kind": "crawl.incomplete"'
expect_out "certificate"
expect_no_out '"kind": "link.broken"'
CHECKS=$((CHECKS + 1)); ! grep -q ':path:' nghttpd.log || fail "a request was sent over an unverified connection"

# --- probe: the same two ways.
run gi probe --resolve "$RESOLVE" --ca-file ca.pem
expect_rc 0 "probe with --ca-file"; expect_out "6199000001"; expect_out "HTTP 200"
run gi probe --resolve "$RESOLVE"
expect_rc 3 "probe without --ca-file"; expect_out "FAILED"; expect_out "certificate"

finish

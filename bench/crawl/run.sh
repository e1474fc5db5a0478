#!/usr/bin/env bash
# Crawl benchmark: govinspect against wget, wget2, linkchecker and linkinator
# on a generated government-style site with known broken links.
#
# Usage (as root):  bench/crawl/setup.sh     # once: Debian packages + linkinator
#                   bench/crawl/run.sh [PAGES ...]      # default: 2000 20000
# Environment:
#   WORK=DIR        sites and results (default ${TMPDIR:-/tmp}/govinspect-crawl-bench)
#   TOOLS="..."     subset of: govinspect govinspect_deep wget wget2 linkchecker linkinator
#                   (govinspect_deep, not run by default: the same command with
#                   --max-depth 1000, for a binary whose default depth is limited)
#   TIMEOUT=600     seconds per tool run
#   GOVINSPECT=BIN  the binary (default build-bench/govinspect, built if missing)
#   GI_WRAP="CMD"   a command put before govinspect, e.g. "perf record -g -o /tmp/gi.perf"
#   CONC=64         concurrency given to every tool that has such an option
#   REPEAT=1        runs of each tool per size; the table shows the median
#
# The whole run happens in a new network namespace with only the loopback
# interface up, and a new mount namespace in which the generated `hosts` file
# is bind-mounted over /etc/hosts: the site www.bench.gov.cn and the "live"
# external hosts (www.gov.cn, beian.miit.gov.cn, ...) resolve to 127.0.0.1,
# where nginx serves them on port 80; the dead external hosts resolve to
# 127.0.0.2, where nothing listens (connection refused). No packet leaves
# the machine, and every tool sees the same names and the same dead targets.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
WORK=${WORK:-${TMPDIR:-/tmp}/govinspect-crawl-bench}
TOOLS=${TOOLS:-govinspect wget wget2 linkchecker linkinator}
TIMEOUT=${TIMEOUT:-600}
CONC=${CONC:-64}
REPEAT=${REPEAT:-1}
GOVINSPECT=${GOVINSPECT:-$repo/build-bench/govinspect}
SITE_URL=http://www.bench.gov.cn/
export WORK TOOLS TIMEOUT CONC REPEAT GOVINSPECT

if [ "${1:-}" != --inside ]; then
  [ "$(id -u)" = 0 ] || { echo "run.sh: needs root (network and mount namespaces, nginx on port 80)" >&2; exit 2; }
  for c in unshare ip nginx python3 /usr/bin/time timeout; do
    command -v "$c" >/dev/null || { echo "run.sh: $c missing: run bench/crawl/setup.sh" >&2; exit 2; }
  done
  sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(2000 20000)
  mkdir -p "$WORK"
  if [[ " $TOOLS " == *" govinspect"* ]] && [ "$GOVINSPECT" = "$repo/build-bench/govinspect" ] &&
     [ ! -x "$GOVINSPECT" ]; then
    echo "== building govinspect into $repo/build-bench"
    { cmake -S "$repo" -B "$repo/build-bench" -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
      cmake --build "$repo/build-bench" -j2 --target govinspect; } > "$WORK/build.log" 2>&1 ||
      echo "   build failed (see $WORK/build.log): govinspect will be n/a"
  fi
  for n in "${sizes[@]}"; do
    d=$WORK/site-$n
    stamp=$(sha1sum "$here/gen_site.py" | cut -c1-12)
    if [ "$(cat "$d/.stamp" 2>/dev/null)" != "$stamp" ]; then
      echo "== generating $n pages into $d"
      rm -rf "$d"
      python3 "$here/gen_site.py" "$d" "$n" >/dev/null
      echo "$stamp" > "$d/.stamp"
    fi
  done
  exec unshare --net --mount -- bash "$0" --inside "${sizes[@]}"
fi
shift

# ---- inside the namespaces ----------------------------------------------------
# Refuse to touch anything unless this shell is in the new namespaces that
# `unshare` made (its parent, the shell that ran run.sh, is not) and the
# network namespace holds the loopback interface alone.
for ns in net mnt; do
  mine=$(readlink /proc/self/ns/$ns 2>/dev/null || true)
  parent=$(readlink /proc/$PPID/ns/$ns 2>/dev/null || true)
  if [ -z "$mine" ] || [ -z "$parent" ] || [ "$mine" = "$parent" ]; then
    echo "run.sh: --inside is only for the namespaces that run.sh makes itself" >&2; exit 2
  fi
done
if ip -o link show | awk -F': ' '{print $2}' | grep -vqx lo; then
  echo "run.sh: an interface other than lo exists in the namespace; refusing" >&2; exit 1
fi
ip link set lo up
# glibc's getaddrinfo(AI_ADDRCONFIG), used by wget and others, returns no IPv4
# address at all when 127.0.0.1 is the only one configured: a second
# loopback address makes names resolve as on a normal machine.
ip addr add 127.0.0.254/8 dev lo
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
sizes=("$@")
mount --bind "$WORK/site-${sizes[0]}/hosts" /etc/hosts
# Safety: the names resolve where we mean.
for h in www.bench.gov.cn www.gov.cn www.old-dept01.gov.cn; do
  a=$(getent ahostsv4 "$h" | awk 'NR==1{print $1}')
  case "$a" in 127.*) ;; *) echo "run.sh: $h resolves to '$a', not loopback; refusing" >&2; exit 1;; esac
done

nginx_pid=
start_nginx() { # SITE_DIR
  local d=$1 conf=$1/nginx.conf
  mkdir -p "$d/nginx-tmp"
  cat > "$conf" <<EOF
worker_processes 1;
daemon off;
user root;
pid $d/nginx.pid;
error_log $d/nginx-error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 32768; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  keepalive_timeout 75s;
  charset utf-8;
  client_body_temp_path $d/nginx-tmp/body;
  proxy_temp_path $d/nginx-tmp/proxy;
  fastcgi_temp_path $d/nginx-tmp/fastcgi;
  uwsgi_temp_path $d/nginx-tmp/uwsgi;
  scgi_temp_path $d/nginx-tmp/scgi;
  # linkchecker throttles itself per host unless the server sends this header
  add_header LinkChecker bench always;
  server {
    listen 127.0.0.1:80 default_server;
    server_name www.bench.gov.cn;
    root $d/site;
    index index.html;
  }
  server {
    listen 127.0.0.1:80;
    server_name www.gov.cn www.conac.cn bszs.conac.cn beian.miit.gov.cn www.beian.gov.cn
                www.shaanxi.gov.cn www.sndrc.gov.cn czt.shaanxi.gov.cn tjj.shaanxi.gov.cn;
    root $d/ext/\$host;
    index index.html;
    default_type text/html;
  }
}
EOF
  nginx -t -c "$conf" -p "$d" >/dev/null 2>&1 || { nginx -t -c "$conf" -p "$d"; exit 1; }
  nginx -c "$conf" -p "$d" &
  nginx_pid=$!
  for _ in $(seq 50); do
    curl -s -o /dev/null "$SITE_URL" 2>/dev/null && return 0
    wget -q -O /dev/null "$SITE_URL" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run.sh: nginx did not come up" >&2; exit 1
}
stop_nginx() {
  [ -n "$nginx_pid" ] || return 0
  kill "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=
}
trap stop_nginx EXIT

# timed TOOL DIR CWD CMD...: /usr/bin/time -v around timeout, in CWD; the
# output, errors, measurements and exit code go to DIR/TOOL.{out,err,time,rc}.
timed() {
  local tool=$1 dir=$2 cwd=$3; shift 3
  local rc=0
  ( cd "$cwd" && /usr/bin/time -v -o "$dir/$tool.time" timeout "$TIMEOUT" "$@" ) \
      > "$dir/$tool.out" 2> "$dir/$tool.err" || rc=$?
  echo "$rc" > "$dir/$tool.rc"
}
na() { echo "$2" > "$1.na"; }

# gi_run NAME RES [EXTRA INSPECT OPTIONS]: import the one-site registry into a fresh
# database, time `inspect`, then export the findings as CSV
gi_run() {
  local name=$1 r=$2/$1; shift 2; mkdir -p "$r"
  [ -x "$GOVINSPECT" ] || { na "$r/$name" "binary $GOVINSPECT missing"; return; }
  printf 'site_code,name,url,kind\n6108000001,榆林市人民政府（基准测试站）,%s,portal\n' "$SITE_URL" > "$r/sites.csv"
  rm -f "$r/gi.db"
  "$GOVINSPECT" --db "$r/gi.db" -q sites import "$r/sites.csv" > "$r/import.out" 2>&1 \
    || { na "$r/$name" "sites import failed: $(tail -1 "$r/import.out")"; return; }
  timed "$name" "$r" "$r" ${GI_WRAP:-} "$GOVINSPECT" --db "$r/gi.db" --no-progress inspect --round bench \
    --as-of 2020-08-10 --sites-only --delay 0 --concurrency "$CONC" --per-host "$CONC" \
    --max-pages 100000 --ignore-robots "$@"
  "$GOVINSPECT" --db "$r/gi.db" findings --round bench --format csv > "$r/findings.csv" 2> "$r/findings.err" || true
}
run_govinspect() { gi_run govinspect "$1"; }
# The same with no practical depth limit (up to 9983a31 the default --max-depth was 20).
run_govinspect_deep() { gi_run govinspect_deep "$1" --max-depth 1000; }

run_wget() {
  local r=$1/wget; mkdir -p "$r/tmp"
  command -v wget >/dev/null || { na "$r/wget" "wget not installed"; return; }
  # wget writes and deletes each HTML page it parses: -nd keeps them in tmp/
  timed wget "$r" "$r/tmp" wget --spider -r -l inf -nd -nv -o "$r/wget.log" "$SITE_URL"
}

run_wget2() {
  local r=$1/wget2; mkdir -p "$r/tmp"
  command -v wget2 >/dev/null || { na "$r/wget2" "wget2 not installed"; return; }
  # -l 0: no depth limit (wget2's default is 5)
  timed wget2 "$r" "$r/tmp" wget2 --spider -r -l 0 -nd --max-threads="$CONC" --progress=none \
    -o "$r/wget2.log" --stats-site="csv:$r/wget2-site.csv" "$SITE_URL"
}

run_linkchecker() {
  local r=$1/linkchecker; mkdir -p "$r"
  command -v linkchecker >/dev/null || { na "$r/linkchecker" "linkchecker not installed"; return; }
  chmod 755 "$r"
  # maxrequestspersecond (with the LinkChecker header from nginx) lifts its
  # own per-host throttle of ~3 requests/s.
  printf '[checking]\nthreads=%s\nmaxrequestspersecond=100000\n' "$CONC" > "$r/linkcheckerrc"
  chmod 644 "$r/linkcheckerrc"
  # mailto: is checked by an MX look-up, which has no DNS server to ask here
  timed linkchecker "$r" "$r" linkchecker -f "$r/linkcheckerrc" --check-extern -t "$CONC" --no-status \
    --no-warnings --ignore-url '^mailto:' -o csv "$SITE_URL"
}

run_linkinator() {
  local r=$1/linkinator; mkdir -p "$r"
  local cli=$here/node/node_modules/linkinator/build/src/cli.js
  [ -f "$cli" ] || { na "$r/linkinator" "not installed (bench/crawl/setup.sh)"; return; }
  command -v node >/dev/null || { na "$r/linkinator" "node not installed"; return; }
  timed linkinator "$r" "$r" node "$cli" "$SITE_URL" --recurse --concurrency "$CONC" --format csv
}

for n in "${sizes[@]}"; do
  d=$WORK/site-$n
  res=$WORK/results-$n
  rm -rf "$res"; mkdir -p "$res"; chmod 755 "$res"
  start_nginx "$d"
  echo "== $n pages: $(python3 -c 'import json,sys; i=json.load(open(sys.argv[1])); print("%d pages, %d files, %d known broken links" % (i["pages"], i["files"], i["broken"]))' "$d/site.json")"
  for t in $TOOLS; do
    declare -F "run_$t" >/dev/null || { echo "-- $t: unknown tool, skipped"; continue; }
    for i in $(seq "$REPEAT"); do
      echo "-- $t (run $i)"
      mkdir -p "$res/run$i"; chmod 755 "$res/run$i"
      "run_$t" "$res/run$i"
      python3 "$here/score.py" "$t" "$res/run$i/$t" "$d" >> "$res/results.jsonl"
      tail -1 "$res/results.jsonl" | python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); print("   ", r.get("line",""))'
    done
  done
  stop_nginx
done
echo
python3 "$here/score.py" --table "${sizes[@]/#/$WORK/results-}"

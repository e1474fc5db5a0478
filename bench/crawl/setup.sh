#!/usr/bin/env bash
# Installs what bench/crawl/run.sh needs (Debian 12, as root): nginx, the
# tools compared, GNU time and iproute2 from Debian, linkinator from npm into
# bench/crawl/node/. Run it before run.sh: run.sh works offline, in a
# loopback-only network namespace.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
need=()
for p in nginx wget wget2 linkchecker time iproute2 util-linux curl python3; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
# node and npm may come from another package than Debian's (e.g. a newer nodejs)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
[ -f "$here/node/node_modules/linkinator/build/src/cli.js" ] ||
  npm install --prefix "$here/node" --no-package-lock --no-audit --no-fund   # the version in node/package.json

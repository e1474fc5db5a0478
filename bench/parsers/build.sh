#!/usr/bin/env bash
# Builds bench/parsers/parse_bench (standalone; not part of the CMake build).
# Needs: gcc, pkg-config, libgumbo-dev, libxml2-dev (apt-get install -y libgumbo-dev libxml2-dev).
set -euo pipefail
cd "$(dirname "$0")"
gcc -std=c17 -O2 -Wall -Wextra -o parse_bench parse_bench.c \
  $(pkg-config --cflags gumbo libxml-2.0) $(pkg-config --libs gumbo libxml-2.0)
echo "built $(pwd)/parse_bench (gumbo $(pkg-config --modversion gumbo), libxml2 $(pkg-config --modversion libxml-2.0))"

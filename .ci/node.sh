#!/usr/bin/env bash
# Puts the Node.js release named in .nvmrc first on PATH, provisioned from the npm registry's
# node-linux-<arch> package (the registry is the only download this CI needs), cached per version.
# Source it: `. .ci/node.sh`. Prints which Node will run.
set -euo pipefail
want="$(tr -d ' \n' < "$(dirname "${BASH_SOURCE[0]}")/../.nvmrc")"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "CI: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
if [ "$(node --version 2>/dev/null || true)" != "v$want" ]; then
  cache="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/glacier-restore/node-$want-$arch"
  bin="$cache/node_modules/node-linux-$arch/bin"
  if [ ! -x "$bin/node" ]; then
    npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund "node-linux-$arch@$want" >&2
  fi
  export PATH="$bin:$PATH"
fi
if [ "$(node --version)" != "v$want" ]; then
  echo "CI: wanted Node.js v$want, PATH gives $(node --version)" >&2
  exit 1
fi
echo "CI: Node.js $(node --version) ($(command -v node)), npm $(npm --version)" >&2

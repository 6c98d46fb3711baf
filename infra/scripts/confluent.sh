#!/usr/bin/env bash
# The native build of @confluentinc/kafka-javascript (ENTREPOT_KAFKA_CLIENT=confluent), an optional
# dependency of packages/kafka: pnpm builds it during `pnpm install` (node-gyp, 1.5-4.5 minutes on
# 2 cores: librdkafka 2.15 bundled with the package, then the binding). setup.sh calls it; a machine
# where the build fails still installs and runs on the other clients. Idempotent: a second run only checks.
#   deps   Debian's C/C++ toolchain, pkg-config, python3 (node-gyp), OpenSSL and zlib headers, with
#          apt-get when missing; without root or apt it says what is missing and carries on
#   env    prints, for `eval`, the build's environment: CKJS_LINKING=dynamic (librdkafka is built as a
#          shared library against Debian's OpenSSL and zlib; the default static build downloads their
#          sources from github.com and zlib.net) and npm_config_nodedir, the running Node's own headers
#          (node-gyp otherwise downloads them from nodejs.org)
#   check  after `pnpm install`: whether the package loads; if not, `pnpm rebuild` it once (again only
#          after the lockfile or Node changed: the stamp .tools/.confluent-build-failed)
# Debian's librdkafka-dev (2.0.2 on bookworm) is not used: the binding needs librdkafka >= 2.4's API.
set -euo pipefail
_log_prefix=confluent
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROOT="$(dirname "$INFRA_DIR")"
PACKAGE=@confluentinc/kafka-javascript
BUILD_DEPS=(g++ make pkg-config python3 libssl-dev zlib1g-dev)
FAILED_STAMP="$ROOT/.tools/.confluent-build-failed"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

deps() {
  command -v dpkg-query >/dev/null || { log "not Debian: the build of $PACKAGE needs ${BUILD_DEPS[*]} (or their equivalents)"; return 0; }
  local missing=() pkg
  for pkg in "${BUILD_DEPS[@]}"; do installed "$pkg" || missing+=("$pkg"); done
  ((${#missing[@]} == 0)) && return 0
  if ! command -v apt-get >/dev/null || ((EUID != 0)); then
    log "missing ${missing[*]}: $PACKAGE (ENTREPOT_KAFKA_CLIENT=confluent) will not build; as root: apt-get install -y ${missing[*]}"
    return 0
  fi
  take_lock "$ROOT/.tools/.confluent-deps.lock" 600 9
  apt_install "${missing[@]}"
}

env_lines() {
  echo "export CKJS_LINKING=dynamic"
  local prefix
  prefix="$(node -p 'require("node:path").resolve(process.execPath, "../..")')"
  [[ -f "$prefix/include/node/node.h" ]] && echo "export npm_config_nodedir=$(printf '%q' "$prefix")"
  return 0
}

loads() { (cd "$ROOT/packages/kafka" && node -e "require('$PACKAGE')" >/dev/null 2>&1); }

check() {
  if loads; then
    rm -f "$FAILED_STAMP"
    return 0
  fi
  local stamp
  stamp="$(cat "$ROOT/pnpm-lock.yaml" <(node --version) | sha256sum | awk '{print $1}')"
  if [[ -f "$FAILED_STAMP" && "$(cat "$FAILED_STAMP")" == "$stamp" ]]; then
    log "$PACKAGE is not built here (failed before; delete $FAILED_STAMP to try again): ENTREPOT_KAFKA_CLIENT=confluent is unavailable"
    return 0
  fi
  log "building $PACKAGE (pnpm rebuild; a few minutes, once)"
  eval "$(env_lines)"
  (cd "$ROOT" && pnpm rebuild "$PACKAGE" --reporter=append-only >&2) || true
  if loads; then
    rm -f "$FAILED_STAMP"
    log "ready"
  else
    mkdir -p "$(dirname "$FAILED_STAMP")"
    echo "$stamp" >"$FAILED_STAMP"
    log "the build of $PACKAGE failed (output above): ENTREPOT_KAFKA_CLIENT=confluent is unavailable; kafkajs and platformatic are not affected"
  fi
}

case "${1:-}" in
  deps) deps ;;
  env) env_lines ;;
  check) check ;;
  *) die "usage: confluent.sh deps|env|check" ;;
esac

#!/usr/bin/env bash
# Installs everything the demo and the tests need on a fresh machine of this kind
# (Node + npm, Java 17 + Maven, apt; run.sh first puts Node 24 on PATH via node.sh). Idempotent: a second run takes a few seconds.
#   1. pnpm, pinned to the version in package.json "packageManager"
#   2. node modules (pnpm install --frozen-lockfile), with the native build of the optional
#      @confluentinc/kafka-javascript (confluent.sh: Debian's toolchain and headers first, then
#      the build's environment; a failed build leaves ENTREPOT_KAFKA_CLIENT=confluent unavailable)
#   3. Kafka jars from Maven Central and Debian's redis-server (infra.sh install)
#   4. the Python examples' dependencies: Debian's python3-confluent-kafka and a venv .tools/py
#      with examples/python/requirements.txt (python.sh)
#   5. Debian's chromium for the dashboard and report browser tests (browser.sh)
# It starts nothing: the CLI and the test harness start Kafka and Redis when they need them.
set -euo pipefail
_log_prefix=setup
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROOT="$(dirname "$INFRA_DIR")"
cd "$ROOT"

want="$(node -e 'const p=require("./package.json").packageManager||""; process.stdout.write(p.split("@")[1]||"")')"
[[ -n "$want" ]] || die "package.json has no packageManager pnpm@<version>"
have="$(pnpm --version 2>/dev/null || true)"
if [[ "$have" != "$want" ]]; then
  log "installing pnpm@$want (found '${have:-none}')"
  npm install --global --no-fund --no-audit "pnpm@$want" >&2
fi

bash "$INFRA_SCRIPTS_DIR/confluent.sh" deps
log "installing node modules"
eval "$(bash "$INFRA_SCRIPTS_DIR/confluent.sh" env)"
CI=true pnpm install --frozen-lockfile --reporter=append-only >&2
bash "$INFRA_SCRIPTS_DIR/confluent.sh" check

bash "$INFRA_SCRIPTS_DIR/infra.sh" install
bash "$INFRA_SCRIPTS_DIR/python.sh"
bash "$INFRA_SCRIPTS_DIR/browser.sh"
log "ready"

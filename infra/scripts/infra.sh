#!/usr/bin/env bash
# Local Kafka + Redis for dev, tests, the demo and CI (no Docker).
#
#   infra.sh up       start both (idempotent: a second call is a fast no-op); the last two
#                     lines on stdout are KAFKA_BROKERS=... and REDIS_URL=...
#   infra.sh down     stop both (only what these scripts started)
#   infra.sh status   exit 0 if both answer, 3 otherwise
#   infra.sh install  fetch the Kafka jars and install redis-server, start nothing
#
# Env: see kafka.sh and redis.sh (KAFKA_PORT, KAFKA_CONTROLLER_PORT, REDIS_PORT, REDIS_URL,
#      ENTREPOT_INFRA_DIR). Progress goes to stderr, so `eval "$(infra.sh up)"` works.
set -euo pipefail

_log_prefix=infra
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

kafka() { bash "$INFRA_SCRIPTS_DIR/kafka.sh" "$@"; }
redis() { bash "$INFRA_SCRIPTS_DIR/redis.sh" "$@"; }

cmd_up() {
  local t0 kafka_line redis_line
  t0=$(now_ms)
  kafka_line="$(kafka start | tail -n 1)"
  redis_line="$(redis start | tail -n 1)"
  log "up in $(($(now_ms) - t0)) ms"
  echo "$kafka_line"
  echo "$redis_line"
}

cmd_down() {
  local rc=0
  kafka stop || rc=1
  redis stop || rc=1
  return "$rc"
}

cmd_status() {
  local rc=0
  kafka status || rc=3
  redis status || rc=3
  return "$rc"
}

cmd_install() {
  kafka fetch
  redis install
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  install) cmd_install ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

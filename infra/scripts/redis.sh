#!/usr/bin/env bash
# Local Redis without Docker.
#
#   redis.sh install   apt-get install redis-server if redis-server/redis-cli are missing
#   redis.sh start     reuse a Redis that answers (REDIS_URL, or the port), else start ours
#   redis.sh stop      stop the Redis this script started (pid file); idempotent
#   redis.sh status    exit 0 if a Redis answers, 3 otherwise
#
# Env: REDIS_PORT (6379), REDIS_URL (an existing Redis to reuse), ENTREPOT_INFRA_DIR
#      (<repo>/infra/.run), REDIS_START_TIMEOUT (20 s), REDIS_STOP_TIMEOUT (30 s).
# `start` prints REDIS_URL=... on stdout; everything else goes to stderr.
set -euo pipefail

_log_prefix=redis
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-20}"
REDIS_STOP_TIMEOUT="${REDIS_STOP_TIMEOUT:-30}"

CONF="$INFRA_DIR/redis/redis.conf"
DATA_DIR="$RUN_DIR/redis"
PID_FILE="$DATA_DIR/redis.pid"
LOG_FILE="$DATA_DIR/redis.log"
LOCAL_URL="redis://127.0.0.1:$REDIS_PORT"

have_redis() { command -v redis-server >/dev/null && command -v redis-cli >/dev/null; }

# ping_port PORT: a Redis without auth answers PONG on 127.0.0.1:PORT.
ping_port() {
  [[ "$(timeout 3 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" == PONG ]]
}

ping_url() {
  [[ "$(timeout 3 redis-cli -u "$1" ping 2>/dev/null)" == PONG ]]
}

cmd_install() {
  have_redis && return 0
  command -v apt-get >/dev/null || die "redis-server is not installed and apt-get is not available; install Redis 6+ yourself"
  ((EUID == 0)) || die "redis-server is not installed; run as root, or: sudo apt-get install -y redis-server"
  take_lock "$RUN_DIR/.redis-install.lock" 600 9
  have_redis && return 0
  local answered_before=0
  port_open 6379 && answered_before=1
  log "installing redis-server with apt-get (first run only)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends redis-server >&2 || die "apt-get install redis-server failed"
  have_redis || die "redis-server still not found after apt-get install"
  # On machines whose init system lets packages start services, Debian's package starts a
  # system-wide Redis on 6379. We manage our own instance, so stop the one we just caused.
  if ((answered_before == 0)) && port_open 6379; then
    log "stopping the system Redis service that the package started"
    { service redis-server stop || invoke-rc.d redis-server stop; } >&2 2>&1 || log "could not stop the system Redis service"
  fi
  log "installed $(redis-server --version | awk '{print $3}' | sed 's/^v=//')"
}

# Our server's pid, or nothing; removes a stale pid file.
our_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  if [[ -n "$pid" ]] && pid_alive "$pid" && pid_cmdline_has "$pid" "redis-server"; then
    echo "$pid"
  else
    log "removing stale pid file $PID_FILE (pid '${pid}' is not a running redis-server)"
    rm -f "$PID_FILE"
  fi
}

cmd_start() {
  local t0
  t0=$(now_ms)
  cmd_install

  if [[ -n "${REDIS_URL:-}" ]]; then
    if ping_url "$REDIS_URL"; then
      log "REDIS_URL answers; using it"
      echo "REDIS_URL=$REDIS_URL"
      return 0
    fi
    log "REDIS_URL=$REDIS_URL does not answer PING; starting a local Redis on port $REDIS_PORT instead"
  fi

  take_lock "$DATA_DIR/.lock" $((REDIS_START_TIMEOUT + 120)) 8
  local pid
  pid="$(our_pid)"
  if ping_port "$REDIS_PORT"; then
    if [[ -n "$pid" ]]; then
      log "already running (pid $pid) on 127.0.0.1:$REDIS_PORT"
    else
      log "a Redis not started by this script already answers on 127.0.0.1:$REDIS_PORT; using it"
    fi
    echo "REDIS_URL=$LOCAL_URL"
    return 0
  fi
  [[ -z "$pid" ]] || die "our redis-server (pid $pid) is running but does not answer PING on port $REDIS_PORT (log: $LOG_FILE)"
  port_open "$REDIS_PORT" &&
    die "port $REDIS_PORT is in use by something that does not answer Redis PING (set REDIS_PORT to use another port)"

  mkdir -p "$DATA_DIR/data"
  log "starting redis-server on 127.0.0.1:$REDIS_PORT (data $DATA_DIR)"
  # daemonize: redis forks, writes the pid file and detaches its stdio; the parent exits
  # at once (non-zero only for config errors it catches before forking). The lock fds are
  # closed so the daemon does not hold our locks for its whole life.
  if ! redis-server "$CONF" --port "$REDIS_PORT" --dir "$DATA_DIR/data" \
    --pidfile "$PID_FILE" --logfile "$LOG_FILE" --daemonize yes \
    </dev/null >"$DATA_DIR/launch.log" 2>&1 7>&- 8>&- 9>&-; then
    show_tail "$DATA_DIR/launch.log"
    show_tail "$LOG_FILE"
    die "redis-server failed to start"
  fi

  local deadline=$((t0 + REDIS_START_TIMEOUT * 1000))
  until ping_port "$REDIS_PORT"; do
    if (($(now_ms) > deadline)); then
      show_tail "$LOG_FILE"
      die "redis-server did not answer PING on 127.0.0.1:$REDIS_PORT within ${REDIS_START_TIMEOUT}s"
    fi
    sleep 0.1
  done
  log "ready (pid $(cat "$PID_FILE" 2>/dev/null || echo '?')) in $(($(now_ms) - t0)) ms"
  echo "REDIS_URL=$LOCAL_URL"
}

cmd_stop() {
  local pid t0
  [[ -d "$DATA_DIR" ]] || { log "not running"; return 0; }
  take_lock "$DATA_DIR/.lock" $((REDIS_START_TIMEOUT + 60)) 8
  pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    log "not running (nothing started by this script)"
    return 0
  fi
  t0=$(now_ms)
  log "stopping redis-server (pid $pid)"
  stop_pid "$pid" redis "$REDIS_STOP_TIMEOUT"
  rm -f "$PID_FILE"
  log "stopped in $(($(now_ms) - t0)) ms"
}

cmd_status() {
  have_redis || { log "redis-server is not installed ($0 install)"; return 3; }
  local pid=""
  [[ -d "$DATA_DIR" ]] && pid="$(our_pid)"
  if ping_port "$REDIS_PORT"; then
    if [[ -n "$pid" ]]; then
      log "running (pid $pid), answering on 127.0.0.1:$REDIS_PORT"
    else
      log "a Redis not started by this script answers on 127.0.0.1:$REDIS_PORT"
    fi
    return 0
  fi
  if [[ -n "$pid" ]]; then
    log "process running (pid $pid) but not answering on 127.0.0.1:$REDIS_PORT"
  else
    log "not running"
  fi
  return 3
}

usage() {
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  check_port "$REDIS_PORT" REDIS_PORT
  case "${1:-}" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) usage ;;
  esac
}

main "$@"

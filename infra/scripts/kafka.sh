#!/usr/bin/env bash
# Local single-node Kafka (KRaft, broker+controller in one JVM) without Docker.
#
#   kafka.sh fetch              download the jars (Maven) unless already present
#   kafka.sh start              fetch, format storage once, start, wait until it answers
#   kafka.sh stop               SIGTERM, wait, SIGKILL if needed (idempotent)
#   kafka.sh status             exit 0 if a broker answers on the port, 3 otherwise
#   kafka.sh logs [-f|N]        last N (default 100) lines of the broker log, or follow it
#   kafka.sh reset              stop and delete all data (topics, offsets, cluster id)
#   kafka.sh tool CLASS [ARGS]  run a Kafka CLI class with the jars on the classpath, e.g.
#                               tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), ENTREPOT_INFRA_DIR (<repo>/infra/.run),
#      KAFKA_START_TIMEOUT (90 s), KAFKA_STOP_TIMEOUT (30 s), KAFKA_HEAP_OPTS, JAVA_HOME.
# `start` prints KAFKA_BROKERS=127.0.0.1:<port> on stdout; everything else goes to stderr.
set -euo pipefail

_log_prefix=kafka
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

KAFKA_HOME="$INFRA_DIR/kafka"
POM="$KAFKA_HOME/pom.xml"
JARS_DIR="$KAFKA_HOME/.jars"
STAMP="$JARS_DIR/.stamp"
DATA_DIR="$RUN_DIR/kafka"
CONFIG="$DATA_DIR/server.properties"
LOG_DIRS="$DATA_DIR/kraft"
LOGS="$DATA_DIR/log"
PID_FILE="$DATA_DIR/kafka.pid"
CLUSTER_ID_FILE="$DATA_DIR/cluster.id"

# ---------------------------------------------------------------------------------------
# fetch

pom_hash() { sha256sum "$POM" | cut -c1-64; }

jars_ready() { [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(pom_hash)" ]]; }

cmd_fetch() {
  jars_ready && return 0
  mkdir -p "$JARS_DIR"
  take_lock "$JARS_DIR/.fetch.lock" 600 9
  jars_ready && return 0 # another invocation fetched while we waited
  command -v mvn >/dev/null || die "mvn not found: Maven is needed to download Kafka (apt-get install -y maven)"
  log "downloading Kafka jars with Maven into $JARS_DIR (first run only)"
  local t0
  t0=$(now_ms)
  rm -f "$STAMP" "$JARS_DIR"/*.jar
  # Maven output goes to stderr (3.8 with -q still emits bare colour resets: strip them).
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$JARS_DIR" -DincludeScope=runtime 2>&1 | sed $'s/\x1b\\[[0-9;]*m//g' >&2; then
    die "Maven could not download the Kafka jars (see its output above; pom: $POM)"
  fi
  compgen -G "$JARS_DIR/kafka_2.13-*.jar" >/dev/null || die "Maven finished but no kafka_2.13 jar is in $JARS_DIR"
  pom_hash >"$STAMP"
  log "jars ready: $(find "$JARS_DIR" -name '*.jar' | wc -l) jars, $(du -sh "$JARS_DIR" | cut -f1), $(($(now_ms) - t0)) ms"
}

# ---------------------------------------------------------------------------------------
# process / readiness helpers

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
    echo "$JAVA_HOME/bin/java"
  elif command -v java >/dev/null; then
    command -v java
  else
    die "java not found: Kafka 4 needs Java 17+ (apt-get install -y openjdk-17-jre-headless, or set JAVA_HOME)"
  fi
}

check_java() {
  local java="$1" version major
  version="$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2; exit}')"
  major="${version#1.}"
  major="${major%%.*}"
  [[ "$major" =~ ^[0-9]+$ ]] || die "could not tell the version of $java"
  ((major >= 17)) || die "Kafka 4 needs Java 17+, but $java is Java $version (set JAVA_HOME)"
}

# Our broker's pid, or nothing. Removes a stale pid file (dead process, or pid reused by
# something that is not our broker).
our_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  if [[ -n "$pid" ]] && pid_alive "$pid" && pid_cmdline_has "$pid" "kafka.Kafka $CONFIG"; then
    echo "$pid"
  else
    log "removing stale pid file $PID_FILE (pid '${pid}' is not a running broker)"
    rm -f "$PID_FILE"
  fi
}

# kafka_answers PORT: send a real Metadata request (v4, no topics) and check that the
# reply lists at least one live broker. A KRaft broker lists only unfenced brokers, so
# this passes once the broker is registered with the controller and can create topics.
# Pure bash: no JVM start per poll.
kafka_answers() {
  local port="$1" bytes
  # Request: size=29 | api_key=3 api_version=4 correlation_id=42 client_id="entrepot-probe"
  #          | topics=[] (count 0) | allow_auto_topic_creation=false
  # shellcheck disable=SC2016 # $1 expands in the inner shell
  bytes="$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x00\x00\x00\x1d\x00\x03\x00\x04\x00\x00\x00\x2a\x00\x0eentrepot-probe\x00\x00\x00\x00\x00" >&3
    head -c 16 <&3 | od -An -v -tu1
  ' _ "$port" 2>/dev/null)" || return 1
  # Reply: size(4) correlation_id(4) throttle_time_ms(4) brokers_count(4) ...
  local -a b
  read -r -a b <<<"$bytes"
  ((${#b[@]} == 16)) || return 1
  local corr=$(((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]))
  local brokers=$(((b[12] << 24) | (b[13] << 16) | (b[14] << 8) | b[15]))
  ((corr == 42 && brokers >= 1 && brokers < 1000))
}

render_config() {
  local esc_dirs
  esc_dirs="$(printf '%s' "$LOG_DIRS" | sed 's/[\\|&]/\\&/g')"
  mkdir -p "$DATA_DIR" "$LOGS"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
    -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
    -e "s|@LOG_DIRS@|$esc_dirs|g" \
    "$KAFKA_HOME/server.properties" >"$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"
}

# 16 random bytes as unpadded base64url (22 chars), the format Kafka cluster ids use.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && break # Kafka avoids ids that look like CLI flags
  done
  echo "$id"
}

JAVA_COMMON_OPTS=(
  -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$KAFKA_HOME/log4j2.properties"
  "-Dkafka.logs.dir=$LOGS"
)

format_storage_once() {
  local java="$1"
  [[ -f "$LOG_DIRS/meta.properties" ]] && return 0
  [[ -s "$CLUSTER_ID_FILE" ]] || new_cluster_id >"$CLUSTER_ID_FILE"
  local cid
  cid="$(cat "$CLUSTER_ID_FILE")"
  log "formatting KRaft storage in $LOG_DIRS (cluster id $cid)"
  if ! "$java" -Xmx256m "${JAVA_COMMON_OPTS[@]}" -cp "$JARS_DIR/*" kafka.tools.StorageTool \
    format -t "$cid" -c "$CONFIG" --ignore-formatted >"$LOGS/format.log" 2>&1; then
    show_tail "$LOGS/format.log"
    die "formatting Kafka storage failed"
  fi
}

wait_until_ready() {
  local pid="$1" t0="$2" deadline
  deadline=$((t0 + KAFKA_START_TIMEOUT * 1000))
  while ! kafka_answers "$KAFKA_PORT"; do
    if ! pid_alive "$pid"; then
      rm -f "$PID_FILE"
      show_tail "$LOGS/stdout.log" 20
      show_tail "$LOGS/server.log" 40
      die "Kafka exited during startup (logs above; data dir $DATA_DIR)"
    fi
    if (($(now_ms) > deadline)); then
      show_tail "$LOGS/stdout.log" 20
      show_tail "$LOGS/server.log" 40
      die "Kafka (pid $pid) did not answer on 127.0.0.1:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s (logs above; it is left running: $0 stop)"
    fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------
# commands

cmd_start() {
  local t0 pid java
  t0=$(now_ms)
  take_lock "$DATA_DIR/.lock" $((KAFKA_START_TIMEOUT + 600)) 8

  pid="$(our_pid)"
  if [[ -n "$pid" ]]; then
    if ! kafka_answers "$KAFKA_PORT"; then
      log "broker (pid $pid) is running but not answering yet; waiting"
      wait_until_ready "$pid" "$t0"
    fi
    log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
    echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    if kafka_answers "$KAFKA_PORT"; then
      log "a Kafka broker not started by this script already answers on 127.0.0.1:$KAFKA_PORT; using it"
      echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
      return 0
    fi
    die "port $KAFKA_PORT is in use by something that is not a Kafka broker (set KAFKA_PORT to use another port)"
  fi
  port_open "$KAFKA_CONTROLLER_PORT" &&
    die "controller port $KAFKA_CONTROLLER_PORT is already in use (set KAFKA_CONTROLLER_PORT to use another port)"

  cmd_fetch
  java="$(java_bin)"
  check_java "$java"
  render_config
  format_storage_once "$java"

  log "starting broker on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT, data $DATA_DIR)"
  rm -f "$PID_FILE"
  # setsid: own session, so Ctrl-C in the caller's terminal does not hit the broker;
  # the inner shell writes its own pid (which exec turns into the JVM's) to the pid file;
  # all stdio goes to files so callers waiting on our stdout (e.g. Node's execFile) return;
  # the lock fds are closed so the broker does not hold our locks for its whole life.
  # shellcheck disable=SC2086,SC2016 # KAFKA_HEAP_OPTS is a list of flags; $$/$1 are the inner shell's
  nohup setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    "$java" $KAFKA_HEAP_OPTS "${JAVA_COMMON_OPTS[@]}" -cp "$JARS_DIR/*" \
    kafka.Kafka "$CONFIG" </dev/null >>"$LOGS/stdout.log" 2>&1 7>&- 8>&- 9>&- &
  local launcher=$!
  local deadline=$(($(now_ms) + 5000))
  until [[ -s "$PID_FILE" ]]; do
    pid_alive "$launcher" || [[ -s "$PID_FILE" ]] || { show_tail "$LOGS/stdout.log"; die "Kafka launcher exited before writing $PID_FILE"; }
    (($(now_ms) > deadline)) && die "Kafka launcher did not write $PID_FILE"
    sleep 0.05
  done
  pid="$(cat "$PID_FILE")"

  wait_until_ready "$pid" "$t0"
  log "ready (pid $pid) in $(($(now_ms) - t0)) ms"
  echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
}

cmd_stop() {
  local pid t0
  [[ -d "$DATA_DIR" ]] || { log "not running"; return 0; }
  take_lock "$DATA_DIR/.lock" $((KAFKA_START_TIMEOUT + 60)) 8
  pid="$(our_pid)"
  if [[ -z "$pid" ]]; then
    log "not running"
    return 0
  fi
  t0=$(now_ms)
  log "stopping broker (pid $pid)"
  stop_pid "$pid" kafka "$KAFKA_STOP_TIMEOUT"
  rm -f "$PID_FILE"
  log "stopped in $(($(now_ms) - t0)) ms"
}

cmd_status() {
  local pid
  [[ -d "$DATA_DIR" ]] && pid="$(our_pid)" || pid=""
  if kafka_answers "$KAFKA_PORT"; then
    if [[ -n "$pid" ]]; then
      log "running (pid $pid), answering on 127.0.0.1:$KAFKA_PORT"
    else
      log "a broker not started by this script answers on 127.0.0.1:$KAFKA_PORT"
    fi
    return 0
  fi
  if [[ -n "$pid" ]]; then
    log "process running (pid $pid) but not answering on 127.0.0.1:$KAFKA_PORT"
  else
    log "not running"
  fi
  return 3
}

cmd_logs() {
  local arg="${1:-100}" file="$LOGS/server.log"
  [[ -f "$file" ]] || die "no log yet at $file"
  if [[ "$arg" == "-f" ]]; then
    exec tail -n 50 -F "$file"
  fi
  [[ "$arg" =~ ^[0-9]+$ ]] || die "usage: $0 logs [-f|LINES]"
  tail -n "$arg" "$file"
  if [[ -s "$LOGS/stdout.log" ]]; then
    printf -- '----- %s (JVM stdout/stderr) -----\n' "$LOGS/stdout.log"
    tail -n 20 "$LOGS/stdout.log"
  fi
}

cmd_reset() {
  cmd_stop
  log "deleting $DATA_DIR"
  rm -rf "$DATA_DIR"
}

cmd_tool() {
  (($# >= 1)) || die "usage: $0 tool MAIN_CLASS [ARGS...]"
  cmd_fetch
  local java
  java="$(java_bin)"
  exec "$java" -Xmx256m -Dlog4j2.level=WARN -cp "$JARS_DIR/*" "$@"
}

usage() {
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  check_port "$KAFKA_PORT" KAFKA_PORT
  check_port "$KAFKA_CONTROLLER_PORT" KAFKA_CONTROLLER_PORT
  [[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    fetch) cmd_fetch ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    logs) cmd_logs "$@" ;;
    reset) cmd_reset ;;
    tool) cmd_tool "$@" ;;
    *) usage ;;
  esac
}

main "$@"

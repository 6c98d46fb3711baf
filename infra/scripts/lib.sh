# shellcheck shell=bash
# Shared helpers for infra/scripts/*.sh. Sourced, not executed.
# Progress and errors go to stderr so that stdout carries only machine-readable lines
# (e.g. KAFKA_BROKERS=...), which callers may eval or parse.

INFRA_SCRIPTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA_DIR="$(dirname "$INFRA_SCRIPTS_DIR")"
# Runtime state (data, logs, pid files). Override to run an isolated instance.
# shellcheck disable=SC2034 # used by the scripts that source this file
RUN_DIR="${ENTREPOT_INFRA_DIR:-$INFRA_DIR/.run}"

_log_prefix="${_log_prefix:-infra}"

log() { printf '[%s] %s\n' "$_log_prefix" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$_log_prefix" "$*" >&2; exit 1; }

# now_ms: wall clock in milliseconds (for deadlines and timings).
now_ms() { date +%s%3N; }

# check_port VALUE NAME: fail clearly on a bad port env var.
check_port() {
  local value="$1" name="$2"
  if ! [[ "$value" =~ ^[0-9]+$ ]] || ((value < 1 || value > 65535)); then
    die "$name must be a TCP port number, got '$value'"
  fi
}

# port_open PORT: true if something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  # shellcheck disable=SC2016 # $1 expands in the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# pid_alive PID: process exists and is not a zombie.
pid_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/stat" ]] || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

# pid_cmdline_has PID STRING: the process's command line contains STRING.
pid_cmdline_has() {
  local pid="$1" needle="$2"
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$needle"
}

# take_lock FILE SECONDS FD: serialize concurrent invocations (e.g. two test runners).
# The lock is held on file descriptor FD (7-9; one per lock kind) until the script exits.
# Daemons we launch must not inherit it (close with FD>&-), or they hold it forever.
take_lock() {
  local file="$1" wait_s="$2" fd="$3"
  [[ "$fd" =~ ^[7-9]$ ]] || die "take_lock: bad fd '$fd'"
  mkdir -p "$(dirname "$file")"
  eval "exec $fd>\"\$file\""
  if ! flock -n "$fd"; then
    log "waiting for another invocation to finish (lock $file)"
    flock -w "$wait_s" "$fd" || die "timed out after ${wait_s}s waiting for lock $file"
  fi
}

# stop_pid PID NAME TIMEOUT_S: SIGTERM, wait up to TIMEOUT_S, then SIGKILL.
stop_pid() {
  local pid="$1" name="$2" timeout_s="$3" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(($(now_ms) + timeout_s * 1000))
  while pid_alive "$pid"; do
    if (($(now_ms) > deadline)); then
      log "$name (pid $pid) did not exit within ${timeout_s}s after SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$(($(now_ms) + 10000))
      while pid_alive "$pid"; do
        (($(now_ms) > deadline)) && die "$name (pid $pid) survived SIGKILL"
        sleep 0.1
      done
      return 0
    fi
    sleep 0.1
  done
}

# show_tail FILE [LINES]: print the end of a log file to stderr, for error reports.
show_tail() {
  local file="$1" lines="${2:-40}"
  if [[ -s "$file" ]]; then
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2
    printf -- '-----\n' >&2
  fi
}

# apt_install PACKAGE...: Debian packages with apt-get, as root; `apt-get update` first only when
# apt does not know one of them yet (a fresh machine's package lists may be empty).
apt_install() {
  command -v apt-get >/dev/null || die "apt-get is not available; install $* yourself"
  ((EUID == 0)) || die "run as root, or: sudo apt-get install -y $*"
  export DEBIAN_FRONTEND=noninteractive
  local pkg
  for pkg in "$@"; do
    if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      log "apt does not know $pkg yet: apt-get update"
      apt-get update -qq >&2 || die "apt-get update failed"
      break
    fi
  done
  log "installing $* with apt-get (first run only)"
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

#!/usr/bin/env bash
# Installs the browser the dashboard and report tests drive (playwright-core, no browser download
# of its own): Debian's `chromium`, with apt-get when missing (`apt-get update` first only when apt
# does not know the package yet). setup.sh calls it; the browser tests call it with --print-path.
# Idempotent: a second run only checks. Prints nothing on stdout but, with --print-path, the
# browser's executable.
set -euo pipefail
_log_prefix=browser
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROOT="$(dirname "$INFRA_DIR")"
# another Chromium build can be named explicitly (e.g. on a machine without apt)
BROWSER="${ENTREPOT_CHROMIUM:-/usr/bin/chromium}"

browser_ok() { [[ -x "$BROWSER" ]] && "$BROWSER" --version >/dev/null 2>&1; }

main() {
  if ! browser_ok; then
    [[ -n "${ENTREPOT_CHROMIUM:-}" ]] && die "ENTREPOT_CHROMIUM=$BROWSER does not run"
    take_lock "$ROOT/.tools/.browser-install.lock" 900 9
    # a concurrent caller may have installed it while this one waited for the lock
    browser_ok || apt_install chromium fonts-dejavu-core
    browser_ok || die "$BROWSER still does not run after apt-get install chromium"
    log "ready: $("$BROWSER" --version 2>/dev/null)"
  fi
  [[ "${1:-}" == --print-path ]] && echo "$BROWSER"
  return 0
}

main "$@"

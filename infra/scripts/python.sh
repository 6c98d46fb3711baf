#!/usr/bin/env bash
# Installs what the Python examples (examples/python) need; setup.sh calls it. Idempotent: a
# second run only checks (well under a second).
#   1. Debian's python3-confluent-kafka (apt-get; `apt-get update` first only when apt does not
#      know the package yet) for Debian's own interpreter, /usr/bin/python3
#   2. a project-local venv .tools/py made from that interpreter with --system-site-packages, so
#      it sees Debian's confluent-kafka
#   3. examples/python/requirements.txt into the venv with pip (again only when the file changed)
# Prints nothing on stdout but, with --print-python, the venv's python path.
set -euo pipefail
_log_prefix=python
# shellcheck source=lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
ROOT="$(dirname "$INFRA_DIR")"
VENV="$ROOT/.tools/py"
REQUIREMENTS="$ROOT/examples/python/requirements.txt"
# Debian's packages are built for Debian's interpreter; a python3 earlier on PATH (pyenv, conda)
# would not see them.
SYSTEM_PYTHON="${ENTREPOT_SYSTEM_PYTHON:-/usr/bin/python3}"
STAMP="$VENV/.requirements.sha256"

has_module() { "$1" -c "import $2" 2>/dev/null; }

venv_ok() {
  [[ -x "$VENV/bin/python" ]] && has_module "$VENV/bin/python" confluent_kafka
}

requirements_hash() { sha256sum "$REQUIREMENTS" | awk '{print $1}'; }

main() {
  [[ -f "$REQUIREMENTS" ]] || die "$REQUIREMENTS is missing"
  if venv_ok && [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(requirements_hash)" ]]; then
    [[ "${1:-}" == --print-python ]] && echo "$VENV/bin/python"
    return 0
  fi
  take_lock "$ROOT/.tools/.py-install.lock" 600 9

  local missing=()
  [[ -x "$SYSTEM_PYTHON" ]] || missing+=(python3)
  [[ -x "$SYSTEM_PYTHON" ]] && has_module "$SYSTEM_PYTHON" confluent_kafka || missing+=(python3-confluent-kafka)
  [[ -x "$SYSTEM_PYTHON" ]] && has_module "$SYSTEM_PYTHON" ensurepip || missing+=(python3-venv)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
  has_module "$SYSTEM_PYTHON" confluent_kafka || die "$SYSTEM_PYTHON still cannot import confluent_kafka"

  if ! venv_ok; then
    log "creating the venv $VENV (--system-site-packages, from $SYSTEM_PYTHON)"
    rm -rf "$VENV"
    "$SYSTEM_PYTHON" -m venv --system-site-packages "$VENV" >&2 || die "python3 -m venv failed"
    venv_ok || die "$VENV/bin/python cannot import confluent_kafka"
  fi
  log "pip install -r examples/python/requirements.txt"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS" >&2 || die "pip install failed"
  requirements_hash >"$STAMP"
  log "ready: $("$VENV/bin/python" -c 'import confluent_kafka, standardwebhooks; print("confluent-kafka", confluent_kafka.version()[0], "librdkafka", confluent_kafka.libversion()[0], "standardwebhooks", standardwebhooks.__version__)')"
  [[ "${1:-}" == --print-python ]] && echo "$VENV/bin/python"
  return 0
}

main "$@"

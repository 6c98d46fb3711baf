#!/usr/bin/env bash
# The README's commands go through here: `npm test` -> run.sh test:all, `npm run demo` ->
# run.sh entrepot demo. It makes Node 24 the node on PATH (node.sh), installs what is missing
# (setup.sh), then runs (with no argument: only the set-up) the given package.json script with pnpm under that Node.
set -euo pipefail
# shellcheck source=node.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node.sh"
bash "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
echo "[run] node $(node --version), pnpm $(pnpm --version)" >&2
[[ $# -gt 0 ]] || exit 0
exec pnpm run "$@"

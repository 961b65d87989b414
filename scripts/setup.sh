#!/usr/bin/env bash
# Installs what KalamDB needs to build and test on Debian 12, and brings the pinned DuckDB.
# Idempotent: packages already present and a DuckDB of the right version are skipped.
# `setup.sh --sanitizers` also installs clang and its sanitizer and libFuzzer runtimes, which
# only `make fuzz`, `make asan` and `make tsan` need; `setup.sh --format` installs clang-format
# for `make format`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DUCKDB_DIR="$ROOT/third_party/duckdb"

# Pinned DuckDB 1.4.4: prebuilt library and matching C++ headers, both from the npm registry.
LIB_PKG="@duckdb/node-bindings-linux-x64@1.4.4-r.4"
LIB_SHA512="jBTL/WvfwxLToFa/pVHfT6elMtltJGnc3wSuxZD9OfMltit9YUdVFS37vBFQzXMT1Z8OWjtSjMh+zPKxOwHLHA=="
HDR_PKG="duckdb@1.4.4"
HDR_SHA512="hEJJ5hyVF0VLj3dmOLpsWrQR0b3d4Ykqtygm6iUXjHJDDnSqg/USKxcb5qvNrOhFYPgktayU6dXCtgPqcmmpog=="
STAMP="lib=$LIB_PKG hdr=$HDR_PKG"

PACKAGES=(build-essential cmake ninja-build ccache pkg-config git nodejs npm
  librocksdb-dev libboost1.81-dev libsimdjson-dev rapidjson-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libcli11-dev libssl-dev libcrypt-dev libgtest-dev libgmock-dev
  libbenchmark-dev python3 curl libcurl4-openssl-dev)
# The kalam CLI: line editing (libedit) and its terminal tests (pexpect, for Debian's python3).
CLI_PACKAGES=(libedit-dev python3-pexpect)
# The operations tests (tests/ops): Prometheus's text parser and the openssl CLI for test certificates.
OPS_PACKAGES=(python3-prometheus-client openssl)
# The compiler of the fuzz and sanitizer builds (libclang-rt holds libFuzzer and the sanitizer
# runtimes; llvm-14 the symbolizer that puts file and line into their reports).
SANITIZER_PACKAGES=(clang-14 libclang-rt-14-dev llvm-14)
# `make format`: Debian 12's clang-format (version 14), which .clang-format is pinned for.
FORMAT_PACKAGES=(clang-format)

install_packages() {  # package...
  local missing=()
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  # node/npm may come from elsewhere (e.g. a preinstalled toolchain); accept any working npm.
  if command -v npm >/dev/null 2>&1; then
    local filtered=()
    for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
    missing=("${filtered[@]+"${filtered[@]}"}")
  fi
  if ((${#missing[@]} == 0)); then
    return
  fi
  echo "setup: installing ${missing[*]}"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

verify_integrity() {  # file expected-base64-sha512
  local actual
  actual="$(openssl dgst -sha512 -binary "$1" | base64 -w0)"
  if [[ "$actual" != "$2" ]]; then
    echo "setup: integrity check failed for $1" >&2
    exit 1
  fi
}

fetch_duckdb() {
  if [[ -f "$DUCKDB_DIR/VERSION" && "$(cat "$DUCKDB_DIR/VERSION")" == "$STAMP" ]]; then
    return
  fi
  echo "setup: fetching DuckDB ($STAMP)"
  local tmp
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  (cd "$tmp" && npm pack --silent "$LIB_PKG" "$HDR_PKG" >/dev/null)
  local lib_tgz hdr_tgz
  lib_tgz="$(ls "$tmp"/duckdb-node-bindings-linux-x64-*.tgz)"
  hdr_tgz="$(ls "$tmp"/duckdb-1.*.tgz)"
  verify_integrity "$lib_tgz" "$LIB_SHA512"
  verify_integrity "$hdr_tgz" "$HDR_SHA512"
  mkdir -p "$tmp/lib" "$tmp/hdr"
  tar xzf "$lib_tgz" -C "$tmp/lib"
  tar xzf "$hdr_tgz" -C "$tmp/hdr"
  rm -rf "$DUCKDB_DIR"
  mkdir -p "$DUCKDB_DIR/lib" "$DUCKDB_DIR/include"
  cp "$tmp/lib/package/libduckdb.so" "$DUCKDB_DIR/lib/"
  cp -r "$tmp/hdr/package/src/duckdb/src/include/." "$DUCKDB_DIR/include/"
  cp -r "$tmp/hdr/package/src/duckdb/extension/parquet/include" "$DUCKDB_DIR/parquet_include"
  echo "$STAMP" > "$DUCKDB_DIR/VERSION"
}

# TypeScript SDK, chat example and the S3 server of the object-storage tests (s3rver): Node packages exactly as their lockfiles pin them, and
# Debian's chromium for the browser test (test tools' own browser downloads are not used).
install_node_packages() {
  install_packages chromium
  local dir
  for dir in sdk/typescript examples/chat tests/s3; do
    # npm ci records the lockfile it installed as node_modules/.package-lock.json.
    if [[ ! -f "$ROOT/$dir/node_modules/.package-lock.json" ||
          "$ROOT/$dir/package-lock.json" -nt "$ROOT/$dir/node_modules/.package-lock.json" ]]; then
      echo "setup: npm ci in $dir"
      (cd "$ROOT/$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

install_packages "${PACKAGES[@]}"
install_packages "${CLI_PACKAGES[@]}"
install_packages "${OPS_PACKAGES[@]}"
if [[ "${1:-}" == "--sanitizers" ]]; then
  install_packages "${SANITIZER_PACKAGES[@]}"
fi
if [[ "${1:-}" == "--format" ]]; then
  install_packages "${FORMAT_PACKAGES[@]}"
fi
fetch_duckdb
install_node_packages

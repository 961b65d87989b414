#!/usr/bin/env bash
# Runs every libFuzzer target of a KALAM_FUZZ build for FUZZ_SECONDS each, starting from the
# committed seeds (fuzz/corpus/<target>/), and prints the executions per target and in all.
# Fails when any target finds a crash, a leak, undefined behaviour or a slow input; the input
# is saved under <build>/fuzz/artifacts/<target>/ and can be replayed with
# `<build>/fuzz/<target> <file>`.
# Usage: fuzz/run_fuzzers.sh [build dir, default build/fuzz] [target...]
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build/fuzz}"
shift || true
SECONDS_EACH="${FUZZ_SECONDS:-100}"
# Longest any one input may take (seconds) before it counts as a hang.
INPUT_TIMEOUT="${FUZZ_INPUT_TIMEOUT:-10}"
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
  TARGETS=(fuzz_dialect fuzz_sql_request fuzz_ws_client_message fuzz_row_filter fuzz_jwt fuzz_manifest)
fi

total=0
failed=()
printf '%-24s %14s %8s\n' target executions result
for target in "${TARGETS[@]}"; do
  binary="$BUILD/fuzz/$target"
  seeds="$ROOT/fuzz/corpus/$target"
  # New inputs go to a working corpus in the build tree; the committed seeds stay as they are.
  work="$BUILD/fuzz/corpus/$target"
  artifacts="$BUILD/fuzz/artifacts/$target"
  log="$BUILD/fuzz/$target.log"
  mkdir -p "$work" "$artifacts"
  "$binary" -max_total_time="$SECONDS_EACH" -timeout="$INPUT_TIMEOUT" -max_len=8192 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  runs=${runs:-0}
  total=$((total + runs))
  result=ok
  if ((rc != 0)); then
    result="FAILED (rc $rc, see $log)"
    failed+=("$target")
  fi
  printf '%-24s %14d %8s\n' "$target" "$runs" "$result"
done
printf '%-24s %14d\n' total "$total"
if ((${#failed[@]} > 0)); then
  echo "fuzz: ${failed[*]} found a failing input; see the artifacts under $BUILD/fuzz/artifacts/" >&2
  exit 1
fi

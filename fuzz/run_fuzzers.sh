#!/usr/bin/env bash
# Runs every libFuzzer target of a KALAM_FUZZ build from the committed seeds
# (fuzz/corpus/<target>/), FUZZ_JOBS targets at a time, and prints the executions per target
# and in all. Fails when any target finds a crash, a leak, undefined behaviour or a slow input;
# that input is saved under <build>/fuzz/artifacts/<target>/ and replays with
# `<build>/fuzz/<target> <file>`.
#
# FUZZ_JOBS defaults to the CPU count (at most one job per target); FUZZ_SECONDS, the time
# each target runs, defaults so that the whole run takes about ten minutes.
# Usage: fuzz/run_fuzzers.sh [build dir, default build/fuzz] [target...]
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build/fuzz}"
shift || true
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
  TARGETS=(fuzz_dialect fuzz_sql_request fuzz_ws_client_message fuzz_row_filter fuzz_jwt fuzz_manifest)
fi
JOBS="${FUZZ_JOBS:-$(nproc)}"
((JOBS > ${#TARGETS[@]})) && JOBS=${#TARGETS[@]}
((JOBS < 1)) && JOBS=1
BATCHES=$(((${#TARGETS[@]} + JOBS - 1) / JOBS))
SECONDS_EACH="${FUZZ_SECONDS:-$((600 / BATCHES))}"
# Longest any one input may take (seconds) before it counts as a hang.
INPUT_TIMEOUT="${FUZZ_INPUT_TIMEOUT:-10}"

run_target() {  # target
  local target="$1"
  local seeds="$ROOT/fuzz/corpus/$target"
  # New inputs go to a working corpus in the build tree; the committed seeds stay as they are.
  local work="$BUILD/fuzz/corpus/$target"
  local artifacts="$BUILD/fuzz/artifacts/$target"
  mkdir -p "$work" "$artifacts"
  "$BUILD/fuzz/$target" -max_total_time="$SECONDS_EACH" -timeout="$INPUT_TIMEOUT" -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" "$seeds" >"$BUILD/fuzz/$target.log" 2>&1
  echo $? >"$BUILD/fuzz/$target.rc"
}

echo "fuzz: ${#TARGETS[@]} targets, $JOBS at a time, ${SECONDS_EACH}s each"
running=0
for target in "${TARGETS[@]}"; do
  if ((running >= JOBS)); then
    wait -n
    running=$((running - 1))
  fi
  run_target "$target" &
  running=$((running + 1))
done
wait

total=0
failed=()
printf '%-24s %14s  %s\n' target executions result
for target in "${TARGETS[@]}"; do
  log="$BUILD/fuzz/$target.log"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  runs=${runs:-0}
  total=$((total + runs))
  rc=$(cat "$BUILD/fuzz/$target.rc" 2>/dev/null || echo missing)
  result=ok
  if [[ "$rc" != 0 ]]; then
    result="FAILED (exit $rc; see $log)"
    failed+=("$target")
  fi
  printf '%-24s %14d  %s\n' "$target" "$runs" "$result"
done
printf '%-24s %14d\n' total "$total"
if ((${#failed[@]} > 0)); then
  echo "fuzz: ${failed[*]} found a failing input; see $BUILD/fuzz/artifacts/" >&2
  exit 1
fi

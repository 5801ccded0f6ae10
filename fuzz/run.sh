#!/usr/bin/env bash
# Builds the libFuzzer targets in their own build directory (clang-16, ASan + UBSan) and
# runs each for a fixed time (or a fixed number of executions), then prints per target:
# executions, coverage (libFuzzer's cov: edges and ft: features), corpus size, crashes.
# Usage: fuzz/run.sh [BUILD_DIR] ; FUZZ_SECONDS=60 (per target), FUZZ_RUNS=N (instead of
# the time), FUZZ_TARGETS="audio http" (a subset), FUZZ_JOBS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-"audio normalize skill_yaml http ws_message"}
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHARK_FUZZ=ON \
    -DCMAKE_C_COMPILER=clang-16 -DCMAKE_CXX_COMPILER=clang++-16
fi
fuzz_bins=()
for t in $targets; do fuzz_bins+=("fuzz_$t"); done
cmake --build "$build" --target "${fuzz_bins[@]}" -j "${FUZZ_JOBS:-$(nproc)}"
mkdir -p "$build/corpus" "$build/artifacts"
summary=()
for t in $targets; do
  work="$build/corpus/$t"
  mkdir -p "$work"
  cp -n fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  limit=(-max_total_time="$seconds")
  [[ -n "${FUZZ_RUNS:-}" ]] && limit=(-runs="$FUZZ_RUNS")
  log="$build/fuzz_$t.log"
  set +e
  "$build/fuzz/fuzz_$t" "${limit[@]}" -print_final_stats=1 -max_len=16384 -timeout=10 \
    -rss_limit_mb=4096 -artifact_prefix="$build/artifacts/$t-" "$work" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo 0)
  crashes=$(ls "$build/artifacts" | grep -c "^$t-" || true)
  line=$(printf '%-12s execs %10s  cov %6s  ft %7s  corpus %5s  crashes %s  (exit %s)' \
    "$t" "$execs" "$cov" "$ft" "$(ls "$work" | wc -l)" "$crashes" "$rc")
  echo "$line"
  summary+=("$line")
done
echo "---- fuzz summary ($build) ----"
printf '%s\n' "${summary[@]}"

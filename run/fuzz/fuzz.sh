#!/usr/bin/env bash
# Fuzzes the parsers that face input, one target at a time, with Jazzer's JUnit integration.
# Usage: run/fuzz/fuzz.sh [TARGET|all|list] [SECONDS] [INPUTS]   (default: all, 600 s each)
# A run stops at whichever limit comes first: SECONDS (0: no time limit) or INPUTS (libFuzzer's
# -runs; absent or 0: no input limit). `fuzz.sh all 0 10000000` runs every target to 10 million.
# Each run adds what it learns to <module>/.cifuzz-corpus/ (not checked in) and writes a
# crashing input into the target's checked-in inputs folder, where the regression pass of the
# next `mvn verify` replays it. A summary line per target goes to run/fuzz/target/summary.tsv.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/run/fuzz/target"

# name  module  test class#method
targets=(
  "frames       hast.engine       hast.engine.replication.ReplicationFuzzTest#frames"
  "greetings    hast.engine       hast.engine.replication.ReplicationFuzzTest#greetings"
  "payload      hast.engine       hast.engine.codec.PayloadCodecFuzzTest#decode"
  "lzf          hast.compress.lzf hast.compress.lzf.LzfFuzzTest#decompress"
  "config       hast.engine       hast.engine.config.ConfigFuzzTest#parse"
  "metadata     hast.engine       hast.engine.metadata.MetadataFuzzTest#decode"
  "nbd          hast.geom         hast.geom.NbdFuzzTest#connection"
  "control      hast.shell        hast.shell.control.ControlProtocolFuzzTest#request"
  "control-reply hast.shell       hast.shell.control.ControlProtocolFuzzTest#reply"
)

want=${1:-all}
seconds=${2:-600}
inputs=${3:-0}
for limit in "$seconds" "$inputs"; do
  if [[ ! $limit =~ ^[0-9]+$ ]]; then
    echo "limits are whole numbers (0: none), not '$limit'; usage: run/fuzz/fuzz.sh [TARGET|all|list] [SECONDS] [INPUTS]" >&2
    exit 64
  fi
done
# libFuzzer's own "no limit": 0 seconds, -1 inputs.
seconds=$((10#$seconds))
runs=$((10#$inputs == 0 ? -1 : 10#$inputs))

if [[ $want == list ]]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi

mkdir -p "$out"
found=0
status=0
for t in "${targets[@]}"; do
  read -r name module test <<<"$t"
  [[ $want == all || $want == "$name" ]] || continue
  found=1
  log="$out/$name.log"
  echo "fuzzing $name ($test) for $( ((seconds)) && echo "$seconds s" || echo "no time limit"), $( ((runs > 0)) && echo "$runs inputs" || echo "no input limit"); log: $log"
  # JAZZER_FUZZ switches @FuzzTest from replaying its inputs to fuzzing. The arguments after the
  # first (a stand-in for argv[0]) reach libFuzzer: the run's length in seconds and in inputs,
  # and 10 s for one input before it counts as a hang. JUnit's own timeout would cut the whole
  # run, so it is off.
  if (cd "$root" && JAZZER_FUZZ=1 mvn -B -o -pl "$module" -am test -Dtest="$test" \
        -Dsurefire.failIfNoSpecifiedTests=false -Djunit.jupiter.execution.timeout.mode=disabled -Djazzer.hooks=true \
        -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
        -Djazzer.internal.arg.2=-runs="$runs" \
        -Djazzer.internal.arg.3=-timeout=10 >"$log" 2>&1); then
    result=ok
  else
    result=FINDING
    status=1
  fi
  runs=$(grep -aEo '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1 || true)
  printf '%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "$result" "${runs:-no run}" | tee -a "$out/summary.tsv"
  if [[ $result != ok ]]; then
    grep -aE 'Test unit written|FuzzTestFinding|Exception|Error' "$log" | grep -v '^\s*at ' | head -5 || true
  fi
done
if [[ $found == 0 ]]; then
  echo "unknown target '$want'; run/fuzz/fuzz.sh list shows them" >&2
  exit 64
fi
exit $status

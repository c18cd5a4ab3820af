#!/usr/bin/env bash
# Replication benchmark (loopback, one machine): two hastd nodes against an unreplicated NBD
# export of a plain file (nbdkit's file plugin), driven by the same unmodified clients (fio's nbd
# engine and nbdcopy), all in the same run. Prints one table with each figure as a ratio to
# nbdkit, the initial synchronisation time against nbdcopy's, and each daemon's peak RSS.
#
# Usage:  run/bench/replication-bench.sh        (after: mvn -q -DskipTests package)
# Env:    DIR=/tmp/hastbench SIZE_MB=1024 RUNTIME=8 RAMP=2 MODES="fullsync memsync async"
#         TESTS="w4k_qd1 w4k_qd32 w4k_qd1_flush w1m_qd1 w1m_qd8 nbdcopy"
# For QEMU's active mirror in the same run, add ../shared/bench/peer-bench.sh (see peers.md).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
DIR=${DIR:-/tmp/hastbench}
SIZE_MB=${SIZE_MB:-1024}
RUNTIME=${RUNTIME:-8}
RAMP=${RAMP:-2}
MODES=${MODES:-"fullsync memsync async"}
TESTS=${TESTS:-"w4k_qd1 w4k_qd32 w4k_qd1_flush w1m_qd1 w1m_qd8 nbdcopy"}
for c in fio nbdcopy nbdkit nbdinfo jq bc; do
    command -v $c >/dev/null || { echo "missing $c: apt-get install fio libnbd-bin nbdkit jq bc" >&2; exit 69; }
done

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
rm -rf "$DIR"; mkdir -p "$DIR"
RES=$DIR/results.tsv; : >"$RES"
declare -a PIDS=()
cleanup() {
    for n in alpha beta; do [ -f "$DIR/$n.pid" ] && kill "$(cat "$DIR/$n.pid")" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

run_fio() {   # uri test -> "value lat_us"
    local uri=$1 test=$2 rw bs qd ex=()
    case $test in
        w4k_qd1) rw=randwrite bs=4k qd=1 ;;
        w4k_qd32) rw=randwrite bs=4k qd=32 ;;
        w4k_qd1_flush) rw=randwrite bs=4k qd=1 ex=(--fsync=1) ;;
        w1m_qd1) rw=write bs=1m qd=1 ;;
        w1m_qd8) rw=write bs=1m qd=8 ;;
    esac
    fio --name="$test" --ioengine=nbd --uri="$uri" --rw=$rw --bs=$bs --iodepth=$qd \
        --size="$((SIZE_MB - 8))m" --time_based --runtime="$RUNTIME" --ramp_time="$RAMP" \
        --output-format=json --output="$DIR/fio.json" "${ex[@]}" >/dev/null 2>&1
    if [ "$bs" = 4k ]; then
        jq -r '.jobs[0].write | "\(.iops) \(.clat_ns.mean/1000)"' "$DIR/fio.json"
    else
        jq -r '.jobs[0].write | "\(.bw/1024) \(.clat_ns.mean/1000)"' "$DIR/fio.json"
    fi
}
run_copy() {  # uri -> "MiB/s seconds"
    local t0 t1
    t0=$(date +%s.%N); nbdcopy --flush "$DIR/src.img" "$1"; t1=$(date +%s.%N)
    echo "$(echo "$SIZE_MB / ($t1 - $t0)" | bc -l) $(echo "$t1 - $t0" | bc -l)"
}
workload() {  # target uri
    for test in $TESTS; do
        if [ "$test" = nbdcopy ]; then out=$(run_copy "$2"); else out=$(run_fio "$2" "$test"); fi
        read -r val lat <<<"$out"
        printf '%s\t%s\t%s\t%s\n' "$1" "$test" "$val" "$lat" >>"$RES"
        log "  $1 $test: $val (clat us / s: $lat)"
    done
}

log "$(nproc) cpus; $(fio --version); $(nbdkit --version | head -1); java $(java -version 2>&1 | head -1)"
log "preparing a ${SIZE_MB} MiB random source image"
dd if=/dev/urandom of="$DIR/src.img" bs=1M count="$SIZE_MB" iflag=fullblock status=none

# Baseline: nbdkit's file plugin on a Unix socket, a file the size of HAST's data area.
truncate -s "${SIZE_MB}M" "$DIR/kit.img"
nbdkit -f -U "$DIR/kit.sock" file "$DIR/kit.img" & PIDS+=($!)
for _ in $(seq 50); do nbdinfo "nbd+unix:///?socket=$DIR/kit.sock" >/dev/null 2>&1 && break; sleep 0.1; done
log "target nbdkit"
workload nbdkit "nbd+unix:///?socket=$DIR/kit.sock"
kill "${PIDS[-1]}"

conf=$DIR/hast.conf
ctl() { HAST_NODE=$1 "$here/hastctl" "${@:2}" -c "$conf"; }
peak_rss() { awk '/VmHWM/{print $2}' "/proc/$(cat "$DIR/$1.pid")/status"; }
for mode in $MODES; do
    cat >"$conf" <<CONF
replication $mode
on alpha { control uds://$DIR/alpha.ctl pidfile $DIR/alpha.pid listen tcp4://127.0.0.1:28457 export uds://$DIR/hast.sock }
on beta { control uds://$DIR/beta.ctl pidfile $DIR/beta.pid listen tcp4://127.0.0.1:28458 export uds://$DIR/beta-nbd.sock }
resource bench {
    on alpha { local $DIR/alpha.img remote tcp4://127.0.0.1:28458 }
    on beta { local $DIR/beta.img remote tcp4://127.0.0.1:28457 }
}
CONF
    for n in alpha beta; do
        rm -f "$DIR/$n.img"; truncate -s "$((SIZE_MB + 1))M" "$DIR/$n.img"
        ctl $n create bench >/dev/null
        HAST_NODE=$n HASTD_LOG=$DIR/$n.log "$here/hastd" -c "$conf"
    done
    uri="nbd+unix:///bench?socket=$DIR/hast.sock"
    idle_a=$(awk '/VmRSS/{print $2}' "/proc/$(cat "$DIR/alpha.pid")/status")
    printf 'hast-%s\tidle_rss_kib\t%s\t-\n' "$mode" "$idle_a" >>"$RES"
    ctl alpha role primary bench
    if [ "$mode" = fullsync ]; then
        # Initial synchronisation: the primary holds the image, a fresh secondary joins.
        nbdcopy --flush "$DIR/src.img" "$uri"
        ctl beta role secondary bench
        # The daemon times the pass itself; polling it with hastctl would steal a core meanwhile.
        until grep -q 'Synchronization complete' "$DIR/alpha.log"; do sleep 0.2; done
        ms=$(grep -o 'synchronized in [0-9]* ms' "$DIR/alpha.log" | tail -1 | awk '{print $3}')
        printf 'hast-%s\tinitial_sync_s\t%s\t-\n' "$mode" "$(echo "$ms / 1000" | bc -l)" >>"$RES"
        log "  initial sync of $SIZE_MB MiB: $ms ms"
    else
        ctl beta role secondary bench
        until ctl alpha list bench | grep -q 'status: complete'; do sleep 0.2; done
    fi
    log "target hast-$mode"
    workload "hast-$mode" "$uri"
    until ctl alpha list bench | grep -q 'dirty: 0 '; do sleep 0.1; done
    printf 'hast-%s\tpeak_rss_kib_primary\t%s\t-\n' "$mode" "$(peak_rss alpha)" >>"$RES"
    printf 'hast-%s\tpeak_rss_kib_secondary\t%s\t-\n' "$mode" "$(peak_rss beta)" >>"$RES"
    for n in alpha beta; do kill "$(cat "$DIR/$n.pid")"; done
    for n in alpha beta; do while [ -f "$DIR/$n.pid" ]; do sleep 0.1; done; done
done

# Report: every figure with its ratio to nbdkit's for the same test.
echo
printf '%-16s %-14s %12s %8s\n' target test value "x nbdkit"
while IFS=$'\t' read -r target test value lat; do
    base=$(awk -F'\t' -v t="$test" '$1=="nbdkit" && $2==t {print $3}' "$RES")
    ratio=-
    [ -n "$base" ] && ratio=$(printf '%.2f' "$(echo "$value / $base" | bc -l)")
    printf '%-16s %-14s %12.1f %8s\n' "$target" "$test" "$value" "$ratio"
done <"$RES"
kit_copy=$(awk -F'\t' '$1=="nbdkit" && $2=="nbdcopy" {print $4}' "$RES")
sync_s=$(awk -F'\t' '$2=="initial_sync_s" {print $3}' "$RES")
[ -n "$sync_s" ] && [ -n "$kit_copy" ] && printf '\ninitial sync %.2f s vs nbdcopy to nbdkit %.2f s: %.2f x\n' \
    "$sync_s" "$kit_copy" "$(echo "$sync_s / $kit_copy" | bc -l)"

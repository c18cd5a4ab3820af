#!/usr/bin/env bash
# Paired comparison of two builds (two hast.jar files), by default at 4 KiB random writes, QD1:
# both builds' pairs run at once, and the client alternates short runs between them (in turn
# which goes first), so that a machine whose load changes from minute to minute (other builds,
# other benchmarks) weighs on both alike. Prints one line per run and, per mode and test, the
# median of each build (IOPS for 4 KiB, MiB/s otherwise) and the median of the per-round ratios B/A.
#
# Usage:  run/bench/ab-bench.sh A.jar B.jar     (hastctl comes from this checkout: mvn -q -DskipTests package)
# Env:    DIR=/tmp/hast-ab ROUNDS=8 RUNTIME=3 MODES="fullsync async" PORT=28757 (uses PORT..PORT+3)
#         TESTS="fio"      any of w4k_qd1 w4k_qd32 w4k_qd1_flush w1m_qd1 w1m_qd8 (fio) and nbdcopy (a copy of
#                          200 MiB of random data, timed), the names of replication-bench.sh, and
#                          fio: the job RW=randwrite BS=4k IODEPTH=1 say (e.g. RW=write BS=1m IODEPTH=8)
#         OPTS_A, OPTS_B   the JVM flags of each build's daemons (HASTD_JAVA_OPTS; unset: the launcher's
#                          own): the same jar twice with two sets of flags compares the flags
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
if [ $# -ne 2 ] || [ ! -f "$1" ] || [ ! -f "$2" ]; then
    echo "usage: $0 A.jar B.jar (two hast.jar builds to compare)" >&2
    exit 64
fi
for c in fio jq bc nbdcopy; do
    command -v $c >/dev/null || { echo "missing $c: apt-get install fio jq bc libnbd-bin" >&2; exit 69; }
done
JAR_A=$(readlink -f "$1")
JAR_B=$(readlink -f "$2")
DIR=${DIR:-/tmp/hast-ab}
ROUNDS=${ROUNDS:-8}
RUNTIME=${RUNTIME:-3}
MODES=${MODES:-"fullsync async"}
TESTS=${TESTS:-fio}
RW=${RW:-randwrite}
BS=${BS:-4k}
IODEPTH=${IODEPTH:-1}
PORT=${PORT:-28757}
rm -rf "$DIR"; mkdir -p "$DIR"
cleanup() {
    for p in "$DIR"/*/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
}
trap cleanup EXIT

ctl() { HAST_NODE=$2 "$here/hastctl" "${@:3}" -c "$DIR/$1/hast.conf"; }
start_pair() {  # build jar mode port
    local d=$DIR/$1 port=$4
    mkdir -p "$d"
    cat >"$d/hast.conf" <<CONF
replication $3
on alpha { control uds://$d/alpha.ctl pidfile $d/alpha.pid listen tcp4://127.0.0.1:$port export uds://$d/hast.sock }
on beta { control uds://$d/beta.ctl pidfile $d/beta.pid listen tcp4://127.0.0.1:$((port + 1)) export uds://$d/beta-nbd.sock }
resource bench {
    on alpha { local $d/alpha.img remote tcp4://127.0.0.1:$((port + 1)) }
    on beta { local $d/beta.img remote tcp4://127.0.0.1:$port }
}
CONF
    for n in alpha beta; do
        dd if=/dev/zero of="$d/$n.img" bs=1M count=257 status=none
        ctl "$1" $n create bench >/dev/null
        local opts=OPTS_$1
        if [ -n "${!opts+set}" ]; then
            HASTD_JAVA_OPTS=${!opts} HAST_JAR=$2 HAST_NODE=$n HASTD_LOG=$d/$n.log "$here/hastd" -c "$d/hast.conf"
        else
            HAST_JAR=$2 HAST_NODE=$n HASTD_LOG=$d/$n.log "$here/hastd" -c "$d/hast.conf"
        fi
    done
    ctl "$1" alpha role primary bench
    ctl "$1" beta role secondary bench
    until ctl "$1" alpha list bench | grep -q complete; do sleep 0.2; done
}
stop_pair() {
    for n in alpha beta; do kill "$(cat "$DIR/$1/$n.pid")"; done
    for n in alpha beta; do while [ -f "$DIR/$1/$n.pid" ]; do sleep 0.1; done; done
}
run_test() {  # build test -> "value clat_us" (IOPS for 4 KiB, else MiB/s; nbdcopy: MiB/s and seconds)
    local uri="nbd+unix:///bench?socket=$DIR/$1/hast.sock" rw=write bs=1m qd t0 t1 ex=()
    case $2 in
        w4k_qd1) rw=randwrite bs=4k qd=1 ;;
        w4k_qd1_flush) rw=randwrite bs=4k qd=1 ex=(--fsync=1) ;;
        w4k_qd32) rw=randwrite bs=4k qd=32 ;;
        w1m_qd1) qd=1 ;;
        w1m_qd8) qd=8 ;;
        fio) rw=$RW bs=$BS qd=$IODEPTH ;;
        nbdcopy)
            t0=$(date +%s.%N); nbdcopy "$DIR/src.img" "$uri"; t1=$(date +%s.%N)
            echo "$(echo "200 / ($t1 - $t0)" | bc -l) $(echo "$t1 - $t0" | bc -l)"
            return ;;
        *) echo "unknown test $2" >&2; exit 64 ;;
    esac
    fio --name="$2" --ioengine=nbd --uri="$uri" --rw=$rw --bs=$bs "${ex[@]}" \
        --iodepth=$qd --size=200m --time_based --runtime="$RUNTIME" --ramp_time=1 --output-format=json \
        --output="$DIR/fio.json" >/dev/null 2>&1
    if [ "$bs" = 4k ]; then
        jq -r '.jobs[0].write | "\(.iops) \(.clat_ns.mean/1000)"' "$DIR/fio.json"
    else
        jq -r '.jobs[0].write | "\(.bw/1024) \(.clat_ns.mean/1000)"' "$DIR/fio.json"
    fi
}

case " $TESTS " in *" nbdcopy "*) dd if=/dev/urandom of="$DIR/src.img" bs=1M count=200 status=none ;; esac
RES=$DIR/results.txt; : >"$RES"
for mode in $MODES; do
    start_pair A "$JAR_A" "$mode" "$PORT"
    start_pair B "$JAR_B" "$mode" "$((PORT + 2))"
    for r in $(seq "$ROUNDS"); do
        order="A B"; [ $((r % 2)) = 0 ] && order="B A"
        for t in $TESTS; do
            for b in $order; do echo "$mode/$t $b $r $(run_test $b "$t")" | tee -a "$RES"; done
        done
    done
    stop_pair A
    stop_pair B
done
# Per mode and test: the medians of A and of B, and the median of the rounds' B/A ratios.
for mode in $MODES; do for t in $TESTS; do
    awk -v m="$mode/$t" '$1 == m { v[$2, $3] = $4; if ($3 > n) n = $3 }
        function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
        END { for (r = 1; r <= n; r++) { a[r] = v["A", r]; b[r] = v["B", r]; q[r] = v["B", r] / v["A", r] }
            printf "%s: A %.0f, B %.0f (medians); B/A %.3f (median of %d rounds)\n", m, median(a, n), median(b, n), median(q, n), n }' "$RES"
done; done

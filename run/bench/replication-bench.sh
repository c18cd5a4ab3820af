#!/usr/bin/env bash
# Replication benchmark (loopback, one machine): two hastd nodes against an unreplicated NBD
# export of a plain file (nbdkit's file plugin), driven by the same unmodified clients (fio's nbd
# engine and nbdcopy), all in the same run. Prints one table with each figure as a ratio to
# nbdkit, the initial synchronisation time against nbdcopy's, the primary's start-up time, and
# each daemon's RSS idle and at its peak; QEMU's active mirror is in the same table whenever
# ../shared/bench/peer-bench.sh is there (a row says so when it is not run).
#
# Usage:  run/bench/replication-bench.sh        (after: mvn -q -DskipTests package)
# Env:    DIR=/tmp/hastbench SIZE_MB=1024 RUNTIME=8 RAMP=2 MODES="fullsync memsync async"
#         TESTS="w4k_qd1 w4k_qd32 w4k_qd1_flush w1m_qd1 w1m_qd8 nbdcopy"
#         KEEPDIRTY="default" hastctl create -k values to run each mode with ("default": no -k, so
#                             hastctl's default of 1024; "default 64" adds the reference's 64)
#         CODECS="hole/none"  compression/checksum pairs to run each mode with (hole/none is the
#                             default; e.g. "none/none lzf/sha256 lzf/crc32")
#         LINKS="plain"       the replication link of each run: plain, tls (link-tls with mutual
#                             certificate checking, credentials made here with openssl), or
#                             "plain tls" to measure TLS's cost against plain in the same run
#         PORT=28457          the primary's replication port (the secondary's is PORT+1): another
#                             port lets two benchmarks share a machine
#         PEERS="qsd-mirror-kit"  targets of ../shared/bench/peer-bench.sh run in the same session
#                             (QEMU's active mirror; "" to skip; needs qemu-storage-daemon and socat)
#         PEER_BENCH=../shared/bench/peer-bench.sh  the peers' script (another path for an equivalent)
#         STARTS=3            starts of the primary timed per run (the table shows their median):
#                             start_ready_s is the launch of hastd until it serves (control socket
#                             and listen addresses: what the launcher and systemd wait for),
#                             start_export_s until nbdinfo answers on the export, 'hastctl role
#                             primary' (a JVM of its own) being sent as soon as hastd is ready
#         IDLE_S=5            seconds each daemon idles after its start before its idle RSS is read
#         HASTD_CDS_DIR=$DIR/cds  the launcher's class archive: the timed starts come after one
#                             untimed start has had the launcher write it (a first start of a new
#                             build has none, and writes it in the background while the next
#                             starts are timed); empty for none
# Every file is written in full before it is measured, so no target pays for block allocation.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
DIR=${DIR:-/tmp/hastbench}
SIZE_MB=${SIZE_MB:-1024}
RUNTIME=${RUNTIME:-8}
RAMP=${RAMP:-2}
MODES=${MODES:-"fullsync memsync async"}
TESTS=${TESTS:-"w4k_qd1 w4k_qd32 w4k_qd1_flush w1m_qd1 w1m_qd8 nbdcopy"}
KEEPDIRTY=${KEEPDIRTY:-default}
CODECS=${CODECS:-hole/none}
LINKS=${LINKS:-plain}
PORT=${PORT:-28457}
PEERS=${PEERS-qsd-mirror-kit}
PEER_BENCH=${PEER_BENCH:-$here/../../shared/bench/peer-bench.sh}
STARTS=${STARTS:-3}
IDLE_S=${IDLE_S:-5}
export HASTD_CDS_DIR=${HASTD_CDS_DIR-$DIR/cds}
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

# Baseline: nbdkit's file plugin on a Unix socket, over a file as large as HAST's data area.
cp "$DIR/src.img" "$DIR/kit.img"
nbdkit -f -U "$DIR/kit.sock" file "$DIR/kit.img" & PIDS+=($!)
for _ in $(seq 50); do nbdinfo "nbd+unix:///?socket=$DIR/kit.sock" >/dev/null 2>&1 && break; sleep 0.1; done
log "target nbdkit"
workload nbdkit "nbd+unix:///?socket=$DIR/kit.sock"
kill "${PIDS[-1]}"

conf=$DIR/hast.conf
ctl() { HAST_NODE=$1 "$here/hastctl" "${@:2}" -c "$conf"; }
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$(cat "$DIR/$1.pid")/status"; }  # node field
median() { sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stop_node() {
    kill "$(cat "$DIR/$1.pid")"
    while [ -f "$DIR/$1.pid" ]; do sleep 0.05; done
}
# The primary's start-up, STARTS times: from launching hastd to its ready report (the launcher
# returns then), and to the export answering nbdinfo once 'hastctl role primary' was sent.
start_alpha() { HAST_NODE=alpha HASTD_LOG=$DIR/alpha-start.log "$here/hastd" -c "$conf"; }
time_starts() {  # target
    local i t0 t1 t2 ready=() export=()
    # One archive serves the whole run (same jar, JVM and options): the first target makes it,
    # with an untimed start after which the launcher writes it in the background.
    if [ -n "$HASTD_CDS_DIR" ] && ! compgen -G "$HASTD_CDS_DIR/*.jsa" >/dev/null; then
        start_alpha
        stop_node alpha
        for _ in $(seq 600); do
            compgen -G "$HASTD_CDS_DIR/*.jsa" >/dev/null && ! compgen -G "$HASTD_CDS_DIR/.training.*" >/dev/null && break
            sleep 0.1
        done
    fi
    for ((i = 0; i < STARTS; i++)); do
        t0=$(date +%s.%N)
        start_alpha
        t1=$(date +%s.%N)
        ctl alpha role primary bench
        until nbdinfo "$uri" >/dev/null 2>&1; do sleep 0.01; done
        t2=$(date +%s.%N)
        ready+=("$(echo "$t1 - $t0" | bc -l)") export+=("$(echo "$t2 - $t0" | bc -l)")
        stop_node alpha
    done
    log "  starts of the primary, to ready: ${ready[*]} s; to the export: ${export[*]} s"
    printf '%s\tstart_ready_s\t%s\t-\n' "$1" "$(printf '%s\n' "${ready[@]}" | median)" >>"$RES"
    printf '%s\tstart_export_s\t%s\t-\n' "$1" "$(printf '%s\n' "${export[@]}" | median)" >>"$RES"
}
# One CA and one certificate for both nodes (server and client use), in qemu's tls-creds-x509 layout.
link_credentials() {
    local d=$DIR/link-tls
    [ -f "$d/client-key.pem" ] && return
    mkdir -p "$d"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost\n' >"$d/node.ext"
    ( cd "$d"
      openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca-key.pem -out ca-cert.pem \
          -days 2 -subj "/CN=hast bench CA" -addext basicConstraints=critical,CA:TRUE \
          -addext keyUsage=critical,keyCertSign,cRLSign
      openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout node-key.pem -out node.csr \
          -subj /CN=localhost
      openssl x509 -req -in node.csr -CA ca-cert.pem -CAkey ca-key.pem -CAcreateserial -out node-cert.pem -days 2 \
          -extfile node.ext
      for side in server client; do cp node-cert.pem $side-cert.pem; cp node-key.pem $side-key.pem; done
    ) >"$d/openssl.log" 2>&1
}
run_hast() {  # mode keepdirty compression/checksum link
    local mode=$1 k=$2 compression=${3%/*} checksum=${3#*/} link=$4 target=hast-$1 tls=""
    [ "$k" = default ] || target=$target-k$k
    [ "$3" = hole/none ] || target=$target-$compression-$checksum
    if [ "$link" = tls ]; then
        link_credentials
        target=$target-tls tls="link-tls $DIR/link-tls"
    fi
    cat >"$conf" <<CONF
$tls
replication $mode
compression $compression
checksum $checksum
on alpha { control uds://$DIR/alpha.ctl pidfile $DIR/alpha.pid listen tcp4://127.0.0.1:$PORT export uds://$DIR/hast.sock }
on beta { control uds://$DIR/beta.ctl pidfile $DIR/beta.pid listen tcp4://127.0.0.1:$((PORT + 1)) export uds://$DIR/beta-nbd.sock }
resource bench {
    on alpha { local $DIR/alpha.img remote tcp4://127.0.0.1:$((PORT + 1)) }
    on beta { local $DIR/beta.img remote tcp4://127.0.0.1:$PORT }
}
CONF
    for n in alpha beta; do
        dd if=/dev/zero of="$DIR/$n.img" bs=1M count="$((SIZE_MB + 1))" status=none
        if [ "$k" = default ]; then ctl $n create bench >/dev/null; else ctl $n create -k "$k" bench >/dev/null; fi
    done
    uri="nbd+unix:///bench?socket=$DIR/hast.sock"
    # The secondary is not running yet: the primary's starts time its own way to serving.
    time_starts "$target"
    for n in alpha beta; do
        # A fresh log per run: the synchronisation time below is read from it.
        rm -f "$DIR/$n.log"
        HAST_NODE=$n HASTD_LOG=$DIR/$n.log "$here/hastd" -c "$conf"
    done
    ctl alpha role primary bench
    # Idle: serving its export (the primary) or waiting for a primary (the secondary), no I/O yet.
    sleep "$IDLE_S"
    printf '%s\tidle_rss_primary\t%s\t-\n' "$target" "$(status_kib alpha VmRSS)" >>"$RES"
    printf '%s\tidle_rss_secondary\t%s\t-\n' "$target" "$(status_kib beta VmRSS)" >>"$RES"
    # Initial synchronisation: the primary holds the image, a fresh secondary joins.
    nbdcopy --flush "$DIR/src.img" "$uri"
    ctl beta role secondary bench
    # The daemon times the pass itself; polling it with hastctl would steal a core meanwhile.
    until grep -q 'Synchronization complete' "$DIR/alpha.log"; do sleep 0.2; done
    ms=$(grep -o 'synchronized in [0-9]* ms' "$DIR/alpha.log" | tail -1 | awk '{print $3}')
    printf '%s\tinitial_sync_s\t%s\t-\n' "$target" "$(echo "$ms / 1000" | bc -l)" >>"$RES"
    log "  initial sync of $SIZE_MB MiB: $ms ms"
    log "target $target"
    workload "$target" "$uri"
    until ctl alpha list bench | grep -q 'dirty: 0 '; do sleep 0.1; done
    printf '%s\tpeak_rss_primary\t%s\t-\n' "$target" "$(status_kib alpha VmHWM)" >>"$RES"
    printf '%s\tpeak_rss_secondary\t%s\t-\n' "$target" "$(status_kib beta VmHWM)" >>"$RES"
    for n in alpha beta; do kill "$(cat "$DIR/$n.pid")"; done
    for n in alpha beta; do while [ -f "$DIR/$n.pid" ]; do sleep 0.1; done; done
}
for link in $LINKS; do
    for codecs in $CODECS; do
        for k in $KEEPDIRTY; do
            for mode in $MODES; do run_hast "$mode" "$k" "$codecs" "$link"; done
        done
    done
done

# The peers, with the same clients, in the same session; when they are not run, the table says why.
peers_note=
if [ -z "$PEERS" ]; then
    peers_note='not run (PEERS is empty)'
elif [ ! -f "$PEER_BENCH" ]; then
    peers_note="not run: no $PEER_BENCH (set PEER_BENCH to an equivalent)"
else
    log "peers: $PEERS (via $PEER_BENCH)"
    DIR=$DIR/peer SIZE_MB=$SIZE_MB REPS=1 RUNTIME=$RUNTIME RAMP=$RAMP TARGETS="$PEERS" TESTS="$TESTS" \
        bash "$PEER_BENCH" >"$DIR/peer.out" 2>"$DIR/peer.err" || log "peer-bench failed: see $DIR/peer.err"
    if [ -f "$DIR/peer/results.tsv" ]; then
        awk -F'\t' -v OFS='\t' '$2 != "replica_identical" && $2 != "write_blocked_while_replica_paused" {
            t = $2; if (t == "mirror_initial_sync_s") t = "initial_sync_s"; print $1, t, $4, $5 }' \
            "$DIR/peer/results.tsv" >>"$RES"
    else
        peers_note="failed: see $DIR/peer.err"
    fi
fi
[ -n "$peers_note" ] && log "peers ($PEERS) $peers_note"

# Report: one row per test, one column per target, each figure with its ratio to nbdkit's.
echo
awk -F'\t' -v peers="$PEERS" -v note="$peers_note" '
    { if (!($1 in seen)) { seen[$1] = 1; T[++nt] = $1 } if (!($2 in sseen)) { sseen[$2] = 1; S[++ns] = $2 } v[$1 SUBSEP $2] = $3 }
    END {
        unit["w4k_qd1"] = "IOPS"; unit["w4k_qd32"] = "IOPS"; unit["w4k_qd1_flush"] = "IOPS"
        unit["w1m_qd1"] = "MiB/s"; unit["w1m_qd8"] = "MiB/s"; unit["nbdcopy"] = "MiB/s"
        unit["initial_sync_s"] = "s"; unit["start_ready_s"] = "s"; unit["start_export_s"] = "s"
        unit["idle_rss_primary"] = "MiB"; unit["idle_rss_secondary"] = "MiB"
        unit["peak_rss_primary"] = "MiB"; unit["peak_rss_secondary"] = "MiB"
        head = "| test | unit"; line = "|---|---"
        for (i = 1; i <= nt; i++) { head = head " | " T[i]; line = line "|---:" }
        print head " |"; print line "|"
        for (j = 1; j <= ns; j++) {
            s = S[j]; row = "| " s " | " unit[s]
            for (i = 1; i <= nt; i++) {
                x = v[T[i] SUBSEP s]; b = v["nbdkit" SUBSEP s]
                if (x == "") cell = "-"
                else if (unit[s] == "MiB" && s ~ /rss/) cell = sprintf("%.0f", x / 1024)
                else if (b != "" && T[i] != "nbdkit" && unit[s] != "s") cell = sprintf("%.0f (%.2f)", x, x / b)
                else if (unit[s] == "s") cell = sprintf("%.2f", x)
                else cell = sprintf("%.0f", x)
                row = row " | " cell
            }
            print row " |"
        }
        if (note != "") printf "| peers (%s) | %s |\n", peers == "" ? "none" : peers, note
    }' "$RES"
kit_copy=$(awk -F'\t' '$1=="nbdkit" && $2=="nbdcopy" {print $4}' "$RES")
echo
awk -F'\t' -v kit="$kit_copy" '$2 == "initial_sync_s" && kit > 0 {
    printf "initial sync of %s MiB, %s: %.2f s vs nbdcopy to nbdkit %.2f s: %.2f x\n", '"$SIZE_MB"', $1, $3, kit, $3 / kit }' "$RES"
echo "per-target figures: $RES"

#!/usr/bin/env bash
# The fault lab: two HAST nodes, a and b, on one machine, each in its own network namespace joined
# by a veth pair, each on a disk that nbdkit serves and nbdfuse shows as a plain file. This script
# is the one place where the fault recipes live (../../../shared/reference/faults.md verified them);
# the system tests' FaultLab drives it, and a person can drive it by hand the same way.
#
# Run `lab.sh --help` for the subcommands.
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)

usage() {
    cat <<'EOF'
usage: lab.sh -d DIR SUBCOMMAND LAB [NODE] [ARGS...]

LAB is a short id (1 to 8 lower-case letters or digits) from which every namespace and link
name is derived, so that several labs can run at once; NODE is a or b. DIR is the lab's folder:
pids, sockets, mounts and trigger files live there, and `down` finds everything to undo there.

Network (node a is 127.10.0.1 on its veth, node b 127.10.0.2; the namespaces are hl-LAB-a/b):
  up LAB                          create both namespaces and the link between them
  down LAB                        undo everything of the lab: disks, mounts, links, namespaces
                                  (safe to repeat, and after any failure)
  addr LAB NODE                   print the node's address
  exec LAB NODE CMD [ARGS...]     run CMD inside the node's namespace (it replaces this script)
  cut LAB NODE [in|out|both] [drop|reset]
                                  cut the node's link: drop (silence, as a dead switch port) or
                                  reset (TCP resets, as a peer whose host has rebooted); in is
                                  what the node receives, out what it sends; default both drop
  heal LAB NODE                   undo every cut of that node
  slow LAB NODE RATE|off          cap what the node sends to RATE (tc units: 10mbit, 512kbit)

Disks (nbdkit on DIR/NODE/disk.sock, the file DIR/NODE/fuse/disk through nbdfuse):
  disk-start LAB NODE IMAGE [--cache] [--delay-read MS] [--delay-write MS]
                                  serve IMAGE as the node's disk and print the file's path;
                                  --cache puts a write-back cache in front, which loses every
                                  write not flushed when the power is cut
  disk-fault LAB NODE read|write|trim|flush on|off
                                  make reads, writes (and zeroing), trims or flushes fail with EIO
  disk-stall LAB NODE on|off      make every request of the disk wait until `off`
  disk-stop LAB NODE              flush the disk and stop it cleanly
  power-cut LAB NODE [PID...]     the node loses power: its processes PID (its daemon) freeze, its
                                  link goes silent, its disk loses what was not flushed, and the
                                  processes die with SIGKILL
  power-on LAB NODE               boot the node: its disk comes back with what had been flushed,
                                  its link heals; start the daemon again afterwards
EOF
}

die() {
    echo "lab.sh: $*" >&2
    exit 2
}

dir=${HAST_LAB_DIR:-}
if [ "${1:-}" = -d ]; then
    dir=$2
    shift 2
fi
case ${1:-} in
    -h | --help | help) usage; exit 0 ;;
    "") usage >&2; exit 2 ;;
esac
[ -n "$dir" ] || die "no lab folder: give -d DIR"
command=$1
lab=${2:-}
shift 2 || die "$command: no LAB"
[[ $lab =~ ^[a-z0-9]{1,8}$ ]] || die "LAB must be 1 to 8 lower-case letters or digits: $lab"

ns() { echo "hl-$lab-$1"; }
# Interface names are at most 15 characters; both ends exist in the root namespace for a moment.
veth() { echo "hl$lab$1"; }
addr_of() {
    case $1 in
        a) echo 127.10.0.1 ;;
        b) echo 127.10.0.2 ;;
    esac
}
peer_of() {
    case $1 in
        a) echo b ;;
        b) echo a ;;
    esac
}
node_arg() {
    [[ ${1:-} =~ ^[ab]$ ]] || die "$command: NODE must be a or b, not '${1:-}'"
}

net_up() {
    ip netns add "$(ns a)"
    ip netns add "$(ns b)"
    ip link add "$(veth a)" type veth peer name "$(veth b)"
    local n
    for n in a b; do
        ip link set "$(veth $n)" netns "$(ns $n)"
        # 127.x on a veth is routed only with route_localnet; it keeps every address of the lab
        # inside 127.0.0.0/8, where nothing can leave the machine.
        ip netns exec "$(ns $n)" sysctl -qw net.ipv4.conf.all.route_localnet=1 \
            "net.ipv4.conf.$(veth $n).route_localnet=1"
        ip -n "$(ns $n)" link set lo up
        ip -n "$(ns $n)" link set "$(veth $n)" up
        ip -n "$(ns $n)" addr add "$(addr_of $n)/24" dev "$(veth $n)"
    done
}

cut() {
    local node=$1 way=${2:-both} how=${3:-drop} peer verdict
    peer=$(addr_of "$(peer_of "$node")")
    case $how in
        drop) verdict=drop ;;
        # Resets answer TCP only; anything else is simply dropped.
        reset) verdict="reject with tcp reset" ;;
        *) die "cut: drop or reset, not $how" ;;
    esac
    local n=(ip netns exec "$(ns "$node")" nft)
    "${n[@]}" add table inet cut
    "${n[@]}" add chain inet cut in '{ type filter hook input priority 0; policy accept; }'
    "${n[@]}" add chain inet cut out '{ type filter hook output priority 0; policy accept; }'
    case $way in
        in | both) "${n[@]}" add rule inet cut in ip saddr "$peer" meta l4proto tcp $verdict
                   "${n[@]}" add rule inet cut in ip saddr "$peer" drop ;;&
        out | both) "${n[@]}" add rule inet cut out ip daddr "$peer" meta l4proto tcp $verdict
                    "${n[@]}" add rule inet cut out ip daddr "$peer" drop ;;
        in) ;;
        *) die "cut: in, out or both, not $way" ;;
    esac
}

heal() {
    ip netns exec "$(ns "$1")" nft delete table inet cut 2>/dev/null || true
}

slow() {
    local dev
    dev=$(veth "$1")
    if [ "$2" = off ]; then
        ip netns exec "$(ns "$1")" tc qdisc del dev "$dev" root 2>/dev/null || true
    else
        ip netns exec "$(ns "$1")" tc qdisc replace dev "$dev" root tbf rate "$2" burst 32kbit latency 400ms
    fi
}

# --- disks -----------------------------------------------------------------------------------

nodedir() { echo "$dir/$1"; }

# Starts nbdkit for the node from the arguments disk-start saved, and nbdfuse over it.
disk_attach() {
    local d kit
    d=$(nodedir "$1")
    mapfile -t kit <"$d/nbdkit.args"
    rm -f "$d/kit.pid" "$d/disk.sock"
    # The cache filter keeps its blocks in a file under TMPDIR: the node's own folder.
    TMPDIR=$d nbdkit -U "$d/disk.sock" -P "$d/kit.pid" "${kit[@]}" >>"$d/nbdkit.log" 2>&1
    mkdir -p "$d/fuse"
    rm -f "$d/fuse.pid"
    setsid nbdfuse -P "$d/fuse.pid" "$d/fuse/disk" --unix "$d/disk.sock" </dev/null >>"$d/nbdfuse.log" 2>&1 &
    local i
    for ((i = 0; i < 300; i++)); do
        [ -s "$d/fuse.pid" ] && [ -e "$d/fuse/disk" ] && return 0
        alive $! || die "nbdfuse of node $1 exited: $(tail -3 "$d/nbdfuse.log")"
        sleep 0.05
    done
    die "nbdfuse of node $1 did not mount within 15 s"
}

# Unmounts the node's nbdfuse file (lazily: a dead server leaves a mount that nothing answers)
# and ends nbdfuse; nbdkit is the caller's business.
disk_detach() {
    local d
    d=$(nodedir "$1")
    if grep -q " $d/fuse " /proc/self/mounts; then
        fusermount3 -u -z "$d/fuse" 2>/dev/null || umount -l "$d/fuse" 2>/dev/null || true
    fi
    kill_pidfile "$d/fuse.pid" TERM nbdfuse
}

# A process that has exited but was not reaped yet (its parent may be an init that never reaps)
# counts as gone.
alive() {
    local state
    state=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# Signals the process a pidfile names, if it still is that program: a pidfile left behind by an
# interrupted run may name a pid the system has since given to something else.
kill_pidfile() {
    local pid
    [ -s "$1" ] || return 0
    pid=$(cat "$1")
    if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$3" ]; then
        rm -f "$1"
        return 0
    fi
    kill "-$2" "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        alive "$pid" || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$1"
}

disk_start() {
    local node=$1 image=$2 d
    shift 2
    [ -f "$image" ] || die "disk-start: no image $image"
    d=$(nodedir "$node")
    mkdir -p "$d"
    local filters=() params=()
    # Outermost first: errors as the node sees them, then delays, then the volatile cache.
    filters+=(--filter=error)
    params+=(error=EIO)
    local op
    for op in pread pwrite zero trim; do
        params+=("error-$op-rate=100%" "error-$op-file=$d/fail-$(trigger_of $op)")
    done
    while [ $# -gt 0 ]; do
        case $1 in
            --cache) cache=1 ;;
            --delay-read) params+=("delay-read=${2}ms"); delay=1; shift ;;
            --delay-write) params+=("delay-write=${2}ms"); delay=1; shift ;;
            *) die "disk-start: unknown option $1" ;;
        esac
        shift
    done
    [ -n "${delay:-}" ] && filters+=(--filter=delay)
    [ -n "${cache:-}" ] && { filters+=(--filter=cache); params+=(cache=writeback); }
    rm -f "$d"/fail-* "$d/stall"
    printf '%s\n' "${filters[@]}" python "$here/disk.py" "file=$image" "flushfail=$d/fail-flush" \
        "stall=$d/stall" "${params[@]}" >"$d/nbdkit.args"
    disk_attach "$node"
    echo "$d/fuse/disk"
}

trigger_of() {
    case $1 in
        pread | read) echo read ;;
        pwrite | zero | write) echo write ;;
        trim) echo trim ;;
        flush) echo flush ;;
        *) die "disk-fault: read, write, trim or flush, not $1" ;;
    esac
}

switch() {
    case $2 in
        on) touch "$1" ;;
        off) rm -f "$1" ;;
        *) die "$command: on or off, not $2" ;;
    esac
}

disk_stop() {
    local d
    d=$(nodedir "$1")
    # A clean stop writes the volatile cache through first, as a shutdown does.
    [ -e "$d/fuse/disk" ] && sync -d "$d/fuse/disk" 2>/dev/null || true
    disk_detach "$1"
    kill_pidfile "$d/kit.pid" TERM nbdkit
}

power_cut() {
    local node=$1 d
    shift
    d=$(nodedir "$node")
    # Frozen first, so that nothing the daemon does after the disk has gone (a close that flushes,
    # a last message to the peer) happens: a node without power does nothing at all.
    [ $# -gt 0 ] && kill -STOP "$@" 2>/dev/null || true
    heal "$node"
    cut "$node" both drop
    kill_pidfile "$d/kit.pid" KILL nbdkit
    [ $# -gt 0 ] && kill -KILL "$@" 2>/dev/null || true
    disk_detach "$node"
}

power_on() {
    # The image holds what was flushed; the cache, being volatile, starts empty.
    rm -f "$(nodedir "$1")"/fail-* "$(nodedir "$1")/stall"
    disk_attach "$1"
    heal "$1"
}

net_down() {
    local n
    for n in a b; do
        ip netns del "$(ns $n)" 2>/dev/null || true
    done
    ip link del "$(veth a)" 2>/dev/null || true
}

case $command in
    up) net_up ;;
    down)
        for n in a b; do
            if [ -d "$(nodedir $n)" ]; then
                disk_detach $n
                kill_pidfile "$(nodedir $n)/kit.pid" KILL nbdkit
            fi
        done
        net_down ;;
    addr) node_arg "${1:-}"; addr_of "$1" ;;
    exec) node_arg "${1:-}"; node=$1; shift; exec ip netns exec "$(ns "$node")" "$@" ;;
    cut) node_arg "${1:-}"; heal "$1"; cut "$@" ;;
    heal) node_arg "${1:-}"; heal "$1" ;;
    slow) node_arg "${1:-}"; [ $# -eq 2 ] || die "slow: RATE or off"; slow "$1" "$2" ;;
    disk-start) node_arg "${1:-}"; [ $# -ge 2 ] || die "disk-start: no IMAGE"; disk_start "$@" ;;
    disk-fault) node_arg "${1:-}"; [ $# -eq 3 ] || die "disk-fault: NODE OP on|off"
        switch "$(nodedir "$1")/fail-$(trigger_of "$2")" "$3"
        # The host's page cache would answer reads the disk is meant to fail: drop what it holds.
        if [ "$(trigger_of "$2")" = read ] && [ "$3" = on ]; then
            dd if="$(nodedir "$1")/fuse/disk" iflag=nocache count=0 status=none
        fi ;;
    disk-stall) node_arg "${1:-}"; [ $# -eq 2 ] || die "disk-stall: NODE on|off"
        switch "$(nodedir "$1")/stall" "$2" ;;
    disk-stop) node_arg "${1:-}"; disk_stop "$1" ;;
    power-cut) node_arg "${1:-}"; power_cut "$@" ;;
    power-on) node_arg "${1:-}"; power_on "$1" ;;
    *) die "unknown subcommand $command (lab.sh --help)" ;;
esac

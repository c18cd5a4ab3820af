#!/usr/bin/env bash
# Codec benchmark: our lzf compressor and crc32/sha256 checksums (JMH, from hast.compress.lzf and
# hast.checksum built with -Pjmh into their own output folder), beside the JDK's zlib at level 1,
# CRC32 and CRC32C, and native liblzf when it is installed, all on the same blocks in the same
# run. Prints one table: MB/s (10^6 bytes per second of input), and each row as a ratio to its
# baseline: Deflater level 1 for compress rows, Inflater for decompress rows, java.util.zip.CRC32
# for checksum rows (same data and block size; checksums also the same buffer kind).
#
# Data, made here at set-up time: English-like text (a word-pair model of the licence texts in
# /usr/share/common-licenses), zeros, random bytes, and an ext4 image (mkfs.ext4, then files of
# /usr/share/doc written in with debugfs; without those tools, a tar of /usr/share/doc). All-zero
# blocks of the image are left out: the engine sends those as holes and never asks a compressor.
#
# Usage:  run/bench/codec-bench.sh        (needs Java 17, Maven, jq; gcc + liblzf-dev for the native row)
# Env:    DIR=/tmp/hast-codec-bench CORPUS_MB=8 DATA=text,zeros,random,fsimage SIZES=65536,1048576
#         FORKS=1 WARMUP=2 WARMUP_TIME=300ms ITERS=5 ITER_TIME=300ms NATIVE_SECONDS=1
#         JVM_OPTS="-XX:+UseSerialGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch" (for the JMH forks)
#         TARGET=target-bench (Maven output folder, so other builds are left alone) SKIP_BUILD=0
#         REPORT_ONLY=1 prints the table again from the results already in $DIR
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
DIR=${DIR:-/tmp/hast-codec-bench}
CORPUS_MB=${CORPUS_MB:-8}
DATA=${DATA:-text,zeros,random,fsimage}
SIZES=${SIZES:-65536,1048576}
FORKS=${FORKS:-1}
WARMUP=${WARMUP:-2}
WARMUP_TIME=${WARMUP_TIME:-300ms}
ITERS=${ITERS:-5}
ITER_TIME=${ITER_TIME:-300ms}
# The daemon's collector (run/hastd) on a fixed, pre-touched heap: without that the first seconds
# of every fork measure the kernel handing the growing heap its first pages (about 5x slower for
# every benchmark alike), and a small heap keeps the fork's start-up short.
JVM_OPTS=${JVM_OPTS:--XX:+UseSerialGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch}
NATIVE_SECONDS=${NATIVE_SECONDS:-1}
TARGET=${TARGET:-target-bench}
SKIP_BUILD=${SKIP_BUILD:-0}
REPORT_ONLY=${REPORT_ONLY:-0}
for c in java mvn jq awk; do
    command -v $c >/dev/null || { echo "missing $c" >&2; exit 69; }
done
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
mkdir -p "$DIR"
ROWS=$DIR/rows.tsv
NATIVE=$DIR/native.tsv

# Everything that measures (build, data, native, JMH); REPORT_ONLY=1 skips it.
measure() {
cd "$root"
if [ "$SKIP_BUILD" != 1 ]; then
    log "building the benchmarks (-Pjmh, output in */$TARGET)"
    mvn -B -q -ntp -Pjmh -Dhast.target="$TARGET" -pl hast.compress.lzf,hast.checksum -am \
        test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$TARGET/bench.classpath"
fi
cp_of() { echo "$root/$1/$TARGET/test-classes:$root/$1/$TARGET/classes:$(cat "$root/$1/$TARGET/bench.classpath")"; }
LZF_CP=$(cp_of hast.compress.lzf)
SUM_CP=$(cp_of hast.checksum)

log "making the data in $DIR (${CORPUS_MB} MiB per kind)"
bytes=$((CORPUS_MB << 20))
java -cp "$LZF_CP" hast.compress.lzf.bench.CodecCorpus "$DIR" "$bytes"
image=$DIR/fsimage.bin
if command -v mkfs.ext4 >/dev/null && command -v debugfs >/dev/null; then
    rm -f "$image"; truncate -s "$bytes" "$image"
    mkfs.ext4 -q -F -b 4096 -E root_owner=0:0 "$image"
    # Fill about three quarters of it with documentation: text, changelogs (gzip), HTML, images.
    find /usr/share/doc -type f -size -512k -readable -printf '%s\t%p\n' 2>/dev/null | LC_ALL=C sort -t "$(printf '\t')" -k2 |
        awk -F'\t' -v max=$((bytes * 3 / 4)) 'BEGIN { print "mkdir doc" }
             full || total + $1 > max { full = 1; next }
             { total += $1; printf "write \"%s\" doc/f%05d\n", $2, NR }' >"$DIR/debugfs.cmds"
    debugfs -w -f "$DIR/debugfs.cmds" "$image" >/dev/null 2>"$DIR/debugfs.log"
    fsdesc="ext4 image, $(($(grep -c '^write' "$DIR/debugfs.cmds"))) files of /usr/share/doc"
else
    tar -cf - -C /usr/share doc 2>/dev/null | head -c "$bytes" >"$image" || true
    fsdesc="tar of /usr/share/doc (no mkfs.ext4/debugfs)"
fi
echo "$fsdesc" >"$DIR/fsimage.txt"
log "fsimage: $fsdesc"

# Native liblzf: Debian's liblzf-dev ships no lzf command-line tool, so when one is not on PATH a
# small harness is built against the library and times lzf_compress (with hastd's output limit of
# length - 1024) and lzf_decompress over the same blocks.
native=""
: >"$NATIVE"
inc=""
for h in /usr/include/liblzf /usr/include; do [ -f "$h/lzf.h" ] && { inc=$h; break; }; done
if command -v lzf >/dev/null; then
    native=cli
elif command -v cc >/dev/null && [ -n "$inc" ]; then
    native=lib
    cat >"$DIR/lzfbench.c" <<'EOF'
#include <lzf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
int main(int argc, char **argv) {  /* FILE BLOCK SECONDS KEEPZEROS -> "compress_MBps decompress_MBps sent/in" */
    FILE *f = fopen(argv[1], "rb"); size_t block = strtoul(argv[2], 0, 10); double secs = atof(argv[3]);
    int keepzeros = atoi(argv[4]);
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END); long size = ftell(f); rewind(f);
    unsigned char *all = malloc(size), *zero = calloc(1, block), *out = malloc(block * 2 + 64);
    if (fread(all, 1, size, f) != (size_t) size) return 1;
    size_t n = 0, cap = size / block; unsigned char **blk = malloc(cap * sizeof *blk), **comp = malloc(cap * sizeof *comp);
    unsigned *clen = malloc(cap * sizeof *clen);
    for (size_t i = 0; i < cap; i++)
        if (keepzeros || memcmp(all + i * block, zero, block)) blk[n++] = all + i * block;
    double sent = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned k = lzf_compress(blk[i], block, out, block - 1024);
        sent += k ? k : block;
        clen[i] = lzf_compress(blk[i], block, out, block * 2 + 64);
        comp[i] = malloc(clen[i]); memcpy(comp[i], out, clen[i]);
    }
    volatile unsigned sink = 0; double t0, t; long ops;
    for (size_t i = 0; i < n; i++) sink += lzf_compress(blk[i], block, out, block - 1024);
    ops = 0; t0 = now();
    do { for (size_t i = 0; i < n; i++, ops++) sink += lzf_compress(blk[i], block, out, block - 1024); t = now(); } while (t - t0 < secs);
    double c = ops * (double) block / (t - t0) / 1e6;
    ops = 0; t0 = now();
    do {
        for (size_t i = 0; i < n; i++, ops++)
            if (lzf_decompress(comp[i], clen[i], out, block) != block) { fprintf(stderr, "bad block %zu\n", i); return 1; }
        t = now();
    } while (t - t0 < secs);
    double d = ops * (double) block / (t - t0) / 1e6;
    printf("%.1f\t%.1f\t%.3f\n", c, d, sent / (n * (double) block));
    return 0;
}
EOF
    cc -O2 -I"$inc" -o "$DIR/lzfbench" "$DIR/lzfbench.c" -llzf 2>"$DIR/cc.log" || native=""
fi
case $native in
    lib)
        log "native: liblzf $(dpkg-query -W -f '${Version}' liblzf1 2>/dev/null || echo '?') through a harness"
        for d in ${DATA//,/ }; do
            for s in ${SIZES//,/ }; do
                keep=0; [ "$d" = zeros ] && keep=1
                read -r c dd ratio < <("$DIR/lzfbench" "$DIR/$d.bin" "$s" "$NATIVE_SECONDS" "$keep")
                printf 'compress\t%s\t%s\tliblzf (C, native)\t%s\t0\t0\t%s\n' "$d" "$s" "$c" "$ratio" >>"$NATIVE"
                printf 'decompress\t%s\t%s\tliblzf (C, native)\t%s\t0\t0\t-\n' "$d" "$s" "$dd" >>"$NATIVE"
            done
        done ;;
    cli)
        # The lzf tool writes its own chunked format (liblzf's lzf.c); timed over the whole file.
        log "native: the lzf command-line tool"
        for d in ${DATA//,/ }; do
            t0=$(date +%s.%N); lzf -c <"$DIR/$d.bin" >"$DIR/$d.lzf"; t1=$(date +%s.%N)
            lzf -d <"$DIR/$d.lzf" >/dev/null; t2=$(date +%s.%N)
            c=$(awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.1f", b / (z - a) / 1e6 }')
            dd=$(awk -v b="$bytes" -v a="$t1" -v z="$t2" 'BEGIN { printf "%.1f", b / (z - a) / 1e6 }')
            for s in ${SIZES//,/ }; do
                printf 'compress\t%s\t%s\tlzf CLI (whole file)\t%s\t0\t0\t-\n' "$d" "$s" "$c" >>"$NATIVE"
                printf 'decompress\t%s\t%s\tlzf CLI (whole file)\t%s\t0\t0\t-\n' "$d" "$s" "$dd" >>"$NATIVE"
            done
        done ;;
    *) log "native: not measured (no lzf on PATH; for the harness: apt-get install gcc liblzf-dev)" ;;
esac

log "compressed sizes"
java -Dhast.bench.data="$DIR" -cp "$LZF_CP" hast.compress.lzf.bench.CorpusSizes "$DATA" "$SIZES" >"$DIR/sizes.tsv"

jmh() {  # log-name classpath class extra-args...
    local name=$1 cp=$2 cls=$3; shift 3
    log "JMH $cls ($FORKS fork, ${WARMUP}x$WARMUP_TIME warm-up, ${ITERS}x$ITER_TIME measured; log in $DIR/$name.log)"
    java -cp "$cp" org.openjdk.jmh.Main "$cls" -f "$FORKS" -wi "$WARMUP" -w "$WARMUP_TIME" -i "$ITERS" -r "$ITER_TIME" \
        -jvmArgsAppend "-Dhast.bench.data=$DIR $JVM_OPTS" -rf json -rff "$DIR/$name.json" "$@" >"$DIR/$name.log" 2>&1 ||
        { tail -30 "$DIR/$name.log" >&2; exit 1; }
}
printf 'JMH: %s fork(s), %s x %s warm-up, %s x %s measured, %s; MB/s = 10^6 input bytes/s, median of the iterations;\n' \
        "$FORKS" "$WARMUP" "$WARMUP_TIME" "$ITERS" "$ITER_TIME" "$JVM_OPTS" >"$DIR/settings.txt"
jmh lzf "$LZF_CP" hast.compress.lzf.bench.CompressorBench -p data="$DATA" -p blockSize="$SIZES"
jmh checksum "$SUM_CP" hast.checksum.bench.ChecksumBench -p blockSize="$SIZES"
}
[ "$REPORT_ONLY" = 1 ] || measure
fsdesc=$(cat "$DIR/fsimage.txt")

# op data block implementation MB/s spread% baseline? out/in. MB/s is the median of the measured
# iterations, and spread their range as a percentage of it: on a 2-core machine shared with other
# work a median is steadier than JMH's mean and its confidence interval.
jq -r '.[] | (.benchmark | split(".") | last) as $b | .params as $p | (($p.blockSize | tonumber) / 1e6) as $mb
    | (.primaryMetric.rawData | flatten | sort) as $s | ($s | length) as $n
    | (if $n % 2 == 1 then $s[($n - 1) / 2] else ($s[$n / 2 - 1] + $s[$n / 2]) / 2 end) as $med
    | ({lzfCompress: ["compress", "hast lzf", 0], deflate1: ["compress", "JDK Deflater level 1", 1],
        lzfDecompress: ["decompress", "hast lzf", 0],
        inflate: ["decompress", "JDK Inflater", 1],
        crc32: ["checksum", "hast crc32", 0], sha256: ["checksum", "hast sha256", 0],
        jdkCrc32: ["checksum", "JDK CRC32", 1], jdkCrc32c: ["checksum", "JDK CRC32C", 0]}[$b]) as $r
    | [$r[0], ($p.data // ("random/" + $p.buffer)), $p.blockSize, $r[1],
       ($med * $mb), (if $med > 0 then ($s[-1] - $s[0]) / $med * 100 else 0 end), $r[2], "-"] | @tsv' \
    "$DIR/lzf.json" "$DIR/checksum.json" | cat "$NATIVE" - >"$ROWS"

printf '\n%s; %s cpus (%s); %s\n' "$(java -version 2>&1 | head -1)" "$(nproc)" \
    "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" "fsimage: $fsdesc"
cat "$DIR/settings.txt"
printf 'spread = (max - min) / median of the iterations; ratio = row / baseline (*) of the same op, data and block\n\n'
awk -F'\t' -v order="$DATA" -v sizes="$DIR/sizes.tsv" '
    BEGIN {
        n = split(order, kinds, ","); for (i = 1; i <= n; i++) rank[kinds[i]] = i
        rank["random/heap"] = n + 1; rank["random/direct"] = n + 2
        split("compress decompress checksum", ops, " "); for (i = 1; i <= 3; i++) oprank[ops[i]] = i
        while ((getline line < sizes) > 0) { split(line, f, "\t"); lzf[f[1] "," f[2]] = f[3]; zlib[f[1] "," f[2]] = f[4]; kept[f[1] "," f[2]] = f[5] }
    }
    { row[NR] = $0; if ($7 == 1) base[$1 "," $2 "," $3] = $5 }
    END {
        for (i = 1; i <= NR; i++) {
            split(row[i], f, "\t")
            key = sprintf("%d %02d %09d %s", oprank[f[1]], rank[f[2]], f[3], (f[7] == 1 ? "0" : "1") f[4])
            sorted[i] = key "\t" row[i]
        }
        m = NR; for (i = 2; i <= m; i++) { v = sorted[i]; for (j = i - 1; j > 0 && sorted[j] > v; j--) sorted[j + 1] = sorted[j]; sorted[j + 1] = v }
        printf "%-10s  %-13s  %7s  %-28s  %9s  %7s  %8s  %s\n", "op", "data", "block", "implementation", "MB/s", "spread", "ratio", "out/in"
        for (i = 1; i <= m; i++) {
            split(sorted[i], g, "\t"); op = g[2]; d = g[3]; b = g[4]; impl = g[5]; mbs = g[6]; err = g[7]; isb = g[8]; oi = g[9]
            k = d "," b
            if (op == "compress" && impl == "hast lzf") oi = lzf[k] " (kept " kept[k] ")"
            if (op == "compress" && isb == 1) oi = zlib[k]
            bb = base[op "," d "," b]
            ratio = bb > 0 ? sprintf("%.2f%s", mbs / bb, isb == 1 ? "*" : "") : "-"
            blk = b >= 1048576 ? (b / 1048576) "M" : (b / 1024) "K"
            printf "%-10s  %-13s  %7s  %-28s  %9.1f  %7s  %8s  %s\n", op, d, blk, impl, mbs, (err + 0 > 0 ? sprintf("%.0f%%", err) : "-"), ratio, oi
        }
    }' "$ROWS"

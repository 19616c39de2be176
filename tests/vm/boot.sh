#!/bin/sh
# tests/vm/boot.sh SHAPE WORKDIR — boot one test guest and wait for it.
#
# Shapes (the kernel command line tells the guest what to expect):
#   numa      node 0 (CPU 0) and node 1 (CPU 1) with 256 MiB each, node 2
#             CPU-less with 256 MiB; SLIT distances and ACPI HMAT latency and
#             bandwidth for every initiator/target pair
#   cxl-ram   the same plus a 256 MiB CXL type-3 device behind a CXL host
#             bridge with two root ports (one empty: with a single port the
#             region silently returns wrong data) and two fixed memory
#             windows; the device is mapped as a volatile region in the
#             second window, so it comes up as node 4 and node 3 (the first
#             window's) never does: non-contiguous node IDs, as on real CXL
#             machines. Needs QEMU >= 8 and kernel >= 6.3 (variant bpo).
#   cxl-pmem  the same with the device as persistent memory, onlined through
#             devdax and kmem (QEMU 7.2 and kernel 6.1: variant stock)
#
# Environment: QEMU, QEMU_L (from fetch.sh), KERNEL, INITRD, CPU (default
# max,erms=off,fsrm=off; see below), VM_TIMEOUT (seconds for the whole boot, default 900),
# VM_TEST_TIMEOUT (seconds for each guest test script, default 480),
# VM_CXL_ONE_PORT=1 (leave out the empty root port: shows the hazard above),
# VM_WORDS_SIZE (how much of the CXL node the words test covers, default
# all), VM_WORDS_STEP (the words test's block: both ends of each STEP bytes
# checked, default 256; 8: every word), VM_TESTS (the guest test scripts to
# run, e.g. "placement interleave"; default all).
# The guest's root is ramfs (rootfstype=ramfs), not tmpfs: ramfs pages are
# unevictable, so reclaim and demotion (test_tiering.sh fills node 0 with
# demotion on) never move program text to the CXL node, where QEMU's TCG
# breaks running code from the emulated memory (7.2 aborts in
# translator_access, "Assertion `phys_page != -1' failed"; 10 segfaulted in
# 1 of 5 runs).
# Writes WORKDIR/console.log (serial 0) and WORKDIR/tap.log (serial 1, the
# guest's TAP). Exit status is QEMU's (124 when the time ran out).
set -eu
shape=${1:?usage: boot.sh numa|cxl-ram|cxl-pmem WORKDIR}
w=${2:?usage: boot.sh SHAPE WORKDIR}
mkdir -p "$w"
rm -f "$w/console.log" "$w/tap.log"

expect="VM_NODES=0,1,2 VM_CPUNODES=0,1 VM_DIST=0-1:21,0-2:30,1-2:35"
expect="$expect VM_HMAT=0@0:80:20480,1@1:80:20480,2@0:250:5120"
machine="q35,hmat=on"
mem="-m 768M"
# erms and fsrm off: with them the kernel clears and copies pages with
# "rep stosb/movsb", which TCG turns into one call into QEMU per byte on the
# emulated CXL device (MMIO); without them 8 bytes at a time, about 4x less
# guest time on every test that touches CXL memory. Nothing cxlscope does
# depends on them.
cpuflags=erms=off,fsrm=off
cpu=${CPU:-max,$cpuflags}
cxlargs=""
case "$shape" in
numa) ;;
cxl-ram | cxl-pmem)
    mode=${shape#cxl-}
    expect="VM_NODES=0,1,2,4 VM_CPUNODES=0,1 VM_CXL=4 VM_CXL_WINDOW=1 VM_CXLMODE=$mode ${expect#VM_NODES=0,1,2 VM_CPUNODES=0,1 }"
    machine="q35,cxl=on,hmat=on"
    mem="-m 768M,maxmem=4G,slots=4"
    if [ "$mode" = ram ]; then
        t3="volatile-memdev=cxl-mem0"
        # kernel >= 6.12 refuses to commit a CXL region under a hypervisor
        cpu=${CPU:-max,hypervisor=off,$cpuflags}
    else
        t3="memdev=cxl-mem0,lsa=cxl-lsa0"
    fi
    rm -f "$w/cxl0.raw" "$w/lsa0.raw"
    rp2="-device cxl-rp,port=1,bus=cxl.1,id=root_port14,chassis=0,slot=3"
    [ -z "${VM_CXL_ONE_PORT:-}" ] || rp2=""
    cxlargs="-object memory-backend-file,id=cxl-mem0,share=on,mem-path=$w/cxl0.raw,size=256M
-object memory-backend-file,id=cxl-lsa0,share=on,mem-path=$w/lsa0.raw,size=1M
-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
-device cxl-rp,port=0,bus=cxl.1,id=root_port13,chassis=0,slot=2
$rp2
-device cxl-type3,bus=root_port13,$t3,id=cxl-mem0dev
-M cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=4G,cxl-fmw.1.targets.0=cxl.1,cxl-fmw.1.size=4G"
    ;;
*)
    echo "boot.sh: unknown shape '$shape' (numa, cxl-ram, cxl-pmem)" >&2
    exit 2
    ;;
esac

hmat=""
# initiator target latency(ns) bandwidth
for p in "0 0 80 20G" "0 1 140 10G" "0 2 250 5G" "1 0 140 10G" "1 1 80 20G" "1 2 300 4G"; do
    # shellcheck disable=SC2086
    set -- $p
    hmat="$hmat -numa hmat-lb,initiator=$1,target=$2,hierarchy=memory,data-type=access-latency,latency=$3"
    hmat="$hmat -numa hmat-lb,initiator=$1,target=$2,hierarchy=memory,data-type=access-bandwidth,bandwidth=$4"
done

# shellcheck disable=SC2086
exec timeout -k 5 "${VM_TIMEOUT:-900}" "${QEMU:?}" ${QEMU_L:-} \
    -accel tcg,thread=multi -machine "$machine" -cpu "$cpu" -smp 2,sockets=2 $mem \
    -nodefaults -display none -no-reboot -monitor none \
    -serial "file:$w/console.log" -serial "file:$w/tap.log" \
    -kernel "${KERNEL:?}" -initrd "${INITRD:?}" \
    -append "console=ttyS0 panic=-1 rdinit=/init rootfstype=ramfs loglevel=4 VM_SHAPE=$shape VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-480} ${VM_WORDS_SIZE:+VM_WORDS_SIZE=$VM_WORDS_SIZE} ${VM_WORDS_STEP:+VM_WORDS_STEP=$VM_WORDS_STEP} ${VM_TESTS:+VM_TESTS=$(echo "$VM_TESTS" | tr ' ' ,)} $expect ${APPEND:-}" \
    -object memory-backend-ram,id=m0,size=256M \
    -object memory-backend-ram,id=m1,size=256M \
    -object memory-backend-ram,id=m2,size=256M \
    -numa node,nodeid=0,cpus=0,memdev=m0 \
    -numa node,nodeid=1,cpus=1,memdev=m1 \
    -numa node,nodeid=2,memdev=m2,initiator=0 \
    -numa dist,src=0,dst=1,val=21 -numa dist,src=0,dst=2,val=30 -numa dist,src=1,dst=2,val=35 \
    $hmat $cxlargs

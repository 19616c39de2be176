#!/bin/sh
# The Makefile's .cu rule (nvcc, when the CUDA toolkit is found): make tests
# compiles tests/cuda/probe.cu, a kernel that is never launched, and records
# "built" or "not built: REASON" next to the object. Built: the object is a
# relocatable ELF file holding the kernel's host stub and its device code
# (.nv_fatbin). Not built: skipped with the reason. No GPU or driver needed.
. "$(dirname "$0")/lib.sh"
S=$TESTBIN/cuda/probe.state
O=$TESTBIN/cuda/probe.o
name=".cu rule: tests/cuda/probe.cu compiled with nvcc"
state=$(cat "$S" 2>/dev/null)
case $state in
built)
    if [ ! -f "$O" ]; then
        notok "$name" "$S says built, but there is no $O"
    elif ! command -v readelf >/dev/null || ! command -v nm >/dev/null; then
        [ -s "$O" ] && ok "$name (object present; no binutils to look inside)" ||
            notok "$name" "$O is empty"
    elif readelf -h "$O" | grep -q 'REL (Relocatable file)' &&
        readelf -S "$O" | grep -q '\.nv_fatbin' && nm "$O" | grep -q ' T .*cxs_probe_scale'; then
        ok "$name (relocatable object, kernel stub and device code)"
    else
        notok "$name" "$O: $(readelf -h "$O" 2>&1 | grep Type)" "$(nm "$O" 2>&1 | head -5)"
    fi
    ;;
"not built: "*)
    if [ -e "$O" ]; then notok "$name" "$S says '$state', but $O exists"
    else skip "$name" "${state#not built: }"; fi
    ;;
*) notok "$name" "no state in $S (make tests writes it): '$state'" ;;
esac

#!/bin/sh
# Placement by the project's allocator, checked page by page, and the
# integrity of the CXL memory.
. /tests/lib.sh
rc=0
vm_check place || rc=1
vm_check weighted || rc=1
if [ -n "$VM_CXL" ]; then
    vm_check words "$VM_CXL" "${VM_WORDS_SIZE:-all}" "${VM_WORDS_STEP:-256}" || rc=1
fi
exit $rc

#!/bin/sh
# tests/vm/initramfs.sh MODROOT KV BINDIR OUT — build a guest initramfs.
#
# Holds busybox (static), the kernel's cxl/dax/nvdimm modules from MODROOT
# (an unpacked kernel package, see fetch.sh) for kernel KV, Debian's
# cxl/ndctl/daxctl with their shared libraries, every static program in
# BINDIR/bin and BINDIR/tests (the project built with STATIC=1), and the
# guest side of the tests: tests/vm/guest/init as /init, the rest in /tests.
set -eu
modroot=${1:?usage: initramfs.sh MODROOT KV BINDIR OUT}
kv=${2:?kernel version}
bindir=${3:?static build directory}
out=${4:?output cpio}
here=$(cd "$(dirname "$0")" && pwd)

R=$(mktemp -d "${TMPDIR:-/tmp}/cxlscope-vm-root.XXXXXX")
trap 'rm -rf "$R"' EXIT INT TERM
mkdir -p "$R/bin" "$R/usr/bin" "$R/proc" "$R/sys" "$R/dev" "$R/run" "$R/tmp" "$R/etc" \
    "$R/lib64" "$R/lib/x86_64-linux-gnu" "$R/lib/modules/$kv/kernel/drivers" "$R/tests"

cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do
    [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done

for d in cxl dax nvdimm; do
    cp -r "$modroot/lib/modules/$kv/kernel/drivers/$d" "$R/lib/modules/$kv/kernel/drivers/"
done
cp "$modroot/lib/modules/$kv"/modules.order "$modroot/lib/modules/$kv"/modules.builtin* \
    "$R/lib/modules/$kv/"
depmod -b "$R" "$kv"

# cxl, ndctl, daxctl and the libraries they load
for b in /usr/bin/cxl /usr/bin/ndctl /usr/bin/daxctl; do
    cp "$b" "$R/usr/bin/"
    for l in $(ldd "$b" | awk '/=> \//{print $3} /^\t\/lib64/{print $1}'); do
        case "$l" in
        /lib64/*) cp -L "$l" "$R/lib64/" ;;
        *) cp -L "$l" "$R/lib/x86_64-linux-gnu/" ;;
        esac
    done
done

# The project's static binaries and test programs.
for f in "$bindir"/bin/* "$bindir"/tests/*; do
    case "$f" in *.d | *.o) continue ;; esac
    [ -f "$f" ] && [ -x "$f" ] || continue
    if readelf -l "$f" | grep -q INTERP; then # a dynamic binary names its loader
        echo "initramfs.sh: $f is not statically linked" >&2
        exit 1
    fi
    cp "$f" "$R/usr/bin/"
done

cp "$here/guest/init" "$R/init"
cp "$here"/guest/*.sh "$R/tests/"
chmod 755 "$R/init" "$R"/tests/*.sh
(cd "$R" && find . | cpio -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"

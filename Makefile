# cxlscope — one build for everything. GNU make.
#
#   make              build common/ (libcxlscope.a) and every benchmark into bin/
#   make run          ./run-all --profile quick (PROFILE=... for another):
#                     install missing Debian packages (as root), build, run
#                     every test that can run here, write results/ and a report
#                     (steps this machine cannot run are skipped, with the reason)
#   make test         install missing packages, build, run unit + integration
#                     tests, both again under ASan/UBSan, then the QEMU guest
#                     tests (test-vm; VM=0 leaves them out)
#   make test-asan    only the sanitizer build and its unit tests
#   make fuzz         the libFuzzer targets (tests/fuzz/fuzz_NAME.c; clang, ASan,
#                     UBSan, in build/fuzz), each for FUZZ_SECONDS (60) from its
#                     seeds in tests/fuzz/corpus/NAME and reproducers in
#                     tests/fuzz/crashes/NAME; FUZZ_TARGETS="csvin plan" for
#                     some; a finding fails it and stays in build/fuzz/findings/.
#                     Not part of make test, which replays those inputs once
#                     (tests/fuzz/replay_main.c, no clang needed)
#   make install      PREFIX=/usr/local DESTDIR=
#   make format       clang-format every C file; make format-check to verify
#   make config       print what optional parts were found
#   make test-vm      the multi-node tests in QEMU guests (tests/vm/): fetches
#                     a Debian kernel (and backports QEMU) into a cache, builds
#                     the binaries statically (STATIC=1), boots, runs them
#
# Optional parts are detected, not assumed: hwloc and PAPI through pkg-config,
# CUDA through $CUDA_HOME (header + libcudart: gpu_copy/ is built when found;
# with nvcc too, .cu files compile). $(BIN)/.benches says what was built.

PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?=
STATIC  ?=
FUZZ    ?=
FUZZ_CC ?= clang
# Optional libraries: auto (use when pkg-config finds them) or 0 (never).
WITH_HWLOC ?= auto
WITH_PAPI  ?= auto

PKG_CONFIG ?= pkg-config
have_pkg = $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo 1)

ifeq ($(SAN),1)
  BUILD := build/asan
  BIN   := build/asan/bin
  SANFLAGS := -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(FUZZ),1)
  # make fuzz's own build: every object with libFuzzer's coverage, ASan and
  # UBSan (clang only); the targets are linked with libFuzzer's main.
  BUILD := build/fuzz
  BIN   := build/fuzz/bin
  CC    := $(FUZZ_CC)
  SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined
else ifeq ($(STATIC),1)
  # Static binaries for the QEMU test guests (tests/vm/): no shared library
  # there. hwloc (needs libudev) and PAPI (no PMU under TCG) are left out.
  BUILD := build/static
  BIN   := build/static/bin
  SANFLAGS :=
  LDFLAGS += -static
  WITH_HWLOC := 0
  WITH_PAPI  := 0
else
  BUILD := build/release
  BIN   := bin
  SANFLAGS :=
endif

CC      ?= cc
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -MMD -MP -Icommon
LDFLAGS += $(SANFLAGS)

# Required libraries.
CFLAGS += $(shell $(PKG_CONFIG) --cflags numa jansson 2>/dev/null)
LIBS   := $(shell $(PKG_CONFIG) --libs numa jansson 2>/dev/null || echo -lnuma -ljansson) -lcsv -lpthread -lm

# Optional: hwloc (caches, CXL-DRAM subtype when >= 2.10), PAPI (counters).
ifeq ($(WITH_HWLOC)$(call have_pkg,hwloc),auto1)
  CFLAGS += -DCXS_HAVE_HWLOC $(shell $(PKG_CONFIG) --cflags hwloc)
  LIBS   += $(shell $(PKG_CONFIG) --libs hwloc)
  HWLOC_VERSION := $(shell $(PKG_CONFIG) --modversion hwloc)
endif
ifeq ($(WITH_PAPI)$(call have_pkg,papi),auto1)
  CFLAGS += -DCXS_HAVE_PAPI $(shell $(PKG_CONFIG) --cflags papi)
  LIBS   += $(shell $(PKG_CONFIG) --libs papi)
  PAPI_VERSION := $(shell $(PKG_CONFIG) --modversion papi)
endif
# CUDA: gpu_copy/ is host C linked with the CUDA runtime (libcudart), built
# whenever the toolkit's header and library are found (WITH_CUDA=0: never;
# never in STATIC builds). Linked with a RUNPATH, so LD_LIBRARY_PATH can put
# the tests' CUDA test double (tests/fakecuda/) in front of it.
WITH_CUDA ?= auto
CUDA_HOME ?= /usr/local/cuda
NVCC := $(or $(shell command -v nvcc 2>/dev/null),$(wildcard $(CUDA_HOME)/bin/nvcc))
CUDA_INCDIR := $(patsubst %/cuda_runtime_api.h,%,$(firstword $(wildcard $(CUDA_HOME)/include/cuda_runtime_api.h $(CUDA_HOME)/targets/*/include/cuda_runtime_api.h)))
CUDA_LIBDIR := $(patsubst %/libcudart.so,%,$(firstword $(wildcard $(CUDA_HOME)/lib64/libcudart.so $(CUDA_HOME)/targets/*/lib/libcudart.so)))
# CUDA_WHY: why not, when not (bin/.benches and make config say it).
ifeq ($(STATIC),1)
  CUDA_WHY := static build (STATIC=1): no CUDA runtime to link statically
else ifneq ($(WITH_CUDA),auto)
  CUDA_WHY := left out with WITH_CUDA=$(WITH_CUDA)
else ifeq ($(CUDA_INCDIR),)
  CUDA_WHY := no CUDA toolkit found (no cuda_runtime_api.h under CUDA_HOME=$(CUDA_HOME); set CUDA_HOME)
else ifeq ($(CUDA_LIBDIR),)
  CUDA_WHY := no CUDA toolkit found (no libcudart.so under CUDA_HOME=$(CUDA_HOME); set CUDA_HOME)
else
  HAVE_CUDA := 1
  CUDA_VERSION := $(shell sed -n 's/^\#define CUDART_VERSION *\([0-9]*\)/\1/p' $(CUDA_INCDIR)/cuda_runtime_api.h)
endif

# .cu files: nvcc (on PATH or in $(CUDA_HOME)/bin) compiles $(BUILD)/%.o from
# %.cu when the CUDA toolkit above is found; device code for nvcc's default
# architecture (NVCC_ARCH=-arch=sm_90 for another), host code by nvcc's host
# compiler (NVCC_CCBIN to choose it), every warning an error on both sides.
# No sanitizer flags (the host part is not instrumented); compiling needs no
# GPU or driver. NVCC_WHY: why not, when not.
NVCC_OPT   ?= -O2 -g
NVCC_ARCH  ?=
NVCC_CCBIN ?=
NVCCFLAGS  := -std=c++17 $(NVCC_OPT) $(NVCC_ARCH) $(if $(NVCC_CCBIN),-ccbin $(NVCC_CCBIN)) \
              -Werror all-warnings -Xcompiler -Wall,-Wextra,-Wshadow,-Werror -MMD -MP -Icommon
ifeq ($(HAVE_CUDA),)
  NVCC_WHY := $(CUDA_WHY)
else ifeq ($(NVCC),)
  NVCC_WHY := no nvcc (neither on PATH nor in CUDA_HOME=$(CUDA_HOME)/bin)
else
  HAVE_NVCC := 1
endif

CMOCKA_CFLAGS := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS   := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

COMMON_SRC := $(sort $(wildcard common/*.c))
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
LIBCXS     := $(BUILD)/libcxlscope.a

# Every benchmark binary, one word each: its name (bin/cxlscope-NAME; its
# sources in the directory NAME/ unless dir_NAME says otherwise; extra link
# flags in libs_NAME). A directory that holds several binaries has one
# main_NAME.c per binary: each binary gets its own and every other .c of the
# directory. A benchmark that needs an optional toolkit sets why_NAME to the
# reason when it is missing: it is then not built, and $(BIN)/.benches (one
# line per benchmark, "NAME<TAB>built" or "NAME<TAB>not built: REASON", read
# by run-all) says why.
BENCHES := latency bandwidth loaded interleave gpucopy calibrate xlshare tiering offload
why_gpucopy   := $(CUDA_WHY)
dir_gpucopy   := gpu_copy
dir_calibrate := replay
dir_xlshare   := replay
dir_offload   := replay
libs_gpucopy := -L$(CUDA_LIBDIR) -lcudart -Wl,-rpath,$(CUDA_LIBDIR) -Wl,--enable-new-dtags
bench_dir = $(or $(dir_$(1)),$(1))
bench_src = $(filter-out $(call bench_dir,$(1))/main_%.c,$(wildcard $(call bench_dir,$(1))/*.c)) \
            $(wildcard $(call bench_dir,$(1))/main_$(1).c)
bin_of   = $(BIN)/cxlscope-$(1)
BUILT_BENCHES := $(foreach b,$(BENCHES),$(if $(why_$(b)),,$(b)))
BINARIES := $(foreach b,$(BUILT_BENCHES),$(call bin_of,$(b)))
BENCHES_FILE := $(BIN)/.benches
bench_state = $(if $(why_$(1)),not built: $(why_$(1)),built)

UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_SRC := $(sort $(wildcard tests/helpers/*.c))
HELPER_BINS := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/tests/%)
VM_SRC     := $(sort $(wildcard tests/vm/*.c))
VM_BINS    := $(VM_SRC:tests/vm/%.c=$(BUILD)/tests/%)

.PHONY: FORCE all deps test-deps run test check test-asan test-vm vm-guest unit install uninstall clean format format-check config tests fuzz fuzz-deps fuzz-build

all: $(BINARIES) $(BENCHES_FILE)

deps:
	@sh scripts/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# The float workloads promise the same bits at any thread count as their
# single-threaded references: no a*b+c fused into one rounding (clang
# contracts within an expression by default, GCC in GNU modes; either would
# let the two computations round differently).
$(BUILD)/common/wl_adam.o $(BUILD)/common/wl_attention.o: CFLAGS += -ffp-contract=off

ifeq ($(HAVE_NVCC),1)
$(BUILD)/%.o: %.cu
	@mkdir -p $(@D)
	$(NVCC) $(NVCCFLAGS) -c -o $@ $<
endif

$(LIBCXS): $(COMMON_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

define bench_rule
$(call bin_of,$(1)): $(patsubst %.c,$(BUILD)/%.o,$(sort $(call bench_src,$(1)))) $(LIBCXS)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LIBS) $$(libs_$(1))
endef
$(foreach b,$(BUILT_BENCHES),$(eval $(call bench_rule,$(b))))
# Rewritten after the binaries on every make, replaced only when it changes
# (so a build with and without a toolkit each leave the right one); the
# binary of a benchmark not built is removed (one left from an earlier
# configuration would contradict it).
$(BENCHES_FILE): $(BINARIES) FORCE
	@mkdir -p $(@D)
	@rm -f $(foreach b,$(filter-out $(BUILT_BENCHES),$(BENCHES)),$(call bin_of,$(b)))
	@printf '%s\t%s\n' $(foreach b,$(BENCHES),'$(b)' '$(call bench_state,$(b))') >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi
$(BUILD)/gpu_copy/%.o: CFLAGS += $(if $(CUDA_INCDIR),-I$(CUDA_INCDIR))

$(BUILD)/tests/test_%.o: tests/unit/test_%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CMOCKA_CFLAGS) -c -o $@ $<
$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(LIBCXS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LIBS)
$(BUILD)/tests/%: tests/helpers/%.c $(LIBCXS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.a,$^) $(LIBS)

# gpu_copy/'s CUDA-free part (spec.c) is unit-tested on every machine.
$(BUILD)/tests/test_gpucopy: $(BUILD)/tests/test_gpucopy.o $(BUILD)/gpu_copy/spec.o $(LIBCXS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LIBS)
$(BUILD)/tests/test_gpucopy.o: CFLAGS += -Igpu_copy
# replay/'s model is unit-tested on its own.
$(BUILD)/tests/test_xlshare_model: $(BUILD)/tests/test_xlshare_model.o $(BUILD)/replay/model.o $(LIBCXS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LIBS)
$(BUILD)/tests/test_xlshare_model.o: CFLAGS += -Ireplay
# and its input: model CSVs, calibration files, value ranges.
XS_INPUT_OBJ := $(patsubst %,$(BUILD)/replay/%.o,models params ranges)
$(BUILD)/tests/test_xlshare_input: $(BUILD)/tests/test_xlshare_input.o $(XS_INPUT_OBJ) $(LIBCXS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LIBS)
$(BUILD)/tests/test_xlshare_input.o: CFLAGS += -Ireplay
# the offload model's closed forms and its shapes (presets, --model-csv).
OF_TEST_OBJ := $(patsubst %,$(BUILD)/replay/%.o,offload offload_models models)
$(BUILD)/tests/test_offload: $(BUILD)/tests/test_offload.o $(OF_TEST_OBJ) $(LIBCXS)
	$(CC) $(LDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(LIBS)
$(BUILD)/tests/test_offload.o: CFLAGS += -Ireplay
# The CUDA runtime test double (tests only; never installed), built without
# sanitizers: it is loaded into the sanitized binaries as a plain library.
FAKECUDA := $(BUILD)/tests/fakecuda/libcudart.so.13
$(FAKECUDA): tests/fakecuda/cudart.c tests/fakecuda/cudart.map
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -I$(CUDA_INCDIR) -fPIC -shared \
	  -Wl,-soname,libcudart.so.13 -Wl,--version-script=tests/fakecuda/cudart.map -o $@ $<

# The .cu rule's test: tests/cuda/probe.cu, a kernel only compiled; the state
# file says "built" or "not built: REASON" (test_cuda_rule.sh reads it).
CUDA_PROBE       := $(BUILD)/tests/cuda/probe.o
CUDA_PROBE_STATE := $(BUILD)/tests/cuda/probe.state
$(CUDA_PROBE_STATE): $(if $(HAVE_NVCC),$(CUDA_PROBE)) FORCE
	@mkdir -p $(@D)
	@$(if $(HAVE_NVCC),:,rm -f $(CUDA_PROBE))
	@printf '%s\n' '$(if $(HAVE_NVCC),built,not built: $(NVCC_WHY))' >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv -f $@.tmp $@; fi

$(BUILD)/tests/%: tests/vm/%.c $(LIBCXS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.a,$^) $(LIBS)

# Fuzz targets (tests/fuzz/fuzz_NAME.c, one per parser family; fuzzobj_NAME:
# the objects outside libcxlscope.a it needs): linked with libFuzzer in the
# fuzz build, with replay_main.c (each file named, once) in the others.
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS  := $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz/fuzz_%)
fuzzobj_calibration := replay/params.o replay/xlshare_fmt.o replay/ranges.o
fuzzobj_models      := replay/models.o
$(BUILD)/tests/fuzz/%.o: CFLAGS += -Ireplay
ifeq ($(FUZZ),1)
  FUZZ_MAIN :=
  FUZZ_LINK := -fsanitize=fuzzer,address,undefined
else
  FUZZ_MAIN := $(BUILD)/tests/fuzz/replay_main.o
  FUZZ_LINK :=
endif
define fuzz_rule
$(BUILD)/tests/fuzz/fuzz_$(1): $(BUILD)/tests/fuzz/fuzz_$(1).o $(FUZZ_MAIN) $(addprefix $(BUILD)/,$(fuzzobj_$(1))) $(LIBCXS)
	$$(CC) $$(LDFLAGS) $(FUZZ_LINK) -o $$@ $$^ $$(LIBS)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(f))))

tests: $(BINARIES) $(BENCHES_FILE) $(UNIT_BINS) $(HELPER_BINS) $(FUZZ_BINS) $(if $(HAVE_CUDA),$(FAKECUDA)) \
       $(CUDA_PROBE_STATE)

# What the QEMU test guests run (build with STATIC=1).
vm-guest: $(BINARIES) $(BENCHES_FILE) $(HELPER_BINS) $(VM_BINS)

# The README's two commands.
# run-all's exit 3 (done, some steps skipped: no GPU, no CXL node; the
# summary names why) is a finished run, not a failed make.
run:
	@./run-all --profile $${PROFILE:-quick}; rc=$$?; [ $$rc -eq 3 ] && rc=0; exit $$rc

test-deps:
	@sh scripts/deps.sh test

test: test-deps
	@$(MAKE) --no-print-directory tests
	@$(MAKE) --no-print-directory SAN=1 tests
	@BUILD=$(BUILD) ASAN_BUILD=build/asan VM=$${VM:-1} tests/run.sh

# The guest tests alone; tests/vm/vm.sh builds STATIC=1 vm-guest itself.
test-vm: deps
	@VM_ONLY=1 VM=1 tests/run.sh

# Each FUZZ_TARGETS target for FUZZ_SECONDS (tests/fuzz/fuzz.sh); exit 1
# on a finding.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= $(FUZZ_NAMES)
fuzz-deps:
	@sh scripts/deps.sh fuzz

fuzz: fuzz-deps
	@$(if $(filter-out $(FUZZ_NAMES),$(FUZZ_TARGETS)),echo "fuzz: no target $(filter-out $(FUZZ_NAMES),$(FUZZ_TARGETS)) (targets: $(FUZZ_NAMES))" >&2; exit 2)
	@$(MAKE) --no-print-directory FUZZ=1 FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz-build
	@sh tests/fuzz/fuzz.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/fuzz_%)

check: tests
	@BUILD=$(BUILD) tests/run.sh

test-asan: deps
	@$(MAKE) --no-print-directory SAN=1 tests
	@BUILD=build/asan UNIT_ONLY=1 tests/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BINARIES) $(DESTDIR)$(PREFIX)/bin/

uninstall:
	rm -f $(foreach b,$(BENCHES),$(DESTDIR)$(PREFIX)/bin/cxlscope-$(b))

clean:
	rm -rf build bin

C_FILES = $(shell git ls-files '*.c' '*.h' '*.cu' 2>/dev/null)
format:
	clang-format -i $(C_FILES)
format-check:
	clang-format --dry-run --Werror $(C_FILES)

config:
	@echo "cc:     $$($(CC) --version | head -1)"
	@echo "hwloc:  $(or $(HWLOC_VERSION),not found)"
	@echo "papi:   $(or $(PAPI_VERSION),not found)"
	@echo "cuda:   $(if $(HAVE_CUDA),runtime $(CUDA_VERSION) in $(CUDA_LIBDIR) (gpucopy built),$(CUDA_WHY) (gpucopy not built))"
	@echo "nvcc:   $(if $(HAVE_NVCC),$(NVCC) (.cu files built),$(NVCC_WHY) (.cu files not built))"

-include $(COMMON_OBJ:.o=.d) $(wildcard $(BUILD)/*/*.d) $(wildcard $(BUILD)/tests/*.d) \
         $(wildcard $(BUILD)/tests/fuzz/*.d) $(wildcard $(BUILD)/tests/cuda/*.d)

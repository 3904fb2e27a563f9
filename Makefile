# avloc build: tests, examples, benchmarks. Only a C compiler is needed for
# `make test`; `make demo` runs the end-to-end example.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -pedantic
STD     ?= -std=c99
LDLIBS  += -lm
BUILD   ?= build
# Prefix for running the test programs, e.g. an emulator for a cross build:
#   make test CC=arm-linux-gnueabihf-gcc BUILD=build/armhf RUN="qemu-arm -L /usr/arm-linux-gnueabihf"
# Left unset, it is filled in for Debian's ARM cross compilers (qemu-user).
ifeq ($(origin RUN),undefined)
TARGET_TRIPLE := $(shell $(CC) -dumpmachine 2>/dev/null)
ifeq ($(TARGET_TRIPLE),arm-linux-gnueabihf)
RUN := qemu-arm -L /usr/arm-linux-gnueabihf
else ifeq ($(TARGET_TRIPLE),aarch64-linux-gnu)
RUN := qemu-aarch64 -L /usr/aarch64-linux-gnu
endif
endif

HEADERS := $(wildcard avloc*.h)
TEST_SRCS := $(wildcard tests/test_*.c)
TESTS   := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all test demo clean bench check-headers install uninstall win-live

all: $(TESTS) $(BUILD)/avloc $(BUILD)/locate_min $(BUILD)/mfcc_min

# The library's implementation is compiled once per BUILD, one object per
# module (tests/impl/), and linked into every test program that guards its
# AVLOC_IMPLEMENTATION with #ifndef AVLOC_TEST_SHARED_IMPL: programs that use
# only the public API, and the CLI (build/avloc and the tests that compile it
# in). The others (internals avloc__*, their own configuration macros) keep
# the implementation in their own file. A suite build then compiles the
# library 8 times (once as objects, and inside seven programs) instead of ~30.
# SHARED_IMPL=0 makes every program self-contained (the mutation check: a
# planted bug then rebuilds one program, not every object).
SHARED_IMPL ?= 1
IMPL_MODULES := dsp gllim mp nn rpca
IMPL_OBJS := $(BUILD)/impl/core.o $(IMPL_MODULES:%=$(BUILD)/impl/%.o)
ifeq ($(SHARED_IMPL),1)
# (the tests that compile the CLI in are linked too: examples/avloc.c guards
# its AVLOC_IMPLEMENTATION the same way)
LINKED_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(shell grep -l -e '^\#ifndef AVLOC_TEST_SHARED_IMPL' -e '^\#include "../examples/avloc.c"' $(TEST_SRCS)))
# (-x none: a C++ build's "-x c++" must not apply to the objects)
$(LINKED_TESTS) $(BUILD)/avloc: IMPL = -DAVLOC_TEST_SHARED_IMPL
$(LINKED_TESTS) $(BUILD)/avloc: IMPL_LINK = -x none $(IMPL_OBJS)
$(LINKED_TESTS) $(BUILD)/avloc: $(IMPL_OBJS)
endif

$(BUILD)/impl/core.o: tests/impl/core.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -c -o $@ $<
$(BUILD)/impl/%.o: tests/impl/module.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -DAVLOC_$$(echo $* | tr a-z A-Z)_IMPLEMENTATION -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(wildcard tests/*.h) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(IMPL) -o $@ $< $(IMPL_LINK) $(LDLIBS) $(EXTRA_LDLIBS)

# The CLI's thread pool (examples/avloc_pool.h) needs -pthread where the
# compiler knows it (not arm-none-eabi-gcc: there the pool has no threads).
PTHREAD ?= $(shell $(CC) -pthread -E -x c /dev/null >/dev/null 2>&1 && echo -pthread)

# The CLI test compiles examples/avloc.c in (its main renamed), pool included.
$(BUILD)/tests/test_cli_gllim: $(wildcard examples/*.c examples/*.h)
$(BUILD)/tests/test_mp_cli: $(wildcard examples/*.c examples/*.h)
$(BUILD)/tests/test_cli_gllim $(BUILD)/tests/test_mp_cli: EXTRA_LDLIBS += $(PTHREAD)
# Tests of the examples' own headers rebuild when those change.
$(BUILD)/tests/test_io: examples/avloc_io.h
$(BUILD)/tests/test_eval: examples/avloc_eval.h

# test_cli runs the built avloc program (through $(RUN) for a cross build):
# built first, its path and the runner compiled in.
$(BUILD)/tests/test_cli: tests/test_cli.c $(wildcard tests/*.h) $(HEADERS) $(BUILD)/avloc
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(IMPL) -DTH_AVLOC_BIN='"$(BUILD)/avloc"' -DTH_RUN='"$(RUN)"' -o $@ $< $(IMPL_LINK) $(LDLIBS) $(EXTRA_LDLIBS)

# test_threads runs the library's objects from several POSIX threads.
$(BUILD)/tests/test_threads: tests/test_threads.c $(wildcard tests/*.h) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(IMPL) -pthread -o $@ $< $(IMPL_LINK) $(LDLIBS) $(EXTRA_LDLIBS) -pthread

# Runs every test program, prints each suite's line and the closing total.
# Each program runs as its own target (stdout to .log, exit status to .rc), so
# `make -jN test` runs N programs at once; the summary reads them in order.
TEST_LOGS := $(TESTS:=.log)
.PHONY: FORCE
FORCE:
$(BUILD)/tests/%.log: $(BUILD)/tests/% FORCE
	@$(RUN) $< > $@.tmp; echo $$? > $(@:.log=.rc); mv $@.tmp $@

test: $(TEST_LOGS)
	@pass=0; fail=0; for t in $(TESTS); do \
	  out=$$(cat $$t.log); rc=$$(cat $$t.rc); echo "$$out"; \
	  line=$$(echo "$$out" | grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed$$' | tail -n 1); \
	  if [ -z "$$line" ]; then echo "$$t: crashed or printed no summary (exit $$rc)"; fail=$$((fail+1)); continue; fi; \
	  p=$$(echo "$$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/'); f=$$(echo "$$line" | sed -E 's/.* ([0-9]+) failed/\1/'); \
	  pass=$$((pass+p)); fail=$$((fail+f)); \
	  if [ $$rc -ne 0 ] && [ $$f -eq 0 ]; then echo "$$t: exit $$rc"; fail=$$((fail+1)); fi; \
	done; echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

$(BUILD)/avloc: examples/*.c examples/*.h $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(IMPL) $(PTHREAD) -o $@ examples/avloc.c $(IMPL_LINK) $(LDLIBS) $(EXTRA_LDLIBS) $(PTHREAD)

# The main job: end-to-end demo on data bundled with (or generated by) the repo.
demo: $(BUILD)/avloc
	AVLOC=$(BUILD)/avloc sh examples/demo.sh out

bench:
	$(MAKE) -C bench

$(BUILD)/locate_min $(BUILD)/mfcc_min: $(BUILD)/%: examples/%.c examples/avloc_io.h $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $< $(LDLIBS) $(EXTRA_LDLIBS)

# The C++17 engine-embedding example (docs/threads.md): capture thread,
# lock-free ring, fixed-timestep loop. Not in `all` (needs a C++17 compiler).
CXX     ?= c++
$(BUILD)/engine_embed: examples/engine_embed.cpp examples/avloc_io.h $(HEADERS)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -pthread -o $@ $< $(LDLIBS) $(EXTRA_LDLIBS)

# The live example (examples/live/, docs/live.md): ALSA (when its headers
# are installed; ALSA=0 leaves it out) and V4L2 on Linux, file sources
# everywhere. `make win-live` cross-builds the Windows one (WASAPI + Media
# Foundation) with mingw-w64.
ALSA    ?= $(shell test -f /usr/include/alsa/asoundlib.h && echo 1 || echo 0)
LIVE_SRCS := examples/live/live_locate.c examples/live/avcap.c
LIVE_DEPS := $(LIVE_SRCS) examples/live/avcap.h examples/avloc_io.h $(HEADERS)
ifeq ($(ALSA),1)
LIVE_ALSA := -DAVCAP_WITH_ALSA
LIVE_LIBS := -lasound
endif
$(BUILD)/avloc_live: $(LIVE_DEPS) examples/live/avcap_linux.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) $(LIVE_ALSA) -o $@ $(LIVE_SRCS) examples/live/avcap_linux.c $(LIVE_LIBS) $(LDLIBS)
MINGW   ?= x86_64-w64-mingw32-gcc
$(BUILD)/win/avloc_live.exe: $(LIVE_DEPS) examples/live/avcap_wasapi.c examples/live/avcap_mf.c
	@mkdir -p $(dir $@)
	$(MINGW) $(STD) $(WARN) -Werror -O2 -o $@ $(LIVE_SRCS) examples/live/avcap_wasapi.c examples/live/avcap_mf.c \
	  -lole32 -lmfplat -lmfreadwrite -lmf -lmfuuid -lm
win-live: $(BUILD)/win/avloc_live.exe

# Constant-table generator for small targets (avloc_mel_init_tables_f32, docs/build.md).
$(BUILD)/gen_tables: tools/gen_tables.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -I. -o $@ $< $(LDLIBS) $(EXTRA_LDLIBS)

# Installs the headers (PREFIX/include/avloc), a pkg-config file and a CMake
# package (find_package(avloc) -> avloc::avloc); DESTDIR for staged installs.
# Nothing is compiled: the library is header-only. Checked by tools/check_install.sh.
PREFIX  ?= /usr/local
VERSION := $(shell sed -n 's/^\#define AVLOC_VERSION_STRING "\(.*\)"/\1/p' avloc.h)
INSTDIR  = $(DESTDIR)$(PREFIX)
install:
	@test -n "$(VERSION)" || { echo "no AVLOC_VERSION_STRING in avloc.h"; exit 1; }
	mkdir -p "$(INSTDIR)/include/avloc" "$(INSTDIR)/lib/pkgconfig" "$(INSTDIR)/lib/cmake/avloc" "$(INSTDIR)/share/doc/avloc"
	cp $(HEADERS) "$(INSTDIR)/include/avloc/"
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' tools/pkg/avloc.pc.in > "$(INSTDIR)/lib/pkgconfig/avloc.pc"
	sed -e 's|@VERSION@|$(VERSION)|' tools/pkg/avlocConfig.cmake.in > "$(INSTDIR)/lib/cmake/avloc/avlocConfig.cmake"
	sed -e 's|@VERSION@|$(VERSION)|' tools/pkg/avlocConfigVersion.cmake.in > "$(INSTDIR)/lib/cmake/avloc/avlocConfigVersion.cmake"
	cp LICENSE README.md CHANGELOG.md "$(INSTDIR)/share/doc/avloc/"

uninstall:
	rm -rf "$(INSTDIR)/include/avloc" "$(INSTDIR)/lib/cmake/avloc" "$(INSTDIR)/share/doc/avloc"
	rm -f "$(INSTDIR)/lib/pkgconfig/avloc.pc"

clean:
	rm -rf $(BUILD)

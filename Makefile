# avloc build: tests, examples, benchmarks. Only a C compiler is needed for
# `make test`; `make demo` runs the end-to-end example.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -pedantic
STD     ?= -std=c99
LDLIBS  += -lm
BUILD   ?= build

HEADERS := $(wildcard avloc*.h) $(wildcard src/*.inc)
TEST_SRCS := $(wildcard tests/test_*.c)
TESTS   := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))

.PHONY: all test demo clean bench check-headers

all: $(TESTS) $(BUILD)/avloc

$(BUILD)/tests/%: tests/%.c tests/harness.h $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $< $(LDLIBS) $(EXTRA_LDLIBS)

# Runs every test program, prints each suite's line and the closing total.
test: $(TESTS)
	@pass=0; fail=0; for t in $(TESTS); do \
	  out=$$($$t); rc=$$?; echo "$$out"; \
	  line=$$(echo "$$out" | grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed$$' | tail -n 1); \
	  if [ -z "$$line" ]; then echo "$$t: crashed or printed no summary (exit $$rc)"; fail=$$((fail+1)); continue; fi; \
	  p=$$(echo "$$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/'); f=$$(echo "$$line" | sed -E 's/.* ([0-9]+) failed/\1/'); \
	  pass=$$((pass+p)); fail=$$((fail+f)); \
	  if [ $$rc -ne 0 ] && [ $$f -eq 0 ]; then echo "$$t: exit $$rc"; fail=$$((fail+1)); fi; \
	done; echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

$(BUILD)/avloc: examples/*.c examples/*.h $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ examples/avloc.c $(LDLIBS) $(EXTRA_LDLIBS)

clean:
	rm -rf $(BUILD)

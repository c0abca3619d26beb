# perflens — build with the libbpf-tools idiom: .bpf.c -> .bpf.o -> .skel.h -> .o
#   make            ./perflens
#   make asan       ./perflens-asan (ASan+UBSan)
#   make unit       unit test binaries (plain and ASan+UBSan)
#   make test       everything, then the whole suite (tests/run)
#   make bench      benchmarks, one "NAME VALUE UNIT" per line
#   V=1             show the commands; WERROR=1 (set in CI) turns warnings into errors
OUTPUT := .output
CLANG ?= clang
BPFTOOL ?= bpftool
CC ?= cc
PKG_CONFIG ?= pkg-config
ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VERSION := 0.1.0

PKGS := libbpf libelf libdw ncursesw libcurl json-c zlib
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wformat-truncation=1 -Wpointer-arith \
	-Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wundef -Wvla \
	-Wwrite-strings -Wcast-qual -Wimplicit-fallthrough -Wnull-dereference \
	-Wduplicated-cond -Wlogical-op -Wno-unused-parameter -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARN += -Werror
endif
CFLAGS ?= -O2 -g
override CFLAGS += -std=gnu11 $(WARN) -I$(OUTPUT) -Isrc -I. $(PKG_CFLAGS) \
	-DPERFLENS_VERSION='"$(VERSION)"' -D_GNU_SOURCE -pthread
LDLIBS := $(PKG_LIBS) -lzstd -lpthread -lm
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

BPF_SRC := bpf/perflens.bpf.c
BPF_DEPS := $(wildcard bpf/*.h) $(BPF_SRC)
ENGINE_SRCS := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c))
UI_SRCS := $(wildcard ui/*.c)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

ENGINE_OBJS := $(ENGINE_SRCS:%.c=$(OUTPUT)/%.o)
UI_OBJS := $(UI_SRCS:%.c=$(OUTPUT)/%.o)
ENGINE_ASAN := $(ENGINE_SRCS:%.c=$(OUTPUT)/asan/%.o)
UI_ASAN := $(UI_SRCS:%.c=$(OUTPUT)/asan/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(OUTPUT)/unit/%)
UNIT_ASAN := $(UNIT_SRCS:tests/unit/%.c=$(OUTPUT)/unit-asan/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(OUTPUT)/helpers/%)
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(OUTPUT)/bench/%)
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(OUTPUT)/fuzz/%)

.PHONY: all asan unit helpers fuzz test bench clean check-layering
.DELETE_ON_ERROR:

all: perflens

$(OUTPUT)/vmlinux.h:
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(OUTPUT)/perflens.bpf.o: $(BPF_DEPS) $(OUTPUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Ibpf \
		-c $(BPF_SRC) -o $@
	$(Q)llvm-strip -g $@ 2>/dev/null || true

$(OUTPUT)/perflens.skel.h: $(OUTPUT)/perflens.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name perflens_bpf > $@

# Everything in src/ may include the skeleton; generate it first.
$(OUTPUT)/%.o: %.c $(OUTPUT)/perflens.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(OUTPUT)/asan/%.o: %.c $(OUTPUT)/perflens.skel.h
	$(call msg,CC-ASAN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN) -MMD -MP -c $< -o $@

$(OUTPUT)/libengine.a: $(ENGINE_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^
$(OUTPUT)/libui.a: $(UI_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^
$(OUTPUT)/asan/libengine.a: $(ENGINE_ASAN)
	$(Q)rm -f $@ && ar rcs $@ $^
$(OUTPUT)/asan/libui.a: $(UI_ASAN)
	$(Q)rm -f $@ && ar rcs $@ $^

perflens: $(OUTPUT)/src/main.o $(OUTPUT)/libui.a $(OUTPUT)/libengine.a | check-layering
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

perflens-asan: $(OUTPUT)/asan/src/main.o $(OUTPUT)/asan/libui.a $(OUTPUT)/asan/libengine.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ $(LDLIBS) -o $@

asan: perflens-asan

$(OUTPUT)/unit/%: tests/unit/%.c $(OUTPUT)/libui.a $(OUTPUT)/libengine.a
	$(call msg,CC-TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ -lcmocka $(LDLIBS) -o $@

$(OUTPUT)/unit-asan/%: tests/unit/%.c $(OUTPUT)/asan/libui.a $(OUTPUT)/asan/libengine.a
	$(call msg,CC-TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ -lcmocka $(LDLIBS) -o $@

unit: $(UNIT_BINS) $(UNIT_ASAN)

# Workload helpers for the integration tests and benchmarks: frame pointers on.
$(OUTPUT)/helpers/%: tests/helpers/%.c
	$(call msg,CC-HELP,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O1 -g -fno-omit-frame-pointer -fno-inline -Wall -pthread $< -o $@ -lm

helpers: $(HELPER_BINS)

$(OUTPUT)/bench/%: bench/%.c $(OUTPUT)/libui.a $(OUTPUT)/libengine.a
	$(call msg,CC-BENCH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

# libFuzzer targets over the engine's parsers (clang, ASan+UBSan).
$(OUTPUT)/fuzz/%: tests/fuzz/%.c $(ENGINE_SRCS) $(OUTPUT)/perflens.skel.h
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -std=gnu11 -g -O1 -I$(OUTPUT) -Isrc -I. $(PKG_CFLAGS) -D_GNU_SOURCE -pthread \
		-DPERFLENS_VERSION='"$(VERSION)"' -fsanitize=fuzzer,address,undefined \
		$< $(ENGINE_SRCS) $(LDLIBS) -o $@

fuzz: $(FUZZ_BINS)

# The engine never includes curses or ui/ (so each module links into a test alone).
check-layering:
	$(Q)! grep -nE '#include *[<"](n?curses|ncursesw/|.*ui/)' $(ENGINE_SRCS) src/*.h src/*/*.h \
		|| { echo "layering: src/ must not include curses or ui/"; exit 1; }

test: perflens perflens-asan unit helpers fuzz
	$(Q)tests/run

bench: perflens helpers $(BENCH_BINS)
	$(Q)bench/run

clean:
	rm -rf $(OUTPUT) perflens perflens-asan

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)

# Thin wrapper over meson/ninja (see README.md).  Variants live side by side:
#   build/          debug, warnings as errors     (make, make check)
#   build-asan/     AddressSanitizer + UBSan      (make check)
#   build-fuzz/     clang + libFuzzer             (make check, make fuzz)
#   build-release/  optimised, for bench/         (make release, make bench)
MESON ?= meson
NINJA ?= ninja

.PHONY: all deps build release asan fuzz check demo bench tempest clean

all: build

deps:
	@scripts/install-deps.sh build

build: deps
	@test -f build/build.ninja || $(MESON) setup build --buildtype=debug -Dwerror=true >/dev/null
	@$(NINJA) -C build

release: deps
	@test -f build-release/build.ninja || $(MESON) setup build-release --buildtype=release -Db_ndebug=true >/dev/null
	@$(NINJA) -C build-release

asan: deps
	@test -f build-asan/build.ninja || $(MESON) setup build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@$(NINJA) -C build-asan

fuzz: deps
	@scripts/install-deps.sh test
	@test -f build-fuzz/build.ninja || CC=clang $(MESON) setup build-fuzz --buildtype=debug -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
	@$(NINJA) -C build-fuzz

check:
	@scripts/install-deps.sh all
	@scripts/check.sh

demo: build
	@scripts/demo.sh

# OpenStack's conformance suite (tempest + neutron-tempest-plugin) against a server of
# its own; fails on a regression from tests/tempest/expected_passing.txt.
tempest: build
	@scripts/install-deps.sh tempest
	@tests/tempest/run.sh

bench: release
	@bench/run.sh

clean:
	rm -rf build build-asan build-fuzz build-release

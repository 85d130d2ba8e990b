# Thin convenience wrapper; the scripts are the source of truth.
.PHONY: run test bench clean
run:
	scripts/run
test:
	scripts/test
bench:
	cmake --preset release && cmake --build --preset release
clean:
	rm -rf build

# Shortcuts for dev.py, which needs nothing but Python 3.11+.
.PHONY: run test lock lock-upgrade
run:
	python3 dev.py run
test:
	python3 dev.py test
# After changing pyproject.toml's dependencies: lock them, keeping the other pins.
lock:
	python3 dev.py lock
# Once a month: every package to its newest release that pyproject.toml allows; then `make test`.
lock-upgrade:
	python3 dev.py lock --upgrade

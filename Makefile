# Shortcuts for dev.py, which needs nothing but Python 3.11+.
.PHONY: run test
run:
	python3 dev.py run
test:
	python3 dev.py test

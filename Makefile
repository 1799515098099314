.PHONY: install run test test-postgres ci

install:
	scripts/install

run:
	scripts/run

test:
	scripts/test

test-postgres:
	scripts/with-postgres scripts/test

ci:
	.ci/run

# The two set-up commands of the README.
.PHONY: run test lint bench

run:  ## install everything (first time) and run the hotline locally with a chat in the browser/terminal
	bash scripts/setup.sh
	.venv/bin/hotline run

test:  ## install what the tests need and run the whole suite (Redis, Rasa and PostgreSQL started by the tests)
	WITH_POSTGRES=1 bash scripts/setup.sh
	.venv/bin/ruff check .
	.venv/bin/mypy
	.venv/bin/pytest -q

bench:  ## benchmarks (print figures; not part of the tests)
	bash scripts/setup.sh
	.venv/bin/hotline bench triage
	.venv/bin/hotline bench e2e
	.venv/bin/hotline bench paging
	.venv/bin/hotline bench edge

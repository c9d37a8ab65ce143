#!/usr/bin/env bash
# Installs everything the hotline and its tests need, reusing what is already there:
#   .venv       the application (Python >= 3.11, current libraries)
#   .venv-rasa  Rasa Open Source 3.6.21 (Python 3.10, its own pins)
#   redis-server, chromium, PostgreSQL binaries and nginx (Debian packages) when missing
#   nlu/models/hotline.tar.gz  trained from nlu/ when missing or when nlu/ changed
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export RASA_TELEMETRY_ENABLED=false
log() { printf '[setup] %s\n' "$*" >&2; }

find_python() {  # $1 = minor version wanted, e.g. 3.10 ; prints an interpreter path
  local want=$1 cand
  if command -v pyenv >/dev/null 2>&1; then
    cand="$(pyenv prefix "$want" 2>/dev/null | head -1)/bin/python$want"
    [ -x "$cand" ] && { echo "$cand"; return 0; }
  fi
  for cand in "python$want" "/usr/bin/python$want" "/usr/local/bin/python$want" \
              "$HOME/.pyenv/versions/$want"*/bin/python"$want"; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import venv' >/dev/null 2>&1; then
      command -v "$cand"; return 0
    fi
  done
  return 1
}

# --- the application env ---------------------------------------------------------------------------------
if [ ! -x .venv/bin/hotline ] || [ pyproject.toml -nt .venv/.installed ]; then
  APP_PY=""
  for v in 3.13 3.12 3.11; do APP_PY=$(find_python $v) && break; done
  [ -n "$APP_PY" ] || { log "need Python >= 3.11 (e.g. 'pyenv install 3.11')"; exit 1; }
  log "app env with $APP_PY"
  [ -x .venv/bin/python ] || "$APP_PY" -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
  touch .venv/.installed
fi

# --- system services: Redis (and PostgreSQL for the tests) ------------------------------------------------
need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
# The console's browser tests drive Debian's Chromium through Playwright (its own browser download cannot work
# on machines without internet access).
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ "${WITH_POSTGRES:-0}" = 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi
# The scale-out test puts two app processes and two Rasa servers behind nginx.
if [ "${WITH_POSTGRES:-0}" = 1 ] && [ ! -x /usr/sbin/nginx ] && ! command -v nginx >/dev/null 2>&1; then
  need_apt+=(nginx)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    log "installing ${need_apt[*]} (apt-get)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    log "please install: ${need_apt[*]} (e.g. sudo apt-get install ${need_apt[*]})"; exit 1
  fi
fi

# --- Rasa env (Python 3.10) -------------------------------------------------------------------------------
if [ ! -x .venv-rasa/bin/rasa ]; then
  RASA_PY=$(find_python 3.10) || {
    log "Rasa 3.6.21 needs Python 3.10: 'pyenv install 3.10' or 'apt-get install python3.10-venv'"; exit 1; }
  log "Rasa env with $RASA_PY (about 2 minutes)"
  "$RASA_PY" -m venv .venv-rasa
  .venv-rasa/bin/pip install -q --disable-pip-version-check --upgrade pip wheel
  .venv-rasa/bin/pip install -q --disable-pip-version-check rasa==3.6.21
fi

# --- the Rasa model: trained, never committed -------------------------------------------------------------
# The hash covers what training reads (the data, the config and its custom component); nlu/probes.yml (the model swap's smoke test) is not training data.
hash_nlu() { find nlu -path nlu/models -prune -o -path nlu/.rasa -prune -o -path nlu/probes.yml -prune -o -type f \( -name '*.yml' -o -name '*.yaml' -o -name 'hotline_*.py' \) -print \
  | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16; }
want=$(hash_nlu)
have=$(cat nlu/models/.hash 2>/dev/null || true)
if [ ! -f nlu/models/hotline.tar.gz ] || [ "$want" != "$have" ]; then
  log "training the Rasa model (a few minutes)"
  start=$(date +%s)
  mkdir -p var
  (cd nlu && ../.venv-rasa/bin/rasa train --fixed-model-name hotline --out models --num-threads 2 >../var/train.log 2>&1) \
    || { tail -40 var/train.log >&2; exit 1; }
  echo "$want" > nlu/models/.hash
  echo $(( $(date +%s) - start )) > nlu/models/.train_seconds
  log "model trained in $(cat nlu/models/.train_seconds) s"
fi
log "ready"

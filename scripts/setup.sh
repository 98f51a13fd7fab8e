#!/usr/bin/env bash
# Set up a fresh machine for gendexhand: the offscreen GL libraries (Debian), a virtual
# environment in .venv, and the package with pinned versions (constraints.txt).
# Idempotent: a second run only checks. Used by `make demo`, `make test` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "gendexhand needs Python >= 3.11 (found: $("$PY" --version 2>&1)); set PYTHON=..." >&2
  exit 1
fi

# Offscreen rendering: Mesa's EGL (preferred) or OSMesa.
need_gl() {
  ldconfig -p 2>/dev/null | grep -q 'libEGL.so.1' && \
    ls /usr/lib/*/dri/swrast_dri.so /usr/lib/*/dri/*_dri.so >/dev/null 2>&1 && return 1
  ldconfig -p 2>/dev/null | grep -q 'libOSMesa.so' && return 1
  return 0
}
if need_gl; then
  pkgs="libegl1 libgl1-mesa-dri libosmesa6"
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing offscreen GL packages: $pkgs"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null
  else
    echo "setup: offscreen OpenGL libraries are missing; run as root:" >&2
    echo "  apt-get install -y $pkgs" >&2
    exit 1
  fi
fi

stamp=.venv/.gendexhand-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  [ -x .venv/bin/python ] || "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[dev]'
  touch "$stamp"
  echo "setup: installed gendexhand into .venv"
fi

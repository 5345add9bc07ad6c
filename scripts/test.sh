#!/usr/bin/env bash
# Set everything up and run the tests: uv + the locked environment, and (Debian, as root) Chromium for the
# browser tests. Without Chromium the browser tests are skipped, everything else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
  echo "installing Chromium for the browser tests (Debian package)..." >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
python3 -m pip install --quiet uv
# --extra jax: the optional JAX engine is tested against the default one (~85 MB download, ~4 s from a cold cache)
exec uv run --frozen --extra jax pytest -q "$@"

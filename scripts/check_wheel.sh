#!/usr/bin/env bash
# Build the wheel and check it in a clean virtual environment, offline: the locked runtime dependencies come
# from the uv cache (`uv sync --frozen --offline` into a new environment), the wheel is installed without
# dependencies, and the installed command runs `--version` and a report from outside the source tree.
# Usage: bash scripts/check_wheel.sh [WORKDIR]   (default: a new temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
uv build --offline --wheel --out-dir "$work/dist" >/dev/null
wheel=$(ls "$work"/dist/ferronet-*.whl)
UV_PROJECT_ENVIRONMENT="$work/venv" uv sync --frozen --no-dev --no-install-project --offline -q
uv pip install -q --offline --no-deps -p "$work/venv/bin/python" "$wheel"
cd "$work"
"$work/venv/bin/python" - <<'PY'
import ferronet, ferronet.profile.io as pio
assert "/venv/" in ferronet.__file__, ferronet.__file__  # the wheel, not the source tree
assert pio.ensembl_to_symbol()["ENSG00000167468"] == "GPX4"  # data files are in the wheel
PY
"$work/venv/bin/ferronet" --version
"$work/venv/bin/ferronet" report --therapy sorafenib --cancer HCC --out "$work/report.html"
echo "wheel check passed: $(basename "$wheel")"

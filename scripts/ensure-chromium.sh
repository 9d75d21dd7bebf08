#!/usr/bin/env bash
# The browser tests of plan.html and report.html drive Debian's Chromium
# (playwright-core downloads no browser of its own, and this network could
# not fetch one), and CI starts from a fresh clone: so `npm test` installs it
# here first. Does nothing when it is already there.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "ensure-chromium: $CHROMIUM is missing, and installing it needs root (or sudo): apt-get install chromium" >&2
  exit 1
fi

echo "ensure-chromium: installing Debian's chromium for the browser tests (once per machine)…" >&2
started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "ensure-chromium: installed in $(( $(date +%s) - started )) s" >&2

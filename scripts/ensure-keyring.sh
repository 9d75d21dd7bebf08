#!/usr/bin/env bash
# The keyring tests of `ti-credits login` (test/cli/key-sources.test.ts) run
# against a real Secret Service: GNOME Keyring in a private D-Bus session.
# CI starts from a fresh clone, so `npm test` installs it here first where it
# can. Where it cannot (no root, no sudo, no apt), the tests check instead what
# ti-credits says on a machine without a keyring; nothing fails here.
set -uo pipefail

if command -v gnome-keyring-daemon >/dev/null 2>&1 && command -v dbus-run-session >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "ensure-keyring: no keyring service, and installing one needs root: the keyring tests will check the message for a machine without one" >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-keyring: no apt-get here: the keyring tests will check the message for a machine without one" >&2
  exit 0
fi

echo "ensure-keyring: installing Debian's gnome-keyring and dbus for the keyring tests (once per machine)…" >&2
started=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
if "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq --no-install-recommends gnome-keyring dbus-daemon >/dev/null; then
  echo "ensure-keyring: installed in $(( $(date +%s) - started )) s" >&2
else
  echo "ensure-keyring: could not install it: the keyring tests will check the message for a machine without one" >&2
fi
exit 0

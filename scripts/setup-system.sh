#!/usr/bin/env bash
# Install the Debian/Ubuntu packages listen-coach needs.
#
#   scripts/setup-system.sh          what the app needs to run
#   scripts/setup-system.sh --test   plus what the test suite needs
#
# Installs with apt-get when running as root or with passwordless sudo;
# otherwise prints the exact command and stops. Does nothing (quickly) when
# everything is already there.
set -euo pipefail

run_pkgs=(libportaudio2 python3-venv)
test_pkgs=(pulseaudio pulseaudio-utils libasound2-plugins espeak-ng sox tmux postgresql chromium strace)

pkgs=("${run_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then
    pkgs+=("${test_pkgs[@]}")
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "setup: not a Debian-like system; make sure these are installed: ${pkgs[*]}" >&2
    exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
    if [[ "$p" == python3-venv ]]; then
        # Only needed when the python3 in use cannot create virtual environments.
        python3 -c 'import venv, ensurepip' >/dev/null 2>&1 && continue
    fi
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

[[ ${#missing[@]} -eq 0 ]] && exit 0

cmd=(apt-get install -y --no-install-recommends "${missing[@]}")
if [[ $(id -u) -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
else
    echo "setup: these system packages are missing: ${missing[*]}" >&2
    echo "setup: install them with:  sudo apt-get update && sudo ${cmd[*]}" >&2
    echo "setup: then run make again." >&2
    exit 1
fi

echo "setup: installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" "${cmd[@]}"

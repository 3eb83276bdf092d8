#!/bin/sh
# need.sh CHECK PACKAGES PURPOSE — a system package `make setup` needs: silent where the shell command CHECK
# succeeds; otherwise PACKAGES (Debian) are installed with apt-get when run as root, or one line says what to
# install. Exits 1 only where an installation was tried and failed.
check=$1 packages=$2 purpose=$3
sh -c "$check" >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing $packages (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages; } >/dev/null 2>&1 \
    || { echo "setup: apt-get install $packages failed; $purpose"; exit 1; }
else
  echo "setup: $packages missing ($purpose); install as root: apt-get install -y $packages"
fi

#!/usr/bin/env bash
# Debian packages the test suite needs: a PostgreSQL server, Chromium for browser tests, CJK fonts
# for readable screenshots, and the front-target tools the publishing tests run for real (rsync,
# nginx, an OpenSSH client and server started unprivileged on 127.0.0.1). Installs only what is
# missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -x "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null | sort -V | tail -n1)" ] || need+=(postgresql)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian packages: ${need[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

#!/usr/bin/env bash
# Installs the loopback sinks and raw-limit tools that `herald-bench drivers` and `e2e` measure against:
# nginx (HTTP sink), wrk (raw HTTP limit), Postfix's smtp-sink / smtp-source (SMTP sink and raw limit),
# Kannel's bearerbox and smsbox (the reference SMS gateway `e2e` drives with `sendsms`).
# Not part of the test suite; CI does not run it. Safe to run again: it installs only what is missing.
# The Postfix package is installed for its two test binaries only: its mail daemon is stopped and
# kept from starting, so nothing is left listening on port 25. Kannel's packaged service is likewise
# kept from starting: `e2e` runs its own bearerbox and smsbox on free loopback ports.
set -euo pipefail

need_apt=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need_apt+=(nginx)
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
[ -x /usr/sbin/smtp-sink ] && [ -x /usr/sbin/smtp-source ] || need_apt+=(postfix)
[ -x /usr/sbin/bearerbox ] && [ -x /usr/sbin/smsbox ] || need_apt+=(kannel)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "bench-setup: installing ${need_apt[*]}"
  apt-get update -qq
  # policy-rc.d exit 101 keeps the packages' services (nginx, postfix, kannel) from being started on install.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
fi

# Whatever the install did, leave no system nginx, Postfix or Kannel running: the benchmark starts its
# own nginx and Kannel on free loopback ports and never uses the Postfix daemon.
if command -v postfix >/dev/null 2>&1; then postfix stop >/dev/null 2>&1 || true; fi
if [ -f /run/nginx.pid ]; then nginx -s quit >/dev/null 2>&1 || true; fi
if [ -x /etc/init.d/kannel ]; then /etc/init.d/kannel stop >/dev/null 2>&1 || true; fi

for tool in nginx wrk /usr/sbin/smtp-sink /usr/sbin/smtp-source /usr/sbin/bearerbox /usr/sbin/smsbox; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench-setup: $tool is missing" >&2; exit 1; }
done
echo "bench-setup: nginx, wrk, smtp-sink, smtp-source, bearerbox and smsbox are ready"

#!/bin/bash
# Lab image entrypoint, with the official image's behaviour: a first argument (or NODE_ROLE) of nameserver,
# broker or controller runs that role's script with the remaining arguments; anything else runs as given.
set -e
for role in nameserver broker controller; do
  if [[ "${1:-}" == "$role" || "${NODE_ROLE:-}" == "$role" ]]; then
    shift
    case "$role" in
      nameserver) exec ./mqnamesrv "$@" ;;
      broker) exec ./mqbroker "$@" ;;
      controller) exec ./mqcontroller "$@" ;;
    esac
  fi
done
exec "$@"

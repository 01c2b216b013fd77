#!/usr/bin/env bash
# Starts the whole bot on this machine: the action server, then the Rasa server with the REST channel.
# Ctrl-C stops both. Ports: RASA_PORT (5005), ACTIONS_PORT (5055).
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
mkdir -p run

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

# Loopback only: the action server's webhook has no authentication of its own.
.venv/bin/rasa run actions --actions actions --port "$ACTIONS_PORT" --auto-reload false &
pids+=($!)
.venv/bin/rasa run --model models/chargepoint.tar.gz --endpoints bot/endpoints.yml \
  --credentials bot/credentials.yml --port "$RASA_PORT" &
pids+=($!)

for _ in $(seq 120); do
  if curl -sf "http://127.0.0.1:$RASA_PORT/" >/dev/null; then
    echo
    echo "The bot is up. Talk to it over REST:"
    echo "  curl -s localhost:$RASA_PORT/webhooks/rest/webhook -d '{\"sender\": \"me\", \"message\": \"I am a driver in Germany\"}'"
    break
  fi
  sleep 1
done
wait -n "${pids[@]}"

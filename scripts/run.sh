#!/usr/bin/env bash
# Starts the whole bot on this machine: the action server, then the Rasa server with the REST channel.
# Ctrl-C stops both; if either stops by itself, the other is stopped too. RASA_PORT sets the Rasa server's
# port (5005); the action server listens on 5055, where bot/endpoints.yml expects it.
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=5055
export SANIC_HOST=127.0.0.1  # the action server's webhook has no authentication: loopback only
mkdir -p run

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

.venv/bin/python -m actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
.venv/bin/python -m rasa_extensions run --model models/chargepoint.tar.gz --endpoints bot/endpoints.yml \
  --credentials bot/credentials.yml --interface 127.0.0.1 --port "$RASA_PORT" &
pids+=($!)

ready() { curl -sf "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null && curl -sf "http://127.0.0.1:$RASA_PORT/" >/dev/null; }
for _ in $(seq 180); do
  if ready; then
    cat <<MSG

The bot is up: Rasa on http://127.0.0.1:$RASA_PORT, actions on http://127.0.0.1:$ACTIONS_PORT. Talk to it:
  curl -s 127.0.0.1:$RASA_PORT/webhooks/rest/webhook -d '{"sender": "me", "message": "I am a driver in Germany"}'
Ctrl-C stops it.
MSG
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A server stopped while starting; see the messages above." >&2; exit 1; }
  done
  sleep 1
done
wait -n "${pids[@]}"
echo "A server stopped; stopping the other." >&2

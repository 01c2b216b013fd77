#!/usr/bin/env bash
# Starts the whole bot on this machine: the action server, then the Rasa server with the REST channel.
# Ctrl-C stops both; if either stops by itself, the other is stopped too. RASA_PORT sets the Rasa server's
# port (5005); the action server listens on 5055, where bot/endpoints.yml expects it.
# Rasa's HTTP API is off unless RASA_API_TOKEN (token auth) or RASA_JWT_SECRET (JWT, HS256) is set; CORS_ORIGINS
# lists the browser origins allowed to call it (exact, default the local web page on :8080). The Rasa server reads
# them itself (rasa_extensions/http_api.py), so no secret appears on a command line.
# The support page with the web chat is served on WEB_PORT (8080) by launch/web.py; its origins (WEB_ORIGINS) are
# the only ones the socket.io channel accepts.
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_PORT=${RASA_PORT:-5005}
ACTIONS_PORT=5055
WEB_PORT=${WEB_PORT:-8080}
export WEB_ORIGINS=${WEB_ORIGINS:-http://127.0.0.1:$WEB_PORT,http://localhost:$WEB_PORT}
export CORS_ORIGINS=${CORS_ORIGINS:-$WEB_ORIGINS}  # the HTTP API (when on) admits the same page
export SANIC_HOST=127.0.0.1  # the action server's webhook has no authentication: loopback only
mkdir -p run
# Conversations with no message in CONVERSATION_RETENTION_DAYS (30) are deleted at every start.
.venv/bin/python -m rasa_extensions.conversations --endpoints bot/endpoints.yml prune

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

.venv/bin/python -m actions --actions actions --port "$ACTIONS_PORT" &
pids+=($!)
.venv/bin/python -m rasa_extensions run --model models/chargepoint.tar.gz --endpoints bot/endpoints.yml \
  --credentials bot/credentials.yml --interface 127.0.0.1 --port "$RASA_PORT" &
pids+=($!)
.venv/bin/python -m launch.web --port "$WEB_PORT" --chat-server "http://127.0.0.1:$RASA_PORT" &
pids+=($!)

ready() {
  curl -sf "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null && curl -sf "http://127.0.0.1:$RASA_PORT/" >/dev/null &&
    curl -sf "http://127.0.0.1:$WEB_PORT/" >/dev/null
}
api="off (set RASA_API_TOKEN or RASA_JWT_SECRET to turn it on)"
[ -z "${RASA_API_TOKEN:-}${RASA_JWT_SECRET:-}" ] || api="on, with ${RASA_API_TOKEN:+token}${RASA_API_TOKEN:+${RASA_JWT_SECRET:+ and }}${RASA_JWT_SECRET:+JWT} auth"
for _ in $(seq 180); do
  if ready; then
    cat <<MSG

The bot is up: Rasa on http://127.0.0.1:$RASA_PORT, actions on http://127.0.0.1:$ACTIONS_PORT.
Chat with it in your browser: http://127.0.0.1:$WEB_PORT/ (or http://localhost:$WEB_PORT/), or with curl:
  curl -s 127.0.0.1:$RASA_PORT/webhooks/rest/webhook -d '{"sender": "me", "message": "I am a driver in Germany"}'
Rasa's HTTP API: $api.
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

#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter: Rasa Open Source 3.6 runs on 3.10 and nothing newer.
# Looks at $PYTHON, then python3.10 on the PATH, then pyenv's and uv's installed 3.10 versions.
set -euo pipefail

is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    candidates+=("$(pyenv root)/versions/$version/bin/python3.10")
  done
fi
if command -v uv >/dev/null 2>&1; then
  found=$(uv python find 3.10 2>/dev/null || true)
  [ -n "$found" ] && candidates+=("$found")
fi
candidates+=(/usr/bin/python3.10 /usr/local/bin/python3.10)

for candidate in "${candidates[@]}"; do
  if [ -x "$candidate" ] || command -v "$candidate" >/dev/null 2>&1; then
    if is_310 "$candidate"; then
      echo "$candidate"
      exit 0
    fi
  fi
done

cat >&2 <<'MSG'
No Python 3.10 found. Rasa Open Source 3.6 needs Python 3.10 exactly (3.11 and newer do not work).
Install one of these ways, then run the command again:
  - pyenv:   pyenv install 3.10
  - uv:      uv python install 3.10
  - Debian/Ubuntu: apt-get install python3.10 python3.10-venv   (from deadsnakes on Ubuntu)
Or point to an existing interpreter:  make run PYTHON=/path/to/python3.10
MSG
exit 1

"""Checks that the deployment files run the tested configuration: `python deploy/check_consistency.py`.

The source of truth is what the scale-out tests run: `bot/endpoints.scale.yml` (the variables it reads),
`launch/cluster.py` (the environment it sets) and `launch/processes.py` (the commands). This script checks that
deploy/docker-compose.yml, deploy/helm/values-rasa.yaml and deploy/helm/values-action-server.yaml

- give every Rasa server every ${VAR} of bot/endpoints.scale.yml and every variable launch/cluster.py sets;
- start the Rasa servers and the action server with the commands of launch/processes.py (the only difference
  allowed: the network interface, 0.0.0.0 in a container instead of 127.0.0.1), on consistent ports;
- never pass --enable-api, keep the action server unpublished (no port, no ingress, ClusterIP), take passwords
  from the environment or Kubernetes Secrets only, and use an alphanumeric REDIS_KEY_PREFIX;

and prints OK, or every problem found. Standard library and PyYAML only.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import yaml

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
ENDPOINTS = ROOT / "bot" / "endpoints.scale.yml"
CLUSTER = ROOT / "launch" / "cluster.py"
PROCESSES = ROOT / "launch" / "processes.py"
COMPOSE = DEPLOY / "docker-compose.yml"
ENV_EXAMPLE = DEPLOY / ".env.example"
NGINX = DEPLOY / "nginx.compose.conf"
DOCKERFILE = DEPLOY / "Dockerfile"
VALUES_RASA = DEPLOY / "helm" / "values-rasa.yaml"
VALUES_ACTIONS = DEPLOY / "helm" / "values-action-server.yaml"
NETWORK_POLICY = DEPLOY / "helm" / "networkpolicy.yaml"
RASA_RELEASE = ("chargepoint-rasa", "rasa")  # (Helm release, chart), as deploy/README.md installs them
ACTIONS_RELEASE = ("chargepoint-rasa-action-server", "rasa-action-server")

RASA_PORT = 5005
ACTIONS_PORT = 5055
CONTAINER_INTERFACE = "0.0.0.0"
SECRET_VARIABLES = {"DB_PASSWORD", "REDIS_PASSWORD"}

problems: list[str] = []


def problem(where: Path | str, message: str) -> None:
    name = where.relative_to(ROOT) if isinstance(where, Path) else where
    problems.append(f"{name}: {message}")


# --- the tested configuration ----------------------------------------------------------------------------------


def endpoint_variables() -> set[str]:
    """Every ${VAR} in the values of bot/endpoints.scale.yml (comments are not values)."""
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str):
            found.update(re.findall(r"\$\{(\w+)\}", node))

    walk(yaml.safe_load(ENDPOINTS.read_text()))
    return found


def cluster_variables() -> set[str]:
    """The variables launch/cluster.py's scale_environment() sets on top of the base environment."""
    tree = ast.parse(CLUSTER.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name == "scale_environment":
            for statement in ast.walk(node):
                if isinstance(statement, ast.Return) and isinstance(statement.value, ast.Dict):
                    return {
                        key.value
                        for key in statement.value.keys
                        if isinstance(key, ast.Constant) and isinstance(key.value, str)
                    }
    raise SystemExit(f"{CLUSTER}: no scale_environment() returning a dict literal; update this check")


def tested_commands() -> tuple[list[str], list[str]]:
    """The Rasa server and action server commands of launch/processes.py, as a container runs them."""
    sys.path.insert(0, str(ROOT))
    from launch import processes  # standard library and PyYAML only

    if 'ROOT / "bot" / "endpoints.scale.yml"' not in CLUSTER.read_text():
        problem(CLUSTER, "no longer starts the Rasa servers on bot/endpoints.scale.yml; update deploy/")

    def relative(command: list[str]) -> list[str]:
        out = []
        for part in command:
            if part == sys.executable:
                part = "python"
            elif part.startswith(str(ROOT) + "/"):
                part = part[len(str(ROOT)) + 1 :]
            out.append(part)
        return out

    rasa = relative(processes.rasa_server_command(RASA_PORT, ROOT / "bot" / "endpoints.scale.yml"))
    if "--interface" in rasa:  # the tests bind to loopback; a container must listen on its own interfaces
        rasa[rasa.index("--interface") + 1] = CONTAINER_INTERFACE
    actions = relative(processes.action_server_command(ACTIONS_PORT))
    return rasa, actions


# --- helpers ------------------------------------------------------------------------------------------------------


def strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return [node] if isinstance(node, str) else []


def check_no_enable_api(where: Path, document) -> None:
    for text in strings(document):
        if "--enable-api" in text:
            problem(where, f"passes --enable-api ({text!r}): the tested setup serves only the channel webhooks")


def check_command(where: Path, what: str, actual, expected: list[str]) -> None:
    if isinstance(actual, str):
        problem(where, f"{what}: give the command as a list, not a shell string")
        return
    actual = [str(part) for part in actual or []]
    actual = without_cors(where, what, actual)
    if actual != expected:
        problem(where, f"{what}: command {actual} is not the tested one {expected}")


def without_cors(where: Path, what: str, command: list[str]) -> list[str]:
    """The command without a `--cors ORIGIN...` (the one addition deploy/README.md allows), after checking that
    every origin is exact: sanic-cors treats an origin with * \\ ] ? as an unanchored regular expression."""
    if "--cors" not in command:
        return command
    start = command.index("--cors")
    end = start + 1
    while end < len(command) and not command[end].startswith("--"):
        end += 1
    origins = command[start + 1 : end]
    if not origins:
        problem(where, f"{what}: --cors without an origin")
    for origin in origins:
        parsed = urlparse(origin)
        exact = parsed.scheme in ("http", "https") and parsed.netloc and parsed.path == ""
        if not exact or any(char in origin for char in "*\\]?"):
            problem(where, f"{what}: --cors {origin!r} is not an exact origin (scheme://host[:port])")
    return command[:start] + command[end:]


def env_file_values(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name.strip()] = value.strip()
    return values


# --- docker compose ---------------------------------------------------------------------------------------------


def check_compose(required: set[str], rasa_command: list[str], actions_command: list[str]) -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    services = compose.get("services", {})
    check_no_enable_api(COMPOSE, compose)
    example = env_file_values(ENV_EXAMPLE)

    # Every ${VAR} Compose substitutes must be in deploy/.env.example or have a default.
    for match in re.finditer(r"(?<!\$)\$\{(\w+)(:?[-?][^}]*)?\}", COMPOSE.read_text()):
        name, modifier = match.group(1), match.group(2) or ""
        if name not in example and not modifier.startswith((":-", "-")):
            problem(COMPOSE, f"${{{name}}} is neither in {ENV_EXAMPLE.name} nor given a default")

    prefix = example.get("REDIS_KEY_PREFIX", "")
    if not prefix.isalnum():
        problem(ENV_EXAMPLE, f"REDIS_KEY_PREFIX={prefix!r} is not alphanumeric: Rasa would ignore it")
    for name in SECRET_VARIABLES:
        if name in example and not example[name].startswith("change-me"):
            problem(ENV_EXAMPLE, f"{name} must be a placeholder (change-me-...), not a value")

    rasa_services = [
        name
        for name, service in services.items()
        if "rasa_extensions" in (service.get("command") or []) and "run" in (service.get("command") or [])
    ]
    if len(rasa_services) < 2:
        problem(COMPOSE, f"needs at least 2 Rasa servers with the lock store, found {rasa_services}")
    actions_service = next(
        (name for name, s in services.items() if (s.get("command") or [])[:3] == ["python", "-m", "actions"]), None
    )
    if actions_service is None:
        problem(COMPOSE, "no action server service (python -m actions ...)")

    for name in rasa_services:
        service = services[name]
        check_command(COMPOSE, f"service {name}", service.get("command"), rasa_command)
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
        provided = set(environment)
        for env_file in service.get("env_file") or []:
            path = DEPLOY / (env_file if isinstance(env_file, str) else env_file["path"])
            provided |= set(env_file_values(path if path.exists() else ENV_EXAMPLE))
        missing = sorted(required - provided)
        if missing:
            problem(
                COMPOSE, f"service {name} lacks {missing} (read by bot/endpoints.scale.yml / set by launch/cluster.py)"
            )
        for secret in SECRET_VARIABLES & set(environment):
            if not str(environment[secret]).startswith("${"):
                problem(COMPOSE, f"service {name}: {secret} must come from deploy/.env, not be written here")
        if service.get("ports"):
            problem(COMPOSE, f"service {name} publishes ports: only nginx faces the outside")
        url = urlparse(str(environment.get("ACTION_ENDPOINT_URL", "")))
        if actions_service and (url.hostname, url.port, url.path) != (actions_service, ACTIONS_PORT, "/webhook"):
            problem(COMPOSE, f"service {name}: ACTION_ENDPOINT_URL {url.geturl()!r} is not the action server")
        healthcheck = " ".join(map(str, (service.get("healthcheck") or {}).get("test", [])))
        if f"127.0.0.1:{RASA_PORT}/'" not in healthcheck:
            problem(COMPOSE, f"service {name}: the health check should be GET / on port {RASA_PORT}")

    if actions_service:
        service = services[actions_service]
        check_command(COMPOSE, f"service {actions_service}", service.get("command"), actions_command)
        if service.get("ports"):
            problem(COMPOSE, f"service {actions_service} publishes a port: its /webhook has no authentication")
        if str((service.get("environment") or {}).get("SANIC_HOST")) != CONTAINER_INTERFACE:
            problem(COMPOSE, f"service {actions_service}: SANIC_HOST must be {CONTAINER_INTERFACE} inside its network")
        healthcheck = " ".join(map(str, (service.get("healthcheck") or {}).get("test", [])))
        if f"127.0.0.1:{ACTIONS_PORT}/health" not in healthcheck:
            problem(COMPOSE, f"service {actions_service}: the health check should be GET /health on {ACTIONS_PORT}")
        networks = compose.get("networks", {})
        for network in service.get("networks") or []:
            if not (networks.get(network) or {}).get("internal"):
                problem(COMPOSE, f"service {actions_service} is on network {network!r}, which is not internal")

    upstreams = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", NGINX.read_text(), flags=re.MULTILINE)
    if sorted(upstreams) != sorted((name, str(RASA_PORT)) for name in rasa_services):
        problem(NGINX, f"upstream servers {upstreams} are not the Rasa services {rasa_services} on {RASA_PORT}")
    nginx_volumes = " ".join(map(str, (services.get("nginx") or {}).get("volumes", [])))
    if "nginx.compose.conf" not in nginx_volumes:
        problem(COMPOSE, "the nginx service does not mount nginx.compose.conf")


# --- helm -------------------------------------------------------------------------------------------------------


def check_helm(required: set[str], rasa_command: list[str], actions_command: list[str]) -> None:
    rasa = yaml.safe_load(VALUES_RASA.read_text())
    actions = yaml.safe_load(VALUES_ACTIONS.read_text())
    check_no_enable_api(VALUES_RASA, rasa)
    check_no_enable_api(VALUES_ACTIONS, actions)

    # Rasa chart: the chart renders `command` then `args`; an empty `args` means the chart's own (--enable-api).
    if not rasa.get("args"):
        problem(VALUES_RASA, "args is empty: the chart would use its default arguments, which add --enable-api")
    check_command(
        VALUES_RASA, "command + args", list(rasa.get("command") or []) + list(rasa.get("args") or []), rasa_command
    )
    settings = rasa.get("applicationSettings") or {}
    if settings.get("enableAPI") is not False:
        problem(VALUES_RASA, "applicationSettings.enableAPI must be false")
    if settings.get("port") != RASA_PORT:
        problem(VALUES_RASA, f"applicationSettings.port must be {RASA_PORT} (the --port of args)")
    if (rasa.get("replicaCount") or 0) < 2:
        problem(VALUES_RASA, "replicaCount must be at least 2 (the Redis lock store is what makes that safe)")
    if settings.get("cors") == "*":
        problem(VALUES_RASA, 'applicationSettings.cors "*": give exact origins')
    env = {item["name"]: item for item in rasa.get("extraEnv") or []}
    missing = sorted(required - set(env))
    if missing:
        problem(VALUES_RASA, f"extraEnv lacks {missing} (read by bot/endpoints.scale.yml / set by launch/cluster.py)")
    for secret in SECRET_VARIABLES & set(env):
        if "secretKeyRef" not in (env[secret].get("valueFrom") or {}):
            problem(VALUES_RASA, f"{secret} must come from a Secret (valueFrom.secretKeyRef), not a value")
    prefix = str((env.get("REDIS_KEY_PREFIX") or {}).get("value", ""))
    if not prefix.isalnum():
        problem(VALUES_RASA, f"REDIS_KEY_PREFIX={prefix!r} is not alphanumeric: Rasa would ignore it")
    for item in rasa.get("livenessProbe"), rasa.get("readinessProbe"):
        if ((item or {}).get("httpGet") or {}).get("path") != "/":
            problem(VALUES_RASA, "the Rasa probes should be GET /")

    # Action server chart.
    check_command(
        VALUES_ACTIONS,
        "command + args",
        list(actions.get("command") or []) + list(actions.get("args") or []),
        actions_command,
    )
    if (actions.get("applicationSettings") or {}).get("port") != ACTIONS_PORT:
        problem(VALUES_ACTIONS, f"applicationSettings.port must be {ACTIONS_PORT} (the --port of args)")
    if (actions.get("service") or {}).get("type", "ClusterIP") != "ClusterIP":
        problem(VALUES_ACTIONS, "service.type must be ClusterIP: the action server has no authentication")
    if (actions.get("ingress") or {}).get("enabled"):
        problem(VALUES_ACTIONS, "ingress must be disabled: the action server has no authentication")
    actions_env = {item["name"]: item.get("value") for item in actions.get("extraEnv") or []}
    if actions_env.get("SANIC_HOST") != CONTAINER_INTERFACE:
        problem(
            VALUES_ACTIONS, f"SANIC_HOST must be {CONTAINER_INTERFACE} (the pod's address; ClusterIP keeps it internal)"
        )
    for item in actions.get("livenessProbe"), actions.get("readinessProbe"):
        if ((item or {}).get("httpGet") or {}).get("path") != "/health":
            problem(VALUES_ACTIONS, "the action server probes should be GET /health")

    # Rasa finds the action server at its Service, named by the chart after the release (rasa-common's fullname).
    for path, values, (release, chart) in (
        (VALUES_RASA, rasa, RASA_RELEASE),
        (VALUES_ACTIONS, actions, ACTIONS_RELEASE),
    ):
        if f"--install {release} rasa/{chart} " not in path.read_text():
            problem(path, f"its install command should be `helm upgrade --install {release} rasa/{chart} ...`")
        # Some versions of the action server chart's values.schema.json type these as null: leave them out.
        for key in ("fullnameOverride", "nameOverride"):
            if values.get(key):
                problem(path, f"{key} is set: the Service names here follow from the release name")
        if (values.get("image") or {}).get("repository"):
            problem(path, "image.repository is set: use registry + image.name (schema-safe in every chart version)")
    url = urlparse(str((env.get("ACTION_ENDPOINT_URL") or {}).get("value", "")))
    service = fullname(*ACTIONS_RELEASE)
    service_port = (actions.get("service") or {}).get("port", 80)
    host = (url.hostname or "").split(".")[0]
    if (host, url.port or 80, url.path) != (service, service_port, "/webhook"):
        problem(
            VALUES_RASA,
            f"ACTION_ENDPOINT_URL {url.geturl()!r} is not the action server's Service "
            f"({service}:{service_port}/webhook)",
        )

    # The release labels used by the anti-affinity rules and deploy/helm/networkpolicy.yaml.
    policy = list(yaml.safe_load_all(NETWORK_POLICY.read_text()))
    expected = {("rasa", RASA_RELEASE[0]), ("rasa-action-server", ACTIONS_RELEASE[0])}
    for path, document in [(NETWORK_POLICY, d) for d in policy] + [(VALUES_RASA, rasa), (VALUES_ACTIONS, actions)]:
        for labels in match_labels(document):
            pair = (labels.get("app.kubernetes.io/name"), labels.get("app.kubernetes.io/instance"))
            if pair not in expected:
                problem(path, f"selects pods by {pair}, which is neither release ({sorted(expected)})")


def fullname(release: str, chart: str) -> str:
    """rasa-common.names.fullname without overrides: the release name if it contains the chart name."""
    return release if chart in release else f"{release}-{chart}"


def match_labels(node) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if isinstance(node.get("matchLabels"), dict):
            found.append(node["matchLabels"])
        for value in node.values():
            found += match_labels(value)
    elif isinstance(node, list):
        for value in node:
            found += match_labels(value)
    return found


# --- the image --------------------------------------------------------------------------------------------------


def check_dockerfile(rasa_command: list[str]) -> None:
    lines = [line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")]
    text = "\n".join(lines)
    if "--enable-api" in text:
        problem(DOCKERFILE, "passes --enable-api")
    commands = [line for line in lines if line.startswith("CMD ")]
    if commands:
        check_command(DOCKERFILE, "CMD", json.loads(commands[-1][4:]), rasa_command)
    for path in ("requirements.lock", "actions/", "bot/", "data/", "rasa_extensions/", "models/chargepoint.tar.gz"):
        if path not in text:
            problem(DOCKERFILE, f"does not put {path} in the image")


def main() -> int:
    endpoints = endpoint_variables()
    tested = cluster_variables()
    not_set = endpoints - tested
    if not_set:
        problem(CLUSTER, f"does not set {sorted(not_set)}, which bot/endpoints.scale.yml reads")
    required = endpoints | tested
    rasa_command, actions_command = tested_commands()

    check_compose(required, rasa_command, actions_command)
    check_helm(required, rasa_command, actions_command)
    check_dockerfile(rasa_command)

    if problems:
        print("\n".join(problems))
        print(f"{len(problems)} problem(s)")
        return 1
    print(f"variables: {', '.join(sorted(required))}")
    print(f"rasa:      {' '.join(rasa_command)}")
    print(f"actions:   {' '.join(actions_command)}")
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

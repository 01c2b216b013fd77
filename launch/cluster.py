"""The scale-out setup: one action server, several Rasa servers on PostgreSQL and Redis, nginx in front.

`make scale` runs it (`python -m launch.cluster`); the scale-out tests and the load benchmark start it too.
Every process binds to loopback.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from launch.processes import (
    MODEL,
    ROOT,
    action_server_command,
    base_environment,
    free_port,
    rasa_server_command,
    start_process,
    wait_until_up,
)

POSTGRES = {"host": "127.0.0.1", "port": 5432, "dbname": "test", "user": "postgres"}
REDIS = {"host": "127.0.0.1", "port": 6379}


def scale_environment(actions_port: int, key_prefix: str, ticket_lifetime: int = 60) -> dict[str, str]:
    """What `bot/endpoints.scale.yml` reads: the local PostgreSQL and Redis of these machines."""
    return {
        **base_environment(),
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "DB_HOST": POSTGRES["host"],
        "DB_PORT": str(POSTGRES["port"]),
        "DB_NAME": POSTGRES["dbname"],
        "DB_USER": POSTGRES["user"],
        "DB_PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "REDIS_HOST": REDIS["host"],
        "REDIS_PORT": str(REDIS["port"]),
        "REDIS_DB": "0",
        "REDIS_PASSWORD": os.environ.get("REDIS_PASSWORD", ""),
        "REDIS_KEY_PREFIX": key_prefix,
        # Rasa's lock tickets live 60 s unless told otherwise; a killed server's ticket blocks its conversation
        # that long.
        "TICKET_LOCK_LIFETIME": str(ticket_lifetime),
    }


@dataclass
class Cluster:
    balancer_url: str
    servers: dict[str, str]
    workdir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def say(self, sender: str, message: str, via: str | None = None, timeout: float = 60) -> list[dict]:
        url = self.servers[via] if via else self.balancer_url
        request = urllib.request.Request(
            f"{url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": message}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.load(response)

    def kill(self, name: str, how: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        process.send_signal(how)
        process.wait(timeout=30)

    def events(self, sender: str) -> list[dict]:
        """The conversation as the shared tracker store holds it."""
        with psycopg2.connect(**POSTGRES) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return [json.loads(row[0]) for row in cursor.fetchall()]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def nginx_config(run_dir: Path, port: int, upstream_ports: list[int]) -> Path:
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    upstreams = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in upstream_ports)
    config = run_dir / "nginx.conf"
    config.write_text(
        template.replace("@RUN_DIR@", str(run_dir)).replace("@UPSTREAMS@", upstreams).replace("@PORT@", str(port))
    )
    return config


def start_cluster(
    workdir: Path,
    servers: int = 2,
    ticket_lifetime: int = 60,
    log_dir: Path | None = None,
    balancer_port: int | None = None,
) -> Cluster:
    if not MODEL.exists():
        raise RuntimeError(f"no trained model at {MODEL}: run `make train`")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed: run `make install` (it installs nginx from Debian's packages)")
    log_dir = log_dir or workdir
    actions_port, balancer_port = free_port(), balancer_port or free_port()
    server_ports = {f"rasa{index + 1}": free_port() for index in range(servers)}
    env = scale_environment(actions_port, key_prefix=f"test{uuid.uuid4().hex[:8]}", ticket_lifetime=ticket_lifetime)
    # The servers share this machine's cores: each encodes as many messages at once as it has cores of its own.
    env["NLU_ENCODER_THREADS"] = str(max(1, (os.cpu_count() or 1) // servers))
    cluster = Cluster(
        balancer_url=f"http://127.0.0.1:{balancer_port}",
        servers={name: f"http://127.0.0.1:{port}" for name, port in server_ports.items()},
        workdir=workdir,
    )
    endpoints = ROOT / "bot" / "endpoints.scale.yml"
    cluster.processes["actions"] = start_process("actions", action_server_command(actions_port), log_dir, env)
    for name, port in server_ports.items():
        cluster.processes[name] = start_process(name, rasa_server_command(port, endpoints), log_dir, env)
    config = nginx_config(workdir, balancer_port, list(server_ports.values()))
    cluster.processes["nginx"] = start_process("nginx", [nginx, "-c", str(config), "-p", str(workdir)], log_dir, env)
    names = list(cluster.processes)
    urls = [f"http://127.0.0.1:{actions_port}/health", *(f"{url}/" for url in cluster.servers.values())]
    try:
        wait_until_up([*urls, f"{cluster.balancer_url}/"], list(cluster.processes.values()), log_dir, names)
    except RuntimeError:
        cluster.stop()
        raise
    return cluster


def main() -> None:
    import argparse
    import tempfile
    import time

    parser = argparse.ArgumentParser(description="Start the scale-out setup and keep it running until Ctrl-C.")
    parser.add_argument("--port", type=int, default=8000, help="nginx, in front of the Rasa servers")
    parser.add_argument("--servers", type=int, default=2)
    args = parser.parse_args()
    log_dir = ROOT / "run" / "scale"
    log_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as workdir:
        cluster = start_cluster(Path(workdir), args.servers, log_dir=log_dir, balancer_port=args.port)
        print(f"Scale-out bot up: nginx on {cluster.balancer_url} -> {', '.join(cluster.servers.values())}")
        print(f"Logs in {log_dir}. Ctrl-C stops it.")
        try:
            while all(process.poll() is None for process in cluster.processes.values()):
                time.sleep(1)
            print("A process stopped; stopping the rest.")
        except KeyboardInterrupt:
            pass
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()

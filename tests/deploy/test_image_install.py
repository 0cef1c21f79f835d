"""The container image's install steps produce a virtual environment that serves the API.

The test replays the builder stage of the Dockerfile outside of Docker: it copies
the same files the Dockerfile copies into a scratch build context, runs the same
`uv sync` commands with the environment pointed at a fresh temporary virtualenv
(without the image's ahead-of-time bytecode compilation, which only costs time here),
then starts `tradevantage serve` from that virtualenv the way the image's CMD does
(on 127.0.0.1 and a free port, with an embedded SQLite database), waits for the
liveness and readiness endpoints, and stops it with SIGTERM as Kubernetes would.
uv's cache makes the install take a few seconds.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


def _uv() -> str:
    """The uv binary: the one running us, the project's bootstrap, the dev environment's, or PATH's."""
    candidates = [
        os.environ.get("UV", ""),
        str(ROOT / ".uv" / "bin" / "uv"),
        str(Path(sysconfig.get_path("scripts")) / "uv"),
        shutil.which("uv") or "",
    ]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise AssertionError("uv is not installed; run `uv sync` to install the dev dependencies")


def _builder_instructions() -> Iterator[tuple[str, str]]:
    """The (instruction, arguments) pairs of the Dockerfile's builder stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    in_builder = False
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            if in_builder:
                return
            in_builder = arguments.split()[-1] == "builder"
            continue
        if in_builder:
            yield instruction, arguments.strip()


def _replay_builder_stage(context: Path, venv: Path) -> list[list[str]]:
    """Copy what the builder stage copies and run its `uv sync` steps; return the commands run."""
    uv = _uv()
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
    }
    for name in ("VIRTUAL_ENV", "UV_FROZEN", "UV_LOCKED", "UV_NO_DEV", "UV_OFFLINE"):
        env.pop(name, None)
    commands = []
    for instruction, arguments in _builder_instructions():
        if instruction == "COPY":
            assert not arguments.startswith("--from"), arguments
            *sources, destination = shlex.split(arguments)
            target = context / destination.removeprefix("./")
            for source in sources:
                origin = ROOT / source
                if origin.is_dir():
                    shutil.copytree(origin, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
                else:
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, target / origin.name)
        elif instruction == "RUN":
            words = shlex.split(arguments)
            while words and words[0].startswith("--"):  # BuildKit flags such as --mount=type=cache
                words.pop(0)
            if not words or words[0] != "uv":
                continue
            command = [uv, *words[1:]]
            result = subprocess.run(
                command, cwd=context, env=env, capture_output=True, text=True, timeout=300, check=False
            )
            assert result.returncode == 0, f"{shlex.join(command)} failed:\n{result.stderr}"
            commands.append(command)
    return commands


def _installed_distributions(venv: Path) -> set[str]:
    result = subprocess.run(
        [_uv(), "pip", "list", "--python", str(venv / "bin" / "python"), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {_normalise(item["name"]) for item in json.loads(result.stdout)}


def _locked_runtime_distributions() -> set[str]:
    """Names uv.lock resolves for the runtime dependencies, whatever the platform markers."""
    result = subprocess.run(
        [_uv(), "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "--no-header"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    names = set()
    for raw_line in result.stdout.splitlines():
        line = raw_line.strip()
        if line and not line.startswith(("#", "-")):
            names.add(_normalise(re.split(r"[=<>;\[ ]", line, maxsplit=1)[0]))
    return names


def _dev_only_distributions() -> set[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dev = pyproject.get("dependency-groups", {}).get("dev", [])
    return {_normalise(re.split(r"[=<>!~;\[ ]", spec, maxsplit=1)[0]) for spec in dev if isinstance(spec, str)}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    assert url.startswith("http://127.0.0.1:"), url
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - checked above: plain http on loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Kill whatever is left of the server's own process group (only needed when a check failed)."""
    if _group_alive(process.pid):
        os.killpg(process.pid, signal.SIGKILL)
    if process.poll() is None:
        process.wait(timeout=10)


def _runtime_stage() -> tuple[list[str], dict[str, str]]:
    """The final stage's CMD (exec form) and the TRADEVANTAGE_* values its ENV sets."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    final_stage = re.split(r"^FROM\s", text, flags=re.MULTILINE)[-1]
    cmd = re.findall(r"^CMD\s+(\[.*\])\s*$", final_stage, flags=re.MULTILINE)
    assert len(cmd) == 1, "the final stage needs one CMD in exec form"
    settings = dict(re.findall(r"\b(TRADEVANTAGE_[A-Z_]+)=(\S+)", final_stage))
    return json.loads(cmd[0]), settings


def _check_installed_set(venv: Path, workdir: Path) -> None:
    """Exactly the locked runtime dependencies and the project itself, none of the dev tools."""
    installed = _installed_distributions(venv)
    locked_runtime = _locked_runtime_distributions()
    assert "tradevantage" in installed
    assert installed - locked_runtime == {"tradevantage"}
    assert not installed & (_dev_only_distributions() - locked_runtime)

    # Installed as a regular package, not as a link back to the source tree.
    located = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import tradevantage; print(tradevantage.__file__)"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert Path(located.stdout.strip()).is_relative_to(venv), located.stdout


def _server_command(venv: Path, port: int) -> list[str]:
    """The image's CMD, listening on loopback and the given port instead of 0.0.0.0:8000."""
    command, _ = _runtime_stage()
    assert command[:2] == ["tradevantage", "serve"], command
    assert command[command.index("--port") + 1] == "8000", command
    command[command.index("--host") + 1] = "127.0.0.1"
    command[command.index("--port") + 1] = str(port)
    return [str(venv / "bin" / command[0]), *command[1:]]


def _server_env(venv: Path, database: Path) -> dict[str, str]:
    _, image_settings = _runtime_stage()
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRADEVANTAGE_")}
    env.pop("VIRTUAL_ENV", None)
    # The image compiles bytecode at build time (UV_COMPILE_BYTECODE); here the first
    # process writes it instead, so that the workers start about as fast as in the image.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(image_settings)
    env.update(
        PATH=os.pathsep.join([str(venv / "bin"), env.get("PATH", "")]),
        PYTHONUNBUFFERED="1",
        TRADEVANTAGE_DATABASE_URL=f"sqlite+aiosqlite:///{database}",
        TRADEVANTAGE_MIGRATE_ON_START="true",
    )
    return env


def _wait_for_health(server: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    status: int | None = None
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status, _ = _get(f"{base}/health/")
        except OSError:
            status = None
        if status == 200:
            return
        time.sleep(0.2)
    raise AssertionError(f"GET /health/ gave {status}, exit code {server.poll()}; server log:\n{log.read_text()}")


def _terminate(server: subprocess.Popen[bytes], log: Path) -> None:
    """SIGTERM, as Kubernetes sends it: the server and all its workers shut down gracefully."""
    server.send_signal(signal.SIGTERM)
    try:
        returncode = server.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"still running {STOP_TIMEOUT}s after SIGTERM:\n{log.read_text()}") from None
    # The server's supervisor exits 0; a lone uvicorn server re-raises SIGTERM after its graceful
    # shutdown, so that the exit status says why it stopped.
    output = log.read_text()
    assert returncode in (0, -signal.SIGTERM), f"exit code {returncode} after SIGTERM:\n{output}"
    # Each of the image's workers ran the app's shutdown, which closes its database pool.
    workers = int(_runtime_stage()[1].get("TRADEVANTAGE_WORKERS", "1"))
    assert output.count('"database pool closed"') == workers, output
    deadline = time.monotonic() + 5
    while _group_alive(server.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_alive(server.pid), f"worker processes outlived the server:\n{log.read_text()}"


def test_image_install_steps_build_a_venv_that_serves_health_and_stops_on_sigterm(tmp_path: Path) -> None:
    context, venv, workdir = tmp_path / "context", tmp_path / "venv", tmp_path / "app"
    context.mkdir()
    workdir.mkdir()

    commands = _replay_builder_stage(context, venv)
    assert any("--no-dev" in c and "--frozen" in c and "--no-install-project" not in c for c in commands), commands
    _check_installed_set(venv, workdir)

    database = workdir / "tv.db"
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            _server_command(venv, port),
            cwd=workdir,
            env=_server_env(venv, database),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for_health(server, base, log)

        ready_status, ready_body = _get(f"{base}/health/ready/")
        assert ready_status == 200, f"GET /health/ready/ gave {ready_status}: {ready_body!r}\n{log.read_text()}"

        # The migrations ran on start.
        with sqlite3.connect(database) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "alembic_version" in tables, tables

        _terminate(server, log)
    finally:
        _stop(server)

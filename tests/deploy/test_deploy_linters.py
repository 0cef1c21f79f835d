"""The deployment files pass their linters and validators.

Each test runs one tool over the files as they are committed: hadolint over the
Dockerfile, actionlint (with shellcheck for the `run:` scripts) over the GitHub
workflows, yamllint over every YAML file, and the rendered kustomize overlays
through kubernetes-validate against the Kubernetes API schemas.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = sorted(p.name for p in (ROOT / "kustomize" / "overlays").iterdir() if p.is_dir())
# The oldest Kubernetes release the manifests are meant for (the native preStop
# "sleep" action is on by default from 1.30) and the newest one whose schemas
# kubernetes-validate ships.
KUBERNETES_VERSIONS = ["1.31.0", "1.37.0"]


def _tool_path() -> str:
    """PATH with this interpreter's scripts folder first, where the dev tools are installed."""
    return os.pathsep.join([sysconfig.get_path("scripts"), os.environ.get("PATH", "")])


def _tool(name: str) -> str:
    found = shutil.which(name, path=_tool_path())
    if found is None:
        pytest.fail(f"{name} is not installed (the Python tools come with `uv sync`, kubectl separately)")
    return found


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": _tool_path(), "NO_COLOR": "1"},
        check=False,
    )


def _explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit code {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def test_dockerfile_passes_hadolint() -> None:
    result = _run(_tool("hadolint"), "--failure-threshold", "info", "Dockerfile")
    assert result.returncode == 0, _explain(result)


def test_workflows_pass_actionlint_and_shellcheck() -> None:
    # shellcheck is looked up on PATH by actionlint; without it the run: scripts go unchecked.
    _tool("shellcheck")
    workflows = sorted(str(p.relative_to(ROOT)) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows, "no workflow files found"
    result = _run(_tool("actionlint"), "-no-color", *workflows)
    assert result.returncode == 0, _explain(result)


def test_all_yaml_files_pass_yamllint() -> None:
    result = _run(_tool("yamllint"), "--strict", "--format", "parsable", ".")
    assert result.returncode == 0, _explain(result)


@pytest.mark.parametrize("kubernetes_version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_valid_kubernetes_objects(overlay: str, kubernetes_version: str) -> None:
    rendered = _run(_tool("kubectl"), "kustomize", f"kustomize/overlays/{overlay}")
    assert rendered.returncode == 0, _explain(rendered)
    # No Secret among them: it is created in the cluster, never rendered from the repository.
    kinds = set(re.findall(r"^kind: (\w+)$", rendered.stdout, flags=re.MULTILINE))
    assert kinds == {"ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Job", "PodDisruptionBudget", "Service"}

    validated = _run(
        _tool("kubernetes-validate"),
        "--strict",
        "--kubernetes-version",
        kubernetes_version,
        "-",
        stdin=rendered.stdout,
    )
    assert validated.returncode == 0, _explain(validated)
    assert "passed for resource deployment/tradevantage" in validated.stdout, _explain(validated)


def test_secret_example_is_valid_and_holds_exactly_the_keys_the_pods_read() -> None:
    example = ROOT / "kustomize" / "secret.example.yaml"
    validated = _run(
        _tool("kubernetes-validate"), "--strict", "--kubernetes-version", KUBERNETES_VERSIONS[-1], str(example)
    )
    assert validated.returncode == 0, _explain(validated)

    secret = yaml.safe_load(example.read_text())
    rendered = _run(_tool("kubectl"), "kustomize", "kustomize/overlays/prod")
    assert rendered.returncode == 0, _explain(rendered)
    referenced = {
        (ref["name"], ref["key"])
        for document in yaml.safe_load_all(rendered.stdout)
        for ref in _secret_key_refs(document)
    }
    assert referenced == {(secret["metadata"]["name"], key) for key in secret["stringData"]}


def _secret_key_refs(node: object) -> list[dict[str, str]]:
    if isinstance(node, dict):
        found = [node["secretKeyRef"]] if "secretKeyRef" in node else []
        return found + [ref for value in node.values() for ref in _secret_key_refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in _secret_key_refs(item)]
    return []

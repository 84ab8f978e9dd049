"""The deployment's files agree: the Procfile names the processes (web, worker, cron); docker-compose.yml runs
each from the one image with the same command, beside PostgreSQL, Redis and Elasticsearch with volumes and
health checks; the Dockerfile's default command is the web process, built in stages, with the model, run
as an unprivileged user; scripts/run-full starts the Procfile; the README gives the same commands; and
.env.example is a complete production configuration. No Docker engine here: the files are read, not run."""
from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from config import SETTINGS, SettingsError, load

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ("web", "worker", "cron")
SERVICES = ("postgres", "redis", "elasticsearch")


def procfile() -> dict[str, list[str]]:
    lines = [line for line in (ROOT / "Procfile").read_text().splitlines() if line and not line.startswith("#")]
    return {name: shlex.split(command) for name, command in (line.split(":", 1) for line in lines)}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
            for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def environment_file() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            pairs[name] = value
    return pairs


def test_the_procfile_names_the_three_processes():
    assert tuple(procfile()) == PROCESSES
    assert procfile()["worker"] == ["python", "-m", "workers", "worker"]


def test_compose_runs_each_process_with_the_procfiles_command_from_one_image(compose):
    services = compose["services"]
    for name in PROCESSES:
        assert services[name]["command"] == procfile()[name], name
        assert services[name]["build"] == "." and services[name]["image"] == services["web"]["image"]
        assert services[name]["env_file"] == ".env"
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["migrate"]["command"] == ["flask", "db", "upgrade"]
    assert {name: services["migrate"]["depends_on"][name]["condition"] for name in SERVICES} == {
        name: "service_healthy" for name in SERVICES}


def test_compose_keeps_data_in_volumes_and_checks_health(compose):
    services, volumes = compose["services"], compose["volumes"]
    for name in SERVICES:
        assert services[name]["healthcheck"]["test"], name
        [mount] = services[name]["volumes"]
        assert mount.split(":")[0] in volumes, name
    assert services["redis"]["command"][-4:] == ["--appendonly", "yes", "--appendfsync", "everysec"]
    web_check = " ".join(services["web"]["healthcheck"]["test"])
    assert "/readyz" in web_check and "CSWJOBS_TRUSTED_HOSTS" in web_check
    assert services["web"]["ports"] == ["8000:8000"]
    assert all("ports" not in services[name] for name in SERVICES)  # data services stay on the private network


def test_the_dockerfile_builds_in_stages_with_the_model_and_runs_the_web_process_unprivileged():
    instructions = dockerfile_instructions()
    stages = [args for op, args in instructions if op == "FROM"]
    assert len(stages) == 2 and stages[0].endswith("AS build") and stages[1].endswith("AS runtime")
    runtime = instructions[[op for op, _ in instructions].index("FROM", 1):]
    assert ("USER", "cswjobs") in runtime
    assert [json.loads(args) for op, args in runtime if op == "CMD"] == [procfile()["web"]]
    environment = " ".join(args for op, args in runtime if op == "ENV")
    assert "HF_HUB_OFFLINE=1" in environment and "CSWJOBS_CONFIG=production" in environment
    build_steps = " ".join(args for op, args in instructions[:len(instructions) - len(runtime)] if op == "RUN")
    assert "get_encoder().encode" in build_steps  # the model is in the image and loads offline
    assert "download.pytorch.org/whl/cpu" in build_steps
    copied = " ".join(args for op, args in runtime if op == "COPY")
    for part in ("webapp", "workers", "migrations", "gunicorn.conf.py", "Procfile", "--from=build /opt/venv"):
        assert part in copied
    healthcheck = " ".join(args for op, args in runtime if op == "HEALTHCHECK")
    assert "/healthz" in healthcheck and "CSWJOBS_TRUSTED_HOSTS" in healthcheck
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert not {"Procfile", "gunicorn.conf.py", "migrations"} & set(ignored) and ".env" in ignored


def test_run_full_starts_the_procfile():
    script = (ROOT / "scripts" / "run-full").read_text()
    assert "done < Procfile" in script and "CSWJOBS_CONFIG=production" in script
    assert "run-full:" in (ROOT / "Makefile").read_text()


def test_the_readme_gives_the_same_commands():
    readme = (ROOT / "README.md").read_text()
    for name, command in procfile().items():
        assert shlex.join(command) in readme or " ".join(command) in readme, f"README lacks the {name} command"
    assert "docker compose up" in readme and "make run-full" in readme


def test_env_example_is_a_complete_production_configuration_of_known_settings():
    example = environment_file()
    known = {setting.env_name for setting in SETTINGS}
    assert {name for name in example if name.startswith("CSWJOBS_")} <= known
    settings = load("production", environ=example)  # refuses if anything production insists on is missing
    assert settings["SMTP_SECURITY"] == "starttls" and settings["TRUSTED_HOSTS"] == ["jobs.example.org"]
    assert example["CSWJOBS_DATABASE_URL"].split(":")[2].split("@")[0] == example["POSTGRES_PASSWORD"]
    for required in ("CSWJOBS_SMTP_HOST", "CSWJOBS_TRUSTED_HOSTS", "CSWJOBS_PROXY_HOPS"):
        with pytest.raises(SettingsError, match=required):
            load("production", environ={k: v for k, v in example.items() if k != required})

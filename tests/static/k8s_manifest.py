#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# Structural check of deploy/kubernetes/crosslat-capture.yaml, as far as it can be done
# without a cluster: what the API server requires of each kind, what the capture needs of its
# node (privileged, host network and PID, /lib/modules, tracefs), and that the relayd's
# Service, ports and volume fit its Deployment. Run by tests/static/kubernetes.sh.
#
#   k8s_manifest.py check FILE         problems, one a line; exit 1 if any
#   k8s_manifest.py mutations FILE     each known breakage applied to a copy must be rejected
#   k8s_manifest.py capture-argv FILE  the capture container's command and args, $(VAR)
#                                      expanded from its env (NODE_NAME=node-1), one a line
import copy
import re
import sys

import yaml

API_VERSIONS = {
    "Namespace": "v1",
    "ServiceAccount": "v1",
    "PersistentVolumeClaim": "v1",
    "Service": "v1",
    "Deployment": "apps/v1",
    "DaemonSet": "apps/v1",
}
WORKLOADS = ("Deployment", "DaemonSet")
DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
CAPTURE_MOUNTS = {"/lib/modules": True, "/sys/kernel/tracing": False, "/sys/fs/cgroup": True}
RELAYD_PORTS = {5342, 5343, 5344}


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def pod_spec(doc):
    return doc.get("spec", {}).get("template", {}).get("spec", {})


def containers(doc):
    return pod_spec(doc).get("containers") or []


def check_doc(doc, errs):
    kind = doc.get("kind")
    meta = doc.get("metadata") or {}
    name = meta.get("name", "")
    where = f"{kind}/{name}"
    if kind not in API_VERSIONS:
        errs.append(f"{where}: unknown kind")
        return
    if doc.get("apiVersion") != API_VERSIONS[kind]:
        errs.append(f"{where}: apiVersion {doc.get('apiVersion')!r}, want {API_VERSIONS[kind]}")
    if not isinstance(name, str) or not DNS1123.match(name) or len(name) > 253:
        errs.append(f"{where}: metadata.name is not a DNS-1123 name")
    if kind != "Namespace" and meta.get("namespace") != "crosslat":
        errs.append(f"{where}: not in namespace crosslat")
    if kind in WORKLOADS:
        check_workload(doc, where, errs)


def check_workload(doc, where, errs):
    spec = doc.get("spec") or {}
    want = (spec.get("selector") or {}).get("matchLabels") or {}
    have = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if not want or any(have.get(k) != v for k, v in want.items()):
        errs.append(f"{where}: spec.selector.matchLabels {want} do not match the template's labels {have}")
    ps = pod_spec(doc)
    cs = containers(doc)
    if not cs:
        errs.append(f"{where}: no containers")
    volumes = {v.get("name"): v for v in ps.get("volumes") or []}
    names = [c.get("name") for c in cs]
    if len(set(names)) != len(names):
        errs.append(f"{where}: container names repeat")
    for c in cs:
        cw = f"{where}/{c.get('name')}"
        if not c.get("name") or not DNS1123.match(str(c.get("name"))):
            errs.append(f"{cw}: container without a valid name")
        if not isinstance(c.get("image"), str) or not c["image"]:
            errs.append(f"{cw}: container without an image")
        res = c.get("resources") or {}
        if not res.get("requests") or not res.get("limits"):
            errs.append(f"{cw}: no resource requests and limits")
        for p in c.get("ports") or []:
            n = p.get("containerPort")
            if not isinstance(n, int) or not 1 <= n <= 65535:
                errs.append(f"{cw}: bad containerPort {n!r}")
        for m in c.get("volumeMounts") or []:
            if m.get("name") not in volumes:
                errs.append(f"{cw}: volumeMount {m.get('name')!r} has no volume")
            if not str(m.get("mountPath", "")).startswith("/"):
                errs.append(f"{cw}: volumeMount {m.get('name')!r} without an absolute mountPath")
    for v in volumes.values():
        hp = v.get("hostPath")
        if hp is not None and not str(hp.get("path", "")).startswith("/"):
            errs.append(f"{where}: hostPath volume {v.get('name')!r} without an absolute path")


def mounts_by_path(doc, c):
    volumes = {v.get("name"): v for v in pod_spec(doc).get("volumes") or []}
    out = {}
    for m in c.get("volumeMounts") or []:
        out[m.get("mountPath")] = (m, volumes.get(m.get("name")) or {})
    return out


def check_capture(docs, errs):
    ds = [d for d in docs if d.get("kind") == "DaemonSet"]
    if len(ds) != 1:
        errs.append(f"want one DaemonSet, found {len(ds)}")
        return
    ds = ds[0]
    ps = pod_spec(ds)
    for key in ("hostNetwork", "hostPID"):
        if ps.get(key) is not True:
            errs.append(f"DaemonSet: {key} is not true")
    if ps.get("hostNetwork") and ps.get("dnsPolicy") != "ClusterFirstWithHostNet":
        errs.append("DaemonSet: hostNetwork without dnsPolicy ClusterFirstWithHostNet cannot resolve the relayd's Service")
    if not any(t.get("operator") == "Exists" and not t.get("key") for t in ps.get("tolerations") or []):
        errs.append("DaemonSet: no toleration of every taint (operator: Exists)")
    for c in containers(ds):
        if (c.get("securityContext") or {}).get("privileged") is not True:
            errs.append(f"DaemonSet/{c.get('name')}: securityContext.privileged is not true")
        mounts = mounts_by_path(ds, c)
        for path, ro in CAPTURE_MOUNTS.items():
            if path not in mounts:
                errs.append(f"DaemonSet/{c.get('name')}: {path} not mounted")
                continue
            m, v = mounts[path]
            if (v.get("hostPath") or {}).get("path") != path:
                errs.append(f"DaemonSet/{c.get('name')}: {path} is not the node's (hostPath)")
            if ro and m.get("readOnly") is not True:
                errs.append(f"DaemonSet/{c.get('name')}: {path} not read-only")
    argv = capture_argv(docs)
    relayd = [a.split("=", 1)[1] for a in argv if a.startswith("--relayd=")]
    services = {f"{d['metadata']['name']}.{d['metadata'].get('namespace')}.svc"
                for d in docs if d.get("kind") == "Service"}
    if not relayd or relayd[0].split(":")[0] not in services:
        errs.append(f"DaemonSet: --relayd {relayd} is not a Service of the manifest ({sorted(services)})")


def check_relayd(docs, errs):
    by_kind = {}
    for d in docs:
        by_kind.setdefault(d.get("kind"), {})[d["metadata"].get("name")] = d
    for name, svc in by_kind.get("Service", {}).items():
        sel = (svc.get("spec") or {}).get("selector") or {}
        targets = [d for d in by_kind.get("Deployment", {}).values()
                   if sel and all(((d["spec"].get("template") or {}).get("metadata") or {})
                                  .get("labels", {}).get(k) == v for k, v in sel.items())]
        if len(targets) != 1:
            errs.append(f"Service/{name}: selector {sel} matches {len(targets)} Deployments, want 1")
            continue
        cports = {}
        for c in containers(targets[0]):
            for p in c.get("ports") or []:
                cports[p.get("containerPort")] = p
                if p.get("name"):
                    cports[p["name"]] = p
        seen = set()
        for p in (svc.get("spec") or {}).get("ports") or []:
            tp = p.get("targetPort", p.get("port"))
            if tp not in cports:
                errs.append(f"Service/{name}: port {p.get('port')} targets {tp!r}, not a port of the relayd container")
            elif cports[tp]["containerPort"] != p.get("port"):
                errs.append(f"Service/{name}: port {p.get('port')} goes to container port {cports[tp]['containerPort']}")
            seen.add(p.get("port"))
        if seen != RELAYD_PORTS:
            errs.append(f"Service/{name}: ports {sorted(seen)}, want {sorted(RELAYD_PORTS)}")
        for c in containers(targets[0]):
            # the ports lttng-relayd is told to listen on are the ones the container declares
            listen = {int(m) for a in c.get("args") or [] for m in re.findall(r"-port=tcp://[^:]+:(\d+)$", a)}
            declared = {p.get("containerPort") for p in c.get("ports") or []}
            if listen != declared:
                errs.append(f"Deployment/{targets[0]['metadata']['name']}: relayd listens on {sorted(listen)}, declares {sorted(declared)}")
        for v in pod_spec(targets[0]).get("volumes") or []:
            claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
            if claim and claim not in by_kind.get("PersistentVolumeClaim", {}):
                errs.append(f"Deployment/{targets[0]['metadata']['name']}: no PersistentVolumeClaim {claim}")
    for kind in WORKLOADS:
        for name, d in by_kind.get(kind, {}).items():
            sa = pod_spec(d).get("serviceAccountName")
            if sa and sa not in by_kind.get("ServiceAccount", {}):
                errs.append(f"{kind}/{name}: no ServiceAccount {sa}")
    if "crosslat" not in by_kind.get("Namespace", {}):
        errs.append("no Namespace crosslat")


def check(docs):
    errs = []
    if not docs:
        return ["no documents"]
    for d in docs:
        if not isinstance(d, dict):
            errs.append(f"a document is not a mapping: {d!r:.40}")
            continue
        check_doc(d, errs)
    if errs:
        return errs
    check_capture(docs, errs)
    check_relayd(docs, errs)
    return errs


def capture_argv(docs):
    for d in docs:
        if d.get("kind") != "DaemonSet":
            continue
        c = containers(d)[0]
        env = {e["name"]: e.get("value", "") for e in c.get("env") or []}
        env.setdefault("NODE_NAME", "node-1")
        env["NODE_NAME"] = env["NODE_NAME"] or "node-1"
        words = list(c.get("command") or []) + list(c.get("args") or [])
        return [re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), w) for w in words]
    return []


def find(docs, kind, name=None):
    return next(d for d in docs if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name))


def capture(docs):
    return containers(find(docs, "DaemonSet"))[0]


def relayd_service(docs):
    return find(docs, "Service")


def drop_mount(docs, path):
    c = capture(docs)
    c["volumeMounts"] = [m for m in c["volumeMounts"] if m["mountPath"] != path]


# name: a breakage of the manifest that check() must report.
MUTATIONS = {
    "no-hostPID": lambda d: pod_spec(find(d, "DaemonSet")).pop("hostPID"),
    "no-hostNetwork": lambda d: pod_spec(find(d, "DaemonSet")).update(hostNetwork=False),
    "selector-mismatch": lambda d: find(d, "DaemonSet")["spec"]["selector"]["matchLabels"]
    .update({"app.kubernetes.io/name": "crosslat-captures"}),
    "not-privileged": lambda d: capture(d)["securityContext"].update(privileged=False),
    "no-lib-modules": lambda d: drop_mount(d, "/lib/modules"),
    "no-tracefs": lambda d: drop_mount(d, "/sys/kernel/tracing"),
    "modules-writable": lambda d: next(m for m in capture(d)["volumeMounts"]
                                       if m["mountPath"] == "/lib/modules").pop("readOnly"),
    "dangling-mount": lambda d: capture(d)["volumeMounts"][0].update(name="nowhere"),
    "no-image": lambda d: capture(d).pop("image"),
    "service-port": lambda d: relayd_service(d)["spec"]["ports"][1].update(targetPort=5345),
    "service-selector": lambda d: relayd_service(d)["spec"]["selector"]
    .update({"app.kubernetes.io/name": "relayd"}),
    "relayd-listen": lambda d: find(d, "Deployment")["spec"]["template"]["spec"]["containers"][0]["args"]
    .__setitem__(1, "--control-port=tcp://0.0.0.0:6342"),
    "wrong-apiVersion": lambda d: find(d, "DaemonSet").update(apiVersion="extensions/v1beta1"),
    "no-name": lambda d: find(d, "ServiceAccount")["metadata"].pop("name"),
}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("check", "mutations", "capture-argv"):
        sys.exit(f"usage: {sys.argv[0]} check|mutations|capture-argv FILE")
    docs = load(sys.argv[2])
    if sys.argv[1] == "capture-argv":
        print("\n".join(capture_argv(docs)))
        return 0
    if sys.argv[1] == "check":
        errs = check(docs)
        for e in errs:
            print(e)
        if not errs:
            kinds = ", ".join(d["kind"] for d in docs)
            print(f"{len(docs)} documents: {kinds}")
        return 1 if errs else 0
    missed = 0
    for name, mutate in MUTATIONS.items():
        docs2 = copy.deepcopy(docs)
        mutate(docs2)
        # through YAML text, as a file would be read
        errs = check(list(yaml.safe_load_all(yaml.safe_dump_all(docs2))))
        if not errs:
            print(f"mutation {name} was not rejected")
            missed += 1
    print(f"{len(MUTATIONS) - missed} of {len(MUTATIONS)} mutations rejected")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

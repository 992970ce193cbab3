#!/usr/bin/env python3
"""Writes a cluster dump of about N objects (default 10,000) as `kubectl get ... -A -o json` prints
it: the ready cluster of tests/cases/readiness copied into many namespaces (each production, with
its Deployments, PDBs and HPA), more nodes, one Velero Schedule per namespace, and the shipped
PrometheusRules once. Usage: make_dump.py OUT.json [N]"""
import copy, json, pathlib, sys

root = pathlib.Path(__file__).resolve().parents[2]
ready = json.loads((root / "tests/cases/readiness/ready-cluster.json").read_text())
want = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
per_ns = [o for o in ready["items"] if o["metadata"].get("namespace") == "dalp-prod"]
ns_obj = next(o for o in ready["items"] if o["kind"] == "Namespace" and o["metadata"]["name"] == "dalp-prod")
nodes = [o for o in ready["items"] if o["kind"] == "Node"]
cluster = [o for o in ready["items"] if o not in per_ns and o is not ns_obj and o["kind"] != "Node"]
items = list(cluster)
for i in range(200):  # 1,800 nodes: a large cluster
    for n in nodes:
        c = copy.deepcopy(n)
        c["metadata"]["name"] += "-%d" % i
        items.append(c)
i = 0
while len(items) < want:
    name = "dalp-%04d" % i
    ns = copy.deepcopy(ns_obj)
    ns["metadata"]["name"] = name
    ns["metadata"]["labels"]["kubernetes.io/metadata.name"] = name
    items.append(ns)
    for o in per_ns:
        c = copy.deepcopy(o)
        c["metadata"]["namespace"] = name
        items.append(c)
    i += 1
json.dump({"apiVersion": "v1", "items": items[:max(want, len(cluster))], "kind": "List",
           "metadata": {"resourceVersion": ""}}, open(sys.argv[1], "w"), indent=4)
print("%s: %d objects, %d namespaces" % (sys.argv[1], min(len(items), want), i))

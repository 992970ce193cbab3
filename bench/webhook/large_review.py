#!/usr/bin/env python3
"""Writes the large review for bench/webhook/run.sh: a StatefulSet UPDATE whose object and
oldObject together make about 1 MiB, built from the dApp Deployment review given on argv[1]
(its pod template, so the StatefulSet is as compliant as the dApp), with a long env list per
container like a chart that passes its whole configuration as variables.

    large_review.py SMALL_REVIEW.json OUT.json [TARGET_BYTES]
"""
import copy
import json
import sys

small = json.load(open(sys.argv[1]))
target = int(sys.argv[3]) if len(sys.argv) > 3 else 1 << 20
small.pop("haguardCase", None)


def statefulset(env_count, image_tag, replicas):
    obj = copy.deepcopy(small["request"]["object"])
    obj["kind"] = "StatefulSet"
    obj["metadata"]["name"] = "dapp-indexer"
    obj["spec"]["serviceName"] = "dapp-indexer"
    obj["spec"]["replicas"] = replicas
    obj["spec"].pop("strategy", None)
    obj["spec"]["updateStrategy"] = {"type": "RollingUpdate"}
    for c in obj["spec"]["template"]["spec"]["containers"]:
        c["image"] = c["image"].rsplit(":", 1)[0] + ":" + image_tag
        c["env"] = [{"name": "DAPP_SETTING_%05d" % i,
                     "value": "https://indexer-%05d.prod.svc.cluster.local:8443/v1/chains/%d/blocks" % (i, i)}
                    for i in range(env_count)]
    return obj


def review(env_count):
    r = copy.deepcopy(small)
    req = r["request"]
    req["uid"] = "bench-large-statefulset-update"
    req["kind"] = {"group": "apps", "version": "v1", "kind": "StatefulSet"}
    req["resource"] = {"group": "apps", "version": "v1", "resource": "statefulsets"}
    req["requestKind"] = dict(req["kind"])
    req["name"] = "dapp-indexer"
    req["operation"] = "UPDATE"
    req["options"] = {"apiVersion": "meta.k8s.io/v1", "kind": "UpdateOptions"}
    req["object"] = statefulset(env_count, "1.1", 3)
    req["oldObject"] = statefulset(env_count, "1.0", 3)
    return json.dumps(r, separators=(",", ":"))


# Grow the env list until the body reaches the target size.
per_var = len(review(101)) - len(review(100))
count = max(1, (target - len(review(0))) // per_var)
body = review(count)
open(sys.argv[2], "w").write(body)
print("%s: %d bytes, %d env vars per container" % (sys.argv[2], len(body), count))

#!/usr/bin/env python3
"""`haguard check` reports as CI systems keep them, over real installs.

Runs the built haguard on the shared corpus and tests/cases/upstream/ (copied into a temporary
"repository" that is the working directory, as a CI checkout is) and checks:
- SARIF validates against the official 2.1.0 schema (formats included: uri, uri-reference);
- what GitHub code scanning documents it needs: ruleId (declared by the driver), message.text, a
  relative artifact URI, startLine >= 1, partialFingerprints; and that no two results share a rule
  and a place, so none merges into another's alert;
- the same file named three ways, or from another directory with --sarif-root, gives
  byte-identical reports; fingerprints do not move when lines do;
- JUnit: one testcase per (object, rule), counts that add up, failures exactly where JSON says a
  finding blocks.

Usage: sarif_conformance.py HAGUARD SCHEMA CORPUS_DIR UPSTREAM_DIR
Needs Debian's python3-jsonschema and python3-rfc3987 (scripts/install-deps); no network.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import jsonschema

HAGUARD, SCHEMA, CORPUS, UPSTREAM = sys.argv[1:5]
CORPUS_FILES = ["argo-cd-namespace-install.yaml", "ingress-nginx-deploy.yaml",
                "microservices-demo.yaml"]


def run(args, cwd, stdin=b""):
    p = subprocess.run([HAGUARD, "check", *args], cwd=cwd, input=stdin, capture_output=True,
                       timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


class Repo(unittest.TestCase):
    """A temporary checkout: corpus/<file>, kube-prometheus/<file>, argo-cd-ha/<file>."""

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="haguard-sarif-")
        os.makedirs(os.path.join(cls.root, "corpus"))
        for f in CORPUS_FILES:
            shutil.copy(os.path.join(CORPUS, f), os.path.join(cls.root, "corpus", f))
        for d in ["kube-prometheus", "argo-cd-ha"]:
            shutil.copytree(os.path.join(UPSTREAM, d), os.path.join(cls.root, d))
        with open(SCHEMA) as f:
            schema = json.load(f)
        checker = jsonschema.FormatChecker()
        assert "uri" in checker.checkers and "uri-reference" in checker.checkers, \
            "jsonschema cannot check URI formats: install python3-rfc3987"
        cls.validator = jsonschema.Draft4Validator(schema, format_checker=checker)
        # A stricter policy than the default (outside the checkout, so no input): every workload a
        # dApp (so every one is asked to run two replicas and spread) and probes on every
        # container, so the reports below have many findings, several on one object.
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                               "policies", "default.yaml")) as f:
            policy_text = f.read()
        for old, new in [('names: ["dapp", "*-dapp"]', 'names: ["*"]'),
                         ("containers: main", "containers: all")]:
            assert old in policy_text, old
            policy_text = policy_text.replace(old, new)
        cls.strict = tempfile.mkstemp(prefix="haguard-strict-", suffix=".yaml")[1]
        with open(cls.strict, "w") as f:
            f.write(policy_text)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root)
        os.remove(cls.strict)

    def sarif(self, args, cwd=None, stdin=b"", code=None):
        rc, out, err = run(["-o", "sarif", *args], cwd or self.root, stdin)
        if code is not None:
            self.assertEqual(rc, code, err)
        return json.loads(out)

    # -------------------------------------------------------------------------------------------
    def check_github_requirements(self, log, what):
        errors = sorted(self.validator.iter_errors(log), key=lambda e: list(e.path))
        self.assertEqual([], [f"{list(e.path)}: {e.message}" for e in errors[:5]], what)
        self.assertEqual(log["version"], "2.1.0")
        self.assertEqual(len(log["runs"]), 1)
        run_ = log["runs"][0]
        driver = run_["tool"]["driver"]
        self.assertEqual(driver["name"], "haguard")
        self.assertTrue(driver["version"])
        rule_ids = [r["id"] for r in driver["rules"]]
        for r in driver["rules"]:
            self.assertTrue(r["help"]["text"] and r["help"]["markdown"], r["id"])
            self.assertTrue(r["helpUri"].endswith("docs/operators-guide.md#" + r["id"]), r)
        self.assertLessEqual(len(run_["results"]), 25000)  # code scanning's limit per run
        places, fingerprints = {}, {}
        for res in run_["results"]:
            self.assertIn(res["ruleId"], rule_ids)
            self.assertEqual(rule_ids[res["ruleIndex"]], res["ruleId"])
            self.assertTrue(res["message"]["text"])
            loc = res["locations"][0]["physicalLocation"]
            uri = loc["artifactLocation"]["uri"]
            self.assertFalse(uri.startswith("/") or ":" in uri, f"{what}: not relative: {uri}")
            self.assertEqual(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%")
            self.assertGreaterEqual(loc["region"]["startLine"], 1)
            self.assertGreaterEqual(loc["region"]["startColumn"], 1)
            fp = res["partialFingerprints"]["haguard/v1"]
            self.assertRegex(fp, "^[0-9a-f]{64}$")
            key = (res["ruleId"], uri, loc["region"]["startLine"], loc["region"]["startColumn"])
            self.assertNotIn(key, places, f"{what}: two results at one place: {res}")
            places[key] = res
            self.assertNotIn((res["ruleId"], fp), fingerprints, f"{what}: {res}")
            fingerprints[(res["ruleId"], fp)] = res
        base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        self.assertTrue(base.startswith("file:///") and base.endswith("/"), base)
        return run_

    def test_schema_and_code_scanning_requirements_over_real_installs(self):
        inputs = [[os.path.join("corpus", f)] for f in CORPUS_FILES]
        inputs += [["kube-prometheus"], ["argo-cd-ha"], ["corpus", "kube-prometheus", "argo-cd-ha"]]
        results = 0
        for args in inputs:
            for env in ["production", "staging"]:
                run_ = self.check_github_requirements(
                    self.sarif(["-e", env, *args]), f"{args} in {env}")
                results += len(run_["results"])
        self.assertGreater(results, 100)
        # kube-state-metrics' three containers, all judged: three probes findings, three places,
        # three fingerprints.
        run_ = self.sarif(["-e", "production", "-p", self.strict, "kube-prometheus"], code=1)["runs"][0]
        ksm = [r for r in run_["results"] if r["ruleId"] == "probes" and
               r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
               "kube-prometheus/kubeStateMetrics-deployment.yaml"]
        self.assertEqual(len(ksm), 3)
        self.assertEqual(len({r["locations"][0]["physicalLocation"]["region"]["startLine"]
                              for r in ksm}), 3)

    def test_input_errors_stdin_and_suppressions_validate_too(self):
        bad = os.path.join(self.root, "bad.yaml")
        with open(bad, "w") as f:
            f.write("a: [\n")
        log = self.sarif(["bad.yaml", "missing.yaml", "-"], code=2)
        self.assertEqual([], [e.message for e in self.validator.iter_errors(log)])
        notes = {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: n
                 for n in log["runs"][0]["invocations"][0]["toolExecutionNotifications"]}
        self.assertEqual(set(notes), {"bad.yaml", "missing.yaml", "-"})  # "-": empty stdin
        self.assertEqual(notes["bad.yaml"]["locations"][0]["physicalLocation"]["region"],
                         {"startLine": 1, "startColumn": 4})
        self.assertNotIn("uriBaseId", notes["-"]["locations"][0]["physicalLocation"][
            "artifactLocation"])
        os.remove(bad)
        until = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=7))
        exempt = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: n\n"
                  "  annotations:\n    haguard.dalp.io/exempt: probes\n"
                  "    haguard.dalp.io/exempt-reason: CHG-1\n"
                  f"    haguard.dalp.io/exempt-until: '{until.strftime('%Y-%m-%dT%H:%M:%SZ')}'\n"
                  "spec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n"
                  "      - name: a\n        image: a\n")
        log = self.sarif(["-"], stdin=exempt.encode())
        self.assertEqual([], [e.message for e in self.validator.iter_errors(log)])
        suppressed = [r for r in log["runs"][0]["results"] if "suppressions" in r]
        self.assertEqual([r["ruleId"] for r in suppressed], ["probes"])
        self.assertTrue(suppressed[0]["suppressions"][0]["justification"].startswith("CHG-1"))

    def test_differently_spelled_paths_give_identical_reports(self):
        name = "kubeStateMetrics-deployment.yaml"
        spellings = [["./kube-prometheus/" + name], ["kube-prometheus//" + name],
                     [os.path.join(self.root, "kube-prometheus", name)],
                     ["kube-prometheus/../kube-prometheus/" + name]]
        for fmt in ["sarif", "json", "junit", "text"]:
            outs = {run(["-o", fmt, "-e", "production", *s], self.root)[1] for s in spellings}
            self.assertEqual(len(outs), 1, fmt)
        # From elsewhere, with the root given: the same SARIF.
        here = self.sarif(["-e", "production", "kube-prometheus"])
        elsewhere = self.sarif(["-e", "production", "--sarif-root", self.root,
                                os.path.join(self.root, "kube-prometheus")], cwd="/")
        self.assertEqual(here, elsewhere)
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                for r in here["runs"][0]["results"]}
        self.assertIn("kube-prometheus/" + name, uris)

    def test_fingerprints_do_not_move_with_lines(self):
        with open(os.path.join(CORPUS, "microservices-demo.yaml")) as f:
            original = f.read()
        path = os.path.join(self.root, "moving.yaml")

        def fps(text):
            with open(path, "w") as g:
                g.write(text)
            rs = self.sarif(["-e", "production", "-p", self.strict, "moving.yaml"])["runs"][0]["results"]
            return {(r["ruleId"], r["partialFingerprints"]["haguard/v1"]):
                    r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in rs}

        before = fps(original)
        after = fps("# a comment\n# and another\n---\napiVersion: v1\nkind: ConfigMap\n"
                    "metadata:\n  name: extra\n---\n" + original)
        renamed = fps(original.replace("name: adservice\n", "name: adservice-v2\n"))
        os.remove(path)
        self.assertGreater(len(before), 10)
        self.assertEqual(set(before), set(after))
        self.assertTrue(all(after[k] == before[k] + 8 for k in before))
        # Another object is another alert; the others stay.
        self.assertEqual(len(set(before) - set(renamed)), len(set(renamed) - set(before)))
        self.assertGreater(len(set(before) - set(renamed)), 0)
        self.assertGreater(len(set(before) & set(renamed)), 10)

    def test_junit_one_testcase_per_object_and_rule(self):
        args = ["-e", "production", "corpus", "kube-prometheus", "argo-cd-ha"]
        rc, out, err = run(["-o", "junit", *args], self.root)
        self.assertEqual(rc, 1, err)
        report = json.loads(run(["-o", "json", *args], self.root)[1])
        blocking = {(f["file"], f["kind"], f["namespace"], f["name"], f["rule"])
                    for f in report["findings"] if f["blocking"]}
        top = ET.fromstring(out)
        totals = dict(tests=0, failures=0, errors=0, skipped=0)
        failed = set()
        for suite in top.iter("testsuite"):
            names = [tc.get("name") for tc in suite.iter("testcase")]
            self.assertEqual(len(names), len(set(names)), suite.get("name"))
            counts = dict(tests=len(names), failures=len(suite.findall("testcase/failure")),
                          errors=len(suite.findall("testcase/error")),
                          skipped=len(suite.findall("testcase/skipped")))
            for k, v in counts.items():
                self.assertEqual(int(suite.get(k)), v, (suite.get("name"), k))
                totals[k] += v
            for tc in suite.iter("testcase"):
                self.assertEqual(tc.get("classname"), suite.get("name"))
                self.assertGreaterEqual(int(tc.get("line")), 1)
                self.assertLessEqual(len(tc.findall("failure")) + len(tc.findall("error")), 1)
                if tc.find("failure") is not None:
                    failed.add((suite.get("name"), tc.get("name")))
        for k, v in totals.items():
            self.assertEqual(int(top.get(k)), v, k)

        def case(f):
            ns = f[2] + "/" if f[2] else ""
            return (f[0], f"{f[1]} {ns}{f[3]}: {f[4]}")

        self.assertEqual(failed, {case(f) for f in blocking})
        self.assertGreater(len(failed), 10)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)

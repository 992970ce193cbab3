// `haguard check` end to end: exit codes, environments, inputs (files, directories, stdin, Lists,
// empty and malformed ones), the text summary and --fix, on the shared corpus and inline cases.

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "manifest_io/manifest_io.h"
#include "tests/plugin/check_harness.h"

namespace haguard::check_test {
namespace {

TEST_F(CheckTest, CorpusParsesCompletelyInEveryEnvironment) {
  struct Case {
    const char* file;
    std::size_t objects, workloads;
    int production_exit;  // ingress-nginx: probes, no bundled service, one replica not asked to spread
  };
  for (const Case& c :
       {Case{"argo-cd-namespace-install.yaml", 50, 7, 1}, Case{"ingress-nginx-deploy.yaml", 19, 3, 0},
        Case{"microservices-demo.yaml", 35, 12, 1}}) {
    SCOPED_TRACE(c.file);
    json def = check_json({corpus(c.file)}, 0);  // outside production nothing is enforced
    EXPECT_EQ(def["summary"]["objects"], c.objects);
    EXPECT_EQ(def["summary"]["workloads"], c.workloads);
    EXPECT_EQ(def["summary"]["errors"], 0);
    EXPECT_TRUE(def["errors"].empty());
    EXPECT_EQ(def["summary"]["blocking"], 0);
    json prod = check_json({"-e", "production", corpus(c.file)}, c.production_exit);
    EXPECT_EQ(prod["summary"]["objects"], c.objects);
    EXPECT_EQ(prod["summary"]["blocking"] > 0, c.production_exit == 1);
  }
}

TEST_F(CheckTest, ArgoCdFindingsNameTheRightObjects) {
  const std::string file = corpus("argo-cd-namespace-install.yaml");
  json prod = check_json({"-e", "production", file}, 1);
  // Every finding has the documented fields, and its object_line starts a document of its kind.
  const std::vector<std::string> lines = lines_of(slurp(file));
  for (const json& f : prod["findings"]) {
    for (const char* key :
         {"rule", "outcome", "enforcement", "environment", "kind", "namespace", "name", "file",
          "document", "line", "column", "object_line", "path", "message", "fixable", "exemption"})
      ASSERT_TRUE(f.contains(key)) << key << " in " << f.dump();
    EXPECT_EQ(f["file"], fs::absolute(file).lexically_normal().string());  // outside the root
    EXPECT_EQ(f["environment"], "production");
    const int line = f["object_line"];
    ASSERT_GT(line, 0);
    EXPECT_TRUE(line == 1 || lines[line - 2] == "---") << f.dump();
    EXPECT_EQ(lines[line - 1 + 1], "kind: " + f["kind"].get<std::string>()) << f.dump();
  }
  // The in-cluster Redis is a bundled service in production, and not in staging.
  auto redis = findings(prod, "argocd-redis", "no-bundled-stateful-services");
  ASSERT_EQ(redis.size(), 1u);
  EXPECT_EQ(redis[0]["outcome"], "fail");
  EXPECT_EQ(redis[0]["blocking"], true);
  EXPECT_EQ(redis[0]["document"], 39);
  EXPECT_EQ(redis[0]["object_line"], 1360);
  EXPECT_EQ(redis[0]["line"], 1405);  // its image: line
  EXPECT_EQ(redis[0]["column"], 9);
  json staging = check_json({"-e", "staging", file}, 0);
  EXPECT_TRUE(findings(staging, "argocd-redis", "no-bundled-stateful-services").empty());
  EXPECT_FALSE(findings(staging, "argocd-dex-server", "probes").empty());
  // Which workloads lack probes.
  for (const char* name :
       {"argocd-applicationset-controller", "argocd-dex-server", "argocd-notifications-controller",
        "argocd-redis", "argocd-application-controller"})
    EXPECT_EQ(findings(prod, name, "probes").size(), 1u) << name;
  for (const char* name : {"argocd-repo-server", "argocd-server"})
    EXPECT_TRUE(findings(prod, name, "probes").empty()) << name;
  // Every workload here runs one replica: none is asked to spread.
  EXPECT_TRUE(findings(prod, "argocd-dex-server", "soft-anti-affinity").empty());
}

TEST_F(CheckTest, NamespaceLabelsDecideTheEnvironment) {
  spit(dir_ / "app.yaml",
       namespace_doc("prod", "production") + "---\n" + dapp_in("prod") + "---\n" + dapp_in("dev"));
  json staging = check_json({"-e", "staging", (dir_ / "app.yaml").string()}, 1);
  bool prod_seen = false, dev_seen = false;
  for (const json& f : findings(staging, "dapp", "min-replicas")) {
    if (f["namespace"] == "prod") {
      prod_seen = true;
      EXPECT_EQ(f["environment"], "production");
      EXPECT_EQ(f["blocking"], true);
    } else {
      dev_seen = true;
      EXPECT_EQ(f["environment"], "staging");
      EXPECT_EQ(f["blocking"], false);
    }
  }
  EXPECT_TRUE(prod_seen && dev_seen);
  // Without the Namespace object, -e decides alone.
  spit(dir_ / "dev.yaml", dapp_in("prod"));
  json alone = check_json({"-e", "staging", (dir_ / "dev.yaml").string()}, 0);
  EXPECT_EQ(alone["findings"][0]["environment"], "staging");
}

TEST_F(CheckTest, KubectlListOnStdin) {
  json dep = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
    "metadata":{"name":"dapp","namespace":"prod","labels":{"app.kubernetes.io/name":"dapp"}},
    "spec":{"replicas":1,"selector":{"matchLabels":{"app.kubernetes.io/name":"dapp"}},
      "template":{"metadata":{"labels":{"app.kubernetes.io/name":"dapp"}},
        "spec":{"containers":[{"name":"dapp","image":"dapp:1"}]}}}})");
  json ns = {{"apiVersion", "v1"},
             {"kind", "Namespace"},
             {"metadata",
              {{"name", "prod"}, {"labels", {{"haguard.dalp.io/environment", "production"}}}}}};
  json list = {{"apiVersion", "v1"},
               {"kind", "List"},
               {"items", json::array({ns, dep})},
               {"metadata", {{"resourceVersion", ""}}}};
  json report = check_json({"-"}, 1, list.dump(4) + "\n");
  EXPECT_EQ(report["summary"]["objects"], 2);
  EXPECT_EQ(report["summary"]["files"], 1);
  auto f = findings(report, "dapp", "min-replicas");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["file"], "-");
  EXPECT_EQ(f[0]["environment"], "production");
  EXPECT_GT(f[0]["line"].get<int>(), 1);  // the item's own line, not the List's
}

TEST_F(CheckTest, MalformedDocumentIsReportedWithItsLineAndTheRestIsChecked) {
  spit(dir_ / "bad.yaml", dapp_in("a") + "---\nkind: Broken\nspec: [1, 2\n  x: y\n---\n" +
                              namespace_doc("prod", "production") + "---\n" + dapp_in("prod"));
  Result r = haguard({"check", "-o", "json", (dir_ / "bad.yaml").string()});
  EXPECT_EQ(r.code, 2);
  json j = json::parse(r.out);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["document"], 1);
  EXPECT_GE(j["errors"][0]["line"].get<int>(), 25);
  EXPECT_LE(j["errors"][0]["line"].get<int>(), 28);
  EXPECT_EQ(j["summary"]["objects"], 3);  // the documents around it are still checked
  EXPECT_FALSE(findings(j, "dapp", "min-replicas").empty());
  // The error goes to stderr with file, document and line, whatever the format; stdout has the
  // report alone.
  for (const char* format : {"text", "json", "sarif", "junit"}) {
    Result t = haguard({"check", "-o", format, (dir_ / "bad.yaml").string()});
    EXPECT_EQ(t.code, 2);
    EXPECT_NE(t.err.find("bad.yaml: document 1 (line "), std::string::npos) << t.err;
    EXPECT_EQ(t.err.find("min-replicas"), std::string::npos) << t.err;
  }
  Result t = haguard({"check", (dir_ / "bad.yaml").string()});
  EXPECT_EQ(t.out.find("document 1 (line"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("1 input error (on stderr)"), std::string::npos) << t.out;
}

TEST_F(CheckTest, DirectoryWalkIsRecursiveSortedAndFiltered) {
  spit(dir_ / "m" / "b" / "two.yml", dapp_in("b"));
  spit(dir_ / "m" / "a.yaml", dapp_in("a"));
  spit(dir_ / "m" / "c.json",
       "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
  spit(dir_ / "m" / "notes.txt", "not: [a manifest");
  Result r = haguard({"check", "-o", "junit", (dir_ / "m").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  std::vector<std::size_t> at;
  for (const char* name : {"m/a.yaml\"", "m/b/two.yml\"", "m/c.json\""}) {
    at.push_back(r.out.find(name));
    EXPECT_NE(at.back(), std::string::npos) << name << "\n" << r.out;
  }
  EXPECT_TRUE(std::is_sorted(at.begin(), at.end()));
  EXPECT_EQ(r.out.find("notes.txt"), std::string::npos);
  json j = check_json({(dir_ / "m").string()}, 0);
  EXPECT_EQ(j["summary"]["files"], 3);
  EXPECT_EQ(j["summary"]["objects"], 3);
}

TEST_F(CheckTest, UsageAndInputErrorsExitTwo) {
  EXPECT_EQ(haguard({"check"}).code, 2);
  EXPECT_EQ(haguard({"check", "-o", "xml", corpus("microservices-demo.yaml")}).code, 2);
  Result env = haguard({"check", "-e", "prodution", corpus("microservices-demo.yaml")});
  EXPECT_EQ(env.code, 2);
  EXPECT_NE(env.err.find("prodution"), std::string::npos);
  Result missing = haguard({"check", "-p", (dir_ / "nope.yaml").string(), "-"}, "kind: A\n");
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("nope.yaml"), std::string::npos);
  spit(dir_ / "policy.yaml",
       "apiVersion: haguard.dalp.io/v1alpha1\nkind: HAPolicy\nspec:\n  bogus: 1\n");
  Result bad_policy = haguard({"check", "-p", (dir_ / "policy.yaml").string(), "-"}, "kind: A\n");
  EXPECT_EQ(bad_policy.code, 2);
  EXPECT_NE(bad_policy.err.find("policy.yaml"), std::string::npos) << bad_policy.err;
  // An unreadable input is reported, and the other inputs are still checked.
  spit(dir_ / "ok.yaml", namespace_doc("prod", "production") + "---\n" + dapp_in("prod"));
  json j = check_json({(dir_ / "missing.yaml").string(), (dir_ / "ok.yaml").string()}, 2);
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_NE(j["errors"][0]["file"].get<std::string>().find("missing.yaml"), std::string::npos);
  EXPECT_EQ(j["summary"]["objects"], 2);
  EXPECT_GT(j["summary"]["blocking"], 0);
}

TEST_F(CheckTest, TextIsGroupedByObjectAndEndsWithASummary) {
  spit(dir_ / "t.yaml", namespace_doc("prod", "production") + "---\n" + dapp_in("prod"));
  Result r = haguard({"check", (dir_ / "t.yaml").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("  Deployment prod/dapp  (document 1, line 8, production)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("BLOCK   min-replicas"), std::string::npos) << r.out;
  ASSERT_FALSE(r.out.empty());
  std::string last = r.out.substr(r.out.rfind('\n', r.out.size() - 2) + 1);
  EXPECT_TRUE(last.starts_with("FAIL: 3 blocking findings in 1 of 2 objects (1 workload, 1 file)"))
      << last;
  // Outside production the same object only warns.
  spit(dir_ / "s.yaml", dapp_in("dev"));
  Result ok = haguard({"check", "-e", "staging", (dir_ / "s.yaml").string()});
  EXPECT_EQ(ok.code, 0);
  EXPECT_NE(ok.out.find("WARN    min-replicas"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("\nOK: no blocking findings in 1 object (1 workload, 1 file); "),
            std::string::npos)
      << ok.out;
}

TEST_F(CheckTest, FixWritesCompliantManifests) {
  spit(dir_ / "f.yaml", namespace_doc("prod", "production") + "---\n" + dapp_in("prod") +
                            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                            "data:\n  enabled: \"true\"\n  port: \"8080\"\n");
  Result fixed = haguard({"check", "--fix", (dir_ / "f.yaml").string()});
  EXPECT_EQ(fixed.code, 0) << fixed.err;
  EXPECT_NE(fixed.err.find("FIXED"), std::string::npos) << fixed.err;
  auto read = haguard::read_manifests(fixed.out, "fixed");
  ASSERT_TRUE(read.errors.empty()) << fixed.out;
  ASSERT_EQ(read.documents.size(), 3u);
  const json& dep = read.documents[1].object;
  EXPECT_GE(dep["spec"]["replicas"].get<int>(), 2);
  EXPECT_TRUE(dep["spec"]["template"]["spec"]["containers"][0].contains("readinessProbe"));
  EXPECT_EQ(read.documents[2].object["data"]["enabled"], "true");  // strings stay strings
  // The fixed stream passes where the original fails, and fixing again changes nothing.
  spit(dir_ / "fixed.yaml", fixed.out);
  EXPECT_EQ(haguard({"check", (dir_ / "f.yaml").string()}).code, 1);
  EXPECT_EQ(haguard({"check", (dir_ / "fixed.yaml").string()}).code, 0);
  Result again = haguard({"check", "--fix", (dir_ / "fixed.yaml").string()});
  EXPECT_EQ(again.code, 0);
  EXPECT_EQ(again.out, fixed.out);
}

TEST_F(CheckTest, EmptyInputIsAnInputErrorUnlessAllowed) {
  spit(dir_ / "empty.yaml", "");
  spit(dir_ / "comments.yaml", "# nothing rendered\n---\n---\n");
  spit(dir_ / "list.json", R"({"apiVersion": "v1", "items": [], "kind": "List"})");
  fs::create_directories(dir_ / "nodir");
  spit(dir_ / "nodir" / "README.md", "not a manifest");
  spit(dir_ / "ok.yaml", dapp_in("a"));
  struct Case {
    std::vector<std::string> args;
    std::string stdin_text, named, says;
  };
  for (const Case& c : {
           Case{{"-"}, "", "-", "no object on standard input"},
           Case{{"-"}, "\n# helm printed nothing\n", "-", "no object on standard input"},
           Case{{(dir_ / "empty.yaml").string()}, "", "empty.yaml", "no object in this input"},
           Case{{(dir_ / "comments.yaml").string()}, "", "comments.yaml", "no object"},
           Case{{(dir_ / "list.json").string()}, "", "list.json", "no object"},
           Case{{(dir_ / "nodir").string()}, "", "nodir", "no manifest file"},
           // One empty input among good ones is still an error.
           Case{{(dir_ / "ok.yaml").string(), "-"}, "", "-", "no object on standard input"},
       }) {
    SCOPED_TRACE(c.args.back());
    for (const char* format : {"text", "json", "sarif", "junit"}) {
      std::vector<std::string> args = {"check", "-o", format};
      args.insert(args.end(), c.args.begin(), c.args.end());
      Result r = haguard(args, c.stdin_text);
      EXPECT_EQ(r.code, 2) << format << r.out;
      EXPECT_NE(r.err.find(c.named + ": " + c.says), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("--allow-empty"), std::string::npos) << r.err;
      args.insert(args.begin() + 1, "--allow-empty");
      Result allowed = haguard(args, c.stdin_text);
      EXPECT_EQ(allowed.code, 0) << format << allowed.err;
      EXPECT_EQ(allowed.err, "") << format;
    }
  }
  // The JSON report names the empty input among its errors.
  json j = check_json({"-"}, 2, "");
  ASSERT_EQ(j["errors"].size(), 1u);
  EXPECT_EQ(j["errors"][0]["file"], "-");
  // A broken input is not also called empty.
  spit(dir_ / "bad.yaml", "a: [\n");
  Result bad = haguard({"check", (dir_ / "bad.yaml").string()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(bad.err.find("empty input"), std::string::npos) << bad.err;
}

TEST_F(CheckTest, StdinHasOneNameInEveryFormatAndNoFileShadowsIt) {
  // Files really called "stdin" and "-", read beside standard input.
  spit(dir_ / "stdin", dapp_in("from-file"));
  spit(dir_ / "-", dapp_in("from-dash-file"));
  cwd_ = dir_;
  const std::string piped = dapp_in("from-pipe");
  json j = check_json({"-e", "production", "-", "stdin", "./-"}, 1, piped);
  std::map<std::string, std::string> file_of;  // namespace -> file
  for (const json& f : j["findings"]) file_of[f["namespace"]] = f["file"];
  EXPECT_EQ(file_of["from-pipe"], "-");
  EXPECT_EQ(file_of["from-file"], "stdin");
  EXPECT_EQ(file_of["from-dash-file"], "./-");

  Result sarif = haguard({"check", "-o", "sarif", "-e", "production", "-", "stdin", "./-"}, piped);
  std::map<std::string, json> location_of;
  const json log = json::parse(sarif.out);
  for (const json& r : log["runs"][0]["results"])
    location_of[r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]] =
        r["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(location_of["Deployment from-pipe/dapp"], (json{{"uri", "-"}}));
  EXPECT_EQ(location_of["Deployment from-file/dapp"],
            (json{{"uri", "stdin"}, {"uriBaseId", "%SRCROOT%"}}));
  EXPECT_EQ(location_of["Deployment from-dash-file/dapp"],
            (json{{"uri", "./-"}, {"uriBaseId", "%SRCROOT%"}}));

  Result junit = haguard({"check", "-o", "junit", "-"}, piped);
  EXPECT_NE(junit.out.find("<testsuite name=\"-\""), std::string::npos) << junit.out;
  EXPECT_NE(junit.out.find("<testcase classname=\"-\""), std::string::npos) << junit.out;
  Result text = haguard({"check", "-"}, piped);
  EXPECT_TRUE(text.out.starts_with("-\n  Deployment from-pipe/dapp")) << text.out;
}

}  // namespace
}  // namespace haguard::check_test

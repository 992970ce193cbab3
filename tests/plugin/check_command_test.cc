// `haguard check` end to end: runs the built binary (fork/exec, no shell) on the shared corpus and
// on small inline cases, and asserts exit codes and what each report format says.

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "plugin/manifest_io.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

/// A fresh directory per test, removed afterwards.
class CheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/haguard-check-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  /// Runs haguard with `args`, `stdin_text` on its standard input; stdout and stderr captured
  /// through files (no pipes to deadlock on).
  Result haguard(const std::vector<std::string>& args, std::string_view stdin_text = {}) {
    const fs::path in = dir_ / ".stdin", out = dir_ / ".stdout", err = dir_ / ".stderr";
    spit(in, stdin_text);
    std::vector<std::string> argv_s = {HAGUARD_BIN};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      int fi = open(in.c_str(), O_RDONLY);
      int fo = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int fe = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (fi < 0 || fo < 0 || fe < 0) _exit(127);
      if (!cwd_.empty() && chdir(cwd_.c_str()) != 0) _exit(127);
      dup2(fi, 0), dup2(fo, 1), dup2(fe, 2);
      execv(argv[0], argv.data());
      _exit(127);
    }
    Result r;
    int status = 0;
    if (pid > 0 && waitpid(pid, &status, 0) == pid)
      r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }

  /// Runs with `-o json` and parses stdout.
  json check_json(std::vector<std::string> args, int expected_code, std::string_view in = {}) {
    args.insert(args.begin(), {"check", "-o", "json"});
    Result r = haguard(args, in);
    EXPECT_EQ(r.code, expected_code) << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
  }

  static std::string corpus(const char* name) {
    return std::string(HAGUARD_CORPUS_DIR) + "/" + name;
  }

  fs::path dir_;
  fs::path cwd_;  ///< where haguard runs, when set
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  for (std::istringstream in(text); lines.emplace_back(), std::getline(in, lines.back());) {
  }
  return lines;
}

/// The findings of `report` for object `name` and rule `rule`.
std::vector<json> findings(const json& report, std::string_view name, std::string_view rule) {
  std::vector<json> out;
  for (const json& f : report["findings"])
    if (f["name"] == name && f["rule"] == rule) out.push_back(f);
  return out;
}

const char* kDapp = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: dapp
  namespace: NS
  labels:
    app.kubernetes.io/name: dapp
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: dapp
  template:
    metadata:
      labels:
        app.kubernetes.io/name: dapp
    spec:
      containers:
      - name: dapp
        image: ghcr.io/example/dapp:1.0
        ports:
        - name: http
          containerPort: 3000
)";

std::string dapp_in(std::string_view ns) {
  std::string s = kDapp;
  s.replace(s.find("NS"), 2, ns);
  return s;
}

std::string namespace_doc(std::string_view name, std::string_view env) {
  return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + std::string(name) +
         "\n  labels:\n    haguard.dalp.io/environment: " + std::string(env) + "\n";
}

// ---------------------------------------------------------------------------------------------

TEST_F(CheckTest, CorpusParsesCompletelyInEveryEnvironment) {
  struct Case {
    const char* file;
    std::size_t objects, workloads;
  };
  for (const Case& c :
       {Case{"argo-cd-namespace-install.yaml", 50, 7}, Case{"ingress-nginx-deploy.yaml", 19, 3},
        Case{"microservices-demo.yaml", 35, 12}}) {
    SCOPED_TRACE(c.file);
    json def = check_json({corpus(c.file)}, 0);  // outside production nothing is enforced
    EXPECT_EQ(def["summary"]["objects"], c.objects);
    EXPECT_EQ(def["summary"]["workloads"], c.workloads);
    EXPECT_EQ(def["summary"]["errors"], 0);
    EXPECT_TRUE(def["errors"].empty());
    EXPECT_EQ(def["summary"]["blocking"], 0);
    json prod = check_json({"-e", "production", corpus(c.file)}, 1);
    EXPECT_EQ(prod["summary"]["objects"], c.objects);
    EXPECT_GT(prod["summary"]["blocking"], 0);
  }
}

TEST_F(CheckTest, ArgoCdFindingsNameTheRightObjects) {
  const std::string file = corpus("argo-cd-namespace-install.yaml");
  json prod = check_json({"-e", "production", file}, 1);
  // Every finding has the documented fields, and its object_line starts a document of its kind.
  const std::vector<std::string> lines = lines_of(slurp(file));
  for (const json& f : prod["findings"]) {
    for (const char* key : {"rule", "outcome", "enforcement", "environment", "kind", "namespace",
                            "name", "file", "document", "line", "column", "object_line", "path",
                            "message", "fixable", "exemption"})
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
  // dex's anti-affinity term selects part-of=argocd, not its own pods.
  auto dex = findings(prod, "argocd-dex-server", "soft-anti-affinity");
  ASSERT_EQ(dex.size(), 1u);
  EXPECT_NE(dex[0]["message"].get<std::string>().find("term #0"), std::string::npos);
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

TEST_F(CheckTest, SarifIsWellFormed) {
  Result r = haguard(
      {"check", "-o", "sarif", "-e", "production", corpus("argo-cd-namespace-install.yaml")});
  EXPECT_EQ(r.code, 1);
  json s = json::parse(r.out);
  EXPECT_EQ(s["version"], "2.1.0");
  ASSERT_EQ(s["runs"].size(), 1u);
  const json& run = s["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "haguard");
  std::vector<std::string> ids;
  for (const json& rule : run["tool"]["driver"]["rules"]) {
    ids.push_back(rule["id"]);
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
  }
  for (const char* id : {"min-replicas", "probes", "soft-anti-affinity",
                         "no-bundled-stateful-services", "pod-disruption-budget"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
  ASSERT_FALSE(run["results"].empty());
  bool error_seen = false;
  for (const json& res : run["results"]) {
    const std::size_t index = res["ruleIndex"];
    ASSERT_LT(index, ids.size());
    EXPECT_EQ(ids[index], res["ruleId"]);
    const std::string level = res["level"];
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note") << level;
    error_seen = error_seen || level == "error";
    EXPECT_FALSE(res["message"]["text"].get<std::string>().empty());
    const json& loc = res["locations"][0]["physicalLocation"];
    EXPECT_NE(
        loc["artifactLocation"]["uri"].get<std::string>().find("argo-cd-namespace-install.yaml"),
        std::string::npos);
    EXPECT_GE(loc["region"]["startLine"].get<int>(), 1);
  }
  EXPECT_TRUE(error_seen);
}

/// A minimal XML 1.0 well-formedness check: balanced tags, quoted attributes, known entities.
bool well_formed_xml(std::string_view x, std::string& why) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  if (x.starts_with("<?xml")) i = x.find("?>") + 2;
  while (i < x.size()) {
    if (x[i] == '&') {
      std::size_t semi = x.find(';', i);
      std::string_view ent = x.substr(i, semi == std::string_view::npos ? 0 : semi - i + 1);
      if (!(ent == "&amp;" || ent == "&lt;" || ent == "&gt;" || ent == "&quot;" ||
            ent == "&apos;" || (ent.starts_with("&#") && ent.size() > 3)))
        return why = "bad entity at " + std::to_string(i), false;
      i = semi + 1;
      continue;
    }
    if (x[i] != '<') {
      if (static_cast<unsigned char>(x[i]) < 0x20 && x[i] != '\n' && x[i] != '\t' && x[i] != '\r')
        return why = "control character", false;
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    char quote = 0;
    for (; end < x.size() && (quote || x[end] != '>'); ++end) {
      if (quote && x[end] == quote)
        quote = 0;
      else if (!quote && (x[end] == '"' || x[end] == '\''))
        quote = x[end];
      else if (quote && x[end] == '<')
        return why = "< in attribute", false;
    }
    if (end >= x.size()) return why = "unterminated tag", false;
    std::string_view tag = x.substr(i + 1, end - i - 1);
    const bool closing = tag.starts_with('/'), empty = tag.ends_with('/');
    std::string name(tag.substr(closing, tag.find_first_of(" /\n", closing) - closing));
    if (closing) {
      if (stack.empty() || stack.back() != name) return why = "mismatched </" + name + ">", false;
      stack.pop_back();
    } else if (!empty) {
      stack.push_back(name);
    }
    i = end + 1;
  }
  if (!stack.empty()) return why = "unclosed <" + stack.back() + ">", false;
  return true;
}

TEST_F(CheckTest, JunitIsWellFormedWithFailuresForBlockingFindings) {
  spit(dir_ / "x.yaml", namespace_doc("prod", "production") + "---\n" + dapp_in("prod") + "---\n" +
                            dapp_in("dev <&> \"q\""));
  Result r = haguard(
      {"check", "-o", "junit", (dir_ / "x.yaml").string(), corpus("microservices-demo.yaml")});
  EXPECT_EQ(r.code, 1);
  std::string why;
  EXPECT_TRUE(well_formed_xml(r.out, why)) << why << "\n" << r.out;
  EXPECT_NE(r.out.find("<testsuites"), std::string::npos);
  auto count = [&](std::string_view what) {
    std::size_t n = 0;
    for (std::size_t p = r.out.find(what); p != std::string::npos; p = r.out.find(what, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<testsuite "), 2u);
  // One test case per object and rule evaluated, no two with one name: prod/dapp (production, a
  // dApp) gets all eight rules; a demo Deployment outside production the three that apply to any
  // workload there.
  std::set<std::string> names;
  for (std::size_t p = r.out.find("<testcase "); p != std::string::npos;
       p = r.out.find("<testcase ", p + 1)) {
    const std::size_t name = r.out.find(" name=\"", p) + 7;
    EXPECT_TRUE(names.insert(r.out.substr(name, r.out.find('"', name) - name)).second);
  }
  EXPECT_EQ(names.size(), count("<testcase "));
  for (const char* rule : {"min-replicas", "probes", "soft-anti-affinity",
                           "no-bundled-stateful-services", "resources", "zone-spread",
                           "rolling-update", "pod-disruption-budget"})
    EXPECT_EQ(names.count("Deployment prod/dapp: " + std::string(rule)), 1u) << rule;
  std::set<std::string> adservice;
  for (const std::string& n : names)
    if (n.starts_with("Deployment adservice: ")) adservice.insert(n.substr(22));
  EXPECT_EQ(adservice, (std::set<std::string>{"probes", "soft-anti-affinity", "resources"}));
  // Blocking in production: min-replicas, probes (two containers: one failure), anti-affinity.
  EXPECT_EQ(count("<failure "), 3u);
  for (const char* rule : {"min-replicas", "probes", "soft-anti-affinity"}) {
    const std::size_t at = r.out.find("name=\"Deployment prod/dapp: " + std::string(rule) + "\"");
    ASSERT_NE(at, std::string::npos) << rule;
    const std::string testcase = r.out.substr(at, r.out.find("</testcase>", at) - at);
    EXPECT_NE(testcase.find("<failure type=\"" + std::string(rule) + "\""), std::string::npos)
        << testcase;
  }
  // The failure carries the finding, container named.
  const std::size_t probes = r.out.find("name=\"Deployment prod/dapp: probes\"");
  const std::string testcase = r.out.substr(probes, r.out.find("</testcase>", probes) - probes);
  EXPECT_NE(testcase.find("container &quot;dapp&quot;"), std::string::npos) << testcase;
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
  auto read = haguard::plugin::read_manifests(fixed.out, "fixed");
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

/// RFC 3339 UTC time a week from now: an exemption expiry the default policy accepts.
std::string in_a_week() {
  const std::time_t t = std::time(nullptr) + 7 * 24 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

TEST_F(CheckTest, TextEscapesWhatTheManifestSays) {
  // An escape sequence that would recolour the terminal and a bidi override that would reorder
  // the line, in a name and in an exemption reason.
  std::string doc = dapp_in("prod");
  doc.replace(doc.find("name: dapp"), 10, "name: \"da\\e[31mpp\\u202Egnp.exe\\u0085\"");
  doc.replace(doc.find("  labels:"), 9,
              "  annotations:\n    haguard.dalp.io/exempt: probes\n"
              "    haguard.dalp.io/exempt-reason: \"CHG-1\\r\\e]0;owned\\a\"\n"
              "    haguard.dalp.io/exempt-until: \"" + in_a_week() + "\"\n  labels:");
  spit(dir_ / "esc.yaml", doc);
  spit(dir_ / "bad\x1b[2J.yaml", "a: [\n");
  Result r = haguard({"check", (dir_ / "esc.yaml").string(), (dir_ / "bad\x1b[2J.yaml").string()});
  for (const std::string* s : {&r.out, &r.err})
    for (char c : *s)
      EXPECT_FALSE((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f)
          << "raw control character " << int(c) << " in:\n" << *s;
  EXPECT_EQ(r.out.find("\u202E"), std::string::npos);  // the raw override, as UTF-8
  EXPECT_EQ(r.out.find("\xE2\x80\xAE"), std::string::npos);
  EXPECT_NE(r.out.find("da\\x1B[31mpp\\u{202E}gnp.exe\\u{0085}"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("CHG-1\\r\\x1B]0;owned\\x07"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("bad\\x1B[2J.yaml"), std::string::npos) << r.err;
  // Machine formats keep the text as it is (JSON escapes it its own way).
  json j = check_json({(dir_ / "esc.yaml").string()}, 0);
  EXPECT_EQ(j["findings"][0]["name"], "da\x1b[31mpp\u202Egnp.exe\u0085");
}

/// The deepest prefix of `pointer` that exists in `object`, and its last token.
std::pair<std::string, std::string> deepest_existing(const json& object, const std::string& pointer) {
  std::string existing, token;
  for (std::size_t at = 0; at < pointer.size();) {
    const std::size_t next = std::min(pointer.find('/', at + 1), pointer.size());
    const std::string candidate = pointer.substr(0, next);
    if (!object.contains(json::json_pointer(candidate))) break;
    existing = candidate;
    token = pointer.substr(at + 1, next - at - 1);
    at = next;
  }
  for (std::size_t p; (p = token.find("~1")) != std::string::npos;) token.replace(p, 2, "/");
  for (std::size_t p; (p = token.find("~0")) != std::string::npos;) token.replace(p, 2, "~");
  return {existing, token};
}

TEST_F(CheckTest, EveryFindingPointsAtItsFieldOrTheNearestOneThatExists) {
  // Checked independently of the locator: the object as parsed says which part of the path
  // exists; the text at the reported line and column must be that member's key, or that item.
  std::size_t checked = 0;
  std::set<std::tuple<std::string, std::string, int, int>> places;
  std::vector<std::string> files;
  for (const char* name : {"argo-cd-namespace-install.yaml", "ingress-nginx-deploy.yaml",
                           "microservices-demo.yaml"})
    files.push_back(corpus(name));
  for (const auto& e : fs::directory_iterator(fs::path(HAGUARD_CASES_DIR) / "upstream/kube-prometheus"))
    files.push_back(e.path().string());
  for (const std::string& file : files) {
    const std::vector<std::string> lines = lines_of(slurp(file));
    const auto docs = haguard::plugin::read_manifests(slurp(file), file).documents;
    Result r = haguard({"check", "-o", "json", "-e", "production", file});
    ASSERT_NE(r.code, 2) << r.err;
    const json report = json::parse(r.out);
    for (const json& f : report["findings"]) {
      SCOPED_TRACE(f.dump());
      const json* object = nullptr;
      for (const auto& d : docs)
        if (d.line == f["object_line"]) object = &d.object;
      ASSERT_NE(object, nullptr);
      const auto [existing, token] = deepest_existing(*object, f["path"]);
      const int line = f["line"], column = f["column"];
      ASSERT_GE(line, f["object_line"].get<int>());
      ASSERT_GE(column, 1);
      const std::string text = lines[line - 1].substr(column - 1);
      if (existing.empty()) {
        EXPECT_EQ(line, f["object_line"].get<int>());
      } else if (object->at(json::json_pointer(existing.substr(0, existing.rfind('/')))).is_array()) {
        EXPECT_EQ(lines[line - 1].substr(0, column - 1).find_last_not_of(' '), column - 3)
            << "an item starts after \"- \": " << lines[line - 1];
      } else {
        EXPECT_TRUE(text.starts_with(token + ":") || text.starts_with("\"" + token + "\":"))
            << token << " at " << line << ":" << column << ": " << lines[line - 1];
      }
      EXPECT_TRUE(places.emplace(f["file"], f["rule"], line, column).second)
          << "two findings of one rule at one place";
      ++checked;
    }
  }
  EXPECT_GT(checked, 50u);
}

TEST_F(CheckTest, SarifDriverCarriesTheVersionAndRulesTheirHelp) {
  Result version = haguard({"--version"});
  Result r = haguard({"check", "-o", "sarif", "-"}, dapp_in("a"));
  const json driver = json::parse(r.out)["runs"][0]["tool"]["driver"];
  EXPECT_EQ("haguard " + driver["version"].get<std::string>() + "\n", version.out);
  for (const json& rule : driver["rules"]) {
    const std::string id = rule["id"];
    EXPECT_TRUE(rule["helpUri"].get<std::string>().ends_with("/docs/operators-guide.md#" + id));
    const std::string guide = slurp(fs::path(HAGUARD_SOURCE_DIR) / "docs/operators-guide.md");
    const std::string section = "\n### " + id + "\n\n" + rule["help"]["markdown"].get<std::string>();
    EXPECT_NE(guide.find(section), std::string::npos) << id;
    EXPECT_GT(rule["help"]["text"].get<std::string>().size(), 100u) << id;
  }
}

}  // namespace

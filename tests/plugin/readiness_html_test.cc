// The readiness page in a real browser: Debian's chromium, headless, loads the HTML report of the
// ready cluster and of one that falls short; the page must render with no console message (the
// page's Content-Security-Policy turns any external asset or script into one), and the status a
// person reads on each row's badge must be the one the JSON report gives.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/plugin/render_harness.h"
#include "tests/support/files.h"

namespace haguard::test {
namespace {

const std::string kNow = "2026-12-04T10:00:00Z";

json dump() {
  std::ifstream in(std::string(HAGUARD_CASES_DIR) + "/readiness/ready-cluster.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

/// check id -> the badge text, from the DOM chromium built.
std::map<std::string, std::string> badges(const std::string& dom) {
  std::map<std::string, std::string> out;
  static const std::regex row(
      R"re(<article class="check s-[a-z-]+" data-check="([a-z-]+)">[\s\S]*?<span class="badge">([^<]*)</span>)re");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), row); it != std::sregex_iterator(); ++it)
    out[(*it)[1]] = (*it)[2];
  return out;
}

std::string label_of(const std::string& status) {
  if (status == "ready") return "Ready";
  if (status == "needs-attestation") return "Needs attestation";
  return "Not ready";
}

void check_page(const json& cluster, const std::vector<std::string>& files) {
  // Its own directory: ctest runs the page tests side by side, and two chromiums cannot share a
  // profile (the second one exits).
  const std::string out_dir = make_temp_dir("readiness-html");
  struct RemoveAtEnd {
    std::string dir;
    ~RemoveAtEnd() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } remove_at_end{out_dir};
  std::vector<std::string> base = {haguard_binary(), "readiness", "--now", kNow, "-o"};
  std::vector<std::string> argv_json = base, argv_html = base;
  argv_json.push_back("json");
  argv_html.push_back("html");
  for (auto* argv : {&argv_json, &argv_html}) {
    argv->push_back("-");
    argv->insert(argv->end(), files.begin(), files.end());
  }
  const ProcResult j = run_process(argv_json, {}, "/", cluster.dump());
  const ProcResult h = run_process(argv_html, {}, "/", cluster.dump());
  ASSERT_EQ(j.exit_code, h.exit_code);
  const json report = json::parse(j.out);
  const std::string page = out_dir + "/readiness.html";
  std::ofstream(page) << h.out;

  const ProcResult c = run_process(
      {HAGUARD_CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
       "--user-data-dir=" + out_dir + "/chromium-profile", "--enable-logging=stderr", "--v=0",
       "--dump-dom", "file://" + page},
      {"HOME=" + out_dir, "PATH=/usr/bin:/bin"}, "/", "", 120);
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.err.find(":CONSOLE"), std::string::npos) << "the page logged:\n" << c.err;

  const auto seen = badges(c.out);
  std::size_t rows = 0;
  for (const json& n : report["namespaces"])
    for (const json& r : n["rows"]) {
      ++rows;
      const std::string id = r["id"];
      ASSERT_TRUE(seen.count(id)) << id << " not on the page:\n" << c.out;
      EXPECT_EQ(seen.at(id), label_of(r["status"])) << id;
    }
  EXPECT_EQ(rows, 7u);
  EXPECT_EQ(seen.size(), rows);
  const bool ready = report["ready"];
  EXPECT_NE(c.out.find(ready ? "Ready for production traffic" : "Not ready for production traffic"),
            std::string::npos);
}

TEST(ReadinessHtml, ReadyClusterRendersAndShowsTheJsonStatuses) {
  check_page(dump(), {std::string(HAGUARD_SOURCE_DIR) + "/manifests/monitoring/dalp-workloads.yaml"});
}

TEST(ReadinessHtml, ShortfallsRenderAndShowTheJsonStatuses) {
  json cluster = dump();
  auto& ann = cluster["items"][0]["metadata"]["annotations"];
  ann.erase("haguard.dalp.io/attest.cache");
  ann["haguard.dalp.io/attest.postgresql"] = "Jane <script>alert(1)</script>, 2026-01-01, CHG-1";
  check_page(cluster, {});  // no shipped alerts: observability not ready
}

}  // namespace
}  // namespace haguard::test

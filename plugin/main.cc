// haguard: the CLI. Argo CD config-management plugin (render, parameters), CI checker (check) and
// KRM function (fn), all over the engine in policies/.

#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "haguard/revision.h"

#include "plugin/command.h"

namespace {

struct CommandEntry {
  const char* name;
  const char* help;
  haguard::plugin::CommandSetup setup;
};

const CommandEntry kCommands[] = {
    {"check", "Check manifests (files, directories, or - for stdin) against the HA policy",
     haguard::plugin::setup_check},
    {"render", "Render the application's jsonnet as HA-compliant manifests (Argo CD generate)",
     haguard::plugin::setup_render},
    {"parameters", "Print the Argo CD parameter announcements for this application (JSON)",
     haguard::plugin::setup_parameters},
    {"fn", "KRM function: read a ResourceList on stdin, fix and check it, write it to stdout",
     haguard::plugin::setup_fn},
    {"post-render", "Helm post-renderer: manifests on stdin, the fixed stream on stdout, the report on stderr",
     haguard::plugin::setup_post_render},
    {"readiness", "Answer the HA guide's go-live checklist per production namespace of a cluster dump",
     haguard::plugin::setup_readiness},
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"haguard: keeps DALP deployments on Kubernetes highly available"};
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("haguard ") + HAGUARD_VERSION + " (revision " HAGUARD_REVISION ")");
  std::function<int()> run;
  for (const auto& c : kCommands) {
    CLI::App* sub = app.add_subcommand(c.name, c.help);
    auto runner = c.setup(*sub);
    sub->callback([&run, runner] { run = runner; });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2
  }
  try {
    return run ? run() : 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "haguard: %s\n", e.what());
    return 2;
  }
}

#pragma once
// The `haguard` subcommands. Each registers its options on a CLI11 subcommand and returns the
// function that runs it; main.cc holds the one table that drives dispatch and help.

#include <functional>

#include <CLI/CLI.hpp>

namespace haguard::plugin {

/// Returns the runner; its int is the process exit code.
using CommandSetup = std::function<std::function<int()>(CLI::App&)>;

std::function<int()> setup_check(CLI::App& app);
std::function<int()> setup_render(CLI::App& app);
std::function<int()> setup_parameters(CLI::App& app);
std::function<int()> setup_fn(CLI::App& app);
std::function<int()> setup_post_render(CLI::App& app);
std::function<int()> setup_readiness(CLI::App& app);

}  // namespace haguard::plugin

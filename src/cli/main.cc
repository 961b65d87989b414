// kalam: the command-line client of KalamDB (docs/cli.md). Speaks only the public HTTP and
// WebSocket protocol; results on stdout, everything else on stderr.

#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "connect.h"
#include "credentials.h"
#include "exit_code.h"
#include "interrupt.h"
#include "live_subscription.h"
#include "output_format.h"
#include "repl.h"
#include "statement_runner.h"
#include "terminal.h"

namespace kalam::cli {
namespace {

struct Flags {
  std::string url;
  std::string host;
  uint16_t port = 8080;
  std::string user;
  std::string password;
  std::string token;
  std::string instance = "local";
  bool save_credentials = false;
  std::string command;
  std::string file;
  std::string format = "table";
  bool json = false;
  bool csv = false;
  std::string subscribe;
  double subscription_timeout = 0;
  unsigned timeout = 30;
  bool no_color = false;
  bool verbose = false;
  bool show_types = false;
};

int Fail(const Status& status) {
  if (!status.message().empty()) std::fprintf(stderr, "kalam: %s\n", status.message().c_str());
  return static_cast<int>(ExitCodeFor(status));
}

Result<std::string> ReadScript(const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream file(path);
  if (!file) return Status(kUsageError, "cannot read " + path);
  text << file.rdbuf();
  return text.str();
}

int Main(int argc, char** argv) {
  Flags flags;
  CLI::App app{"kalam: the KalamDB command-line client (docs/cli.md)", "kalam"};
  app.set_version_flag("--version", std::string("kalam ") + KALAMDB_VERSION);
  auto* url = app.add_option("--url", flags.url, "Server URL (default http://localhost:8080)");
  auto* host = app.add_option("-H,--host", flags.host, "Server host (with --port; instead of --url)");
  auto* port = app.add_option("-p,--port", flags.port, "Server port (default 8080)");
  url->excludes(host)->excludes(port);
  app.add_option("-u,--user", flags.user, "Log in as USER (/v1/api/auth/login)");
  app.add_option("--password", flags.password, "Password for --user (prompted on a terminal if omitted)");
  auto* token = app.add_option("--token", flags.token, "A ready access token (JWT)");
  app.add_option("--instance", flags.instance, "Credentials entry to use (default local)");
  app.add_flag("--save-credentials", flags.save_credentials, "Store the tokens of this login for --instance");
  auto* command = app.add_option("-c", flags.command, "Send SQL as one request, print the answer, exit");
  auto* file = app.add_option("-f", flags.file, "Run a file (- = stdin) statement by statement, stop at the first error");
  command->excludes(file);
  auto* format = app.add_option("--format", flags.format, "Output format: table, json or csv")
                     ->check(CLI::IsMember({"table", "json", "csv"}));
  auto* json = app.add_flag("--json", flags.json, "Same as --format json");
  auto* csv = app.add_flag("--csv", flags.csv, "Same as --format csv");
  format->excludes(json)->excludes(csv);
  json->excludes(csv);
  auto* subscribe = app.add_option("--subscribe", flags.subscribe, "Subscribe to a live query and print its events");
  subscribe->excludes(command)->excludes(file);
  app.add_option("--subscription-timeout", flags.subscription_timeout, "Stop --subscribe after SECS seconds")
      ->check(CLI::PositiveNumber);
  app.add_option("--timeout", flags.timeout, "Request timeout in seconds (default 30)")->check(CLI::PositiveNumber);
  app.add_flag("--no-color", flags.no_color, "Plain output, no ANSI styles");
  app.add_flag("-v,--verbose", flags.verbose, "Say where and as whom on stderr");
  app.add_flag("--show-types", flags.show_types, "Show column types under table headers");
  token->excludes(app.get_option("--user"));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  }

  PrintOptions print;
  print.format = flags.json ? OutputFormat::kJson : flags.csv ? OutputFormat::kCsv : *ParseOutputFormat(flags.format);
  print.color = StdoutIsTty() && !flags.no_color && std::getenv("NO_COLOR") == nullptr;
  print.show_types = flags.show_types;

  ConnectOptions connect;
  if (!flags.url.empty()) connect.url = flags.url;
  if (!flags.host.empty() || port->count() > 0) {
    connect.url = "http://" + (flags.host.empty() ? std::string("localhost") : flags.host) + ":" + std::to_string(flags.port);
  }
  connect.instance = flags.instance;
  if (!flags.user.empty()) connect.user = flags.user;
  if (app.get_option("--password")->count() > 0) connect.password = flags.password;
  if (!flags.token.empty()) connect.token = flags.token;
  connect.save_credentials = flags.save_credentials;
  connect.timeout = std::chrono::seconds(flags.timeout);
  connect.credentials_path = CredentialsFile::DefaultPath();

  InstallInterruptHandler();
  auto client = Connect(connect);
  if (!client.ok()) return Fail(client.status());
  if (flags.verbose) {
    std::fprintf(stderr, "kalam: %s as %s\n", (*client)->url().ToString().c_str(),
                 (*client)->tokens().user.empty() ? "(token)" : (*client)->tokens().user.c_str());
  }

  if (!flags.subscribe.empty()) {
    SubscribeOptions options;
    options.sql = flags.subscribe;
    options.print = print;
    if (flags.subscription_timeout > 0) {
      options.timeout = std::chrono::seconds(static_cast<int64_t>(flags.subscription_timeout + 0.999));
    }
    return Fail(RunSubscription(**client, options, stdout, stderr));
  }
  const bool script = command->count() > 0 || file->count() > 0 || !StdinIsTty();
  if (script) {
    StatementRunner runner(client->get(), print, false);
    Status status;
    if (command->count() > 0) {
      status = runner.Run(flags.command);
    } else {
      auto text = ReadScript(file->count() > 0 ? flags.file : "-");
      status = text.ok() ? runner.RunScript(*text) : text.status();
    }
    std::fflush(stdout);
    return Fail(status);
  }
  Reconnect reconnect = [connect](const std::string& target) {
    ConnectOptions next = connect;
    next.user.reset();
    next.password.reset();
    next.token.reset();
    if (target.find("://") != std::string::npos) {
      next.url = target;
    } else {
      next.url.reset();
      next.instance = target;
    }
    return Connect(next);
  };
  return RunRepl(std::move(client).value(), print, std::move(reconnect));
}

}  // namespace
}  // namespace kalam::cli

int main(int argc, char** argv) { return kalam::cli::Main(argc, argv); }

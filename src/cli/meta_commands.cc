#include "meta_commands.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "exit_code.h"
#include "interrupt.h"
#include "live_subscription.h"
#include "statement_splitter.h"

namespace kalam::cli {
namespace {

std::string WithoutSemicolon(std::string_view sql) {
  sql = Trim(sql);
  while (!sql.empty() && sql.back() == ';') sql = Trim(sql.substr(0, sql.size() - 1));
  return std::string(sql);
}

}  // namespace

const char* MetaCommands::HelpText() {
  return "SQL statements end with ';' and may span lines. Meta-commands end at the end of the line:\n"
         "  \\q, \\quit           exit\n"
         "  \\?, \\help           this help\n"
         "  \\dt                 list tables (SHOW TABLES)\n"
         "  \\d TABLE            describe a table (DESCRIBE TABLE)\n"
         "  \\l                  list namespaces (SHOW NAMESPACES)\n"
         "  \\du                 list users (system.users; admins)\n"
         "  \\as USER SQL        run SQL as another user (EXECUTE AS USER)\n"
         "  \\stats              server statistics (system.stats)\n"
         "  \\health             server health (GET /health)\n"
         "  \\flush              flush every table (FLUSH ALL TABLES)\n"
         "  \\format FMT         output format: table, json or csv\n"
         "  \\types              show column types under table headers (toggle)\n"
         "  \\timing             show the client-side time of each request (toggle)\n"
         "  \\i FILE             run the statements of FILE, stopping at the first error\n"
         "  \\watch SECS         re-run the last query every SECS seconds until Ctrl+C\n"
         "  \\live               your live subscriptions (system.live)\n"
         "  \\connect TARGET     switch to an instance of ~/.kalam/credentials, or a URL\n"
         "  \\subscribe SQL      live query; prints changes until Ctrl+C\n"
         "Ctrl+C cancels the running request; Ctrl+D or \\q exits.\n";
}

void MetaCommands::Report(const Status& status) const {
  if (status.ok() || status.message().empty()) return;  // the answer was printed already
  if (status.code() == kCancelled) {
    std::fputs("Cancelled.\n", stderr);
    return;
  }
  std::fprintf(stderr, "error: %s\n", status.message().c_str());
}

void MetaCommands::Watch(std::string_view seconds_text, const std::string& last_query) {
  double seconds = 0;
  const auto [end, ec] = std::from_chars(seconds_text.data(), seconds_text.data() + seconds_text.size(), seconds);
  if (ec != std::errc() || end != seconds_text.data() + seconds_text.size() || seconds <= 0) {
    std::fputs("usage: \\watch SECS (a positive number)\n", stderr);
    return;
  }
  if (last_query.empty()) {
    std::fputs("\\watch: no query to re-run yet\n", stderr);
    return;
  }
  const auto period = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(seconds));
  while (!InterruptRequested()) {
    const auto next = std::chrono::steady_clock::now() + period;
    std::fprintf(stdout, "-- every %gs: %s\n", seconds, last_query.c_str());
    const Status status = runner_->Run(last_query);
    if (!status.ok()) {
      Report(status);
      break;
    }
    // Waiting in short steps keeps Ctrl+C prompt.
    while (!InterruptRequested() && std::chrono::steady_clock::now() < next) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ClearInterrupt();
}

MetaOutcome MetaCommands::Run(std::string_view line, const std::string& last_query) {
  line = Trim(line);
  const size_t space = line.find_first_of(" \t");
  const std::string_view name = line.substr(0, space);
  const std::string_view arg = space == std::string_view::npos ? std::string_view() : Trim(line.substr(space));
  KalamClient& client = **client_;
  const auto run = [&](const std::string& sql) { Report(runner_->Run(sql)); };

  if (name == "\\q" || name == "\\quit") return MetaOutcome::kQuit;
  if (name == "\\?" || name == "\\help") {
    std::fputs(HelpText(), stdout);
  } else if (name == "\\dt") {
    run("SHOW TABLES");
  } else if (name == "\\d") {
    run(arg.empty() ? "SHOW TABLES" : "DESCRIBE TABLE " + WithoutSemicolon(arg));
  } else if (name == "\\l") {
    run("SHOW NAMESPACES");
  } else if (name == "\\du") {
    run("SELECT user_id, role, email, auth_type, created_at, deleted_at FROM system.users ORDER BY user_id");
  } else if (name == "\\as") {
    const size_t gap = arg.find_first_of(" \t");
    if (arg.empty() || gap == std::string_view::npos) {
      std::fputs("usage: \\as USER SQL\n", stderr);
    } else {
      const std::string user(arg.substr(0, gap));
      run("EXECUTE AS USER '" + user + "' (" + WithoutSemicolon(arg.substr(gap)) + ")");
    }
  } else if (name == "\\stats") {
    run("SELECT * FROM system.stats");
  } else if (name == "\\health") {
    auto answer = client.Health();
    if (!answer.ok()) {
      Report(answer.status());
    } else {
      std::fprintf(answer->status == 200 ? stdout : stderr, "%s\n", answer->body.c_str());
    }
  } else if (name == "\\flush") {
    run("FLUSH ALL TABLES");
  } else if (name == "\\format") {
    if (const auto format = ParseOutputFormat(arg)) {
      runner_->options().format = *format;
      std::fprintf(stderr, "Output format is %.*s.\n", static_cast<int>(arg.size()), arg.data());
    } else {
      std::fputs("usage: \\format table|json|csv\n", stderr);
    }
  } else if (name == "\\types") {
    runner_->options().show_types = !runner_->options().show_types;
    std::fprintf(stderr, "Column types are %s.\n", runner_->options().show_types ? "shown" : "hidden");
  } else if (name == "\\timing") {
    bool& timing = runner_->timing();
    timing = arg == "on" ? true : arg == "off" ? false : !timing;
    std::fprintf(stderr, "Timing is %s.\n", timing ? "on" : "off");
  } else if (name == "\\i") {
    std::ifstream file{std::string(arg)};
    if (arg.empty() || !file) {
      std::fprintf(stderr, "\\i: cannot read '%.*s'\n", static_cast<int>(arg.size()), arg.data());
    } else {
      std::stringstream text;
      text << file.rdbuf();
      Report(runner_->RunScript(text.str()));
      completer_->Invalidate();
    }
  } else if (name == "\\watch") {
    Watch(arg, last_query);
  } else if (name == "\\live") {
    run("SELECT live_id, subscription_id, namespace_id, table_name, query, status, created_at, changes "
        "FROM system.live WHERE user_id = CURRENT_USER()");
  } else if (name == "\\connect" || name == "\\c") {
    if (arg.empty()) {
      std::fprintf(stderr, "Connected to %s as %s.\n", client.url().ToString().c_str(), client.tokens().user.c_str());
    } else if (auto next = reconnect_(std::string(arg)); next.ok()) {
      *client_ = std::move(next).value();
      runner_->set_client(client_->get());
      completer_->set_client(client_->get());
      std::fprintf(stderr, "Connected to %s.\n", (*client_)->url().ToString().c_str());
    } else {
      Report(next.status());
    }
  } else if (name == "\\subscribe") {
    if (arg.empty()) {
      std::fputs("usage: \\subscribe SQL\n", stderr);
    } else {
      SubscribeOptions options;
      options.sql = WithoutSemicolon(arg);
      options.print = runner_->options();
      std::fputs("-- subscribed; Ctrl+C stops\n", stderr);
      Report(RunSubscription(client, options, stdout, stderr));
    }
  } else {
    std::fprintf(stderr, "unknown command %.*s; \\? lists them\n", static_cast<int>(name.size()), name.data());
  }
  std::fflush(stdout);
  return MetaOutcome::kContinue;
}

}  // namespace kalam::cli

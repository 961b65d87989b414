#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kalam/commons/temp_dir.h"

namespace kalam::testing {

// Runs the real kalamdb-server binary on a free loopback port (--port 0) and reads the
// port from its "listening on" line. Stops it with SIGTERM at destruction. Everything the
// server prints on stdout and stderr (its log lines and startup errors included) is kept:
// output() until it listens (or exits), AllOutput() for the whole run so far.
class ServerProcess {
 public:
  static std::string BinaryPath() { return KALAMDB_SERVER_BINARY; }

  // Starts the server; returns false when it exited or never printed "listening on".
  bool Start(const std::string& data_dir, std::map<std::string, std::string> env = {},
             std::vector<std::string> extra_args = {}) {
    int out_pipe[2];
    if (pipe(out_pipe) != 0) return false;
    std::vector<std::string> args = {binary_, "--data-dir", data_dir, "--port", "0"};
    if (std::find(extra_args.begin(), extra_args.end(), "--host") == extra_args.end()) {
      args.insert(args.end(), {"--host", "127.0.0.1"});
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    if (!env.count("KALAMDB_ROOT_PASSWORD")) env["KALAMDB_ROOT_PASSWORD"] = "kalamdb123";
    if (!env.count("KALAMDB_AUTH_BCRYPT_COST")) env["KALAMDB_AUTH_BCRYPT_COST"] = "4";
    if (!env.count("KALAMDB_LOG_LEVEL")) env["KALAMDB_LOG_LEVEL"] = "warn";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out_pipe[1], STDOUT_FILENO);
      dup2(out_pipe[1], STDERR_FILENO);
      close(out_pipe[0]);
      close(out_pipe[1]);
      for (const auto& [k, v] : env) {
        if (v.empty()) {
          unsetenv(k.c_str());
        } else {
          setenv(k.c_str(), v.c_str(), 1);
        }
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out_pipe[1]);
    out_ = fdopen(out_pipe[0], "r");
    // Read lines until "listening on" (or EOF when the process exits early).
    char line[4096];
    while (fgets(line, sizeof line, out_) != nullptr) {
      std::string text(line);
      output_ += text;
      const std::string marker = "listening on http://";
      if (auto at = text.find(marker); at != std::string::npos) {
        // The port follows the last ':' (the host may be an IPv6 address).
        port_ = static_cast<uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
        {
          std::lock_guard lock(all_output_mu_);
          all_output_ = output_;
        }
        // Keep draining stdout so the server never blocks on a full pipe.
        drain_ = std::thread([this, f = out_] {
          char buf[4096];
          while (fgets(buf, sizeof buf, f) != nullptr) {
            std::lock_guard lock(all_output_mu_);
            all_output_ += buf;
          }
        });
        return true;
      }
    }
    return false;
  }

  // SIGTERM, then the exit code (or -1 if it had to be killed).
  int Stop(int signal_number = SIGTERM) {
    if (pid_ > 0) {
      kill(pid_, signal_number);
      WaitExit(std::chrono::seconds(20));
    }
    // Also after WaitExit saw the process end by itself: its output pipe is at EOF now.
    if (drain_.joinable()) drain_.join();
    if (out_) {
      fclose(out_);
      out_ = nullptr;
    }
    return exit_code_;
  }

  // Waits for the process to exit by itself (e.g. a refused start) and returns its code.
  int WaitExit(std::chrono::seconds timeout) {
    if (pid_ <= 0) return exit_code_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      const pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_code_ = -1;
    return exit_code_;
  }

  ~ServerProcess() { Stop(); }

  // Runs another build of the server from the next Start on (e.g. the failpoint build).
  void UseBinary(std::string path) { binary_ = std::move(path); }

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& output() const { return output_; }
  std::string AllOutput() const {
    std::lock_guard lock(all_output_mu_);
    return all_output_;
  }

 private:
  std::string binary_ = BinaryPath();
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  std::thread drain_;
  uint16_t port_ = 0;
  std::string output_;
  mutable std::mutex all_output_mu_;  // guards all_output_ (appended by the drain thread)
  std::string all_output_;
  int exit_code_ = -1;
};

}  // namespace kalam::testing

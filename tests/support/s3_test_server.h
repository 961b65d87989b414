#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace kalam::testing {

// The S3-compatible server of the object-storage tests (tests/s3/test_server.js: s3rver
// behind a fault-injecting front) on a free loopback port, with `bucket` created. Stopped at
// destruction. Needs `npm ci` in tests/s3 (scripts/setup.sh); Available() says whether it ran.
class S3TestServer {
 public:
  static constexpr const char* kAccessKey = "S3RVER";
  static constexpr const char* kSecretKey = "S3RVER";

  static bool Installed() {
    return std::filesystem::exists(std::string(KALAMDB_S3_TEST_DIR) + "/node_modules/s3rver/package.json");
  }

  S3TestServer(const std::string& data_dir, const std::string& bucket) {
    if (!Installed()) return;
    int out_pipe[2];
    if (pipe(out_pipe) != 0) return;
    const std::string script = std::string(KALAMDB_S3_TEST_DIR) + "/test_server.js";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out_pipe[1], STDOUT_FILENO);
      close(out_pipe[0]);
      close(out_pipe[1]);
      execlp("node", "node", script.c_str(), data_dir.c_str(), bucket.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out_pipe[1]);
    out_ = fdopen(out_pipe[0], "r");
    char line[512];
    if (fgets(line, sizeof line, out_) != nullptr) {
      const std::string text(line);
      if (text.rfind("listening on http://", 0) == 0) port_ = std::stoi(text.substr(text.rfind(':') + 1));
    }
  }
  ~S3TestServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
    if (out_ != nullptr) fclose(out_);
  }
  S3TestServer(const S3TestServer&) = delete;
  S3TestServer& operator=(const S3TestServer&) = delete;

  bool running() const { return port_ > 0; }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // The next `count` requests (of `method`, or any) answer `status`, after `skip` of them
  // went through.
  bool FailNext(int count, int status = 500, const std::string& method = "", int skip = 0) {
    return Control("status=" + std::to_string(status) + "&count=" + std::to_string(count) +
                   (method.empty() ? "" : "&method=" + method) + "&skip=" + std::to_string(skip));
  }
  // The next `count` requests (of `method`, or any) get no answer at all.
  bool HangNext(int count, const std::string& method = "") {
    return Control("hang=1&count=" + std::to_string(count) + (method.empty() ? "" : "&method=" + method));
  }
  bool Clear() { return Control("clear=1"); }
  // How many requests the faults answered so far (from the control endpoint's JSON).
  int Injected() {
    const std::string body = Request("GET", "");
    const size_t at = body.find("\"injected\":");
    return at == std::string::npos ? -1 : std::stoi(body.substr(at + 11));
  }

 private:
  bool Control(const std::string& query) { return Request("POST", query).find("pending") != std::string::npos; }

  // One HTTP/1.0 exchange with the control endpoint; the whole answer, or "" on failure.
  std::string Request(const std::string& method, const std::string& query) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return "";
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string answer;
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      const std::string request = method + " /__faults" + (query.empty() ? "" : "?" + query) +
                                  " HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n";
      if (write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
        char buf[1024];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) answer.append(buf, static_cast<size_t>(n));
      }
    }
    close(fd);
    return answer;
  }

  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
};

}  // namespace kalam::testing

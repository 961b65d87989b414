#include "connect.h"

#include "credentials.h"
#include "exit_code.h"
#include "terminal.h"

namespace kalam::cli {

Result<std::unique_ptr<KalamClient>> Connect(const ConnectOptions& options) {
  const CredentialsFile file(options.credentials_path);
  std::optional<CredentialEntry> saved;
  if (!options.token) {
    auto loaded = file.Load(options.instance);
    if (!loaded.ok()) return Status(kUsageError, loaded.status().message());
    saved = std::move(loaded).value();
  }
  std::string url_text = options.url.value_or(saved && !saved->url.empty() ? saved->url : std::string(kDefaultUrl));
  KALAM_ASSIGN_OR_RETURN(ServerUrl url, ServerUrl::Parse(url_text));
  auto client = std::make_unique<KalamClient>(url, options.timeout);

  if (options.token) {
    client->UseToken(*options.token);
    return client;
  }
  const auto store = [&file, instance = options.instance](const CredentialEntry& entry) {
    // The answer stands even if the file cannot be written; say so.
    if (Status saved_status = file.Save(instance, entry); !saved_status.ok()) {
      std::fprintf(stderr, "warning: %s\n", saved_status.message().c_str());
    }
  };
  // Saved tokens belong to the server they were issued by.
  const bool saved_matches = saved && !saved->access_token.empty() &&
                             (!options.url || (ServerUrl::Parse(saved->url).ok() &&
                                                   ServerUrl::Parse(saved->url)->ToString() == url.ToString()));
  if (!options.user && saved_matches) {
    client->UseTokens(*saved);
    client->set_on_tokens(store);
    if (client->AccessTokenExpired()) KALAM_RETURN_IF_ERROR(client->Refresh());
    return client;
  }
  std::string user;
  if (options.user) {
    user = *options.user;
  } else {
    KALAM_ASSIGN_OR_RETURN(user, PromptOnTty("User: ", false));
  }
  std::string password;
  if (options.password) {
    password = *options.password;
  } else {
    KALAM_ASSIGN_OR_RETURN(password, PromptOnTty("Password for " + user + ": ", true));
  }
  if (options.save_credentials) client->set_on_tokens(store);
  KALAM_RETURN_IF_ERROR(client->Login(user, password));
  return client;
}

}  // namespace kalam::cli

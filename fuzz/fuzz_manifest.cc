// libFuzzer target: manifest.json as read back from a storage directory
// (src/filestore/manifest.*). A manifest that decodes must encode to text that decodes to the
// same manifest, since SaveManifest relies on that to refuse what it could not read back.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "kalam/filestore/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto manifest = kalam::filestore::DecodeManifest(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!manifest.ok()) return 0;
  (void)kalam::filestore::NextBatchNumber(manifest.value());
  const std::string encoded = kalam::filestore::EncodeManifest(manifest.value());
  auto again = kalam::filestore::DecodeManifest(encoded);
  if (!again.ok() || !(again.value() == manifest.value())) {
    std::fprintf(stderr, "manifest does not survive a round trip: %s\n", encoded.c_str());
    std::abort();
  }
  return 0;
}

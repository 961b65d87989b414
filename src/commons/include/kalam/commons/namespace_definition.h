#pragma once

#include <cstdint>
#include <string>

#include "kalam/commons/ids.h"

namespace kalam {

struct NamespaceDefinition {
  NamespaceId id;
  int64_t created_at_us = 0;
  std::string options_json = "{}";
};

}  // namespace kalam

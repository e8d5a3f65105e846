// Content-Type by file extension.
#pragma once

#include <string_view>

namespace tenk::http {

// The media type for `path`'s extension (case-insensitive), e.g. "text/html; charset=utf-8" for
// ".html". Unknown or missing extension: "application/octet-stream".
std::string_view mime_type_for(std::string_view path);

}  // namespace tenk::http

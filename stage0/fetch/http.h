// HTTP(S) downloads for images, signatures, keys and discovery pages (libcurl).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oslayer/result.h"

namespace stage0::fetch {

struct HttpOptions {
  bool allow_http = false;     // --insecure-options=http: plain http:// URLs are allowed
  bool insecure_tls = false;   // --insecure-options=tls: certificates are not verified
  std::string if_none_match;   // an ETag from an earlier fetch; a 304 answer is then not an error
  uint64_t max_bytes = 0;      // 0: no limit; more is an error (an endless-data attack ends)
  bool progress = false;       // a progress bar on stderr (only drawn when stderr is a terminal)
  std::string progress_label;  // what the bar names ("image", "signature")
  // curl's --connect-to: "HOST:PORT:CONNECT_HOST:CONNECT_PORT" sends requests for HOST:PORT to
  // another address while TLS still checks HOST. Tests point discovery names at local servers.
  std::vector<std::string> connect_to;
};

struct HttpResult {
  long status = 0;                 // 200, or 304 when if_none_match matched
  std::string etag;                // the ETag header, if any
  std::optional<int64_t> max_age;  // Cache-Control max-age in seconds, if any
  std::string final_url;           // after redirects
  uint64_t bytes = 0;              // body bytes written
};

// GETs `url` (following redirects, at most 10), writing the body to `out_fd`. Any status other
// than 200 (or 304 with if_none_match) is an error naming the URL and the status. The CA bundle
// is the system's, or the file named by $SSL_CERT_FILE when set (tests use their own CA).
oslayer::Result<HttpResult> http_get_to_fd(const std::string& url, int out_fd,
                                           const HttpOptions& options);
// The same into memory, for small bodies (keys, signatures, discovery pages); `max_bytes`
// defaults to 1 MiB when the options leave it 0.
oslayer::Result<std::string> http_get_to_string(const std::string& url, const HttpOptions& options);

}  // namespace stage0::fetch

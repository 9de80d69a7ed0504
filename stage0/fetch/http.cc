// libcurl's easy API behind http_get_to_fd. Every libcurl failure becomes an oslayer::Error here;
// nothing above this file sees a CURLcode.
#include "stage0/fetch/http.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>

#include "oslayer/fd.h"
#include "stage0/fetch/http_headers.h"
#include "stage0/fetch/progress.h"

namespace stage0::fetch {
namespace {

using oslayer::Error;
using oslayer::Result;
using oslayer::Status;

constexpr const char* kUserAgent = "rkt/1.30.0 (Rocket)";
constexpr long kMaxRedirects = 10;
constexpr long kConnectTimeoutSeconds = 30;
// A server that stops sending (or trickles) ends the transfer instead of hanging rkt forever:
// below 1 byte/s for 60 s.
constexpr long kLowSpeedLimit = 1;
constexpr long kLowSpeedTimeSeconds = 60;
constexpr uint64_t kDefaultStringLimit = 1 << 20;
constexpr const char* kHttpHint = "(use --insecure-options=http to allow it)";

// curl_global_init is not thread-safe and must run once before any handle exists.
Status init_curl_once() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (rc != CURLE_OK) {
    return Error::msg(std::string("initializing libcurl: ") + curl_easy_strerror(rc));
  }
  return oslayer::ok();
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Appends to a list owned by `list`; false when libcurl is out of memory.
bool slist_append(Slist& list, const std::string& item) {
  curl_slist* grown = curl_slist_append(list.get(), item.c_str());
  if (grown == nullptr) return false;
  (void)list.release();  // `grown` is the same list with one more node
  list.reset(grown);
  return true;
}

// What the callbacks share with the code that set up the transfer. Callbacks must not throw or
// unwind through libcurl, so they record failures here and return an abort code.
struct Transfer {
  CURL* easy = nullptr;
  int out_fd = -1;                 // the body goes here...
  std::string* out_str = nullptr;  // ...or here
  uint64_t max_bytes = 0;
  uint64_t bytes = 0;
  bool too_large = false;
  bool wrong_status = false;  // the body of a non-200 answer was refused
  std::optional<Error> write_error;
  std::string etag;
  CacheDirectives cache;
  std::string location;  // the last Location header, to name a refused redirect
  ProgressBar* progress = nullptr;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (is_status_line(line)) {
    // A redirect chain delivers the headers of every hop; only the last response's count.
    t->etag.clear();
    t->cache = CacheDirectives();
    return n;
  }
  auto header = split_header_line(line);
  if (!header) return n;
  auto [name, value] = *header;
  if (equals_ignoring_case(name, "ETag")) {
    t->etag = std::string(value);
  } else if (equals_ignoring_case(name, "Cache-Control")) {
    apply_cache_control(value, t->cache);
  } else if (equals_ignoring_case(name, "Location")) {
    t->location = std::string(value);
  }
  return n;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  long status = 0;
  (void)curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);  // 0 if unknown
  if (status != 200) {
    // An error page is never wanted, and an endless one must not keep us reading.
    t->wrong_status = true;
    return 0;
  }
  if (t->max_bytes != 0 && (n > t->max_bytes || t->bytes > t->max_bytes - n)) {
    t->too_large = true;
    return 0;
  }
  if (t->out_str != nullptr) {
    t->out_str->append(data, n);
  } else if (auto s = oslayer::write_all(t->out_fd, std::string_view(data, n)); !s) {
    t->write_error = std::move(s).error();
    return 0;
  }
  t->bytes += n;
  return n;
}

int on_progress(void* user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  t->progress->update(static_cast<uint64_t>(dlnow > 0 ? dlnow : 0),
                      static_cast<uint64_t>(dltotal > 0 ? dltotal : 0));
  return 0;
}

// libcurl opens its sockets without O_CLOEXEC; one must not leak into a stage1 that another
// thread execs while a download runs.
curl_socket_t open_socket(void*, curlsocktype, curl_sockaddr* address) {
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

std::string scheme_of(const std::string& url) {
  size_t colon = url.find("://");
  if (colon == std::string::npos) return {};
  std::string scheme = url.substr(0, colon);
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return scheme;
}

Status check_scheme(const std::string& url, bool allow_http) {
  std::string scheme = scheme_of(url);
  if (scheme == "https") return oslayer::ok();
  if (scheme == "http") {
    if (allow_http) return oslayer::ok();
    return Error::msg("URL \"" + url + "\" is not https " + kHttpHint);
  }
  return Error::msg("URL \"" + url + "\" is neither https nor http");
}

// Builds the error for a failed curl_easy_perform: what libcurl calls the code, plus the detail
// it wrote into the error buffer ("SSL certificate problem: unable to get local issuer ...").
Error curl_error(CURLcode rc, const char* errbuf) {
  std::string text = curl_easy_strerror(rc);
  if (errbuf[0] != '\0' && text != errbuf) text += std::string(": ") + errbuf;
  return Error::msg(text);
}

// Sets an option whose failure means a libcurl too old or built without a feature we rely on.
template <class T>
Status set(CURL* easy, CURLoption option, T value, const char* what) {
  CURLcode rc = curl_easy_setopt(easy, option, value);
  if (rc != CURLE_OK) {
    return Error::msg(std::string("setting ") + what + ": " + curl_easy_strerror(rc));
  }
  return oslayer::ok();
}

Status configure(CURL* easy, const HttpOptions& options, Transfer& t, char* errbuf, Slist& headers,
                 Slist& connect_to) {
  // Both the first URL and every redirect are held to the same schemes, so an https URL cannot
  // be redirected to plain http behind the user's back.
  const char* protocols = options.allow_http ? "http,https" : "https";
  Status steps[] = {
    set(easy, CURLOPT_ERRORBUFFER, errbuf, "the error buffer"),
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0 added the _STR forms and deprecated the others
    set(easy, CURLOPT_PROTOCOLS_STR, protocols, "the allowed protocols"),
    set(easy, CURLOPT_REDIR_PROTOCOLS_STR, protocols, "the allowed redirect protocols"),
#else
    set(easy, CURLOPT_PROTOCOLS,
        options.allow_http ? (CURLPROTO_HTTP | CURLPROTO_HTTPS) : CURLPROTO_HTTPS,
        "the allowed protocols"),
    set(easy, CURLOPT_REDIR_PROTOCOLS,
        options.allow_http ? (CURLPROTO_HTTP | CURLPROTO_HTTPS) : CURLPROTO_HTTPS,
        "the allowed redirect protocols"),
#endif
    set(easy, CURLOPT_FOLLOWLOCATION, 1L, "redirect following"),
    set(easy, CURLOPT_MAXREDIRS, kMaxRedirects, "the redirect limit"),
    set(easy, CURLOPT_USERAGENT, kUserAgent, "the user agent"),
    set(easy, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds, "the connect timeout"),
    set(easy, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedLimit, "the low-speed limit"),
    set(easy, CURLOPT_LOW_SPEED_TIME, kLowSpeedTimeSeconds, "the low-speed time"),
    // Without this, a resolver lacking threads times out DNS with alarm(): a SIGALRM that hits
    // whichever thread runs and a longjmp through our stack.
    set(easy, CURLOPT_NOSIGNAL, 1L, "no signals"),
    set(easy, CURLOPT_OPENSOCKETFUNCTION, open_socket, "the socket callback"),
    set(easy, CURLOPT_HEADERFUNCTION, on_header, "the header callback"),
    set(easy, CURLOPT_HEADERDATA, &t, "the header callback data"),
    set(easy, CURLOPT_WRITEFUNCTION, on_body, "the write callback"),
    set(easy, CURLOPT_WRITEDATA, &t, "the write callback data"),
  };
  for (Status& s : steps) {
    if (!s) return std::move(s);
  }

  if (options.insecure_tls) {
    // --insecure-options=tls: the user accepted any certificate for any host.
    if (auto s = set(easy, CURLOPT_SSL_VERIFYPEER, 0L, "TLS peer verification"); !s) return s;
    if (auto s = set(easy, CURLOPT_SSL_VERIFYHOST, 0L, "TLS host verification"); !s) return s;
  }
  // OpenSSL's own convention, which libcurl does not read by itself; tests use their own CA.
  if (const char* ca = std::getenv("SSL_CERT_FILE"); ca != nullptr && ca[0] != '\0') {
    if (auto s = set(easy, CURLOPT_CAINFO, ca, "the CA bundle"); !s) return s;
  }
  if (options.max_bytes != 0) {
    // Refuses up front when Content-Length already says too much; on_body enforces the rest.
    auto limit = static_cast<curl_off_t>(options.max_bytes);
    if (auto s = set(easy, CURLOPT_MAXFILESIZE_LARGE, limit, "the size limit"); !s) return s;
  }
  if (!options.if_none_match.empty()) {
    if (!slist_append(headers, "If-None-Match: " + options.if_none_match)) {
      return Error::msg("out of memory building request headers");
    }
    if (auto s = set(easy, CURLOPT_HTTPHEADER, headers.get(), "request headers"); !s) return s;
  }
  if (!options.connect_to.empty()) {
    for (const std::string& entry : options.connect_to) {
      if (!slist_append(connect_to, entry)) return Error::msg("out of memory building connect-to");
    }
    if (auto s = set(easy, CURLOPT_CONNECT_TO, connect_to.get(), "connect-to"); !s) return s;
  }
  if (t.progress != nullptr) {
    if (auto s = set(easy, CURLOPT_XFERINFOFUNCTION, on_progress, "the progress callback"); !s) {
      return s;
    }
    if (auto s = set(easy, CURLOPT_XFERINFODATA, &t, "the progress data"); !s) return s;
    if (auto s = set(easy, CURLOPT_NOPROGRESS, 0L, "progress reporting"); !s) return s;
  }
  return oslayer::ok();
}

// Turns the outcome of curl_easy_perform into the result, most specific cause first: our own
// aborts from the callbacks explain a CURLE_WRITE_ERROR better than libcurl can.
Result<HttpResult> conclude(CURL* easy, CURLcode rc, const char* errbuf, const Transfer& t,
                            const HttpOptions& options) {
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return Error::msg("larger than " + std::to_string(options.max_bytes) + " bytes");
  }
  if (t.write_error) return Error(*t.write_error).context("writing the body");
  if (rc == CURLE_UNSUPPORTED_PROTOCOL && !t.location.empty()) {
    std::string scheme = scheme_of(t.location);
    if (scheme == "http" && !options.allow_http) {
      return Error::msg("redirected to \"" + t.location + "\", which is not https " + kHttpHint);
    }
    return Error::msg("redirected to \"" + t.location + "\", which is neither https nor http");
  }
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && t.wrong_status)) {
    return curl_error(rc, errbuf);
  }

  HttpResult result;
  (void)curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &result.status);
  if (result.status == 304 && !options.if_none_match.empty()) {
    result.etag = t.etag.empty() ? options.if_none_match : t.etag;
  } else if (result.status != 200) {
    return Error::msg("HTTP " + std::to_string(result.status));
  } else {
    result.etag = t.etag;
  }
  result.max_age = t.cache.effective_max_age();
  result.bytes = t.bytes;
  char* final_url = nullptr;
  if (curl_easy_getinfo(easy, CURLINFO_EFFECTIVE_URL, &final_url) == CURLE_OK &&
      final_url != nullptr) {
    result.final_url = final_url;
  }
  return result;
}

Result<HttpResult> perform(const std::string& url, const HttpOptions& options, int out_fd,
                           std::string* out_str) {
  if (auto s = init_curl_once(); !s) return std::move(s).error();
  EasyHandle easy(curl_easy_init());
  if (!easy) return Error::msg("creating a libcurl handle failed");

  // The bar is for a person watching; in logs and pipes it would only be noise.
  bool draw_progress = options.progress && ::isatty(2) == 1;
  ProgressBar progress(draw_progress,
                       options.progress_label.empty() ? "downloading" : options.progress_label);
  Transfer t;
  t.easy = easy.get();
  t.out_fd = out_fd;
  t.out_str = out_str;
  t.max_bytes = options.max_bytes;
  if (draw_progress) t.progress = &progress;

  char errbuf[CURL_ERROR_SIZE] = {};
  Slist headers;
  Slist connect_to;
  if (auto s = configure(easy.get(), options, t, errbuf, headers, connect_to); !s) {
    return std::move(s).error();
  }
  if (auto s = set(easy.get(), CURLOPT_URL, url.c_str(), "the URL"); !s) {
    return std::move(s).error();
  }
  CURLcode rc = curl_easy_perform(easy.get());
  progress.finish();
  return conclude(easy.get(), rc, errbuf, t, options);
}

}  // namespace

Result<HttpResult> http_get_to_fd(const std::string& url, int out_fd, const HttpOptions& options) {
  // The refusal reads on its own: it names the URL and the flag that would allow it.
  if (auto s = check_scheme(url, options.allow_http); !s) return std::move(s).error();
  return perform(url, options, out_fd, nullptr).context("GET " + url);
}

Result<std::string> http_get_to_string(const std::string& url, const HttpOptions& options) {
  HttpOptions limited = options;
  if (limited.max_bytes == 0) limited.max_bytes = kDefaultStringLimit;
  if (auto s = check_scheme(url, limited.allow_http); !s) return std::move(s).error();
  std::string body;
  auto r = perform(url, limited, -1, &body).context("GET " + url);
  if (!r) return std::move(r).error();
  return body;
}

}  // namespace stage0::fetch

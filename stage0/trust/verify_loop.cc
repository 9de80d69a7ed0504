#include "stage0/trust/verify_loop.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string_view>
#include <vector>

#include "oslayer/log.h"
#include "oslayer/pipe_feed.h"
#include "stage0/trust/gpg_home.h"

namespace stage0::trust {
namespace {

// The pipe's size asked for (the default limit for any user), and how much of the file is read
// at a time.
constexpr int kPipeSize = 1 << 20;
constexpr size_t kChunk = size_t{1} << 20;
// A pipe's size when it could not be widened.
constexpr int kDefaultPipeSize = 65536;
// While a full pipe still holds more than half its size, the loop looks again after this long
// instead of writing the few KiB that gpg's last read freed (gpg drains 1 MiB in about 4 ms).
constexpr int kRefillTickMs = 1;
// The file's first bytes go through gpgme, no more than this, so that they fit whole into the
// new, empty pipe (a write of at most PIPE_BUF bytes is never partial): gpgme is then left with
// nothing buffered that our writes could overtake.
constexpr size_t kFirstChunk = 4096;
// gpgme's buffer when it pumps the file itself (the fallback): what a default pipe takes at once.
constexpr const char* kFallbackBuffer = "65536";

struct Watch {
  int fd;
  int dir;  // 1: gpgme reads from fd; 0: gpgme writes to it
  gpgme_io_cb_t fnc;
  void* fnc_data;
  bool active = true;
};

class Loop {
 public:
  explicit Loop(int file) : file_(file) {}

  static gpgme_error_t add(void* self, int fd, int dir, gpgme_io_cb_t fnc, void* fnc_data,
                           void** tag) {
    auto& loop = *static_cast<Loop*>(self);
    loop.watches_.push_back(std::make_unique<Watch>(Watch{fd, dir, fnc, fnc_data}));
    *tag = loop.watches_.back().get();
    return 0;
  }
  static void remove(void* tag) { static_cast<Watch*>(tag)->active = false; }
  static void event(void* self, gpgme_event_io_t type, void* type_data) {
    if (type != GPGME_EVENT_DONE) return;
    auto& loop = *static_cast<Loop*>(self);
    loop.done_ = true;
    if (auto* done = static_cast<gpgme_io_event_done_data_t>(type_data); done != nullptr) {
      loop.done_err_ = done->err != 0 ? done->err : done->op_err;
    }
  }
  // The data object's read callback: gpgme asking for the file's next bytes.
  static ssize_t read_file(void* self, void* buffer, size_t size) {
    auto& loop = *static_cast<Loop*>(self);
    if (!loop.asked_) loop.recognise_feed(size);
    auto got = oslayer::pread_some(loop.file_, static_cast<char*>(buffer), size, loop.offset_);
    if (!got) {
      errno = got.error().code();
      return -1;
    }
    loop.offset_ += static_cast<int64_t>(*got);
    return static_cast<ssize_t>(*got);
  }

  // Until gpgme reports the operation done: its error for it (0 when none).
  oslayer::Result<gpgme_error_t> run();

 private:
  // The first read comes from the handler of the pipe that carries the file: that pipe is the
  // one we write into from now on. Anything else (a read outside a handler) leaves it to gpgme.
  void recognise_feed(size_t& size) {
    asked_ = true;
    if (running_ == nullptr || running_->dir != 0) {
      feeding_ = false;
      return;
    }
    feed_ = running_;
    size = std::min(size, kFirstChunk);
    // A smaller pipe only means more hand-overs.
    auto widened = oslayer::resize_pipe(feed_->fd, kPipeSize);
    pipe_size_ = widened ? *widened : kDefaultPipeSize;
  }
  bool wait_for_room();
  bool feed(int pipe_fd);
  void dispatch(Watch& w);

  const int file_;
  int64_t offset_ = 0;  // of the next byte gpgme or we read from the file
  std::vector<char> buffer_;
  std::string_view unwritten_;  // read from the file, not yet in the pipe
  std::vector<std::unique_ptr<Watch>> watches_;
  Watch* running_ = nullptr;  // the watch whose gpgme handler is running
  Watch* feed_ = nullptr;     // the pipe that carries the file, once recognised
  bool asked_ = false;
  bool feeding_ = true;
  int pipe_size_ = kDefaultPipeSize;
  bool full_ = false;  // the last write did not fit whole
  bool done_ = false;
  gpgme_error_t done_err_ = 0;
};

// Returns false when the pipe goes back to gpgme: at the end of the file, when gpg stopped
// reading (EPIPE), or on an error, after which gpgme reads on from where our writes stopped.
bool Loop::feed(int pipe_fd) {
  if (unwritten_.empty()) {
    buffer_.resize(kChunk);
    auto got = oslayer::pread_some(file_, buffer_.data(), buffer_.size(), offset_);
    if (!got) {
      oslayer::log_debug("signature check: " + got.error().text() +
                         "; gpgme passes the rest of the file on");
      return false;
    }
    if (*got == 0) return false;
    offset_ += static_cast<int64_t>(*got);
    unwritten_ = std::string_view(buffer_.data(), *got);
  }
  auto wrote = oslayer::write_some(pipe_fd, unwritten_);
  if (wrote) {
    full_ = *wrote < unwritten_.size();
    unwritten_.remove_prefix(*wrote);
    return true;
  }
  if (wrote.error().code() == EAGAIN) {
    full_ = true;
    return true;
  }
  if (wrote.error().code() != EPIPE) {
    oslayer::log_debug("signature check: " + wrote.error().text() +
                       "; gpgme passes the rest of the file on");
  }
  offset_ -= static_cast<int64_t>(unwritten_.size());
  unwritten_ = {};
  return false;
}

void Loop::dispatch(Watch& w) {
  if (&w == feed_ && feeding_) {
    if (feed(w.fd)) return;
    // gpgme reads on from offset_, and at the end of the file closes the pipe, which gpg needs
    // to finish.
    feeding_ = false;
  }
  running_ = &w;
  // Its errors reach us through the DONE event: gpgme cancels the operation itself.
  (void)w.fnc(w.fnc_data, w.fd);
  running_ = nullptr;
}

// True while the pipe we feed is to be left alone: it was full, and still holds more than half.
bool Loop::wait_for_room() {
  if (!full_ || !feeding_ || feed_ == nullptr || !feed_->active) return false;
  auto queued = oslayer::pipe_queued(feed_->fd);
  if (queued && *queued > pipe_size_ / 2) return true;
  full_ = false;
  return false;
}

oslayer::Result<gpgme_error_t> Loop::run() {
  std::vector<pollfd> fds;
  std::vector<Watch*> who;
  while (!done_) {
    fds.clear();
    who.clear();
    const bool waiting = wait_for_room();
    const int timeout_ms = waiting ? kRefillTickMs : -1;
    for (const auto& w : watches_) {
      if (!w->active) continue;
      // A pipe left to drain is still watched for errors: should gpg die with it full, the
      // write that follows fails with EPIPE and gpgme closes it, instead of us waiting forever.
      short events = w->dir != 0 ? POLLIN : POLLOUT;
      if (waiting && w.get() == feed_) events = 0;
      fds.push_back(pollfd{w->fd, events, 0});
      who.push_back(w.get());
    }
    if (fds.empty()) return oslayer::Error::msg("gpgme left the signature check unfinished");
    auto ready = oslayer::poll_fds(fds, timeout_ms);
    if (!ready) return std::move(ready).error();
    for (size_t i = 0; i < fds.size() && !done_; ++i) {
      if (fds[i].revents != 0 && who[i]->active) dispatch(*who[i]);
    }
  }
  return done_err_;
}

// Puts the context back on gpgme's own I/O, whatever happened: later calls on it (the signer's
// key lookup) are synchronous ones.
struct OwnIoRestored {
  gpgme_ctx_t ctx;
  ~OwnIoRestored() {
    gpgme_io_cbs none{};
    gpgme_set_io_cbs(ctx, &none);
  }
};

}  // namespace

oslayer::Result<gpgme_error_t> verify_on_own_loop(gpgme_ctx_t ctx, gpgme_data_t signature,
                                                  int signed_fd) {
  Loop loop(signed_fd);
  gpgme_data_cbs file_cbs{};
  file_cbs.read = &Loop::read_file;
  gpgme_data_t raw = nullptr;
  if (gpgme_error_t err = gpgme_data_new_from_cbs(&raw, &file_cbs, &loop); err != 0) {
    return gpgme_failure(err, "gpgme_data_new_from_cbs");
  }
  const Data signed_data(raw);
  (void)gpgme_data_set_flag(signed_data.get(), "io-buffer-size", kFallbackBuffer);

  gpgme_io_cbs io{&Loop::add, &loop, &Loop::remove, &Loop::event, &loop};
  gpgme_set_io_cbs(ctx, &io);
  const OwnIoRestored restore{ctx};
  // Any pipe gpgme still has open when we leave would later be removed through `loop`, which
  // is gone by then: a failed start or loop is cancelled here, which closes them all while
  // `loop` and the data object live (and gpg ends on the broken pipes).
  if (gpgme_error_t err = gpgme_op_verify_start(ctx, signature, signed_data.get(), nullptr);
      err != 0) {
    (void)gpgme_cancel(ctx);
    return err;
  }
  auto ended = loop.run();
  if (!ended) (void)gpgme_cancel(ctx);
  return ended;
}

}  // namespace stage0::trust

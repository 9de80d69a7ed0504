// gpgme_op_verify for a large detached-signed file, on an event loop of our own that writes the
// file into gpg's pipe itself.
//
// gpgme pumps the signed data into gpg through a pipe, 64 KiB at a time, and Debian's gpgme 1.18
// formats every buffer it writes as debug text even when tracing is off: for a 350 MB image,
// about 0.8 s of CPU on top of gpg's own hashing, taken from the import running beside it. Here
// gpgme runs on its user I/O callbacks. The loop recognises the pipe that carries the file (the
// first time gpgme asks the file for bytes, it does so from that pipe's handler), widens it to
// 1 MiB, and writes the file into it from then on, refilling only once gpg has drained half of
// it: a few large writes instead of one per 8 KiB that gpg reads, which kept both processes
// waking each other. At the end of the file it hands the pipe back to gpgme, which reads the
// end of the data and closes it. Everything else (the signature, gpg's status lines) is gpgme's
// own handling; on an unexpected error gpgme pumps the rest of the file as usual.
#pragma once

#include <gpgme.h>

#include "oslayer/result.h"

namespace stage0::trust {

// Runs gpgme_op_verify(ctx, signature, <the file behind signed_fd>) to completion; the file is
// read from offset 0 with pread (signed_fd's own offset is left alone). The value is gpgme's
// own error for the operation (0 when it ran to its end, and then gpgme_op_verify_result(ctx)
// holds the verdict); an error only when the loop itself failed. Either way ctx is back on
// gpgme's own I/O afterwards.
oslayer::Result<gpgme_error_t> verify_on_own_loop(gpgme_ctx_t ctx, gpgme_data_t signature,
                                                  int signed_fd);

}  // namespace stage0::trust

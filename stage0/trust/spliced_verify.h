// gpgme_op_verify for a large detached-signed file, with the file going to gpg by splice(2).
//
// gpgme writes every byte of the signed data into gpg's pipe itself, and Debian's gpgme 1.18
// formats each buffer it writes as debug text even when tracing is off: for a 350 MB image that
// is about a second of CPU on top of gpg's own hashing, with two processes taking turns at a
// 64 KiB pipe. Here gpgme runs on an event loop of our own (its user I/O callbacks). The loop
// recognises the pipe that carries the signed file (the first time gpgme asks the file for
// bytes, it does so from that pipe's handler), widens it, and from then on moves the file into
// it with splice(2); at the end of the file it hands the pipe back to gpgme, which reads the
// end of the data and closes it. Everything else (the signature, gpg's status lines) is gpgme's
// own handling. Where splice cannot be used, gpgme pumps the rest of the file as usual.
#pragma once

#include <gpgme.h>

#include "oslayer/result.h"

namespace stage0::trust {

// Runs gpgme_op_verify(ctx, signature, <the file behind signed_fd>) to completion; the file is
// read from offset 0 with pread/splice (signed_fd's own offset is left alone). The value is
// gpgme's own error for the operation (0 when it ran to its end, and then
// gpgme_op_verify_result(ctx) holds the verdict); an error only when the loop itself failed.
// Either way ctx is back on gpgme's own I/O afterwards.
oslayer::Result<gpgme_error_t> verify_spliced(gpgme_ctx_t ctx, gpgme_data_t signature,
                                              int signed_fd);

}  // namespace stage0::trust

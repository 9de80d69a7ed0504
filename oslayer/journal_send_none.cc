#include "oslayer/journal_send.h"

namespace oslayer {

bool journal_send(const std::string&, int, std::string_view) { return false; }

}  // namespace oslayer

// Giving back memory that a long-lived process used only while starting up.
#pragma once

namespace oslayer {

// Returns the free heap top to the kernel and drops the stack pages below the caller's frame
// (keeping a small margin), so that a process that is about to wait for a long time (a pod's
// supervisor) keeps resident only what its wait loop touches. Best effort: nothing to report.
void release_idle_memory();

}  // namespace oslayer

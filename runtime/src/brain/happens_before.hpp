// SPDX-License-Identifier: Apache-2.0
// The ordering oneTBB gives the Brain's threads, told to ThreadSanitizer. Debian's libtbb is not
// built with ThreadSanitizer, so the hand-over of a task to the worker that runs it happens where
// TSan cannot see it, and every access of a node body or a parallel chunk to what the thread
// that started it wrote would be reported as a race. Each place where oneTBB orders two pieces
// of our code marks the edge: the side that hands over calls `happens_before(token)`, the side
// that takes over `happens_after(token)`. The edges are exactly the flow graph's and
// parallel_for's (never one token for everything), so that two node bodies or two chunks that
// oneTBB may run at the same time stay unordered, and a race between them is still reported
// (docs/testing.md section 3). Without ThreadSanitizer both are empty.
#pragma once

#if defined(__SANITIZE_THREAD__)
#    define SPARK_THREAD_SANITIZER 1
#elif defined(__has_feature)
#    if __has_feature(thread_sanitizer)
#        define SPARK_THREAD_SANITIZER 1
#    endif
#endif

#ifdef SPARK_THREAD_SANITIZER
#    include <sanitizer/tsan_interface.h>
#endif

namespace spark::runtime::detail {

/// What this thread did so far happens before what any thread does after happens_after(token).
inline void happens_before([[maybe_unused]] const void* token) noexcept {
#ifdef SPARK_THREAD_SANITIZER
    __tsan_release(const_cast<void*>(token));
#endif
}

/// What this thread does from here happens after every earlier happens_before(token).
inline void happens_after([[maybe_unused]] const void* token) noexcept {
#ifdef SPARK_THREAD_SANITIZER
    __tsan_acquire(const_cast<void*>(token));
#endif
}

} // namespace spark::runtime::detail

#pragma once

// Clang's thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html).
// A clang build with -Wthread-safety (make asan, make tsan) checks that every member marked
// GUARDED_BY is touched only with its mutex held, and that functions marked REQUIRES are
// called with it held. Other compilers see empty macros. The mutex type must carry the
// capability attribute: use kalam::Mutex (kalam/commons/mutex.h), not std::mutex, whose
// libstdc++ declaration is not annotated.

#if defined(__clang__)
#define KALAM_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define KALAM_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) KALAM_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY KALAM_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) KALAM_THREAD_ANNOTATION(guarded_by(x))
#define PT_GUARDED_BY(x) KALAM_THREAD_ANNOTATION(pt_guarded_by(x))
#define ACQUIRED_BEFORE(...) KALAM_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))
#define ACQUIRED_AFTER(...) KALAM_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define REQUIRES(...) KALAM_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) KALAM_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...) KALAM_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) KALAM_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) KALAM_THREAD_ANNOTATION(assert_capability(x))
#define RETURN_CAPABILITY(x) KALAM_THREAD_ANNOTATION(lock_returned(x))
#define NO_THREAD_SAFETY_ANALYSIS KALAM_THREAD_ANNOTATION(no_thread_safety_analysis)

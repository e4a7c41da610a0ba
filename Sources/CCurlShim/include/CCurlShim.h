#ifndef HERALD_CCURL_SHIM_H
#define HERALD_CCURL_SHIM_H
#include <curl/curl.h>
#include <stddef.h>

// Non-variadic wrappers: Swift cannot call curl_easy_setopt / curl_easy_getinfo directly.

typedef size_t (*herald_curl_io_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

/// curl_global_init(CURL_GLOBAL_ALL): the macro is not importable into Swift.
CURLcode herald_curl_global_init(void);

CURLcode herald_curl_setopt_long(CURL *handle, CURLoption option, long value);
/// Strings, error buffers and other plain pointers (libcurl copies strings it is handed).
CURLcode herald_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode herald_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode herald_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
/// Sets CURLOPT_READFUNCTION and CURLOPT_READDATA together.
CURLcode herald_curl_setopt_read_callback(CURL *handle, herald_curl_io_callback callback, void *userdata);
/// Sets CURLOPT_WRITEFUNCTION and CURLOPT_WRITEDATA together.
CURLcode herald_curl_setopt_write_callback(CURL *handle, herald_curl_io_callback callback, void *userdata);
/// Sets CURLOPT_HEADERFUNCTION and CURLOPT_HEADERDATA together.
CURLcode herald_curl_setopt_header_callback(CURL *handle, herald_curl_io_callback callback, void *userdata);

CURLcode herald_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode herald_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

CURLMcode herald_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
/// The next finished transfer of `multi`: stores its easy handle and result and returns 1, or returns 0
/// when none is waiting. Saves Swift from reading CURLMsg's union.
int herald_curl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

/// Sockets below this number have their epoll registration remembered in `herald_epoll_binding.watched`.
#define HERALD_WATCHED_SOCKETS 4096

/// What the callbacks below update; owned by the caller and alive as long as the multi handle.
typedef struct herald_epoll_binding {
    int epoll_fd;
    /// libcurl's next timeout, in CLOCK_MONOTONIC milliseconds; -1 when there is none.
    long long deadline;
    /// Per socket: whether it is in the epoll set, with which events, and whether libcurl has let go of it
    /// ("parked": a kept-alive connection between transfers stays in the set, saving an epoll_ctl DEL
    /// and ADD per request). Zeroed by herald_curl_multi_use_epoll.
    unsigned char watched[HERALD_WATCHED_SOCKETS];
} herald_epoll_binding;

/// Event-driven multi: libcurl's socket callback keeps `binding->epoll_fd` watching the sockets it
/// wants (and the parked ones it let go of), and its timer callback sets `binding->deadline`. Drive it
/// with curl_multi_socket_action.
CURLMcode herald_curl_multi_use_epoll(CURLM *multi, herald_epoll_binding *binding);
/// Lets the binding see `easy`'s connection sockets open and close (CURLOPT_SOCKOPTFUNCTION and
/// CURLOPT_CLOSESOCKETFUNCTION), so a parked socket libcurl takes up again keeps its epoll registration
/// without an epoll_ctl. Set it on every easy handle of the multi handle, before its first transfer.
CURLcode herald_curl_track_sockets(CURL *easy, herald_epoll_binding *binding);
/// Waits on the binding's epoll set (epoll_event is packed on x86-64, awkward from Swift) and reports
/// each ready socket libcurl watches with its CURL_CSELECT_* flags; a parked socket that becomes ready
/// (the server closed an idle connection) leaves the set instead. Returns the count, 0 on timeout or
/// when only parked sockets woke, -1 on error.
int herald_epoll_wait(herald_epoll_binding *binding, int *sockets, int *flags, int capacity, int timeout_ms);
/// epoll set plus an eventfd registered in it for wake-ups from other threads. Returns -1 on failure.
int herald_epoll_create(int *wake_fd);
void herald_wake(int wake_fd);
void herald_drain_wake(int wake_fd);

/// CLOCK_MONOTONIC in milliseconds, the clock of `deadline` above.
long long herald_monotonic_ms(void);

#endif

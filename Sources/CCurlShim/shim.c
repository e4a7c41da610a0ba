#include "CCurlShim.h"
#include <sys/epoll.h>
#include <time.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <string.h>

CURLcode herald_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

CURLcode herald_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode herald_curl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode herald_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode herald_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode herald_curl_setopt_read_callback(CURL *handle, herald_curl_io_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_READFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_READDATA, userdata);
}

CURLcode herald_curl_setopt_write_callback(CURL *handle, herald_curl_io_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_WRITEDATA, userdata);
}

CURLcode herald_curl_setopt_header_callback(CURL *handle, herald_curl_io_callback callback, void *userdata) {
    CURLcode code = curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_HEADERDATA, userdata);
}

CURLcode herald_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode herald_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLMcode herald_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

int herald_curl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg != CURLMSG_DONE) continue;
        *easy = message->easy_handle;
        *result = message->data.result;
        return 1;
    }
    return 0;
}

long long herald_monotonic_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/// ADDED: in the epoll set; IN/OUT: the events it is watched for; PARKED: libcurl let go of it (a kept-alive
/// connection between transfers); TRACKED: libcurl opened it for a connection of this multi handle, so its
/// close comes through herald_close_socket, which clears the entry.
enum { WATCH_ADDED = 1, WATCH_IN = 2, WATCH_OUT = 4, WATCH_PARKED = 8, WATCH_TRACKED = 16 };
enum { WATCH_EVENTS = WATCH_ADDED | WATCH_IN | WATCH_OUT };

static int herald_socket_callback(CURL *easy, curl_socket_t socket, int what, void *userp, void *socketp) {
    (void)easy;
    (void)socketp;
    herald_epoll_binding *binding = userp;
    unsigned char *watched = socket >= 0 && socket < HERALD_WATCHED_SOCKETS ? &binding->watched[socket] : NULL;
    if (what == CURL_POLL_REMOVE) {
        // Keep a remembered socket in the set: libcurl usually hands the same connection to the next
        // transfer. If it closes it instead, the kernel drops it from the set.
        if (watched && (*watched & WATCH_ADDED)) {
            if (*watched & WATCH_OUT) {
                // Parked, it is watched for input only (the server closing it): a writable socket would
                // wake epoll_wait at once, and be dropped from the set only to be added again next transfer.
                struct epoll_event event = {0};
                event.events = EPOLLIN;
                event.data.fd = socket;
                epoll_ctl(binding->epoll_fd, EPOLL_CTL_MOD, socket, &event);
                *watched = (*watched & WATCH_TRACKED) | WATCH_ADDED | WATCH_IN;
            }
            *watched |= WATCH_PARKED;
        } else {
            epoll_ctl(binding->epoll_fd, EPOLL_CTL_DEL, socket, NULL);
            if (watched) *watched &= WATCH_TRACKED;
        }
        return 0;
    }
    unsigned char wanted = WATCH_ADDED | (what & CURL_POLL_IN ? WATCH_IN : 0) | (what & CURL_POLL_OUT ? WATCH_OUT : 0);
    // Watched with these events already: nothing to change, unless the socket was parked and its number may
    // since belong to a new connection. A tracked socket's close clears its entry, so a parked tracked
    // socket is still the same connection; an untracked parked one is always re-armed.
    if (watched && (*watched & WATCH_EVENTS) == wanted
        && (!(*watched & WATCH_PARKED) || (*watched & WATCH_TRACKED))) {
        *watched &= (unsigned char)~WATCH_PARKED;
        return 0;
    }
    struct epoll_event event = {0};
    event.data.fd = socket;
    if (what & CURL_POLL_IN) event.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) event.events |= EPOLLOUT;
    // A socket seen before is modified; a new one (or one closed and reopened under its number) is added.
    if (epoll_ctl(binding->epoll_fd, EPOLL_CTL_MOD, socket, &event) != 0) {
        epoll_ctl(binding->epoll_fd, EPOLL_CTL_ADD, socket, &event);
    }
    if (watched) *watched = (*watched & WATCH_TRACKED) | wanted;
    return 0;
}

/// A fresh connection socket: whatever the table said about an earlier socket under this number is stale.
static int herald_socket_opened(void *clientp, curl_socket_t socket, curlsocktype purpose) {
    (void)purpose;
    herald_epoll_binding *binding = clientp;
    if (socket >= 0 && socket < HERALD_WATCHED_SOCKETS) binding->watched[socket] = WATCH_TRACKED;
    return CURL_SOCKOPT_OK;
}

/// libcurl closing a connection socket: closing also drops it from the epoll set, so forget it.
static int herald_close_socket(void *clientp, curl_socket_t socket) {
    herald_epoll_binding *binding = clientp;
    if (socket >= 0 && socket < HERALD_WATCHED_SOCKETS) binding->watched[socket] = 0;
    return close(socket);
}

CURLcode herald_curl_track_sockets(CURL *easy, herald_epoll_binding *binding) {
    CURLcode code = curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, herald_socket_opened);
    if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_SOCKOPTDATA, binding);
    if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, herald_close_socket);
    if (code == CURLE_OK) code = curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, binding);
    return code;
}

static int herald_timer_callback(CURLM *multi, long timeout_ms, void *userp) {
    (void)multi;
    herald_epoll_binding *binding = userp;
    binding->deadline = timeout_ms < 0 ? -1 : herald_monotonic_ms() + timeout_ms;
    return 0;
}

CURLMcode herald_curl_multi_use_epoll(CURLM *multi, herald_epoll_binding *binding) {
    memset(binding->watched, 0, sizeof binding->watched);
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, herald_socket_callback);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, binding);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, herald_timer_callback);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_TIMERDATA, binding);
    return code;
}

int herald_epoll_wait(herald_epoll_binding *binding, int *sockets, int *flags, int capacity, int timeout_ms) {
    struct epoll_event events[32];
    if (capacity > 32) capacity = 32;
    int count = epoll_wait(binding->epoll_fd, events, capacity, timeout_ms);
    int reported = 0;
    for (int i = 0; i < count; i++) {
        int socket = events[i].data.fd;
        if (socket >= 0 && socket < HERALD_WATCHED_SOCKETS && (binding->watched[socket] & WATCH_PARKED)) {
            // An idle kept-alive connection became readable or hung up: stop watching it (level-triggered
            // epoll would report it again and again); libcurl finds it dead when it next checks it.
            epoll_ctl(binding->epoll_fd, EPOLL_CTL_DEL, socket, NULL);
            binding->watched[socket] &= WATCH_TRACKED;
            continue;
        }
        sockets[reported] = socket;
        int mask = 0;
        if (events[i].events & EPOLLIN) mask |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
        flags[reported] = mask;
        reported++;
    }
    return count < 0 ? -1 : reported;
}

int herald_epoll_create(int *wake_fd) {
    int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd < 0) return -1;
    int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake < 0) {
        close(epoll_fd);
        return -1;
    }
    struct epoll_event event = {0};
    event.events = EPOLLIN;
    event.data.fd = wake;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake, &event) != 0) {
        close(wake);
        close(epoll_fd);
        return -1;
    }
    *wake_fd = wake;
    return epoll_fd;
}

void herald_wake(int wake_fd) {
    uint64_t one = 1;
    ssize_t written = write(wake_fd, &one, sizeof one);
    (void)written;
}

void herald_drain_wake(int wake_fd) {
    uint64_t value;
    ssize_t got = read(wake_fd, &value, sizeof value);
    (void)got;
}

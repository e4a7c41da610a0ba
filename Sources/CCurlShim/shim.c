#include "CCurlShim.h"
#include <sys/epoll.h>
#include <time.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

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

static int herald_socket_callback(CURL *easy, curl_socket_t socket, int what, void *userp, void *socketp) {
    (void)easy;
    herald_epoll_binding *binding = userp;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(binding->epoll_fd, EPOLL_CTL_DEL, socket, NULL);
        return 0;
    }
    struct epoll_event event = {0};
    event.data.fd = socket;
    if (what & CURL_POLL_IN) event.events |= EPOLLIN;
    if (what & CURL_POLL_OUT) event.events |= EPOLLOUT;
    // A socket seen before is modified; a new one (or one whose ADD was dropped) is added.
    if (epoll_ctl(binding->epoll_fd, EPOLL_CTL_MOD, socket, &event) != 0) {
        epoll_ctl(binding->epoll_fd, EPOLL_CTL_ADD, socket, &event);
    }
    (void)socketp;
    return 0;
}

static int herald_timer_callback(CURLM *multi, long timeout_ms, void *userp) {
    (void)multi;
    herald_epoll_binding *binding = userp;
    binding->deadline = timeout_ms < 0 ? -1 : herald_monotonic_ms() + timeout_ms;
    return 0;
}

CURLMcode herald_curl_multi_use_epoll(CURLM *multi, herald_epoll_binding *binding) {
    CURLMcode code = curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, herald_socket_callback);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, binding);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, herald_timer_callback);
    if (code == CURLM_OK) code = curl_multi_setopt(multi, CURLMOPT_TIMERDATA, binding);
    return code;
}

int herald_epoll_wait(int epoll_fd, int *sockets, int *flags, int capacity, int timeout_ms) {
    struct epoll_event events[32];
    if (capacity > 32) capacity = 32;
    int count = epoll_wait(epoll_fd, events, capacity, timeout_ms);
    for (int i = 0; i < count; i++) {
        sockets[i] = events[i].data.fd;
        int mask = 0;
        if (events[i].events & EPOLLIN) mask |= CURL_CSELECT_IN;
        if (events[i].events & EPOLLOUT) mask |= CURL_CSELECT_OUT;
        if (events[i].events & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
        flags[i] = mask;
    }
    return count;
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

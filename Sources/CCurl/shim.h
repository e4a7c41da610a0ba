#ifndef HERALD_CCURL_SYSTEM_SHIM_H
#define HERALD_CCURL_SYSTEM_SHIM_H
#include <curl/curl.h>
#endif

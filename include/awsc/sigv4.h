/* awsc/sigv4.h - placeholder, being written. */
#ifndef AWSC_SIGV4_H
#define AWSC_SIGV4_H
#include "awsc/common.h"
#endif

/* awsc/session.h - placeholder, being written. */
#ifndef AWSC_SESSION_H
#define AWSC_SESSION_H
#include "awsc/common.h"
#endif

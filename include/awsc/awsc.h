/* awsc/awsc.h - umbrella header: include this to get the whole public API. */
#ifndef AWSC_AWSC_H
#define AWSC_AWSC_H

#include "awsc/body.h"
#include "awsc/client.h"
#include "awsc/common.h"
#include "awsc/credentials.h"
#include "awsc/hooks.h"
#include "awsc/paginator.h"
#include "awsc/presign.h"
#include "awsc/resource.h"
#include "awsc/session.h"
#include "awsc/sigv4.h"
#include "awsc/sys/transport.h"
#include "awsc/transfer.h"
#include "awsc/types.h"
#include "awsc/waiter.h"

#endif

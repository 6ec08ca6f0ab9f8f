/*
 * lib/client/sqs_md5.h - internal: SQS customizations of the request
 * pipeline (sqs_md5.c). Both are no-ops for other services.
 */
#ifndef AWSC_CLIENT_SQS_MD5_H
#define AWSC_CLIENT_SQS_MD5_H

#include "client/client_internal.h"

/* Whether the service signs as "sqs". */
bool awsc_client_is_sqs(const awsc_service *svc);

/*
 * After a successful parse: check the MD5 digests SQS returns against the
 * ones computed here, as the AWS SDKs do (SendMessage: MD5OfMessageBody,
 * MD5OfMessageAttributes, MD5OfMessageSystemAttributes against the
 * request; SendMessageBatch: the same per successful entry, matched by
 * Id; ReceiveMessage: MD5OfBody and MD5OfMessageAttributes against each
 * message). Only digests the service returned are checked. A mismatch is
 * AWSC_EPARSE "MD5 of message body does not match (...)" (or "... message
 * attributes ..."/"... message system attributes ...").
 */
int awsc_sqs_check_md5(const awsc_client *c, const awsc_operation *op,
                       const awsc_value *input, const awsc_value *output,
                       awsc_error *err);

/*
 * Read timeout for one request, 0 = the transport's. ReceiveMessage long
 * polls: the server stays silent for up to WaitTimeSeconds (or the
 * queue's ReceiveMessageWaitTimeSeconds, at most 20 s, when the request
 * names none), so the call gets that plus 10 s of slack when the
 * session's read timeout is shorter.
 */
long awsc_sqs_read_timeout_ms(const awsc_client *c, const awsc_operation *op,
                              const awsc_value *input);

#endif

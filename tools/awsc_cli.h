/*
 * tools/awsc_cli.h - what the awsc command's files share: reporting a
 * failed call as one line on stderr and the exit status it means.
 */
#ifndef AWSC_TOOLS_CLI_H
#define AWSC_TOOLS_CLI_H

#include <awsc/awsc.h>

/* The exit status for a failed call (awsc_args.h: CLI_EXIT_*): 1 for a
 * service error, 2 for input the library refused (validation, or JSON
 * that did not parse before anything went over the session's transport),
 * 3 for anything else. */
int cli_exit_status(awsc_session *session, const awsc_error *err);

/* Print "error: KIND: message" (service errors: "error: CODE: message
 * (HTTP n, RequestId: id)") on stderr; returns cli_exit_status. */
int cli_fail(awsc_session *session, const awsc_error *err);

#endif

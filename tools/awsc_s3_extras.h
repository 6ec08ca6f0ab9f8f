/*
 * tools/awsc_s3_extras.h - the CLI's S3 commands beyond the model:
 * boto3's managed transfers upload_file, download_file and copy.
 */
#ifndef AWSC_TOOLS_S3_EXTRAS_H
#define AWSC_TOOLS_S3_EXTRAS_H

#include <awsc/awsc.h>

/* Whether `operation` is one of the S3 extras. */
int cli_s3_is_extra(const char *operation);

/* Print the usage of one of them; returns 0. */
int cli_s3_extras_help(const char *operation);

/* Run it with the JSON parameters (NULL = {}); prints the JSON result on
 * stdout or one error line on stderr. With `progress` and stderr a
 * terminal, a progress bar is drawn on stderr as the bytes move (and
 * ended with a newline). Returns the exit status (0, 1 service error, 2
 * invalid input, 3 other). The caller has started cli_signals_begin. */
int cli_s3_extras(awsc_session *session, awsc_client *client,
                  const char *operation, const char *params, int progress);

#endif

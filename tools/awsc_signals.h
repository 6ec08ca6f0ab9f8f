/*
 * tools/awsc_signals.h - SIGINT, SIGTERM and SIGHUP during a managed
 * transfer: no FILE.awsctmp.XXXXXXXX left behind, no multipart upload
 * left open when the transfer can stop in time.
 *
 * The signals are blocked in every thread and taken by one watcher
 * thread (sigwait), so nothing runs in a signal handler. On a signal the
 * transfer's progress callback asks it to stop, and the library removes
 * its temporary file or aborts its upload; if it has not returned within
 * a grace period (a stalled connection calls no progress), the watcher
 * removes the temporary files the process holds open itself. Either way
 * the process then ends by the signal's default action, as if no handler
 * had been installed (exit status 128 + signal in a shell).
 */
#ifndef AWSC_TOOLS_SIGNALS_H
#define AWSC_TOOLS_SIGNALS_H

#include <stdint.h>

/* Block the signals and start the watcher. Call before anything makes a
 * thread (session, client), so that every thread inherits the mask.
 * Returns 0, or -1 when the watcher could not start (the signals then
 * keep their default action). */
int cli_signals_begin(void);

/* The transfer's progress callback (awsc_s3_progress_fn): nonzero, which
 * cancels the transfer, once a signal came. */
int cli_signals_progress(uint64_t bytes_done, uint64_t total, void *unused);

/* The transfer returned. When a signal came, the process ends here by it
 * (this does not return); otherwise later signals end it at once. */
void cli_signals_end(void);

#endif

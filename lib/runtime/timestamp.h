/*
 * lib/runtime/timestamp.h - internal: timestamp strings given as input
 * parameters, read as botocore reads them (parse_to_aware_datetime:
 * float() first, then dateutil), which is more lenient than what the
 * response parsers accept from a service.
 */
#ifndef AWSC_RUNTIME_TIMESTAMP_H
#define AWSC_RUNTIME_TIMESTAMP_H

#include <stdint.h>

#include "core/core.h"

/*
 * Milliseconds since the epoch of an input timestamp string; surrounding
 * blanks are ignored. Accepted, as botocore accepts them:
 *   - epoch seconds, with a fraction and an optional sign ("1506470400",
 *     "+1506470400.25");
 *   - ISO 8601 as the services write it (awsc_time_parse_iso8601) and the
 *     looser forms dateutil reads: a date alone ("2017-09-27", midnight
 *     UTC), '-' or '/' between the date's parts and one-digit months and
 *     days ("2017/9/7"), 'T', 't' or a space before the time, the time as
 *     HH, HH:MM or HH:MM:SS with a fraction after '.' or ',', a zone
 *     "Z", "UTC", "GMT", +HH, +HHMM or +HH:MM (or '-'), a space allowed
 *     before it; no zone = UTC;
 *   - RFC 822 / 1123 / 850 and asctime (awsc_time_parse_rfc1123), and the
 *     RFC 822 forms without weekday or time ("27 Sep 2017",
 *     "Sep 27 2017", "27 Sep 2017 10:00:00 GMT"), months as their English
 *     name or its first three letters.
 * Out-of-range fields (month 13, 30 February, hour 24, second 60) are
 * refused, as by dateutil. Returns 0 or AWSC_EPARSE. No allocation.
 */
int awsc_timestamp_parse_input(awsc_sv s, int64_t *out_ms);

#endif

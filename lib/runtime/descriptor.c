/* lib/runtime/descriptor.c - lookups over descriptors and botocore's
 * CamelCase -> snake_case operation naming. */
#include "runtime/descriptor.h"

#include <string.h>

static bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}
static bool is_lower(char c) {
  return c >= 'a' && c <= 'z';
}
static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

const awsc_operation *awsc_service_find_operation(const awsc_service *svc,
                                                  const char *name) {
  if (!svc || !name)
    return NULL;
  size_t lo = 0, hi = svc->operation_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(name, svc->operations[mid].name);
    if (c == 0)
      return &svc->operations[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  if (!svc->operations_by_py_name)
    return NULL;
  lo = 0;
  hi = svc->operation_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(name, svc->operations_by_py_name[mid]->py_name);
    if (c == 0)
      return svc->operations_by_py_name[mid];
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return NULL;
}

/* Index of the member named name[0..len), looked for from `from` on and
 * then from the start; n if none. */
static uint32_t member_by_name(const awsc_member *ms, uint32_t n, uint32_t from,
                               const char *name, size_t len) {
  for (uint32_t k = 0, j = from; k < n; k++, j = j + 1 == n ? 0 : j + 1) {
    const char *m = ms[j].name;
    /* memchr: a name with a NUL inside must not read past m */
    if (m[0] == name[0] && strncmp(m, name, len) == 0 &&
        !memchr(name, '\0', len) && m[len] == '\0')
      return j;
  }
  return n;
}

const awsc_member *awsc_shape_find_member(const awsc_shape *shape,
                                          const char *name, size_t len) {
  if (!shape || !name || !len)
    return NULL;
  uint32_t i =
      member_by_name(shape->members, shape->member_count, 0, name, len);
  return i < shape->member_count ? &shape->members[i] : NULL;
}

/* Index of the member whose name is `name` itself, from `from` on and
 * then from the start; n if none. */
static uint32_t member_by_address(const awsc_member *ms, uint32_t n,
                                  uint32_t from, const char *name) {
  for (uint32_t i = from; i < n; i++)
    if (ms[i].name == name)
      return i;
  for (uint32_t i = 0; i < from; i++)
    if (ms[i].name == name)
      return i;
  return n;
}

const awsc_member *awsc_shape_find_member_hint(const awsc_shape *shape,
                                               const char *name, size_t len,
                                               uint32_t *hint) {
  uint32_t n = shape ? shape->member_count : 0;
  if (!n || !name)
    return NULL;
  const awsc_member *ms = shape->members;
  uint32_t from = *hint < n ? *hint : 0;
  uint32_t i = member_by_address(ms, n, from, name);
  if (i == n && len)
    i = member_by_name(ms, n, from, name, len);
  if (i == n)
    return NULL;
  *hint = i + 1;
  return &ms[i];
}

const awsc_member *awsc_shape_find_member_by_wire_name(const awsc_shape *shape,
                                                       const char *name,
                                                       size_t len) {
  if (!shape || !name)
    return NULL;
  for (uint32_t i = 0; i < shape->member_count; i++) {
    const char *n = awsc_member_wire_name(&shape->members[i]);
    if (strncmp(n, name, len) == 0 && !memchr(name, '\0', len) &&
        n[len] == '\0')
      return &shape->members[i];
  }
  return NULL;
}

/* Names whose regular transformation is wrong; botocore pre-seeds its
 * cache with exactly these (botocore/__init__.py, _xform_cache). */
static const char *const xform_special[][2] = {
    {"CreateCachediSCSIVolume", "create_cached_iscsi_volume"},
    {"DescribeCachediSCSIVolumes", "describe_cached_iscsi_volumes"},
    {"DescribeStorediSCSIVolumes", "describe_stored_iscsi_volumes"},
    {"CreateStorediSCSIVolume", "create_stored_iscsi_volume"},
    {"ListHITsForQualificationType", "list_hits_for_qualification_type"},
    {"ExecutePartiQLStatement", "execute_partiql_statement"},
    {"ExecutePartiQLTransaction", "execute_partiql_transaction"},
    {"ExecutePartiQLBatch", "execute_partiql_batch"},
    {"AssociateWhatsAppBusinessAccount", "associate_whatsapp_business_account"},
    {"CreateWhatsAppMessageTemplate", "create_whatsapp_message_template"},
    {"CreateWhatsAppMessageTemplateFromLibrary",
     "create_whatsapp_message_template_from_library"},
    {"CreateWhatsAppMessageTemplateMedia",
     "create_whatsapp_message_template_media"},
    {"DeleteWhatsAppMessageMedia", "delete_whatsapp_message_media"},
    {"DeleteWhatsAppMessageTemplate", "delete_whatsapp_message_template"},
    {"DisassociateWhatsAppBusinessAccount",
     "disassociate_whatsapp_business_account"},
    {"GetLinkedWhatsAppBusinessAccount",
     "get_linked_whatsapp_business_account"},
    {"GetLinkedWhatsAppBusinessAccountPhoneNumber",
     "get_linked_whatsapp_business_account_phone_number"},
    {"GetOTelEnrichment", "get_otel_enrichment"},
    {"GetWhatsAppMessageMedia", "get_whatsapp_message_media"},
    {"GetWhatsAppMessageTemplate", "get_whatsapp_message_template"},
    {"ListLinkedWhatsAppBusinessAccounts",
     "list_linked_whatsapp_business_accounts"},
    {"ListWhatsAppMessageTemplates", "list_whatsapp_message_templates"},
    {"ListWhatsAppTemplateLibrary", "list_whatsapp_template_library"},
    {"PostWhatsAppMessageMedia", "post_whatsapp_message_media"},
    {"PutWhatsAppBusinessAccountEventDestinations",
     "put_whatsapp_business_account_event_destinations"},
    {"SendWhatsAppMessage", "send_whatsapp_message"},
    {"StartOTelEnrichment", "start_otel_enrichment"},
    {"StopOTelEnrichment", "stop_otel_enrichment"},
    {"UpdateWhatsAppMessageTemplate", "update_whatsapp_message_template"},
};

/*
 * botocore's xform_name, step for step:
 *  1. a name already containing '_' is returned as is;
 *  2. a trailing pluralised acronym ([A-Z]{2,}s$, e.g. "ARNs") becomes
 *     "_arns" (the leftmost start of the upper-case run is the match);
 *  3. re.sub('(.)([A-Z][a-z]+)', r'\1_\2') left to right, non-overlapping;
 *  4. re.sub('([a-z0-9])([A-Z])', r'\1_\2') the same way; then lower-case.
 */
char *awsc_xform_name(awsc_arena *arena, const char *name) {
  if (!name)
    return NULL;
  if (strchr(name, '_'))
    return awsc_arena_strdup(arena, name);
  for (size_t i = 0; i < AWSC_ARRAY_LEN(xform_special); i++)
    if (strcmp(name, xform_special[i][0]) == 0)
      return awsc_arena_strdup(arena, xform_special[i][1]);

  size_t len = strlen(name);
  /* Each step can at most double the length. */
  size_t cap = len + 2;
  awsc_buf tmp = AWSC_BUF_INIT;
  if (awsc_buf_reserve(&tmp, 7 * cap))
    return NULL;
  char *s0 = tmp.p;
  char *s1 = s0 + cap;
  char *s2 = s1 + 2 * cap;

  /* step 2 */
  size_t n0 = 0;
  if (len >= 3 && name[len - 1] == 's' && is_upper(name[len - 2]) &&
      is_upper(name[len - 3])) {
    size_t start = len - 1;
    while (start > 0 && is_upper(name[start - 1]))
      start--;
    memcpy(s0, name, start);
    n0 = start;
    s0[n0++] = '_';
    for (size_t i = start; i < len; i++)
      s0[n0++] = (char)(name[i] | 0x20);
  } else {
    memcpy(s0, name, len);
    n0 = len;
  }

  /* step 3 */
  size_t n1 = 0;
  for (size_t i = 0; i < n0;) {
    if (i + 2 < n0 && s0[i] != '\n' && is_upper(s0[i + 1]) &&
        is_lower(s0[i + 2])) {
      size_t j = i + 3;
      while (j < n0 && is_lower(s0[j]))
        j++;
      s1[n1++] = s0[i];
      s1[n1++] = '_';
      memcpy(s1 + n1, s0 + i + 1, j - (i + 1));
      n1 += j - (i + 1);
      i = j;
    } else {
      s1[n1++] = s0[i++];
    }
  }

  /* step 4 */
  size_t n2 = 0;
  for (size_t i = 0; i < n1;) {
    if (i + 1 < n1 && (is_lower(s1[i]) || is_digit(s1[i])) &&
        is_upper(s1[i + 1])) {
      s2[n2++] = s1[i];
      s2[n2++] = '_';
      s2[n2++] = s1[i + 1];
      i += 2;
    } else {
      s2[n2++] = s1[i++];
    }
  }
  for (size_t i = 0; i < n2; i++)
    if (is_upper(s2[i]))
      s2[i] = (char)(s2[i] | 0x20);
  char *out = awsc_arena_strndup(arena, s2, n2);
  awsc_buf_free(&tmp);
  return out;
}

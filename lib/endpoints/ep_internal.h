/*
 * lib/endpoints/ep_internal.h - compiled forms shared by the files of the
 * endpoints module (and its unit tests). Not for other modules.
 *
 * Inside evaluation a STRING value is a (str, len) view that need not be
 * NUL-terminated (substring, parseArn and parseURL results point into
 * their input); only what awsc_ep_resolve hands out is copied and
 * NUL-terminated.
 */
#ifndef AWSC_ENDPOINTS_EP_INTERNAL_H
#define AWSC_ENDPOINTS_EP_INTERNAL_H

#include <stdatomic.h>

#include "endpoints/endpoints.h"
#include "runtime/jtree.h"

/* ---- a tiny matcher for the partitions' regionRegex (ep_regex.c) ----
 * Exactly the shapes partitions.json uses (listed in ep_regex.c):
 * single-character atoms (literals, escaped punctuation, '.', \d \D \w
 * \W \s \S) with + * ?, groups of plain alternatives, '^' first and '$'
 * last. Matching is re.match; anything else is refused at compile time. */
typedef struct ep_regex ep_regex;
int ep_regex_compile(ep_regex **out, awsc_arena *arena, const char *pattern,
                     size_t len, awsc_error *err);
bool ep_regex_match(const ep_regex *re, const char *s, size_t len);

/* ---- partitions (ep_partitions.c) ---- */
typedef struct ep_partition {
  const char *id;
  const ep_regex *re;
  awsc_ep_value outputs; /* OBJECT */
} ep_partition;

typedef struct ep_region {
  const char *name;
  size_t len;
  const awsc_ep_value *outputs; /* the partition's, or merged overrides */
} ep_region;

struct awsc_ep_partitions {
  atomic_long refs;
  awsc_arena *arena;
  ep_partition *parts;
  size_t count;
  ep_region *regions; /* explicit regions of all partitions */
  size_t nregions;
  uint32_t *hash;   /* open addressing: region index + 1, 0 = empty */
  size_t hash_mask; /* table size - 1 (a power of two) */
  size_t fallback;  /* index of "aws" (else 0) */
};

void ep_partitions_ref(awsc_ep_partitions *parts);

/* ---- standard library functions (ep_fn.c) ----
 * Each returns 0 or AWSC_ENOMEM and sets *out (NONE = "no value"). */
int ep_fn_parse_url(awsc_arena *a, const char *s, size_t n, awsc_ep_value *out);
int ep_fn_parse_arn(awsc_arena *a, const char *s, size_t n, awsc_ep_value *out);
/* Python-style substring over ASCII only: NONE when start >= stop, the
 * string is shorter than stop or has a non-ASCII byte. A view, no copy. */
awsc_ep_value ep_fn_substring(const char *s, size_t n, int64_t start,
                              int64_t stop, bool reverse);
int ep_fn_uri_encode(awsc_arena *a, const char *s, size_t n,
                     awsc_ep_value *out);
bool ep_fn_is_valid_host_label(const char *s, size_t n, bool allow_subdomains);
bool ep_fn_is_virtual_hostable_s3_bucket(const char *s, size_t n,
                                         bool allow_subdomains);
int ep_fn_split(awsc_arena *a, const char *s, size_t n, const char *delim,
                size_t dlen, int64_t limit, awsc_ep_value *out);
/* Dotted-quad of 1-3 digit groups, as botocore's IPV4_RE. */
bool ep_is_ipv4(const char *s, size_t n);
/* An IPv6 literal (without brackets), optional %25zone. */
bool ep_is_ipv6(const char *s, size_t n);

/* ---- compiled rule sets (ep_compile.c builds, ep_eval.c runs) ---- */

enum ep_fn_id {
  EP_FN_IS_SET = 0,
  EP_FN_NOT,
  EP_FN_BOOLEAN_EQUALS,
  EP_FN_STRING_EQUALS,
  EP_FN_GET_ATTR,
  EP_FN_SUBSTRING,
  EP_FN_URI_ENCODE,
  EP_FN_PARSE_URL,
  EP_FN_IS_VALID_HOST_LABEL,
  EP_FN_PARTITION,
  EP_FN_PARSE_ARN,
  EP_FN_IS_VIRTUAL_HOSTABLE_S3_BUCKET,
  EP_FN_COALESCE,
  EP_FN_SPLIT,
  EP_FN_ITE,
  EP_FN_COUNT
};
extern const char *const ep_fn_names[EP_FN_COUNT];

/* A getAttr path: "a.b[2]" -> {a,-1} {b,2}; "[0]" -> {"",0}. */
typedef struct ep_path_part {
  const char *key; /* empty = index the value itself */
  size_t key_len;
  int64_t index; /* -1: no index */
} ep_path_part;

typedef struct ep_path {
  const ep_path_part *parts;
  size_t count;
} ep_path;

/* A template "https://{Bucket}.{p#dnsSuffix}": literals and references. */
typedef struct ep_tpart {
  const char *lit; /* literal text when slot < 0 */
  size_t lit_len;
  int32_t slot;        /* variable slot, or -1 */
  const ep_path *path; /* "#..." after the name; NULL if none */
} ep_tpart;

typedef struct ep_tmpl {
  const ep_tpart *parts;
  size_t count;
} ep_tmpl;

enum ep_expr_kind { EP_X_LIT = 0, EP_X_REF, EP_X_TMPL, EP_X_FN };

/* Specialised forms of the most common conditions, chosen at compile
 * time (real rule sets are mostly these): the referenced slot is qslot,
 * the literal operand sits in lit. */
enum ep_op {
  EP_OP_GENERIC = 0,
  EP_OP_IS_SET_REF,      /* isSet(ref) */
  EP_OP_BOOL_EQ_REF_LIT, /* booleanEquals(ref, true|false), either order */
  EP_OP_STR_EQ_REF_LIT,  /* stringEquals(ref|"{ref}", "lit"), either order */
  EP_OP_NOT_PRED         /* not(p) where p gives a boolean */
};

typedef struct ep_expr ep_expr;
struct ep_expr {
  uint8_t kind;
  uint8_t fn;          /* EP_X_FN */
  uint16_t argc;       /* EP_X_FN */
  int32_t slot;        /* EP_X_REF: slot read; EP_X_FN: assign slot or -1 */
  uint8_t op;          /* EP_X_FN: enum ep_op */
  int32_t qslot;       /* the slot an EP_OP_* form reads */
  awsc_ep_value lit;   /* EP_X_LIT; the literal of an EP_OP_* form */
  const ep_tmpl *tmpl; /* EP_X_TMPL */
  const ep_expr *args; /* EP_X_FN */
  const ep_path *path; /* getAttr: the compiled literal path */
};

/* Endpoint properties: constant subtrees are built once and shared. */
enum ep_prop_kind { EP_P_CONST = 0, EP_P_TMPL, EP_P_ARRAY, EP_P_OBJECT };

typedef struct ep_prop ep_prop;
struct ep_prop {
  uint8_t kind;
  awsc_ep_value cval;      /* EP_P_CONST */
  const ep_tmpl *tmpl;     /* EP_P_TMPL */
  const char *const *keys; /* EP_P_OBJECT */
  const ep_prop *kids;     /* EP_P_ARRAY / EP_P_OBJECT */
  size_t count;
};

typedef struct ep_hdr {
  const char *name;
  const ep_expr *vals;
  size_t count;
} ep_hdr;

enum ep_rule_type { EP_R_ENDPOINT = 0, EP_R_ERROR, EP_R_TREE };

typedef struct ep_rule ep_rule;
struct ep_rule {
  uint8_t type;
  const ep_expr *conds;
  size_t ncond;
  const ep_rule *kids; /* tree */
  size_t nkids;
  ep_expr url;          /* endpoint */
  const ep_prop *props; /* endpoint; NULL = {} */
  const ep_hdr *hdrs;   /* endpoint */
  size_t nhdrs;
  ep_expr error; /* error */
};

struct awsc_ep_ruleset {
  atomic_long refs;
  awsc_arena *arena;
  awsc_ep_partitions *parts;
  awsc_ep_param_info *params; /* slots [0, nparams) */
  size_t nparams;
  uint32_t *name_hash;    /* per parameter: ep_hash(name), */
  uint32_t *builtin_hash; /* ep_hash(builtin) or 0 (by-name lookups
                             compare these before strcmp) */
  size_t nslots;          /* params + every assigned name */
  const char *const *slot_names;
  const ep_rule *rules;
  size_t nrules;
  awsc_ep_value empty_object;
};

/* A constant value copied from a JSON tree into arena `a`. */
int ep_value_from_json(awsc_arena *a, const awsc_jnode *j, awsc_ep_value *out);

/* FNV-1a over n bytes (region and parameter lookups). */
static inline uint32_t ep_hash(const char *s, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

/* getAttr over a compiled path (NONE when a key or index is missing). */
awsc_ep_value ep_get_attr(const awsc_ep_value *v, const ep_path *path);

#endif /* AWSC_ENDPOINTS_EP_INTERNAL_H */

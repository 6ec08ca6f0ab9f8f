/*
 * lib/endpoints/ep_partitions.c - partitions.json, compiled once, and the
 * aws.partition lookup.
 *
 * A partition's result is its "outputs" object with "name" set to the
 * partition id (botocore does the same). A region entry may carry
 * overrides of outputs besides its "description"; those regions get an
 * output object of their own, built here once.
 */
#include <string.h>

#include "endpoints/ep_internal.h"

static int bad(awsc_error *err, const char *what) {
  return awsc_error_set(err, AWSC_EPARSE, AWSC_ERROR_PARSE, "partitions: %s",
                        what);
}

static int nomem(awsc_error *err) {
  return awsc_error_set(err, AWSC_ENOMEM, AWSC_ERROR_INTERNAL, "out of memory");
}

/* outputs + "name" = id (replacing any "name" given). */
static int build_outputs(awsc_arena *a, const awsc_jnode *outputs,
                         const char *id, awsc_ep_value *out) {
  int rc = ep_value_from_json(a, outputs, out);
  if (rc)
    return rc;
  awsc_ep_member *m = awsc_arena_alloc(a, (out->nmembers + 1) * sizeof *m);
  if (!m)
    return AWSC_ENOMEM;
  size_t n = 0;
  bool named = false;
  for (size_t i = 0; i < out->nmembers; i++) {
    m[n] = out->members[i];
    if (strcmp(m[n].key, "name") == 0) {
      m[n].value = awsc_ep_string(id);
      named = true;
    }
    n++;
  }
  if (!named) {
    m[n].key = "name";
    m[n].value = awsc_ep_string(id);
    n++;
  }
  out->members = m;
  out->nmembers = n;
  return 0;
}

/* The partition outputs with a region's overrides applied, or NULL (and
 * 0) when the region entry has nothing but a description. */
static int region_outputs(awsc_arena *a, const awsc_ep_value *base,
                          const awsc_jnode *region, const awsc_ep_value **out) {
  *out = NULL;
  size_t extra = 0;
  for (size_t i = 0; i < region->count; i++)
    if (strcmp(region->members[i].key, "description") != 0)
      extra++;
  if (!extra)
    return 0;
  awsc_ep_member *m = awsc_arena_alloc(a, (base->nmembers + extra) * sizeof *m);
  awsc_ep_value *v = awsc_arena_alloc(a, sizeof *v);
  if (!m || !v)
    return AWSC_ENOMEM;
  size_t n = base->nmembers;
  memcpy(m, base->members, n * sizeof *m);
  for (size_t i = 0; i < region->count; i++) {
    const awsc_jmember *jm = &region->members[i];
    if (strcmp(jm->key, "description") == 0 || strcmp(jm->key, "name") == 0)
      continue;
    awsc_ep_value val;
    int rc = ep_value_from_json(a, jm->value, &val);
    if (rc)
      return rc;
    size_t k = 0;
    while (k < n && strcmp(m[k].key, jm->key) != 0)
      k++;
    if (k == n) {
      m[n].key = awsc_arena_memdup0(a, jm->key, jm->key_len);
      if (!m[n].key)
        return AWSC_ENOMEM;
      n++;
    }
    m[k].value = val;
  }
  v->type = AWSC_EP_OBJECT;
  v->members = m;
  v->nmembers = n;
  *out = v;
  return 0;
}

/* The explicit regions in a hash table; a name listed twice keeps its
 * first partition (file order), as a linear search would. */
static int build_hash(awsc_ep_partitions *p) {
  size_t size = 8;
  while (size < 2 * p->nregions)
    size *= 2;
  p->hash = awsc_arena_calloc(p->arena, size, sizeof *p->hash);
  if (!p->hash)
    return AWSC_ENOMEM;
  p->hash_mask = size - 1;
  for (size_t i = 0; i < p->nregions; i++) {
    const ep_region *r = &p->regions[i];
    size_t k = ep_hash(r->name, r->len) & p->hash_mask;
    bool dup = false;
    while (p->hash[k]) {
      const ep_region *o = &p->regions[p->hash[k] - 1];
      if (o->len == r->len && memcmp(o->name, r->name, r->len) == 0)
        dup = true;
      k = (k + 1) & p->hash_mask;
    }
    if (!dup)
      p->hash[k] = (uint32_t)i + 1;
  }
  return 0;
}

static int load(awsc_ep_partitions *p, const awsc_jnode *root,
                awsc_error *err) {
  awsc_arena *a = p->arena;
  const awsc_jnode *list = awsc_jtree_get(root, "partitions");
  if (!list || list->type != AWSC_J_ARRAY || list->count == 0)
    return bad(err, "\"partitions\" must be a non-empty array");
  p->count = list->count;
  p->parts = awsc_arena_calloc(a, p->count, sizeof *p->parts);
  if (!p->parts)
    return nomem(err);
  size_t nregions = 0;
  for (size_t i = 0; i < list->count; i++) {
    const awsc_jnode *r = awsc_jtree_get(list->items[i], "regions");
    if (r && r->type == AWSC_J_OBJECT)
      nregions += r->count;
  }
  p->regions =
      awsc_arena_calloc(a, nregions ? nregions : 1, sizeof *p->regions);
  if (!p->regions)
    return nomem(err);
  p->fallback = 0;
  for (size_t i = 0; i < list->count; i++) {
    const awsc_jnode *pj = list->items[i];
    ep_partition *part = &p->parts[i];
    const awsc_jnode *id = awsc_jtree_get(pj, "id");
    const awsc_jnode *outputs = awsc_jtree_get(pj, "outputs");
    const awsc_jnode *rx = awsc_jtree_get(pj, "regionRegex");
    const awsc_jnode *regions = awsc_jtree_get(pj, "regions");
    if (!id || id->type != AWSC_J_STRING || !outputs ||
        outputs->type != AWSC_J_OBJECT)
      return bad(err, "a partition needs a string \"id\" and an object "
                      "\"outputs\"");
    if ((rx && rx->type != AWSC_J_STRING) ||
        (regions && regions->type != AWSC_J_OBJECT))
      return bad(err, "\"regionRegex\" must be a string and \"regions\" an "
                      "object");
    part->id = awsc_arena_memdup0(a, id->s, id->n);
    if (!part->id)
      return nomem(err);
    if (strcmp(part->id, "aws") == 0)
      p->fallback = i;
    int rc = build_outputs(a, outputs, part->id, &part->outputs);
    if (rc)
      return nomem(err);
    if (rx) {
      ep_regex *re;
      rc = ep_regex_compile(&re, a, rx->s, rx->n, err);
      if (rc)
        return rc;
      part->re = re;
    }
    for (size_t k = 0; regions && k < regions->count; k++) {
      const awsc_jmember *jm = &regions->members[k];
      if (jm->value->type != AWSC_J_OBJECT)
        return bad(err, "a region entry must be an object");
      ep_region *reg = &p->regions[p->nregions++];
      reg->name = awsc_arena_memdup0(a, jm->key, jm->key_len);
      reg->len = jm->key_len;
      if (!reg->name)
        return nomem(err);
      rc = region_outputs(a, &part->outputs, jm->value, &reg->outputs);
      if (rc)
        return nomem(err);
      if (!reg->outputs)
        reg->outputs = &part->outputs;
    }
  }
  return build_hash(p) ? nomem(err) : 0;
}

int awsc_ep_partitions_new(awsc_ep_partitions **out, const char *json,
                           size_t len, awsc_error *err) {
  if (!out || !json)
    return awsc_error_set(err, AWSC_EINVAL, AWSC_ERROR_VALIDATION,
                          "partitions: NULL argument");
  *out = NULL;
  awsc_arena *tmp = awsc_arena_new(16384);
  awsc_ep_partitions *p = awsc_calloc(1, sizeof *p);
  awsc_arena *a = awsc_arena_new(8192);
  if (!tmp || !p || !a) {
    awsc_arena_free(tmp);
    awsc_arena_free(a);
    awsc_free(p);
    return nomem(err);
  }
  p->arena = a;
  atomic_init(&p->refs, 1);
  awsc_jnode *root;
  int rc = awsc_jtree_parse(&root, tmp, json, len, AWSC_JPARSE_SKIP_DOCS, err);
  if (rc == 0)
    rc = load(p, root, err);
  awsc_arena_free(tmp);
  if (rc) {
    awsc_arena_free(a);
    awsc_free(p);
    return rc;
  }
  *out = p;
  return 0;
}

void ep_partitions_ref(awsc_ep_partitions *parts) {
  atomic_fetch_add_explicit(&parts->refs, 1, memory_order_relaxed);
}

void awsc_ep_partitions_free(awsc_ep_partitions *parts) {
  if (!parts)
    return;
  if (atomic_fetch_sub_explicit(&parts->refs, 1, memory_order_acq_rel) != 1)
    return;
  awsc_arena_free(parts->arena);
  awsc_free(parts);
}

const awsc_ep_value *awsc_ep_partition_of(const awsc_ep_partitions *parts,
                                          const char *region, size_t len) {
  if (region) {
    size_t k = ep_hash(region, len) & parts->hash_mask;
    for (uint32_t idx; (idx = parts->hash[k]) != 0;
         k = (k + 1) & parts->hash_mask) {
      const ep_region *r = &parts->regions[idx - 1];
      if (r->len == len && memcmp(r->name, region, len) == 0)
        return r->outputs;
    }
    for (size_t i = 0; i < parts->count; i++)
      if (parts->parts[i].re && ep_regex_match(parts->parts[i].re, region, len))
        return &parts->parts[i].outputs;
  }
  return &parts->parts[parts->fallback].outputs;
}

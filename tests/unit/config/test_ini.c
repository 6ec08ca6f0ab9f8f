/* Unit tests of the INI parser (lib/config/ini.c): the AWS CLI dialect. */
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfgtest.h"
#include "config/config.h"
#include "test.h"

/* Parse `len` bytes copied into a buffer of exactly that size, so that
 * any read past the end is caught by ASan (the input is not a C string). */
static int parse_n(awsc_ini **out, const char *text, size_t len,
                   awsc_error *err) {
  char *copy = malloc(len ? len : 1);
  if (len)
    memcpy(copy, text, len);
  int rc = awsc_ini_parse(out, copy, len, "test.ini", err);
  free(copy);
  return rc;
}

static int parse(awsc_ini **out, const char *text, awsc_error *err) {
  return parse_n(out, text, strlen(text), err);
}

static awsc_ini *parse_ok(const char *text) {
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  int rc = parse(&ini, text, &err);
  if (rc != 0)
    fprintf(stderr, "unexpected parse error %d: %s\n", rc, err.message);
  return ini;
}

/* Expect a syntax error on `line`; returns the message for more checks. */
static void expect_error(const char *text, int line, const char *what) {
  awsc_ini *ini = (awsc_ini *)1;
  awsc_error err = AWSC_ERROR_INIT;
  char prefix[64];
  CHECK_INT(parse(&ini, text, &err), AWSC_ECONFIG);
  CHECK(ini == NULL);
  CHECK_INT(err.code, AWSC_ECONFIG);
  CHECK_INT(err.kind, AWSC_ERROR_CONFIG);
  snprintf(prefix, sizeof(prefix), "test.ini:%d: ", line);
  if (strncmp(err.message, prefix, strlen(prefix)) != 0) {
    fprintf(stderr, "  message \"%s\" does not start with \"%s\"\n",
            err.message, prefix);
    test_current_failed = 1;
  }
  if (what && !strstr(err.message, what)) {
    fprintf(stderr, "  message \"%s\" lacks \"%s\"\n", err.message, what);
    test_current_failed = 1;
  }
}

static void test_basic_sections_and_keys(void) {
  awsc_ini *ini = parse_ok("[default]\n"
                           "region = us-east-1\n"
                           "output=json\n"
                           "cli_pager:   less   \n"
                           "key with spaces \t =\t value with spaces \t\n"
                           "[profile dev]\n"
                           "region=eu-west-1\n");
  CHECK(ini != NULL);
  CHECK(awsc_ini_has_section(ini, "default"));
  CHECK(awsc_ini_has_section(ini, "profile dev"));
  CHECK(!awsc_ini_has_section(ini, "dev"));
  CHECK_STR(awsc_ini_get(ini, "default", "region"), "us-east-1");
  CHECK_STR(awsc_ini_get(ini, "default", "output"), "json");
  CHECK_STR(awsc_ini_get(ini, "default", "cli_pager"), "less");
  CHECK_STR(awsc_ini_get(ini, "default", "key with spaces"),
            "value with spaces");
  CHECK_STR(awsc_ini_get(ini, "profile dev", "region"), "eu-west-1");
  CHECK(awsc_ini_get(ini, "profile dev", "output") == NULL);
  CHECK(awsc_ini_get(ini, "nosuch", "region") == NULL);
  CHECK(awsc_ini_get(ini, "default", "nosuch") == NULL);
  CHECK_INT(awsc_ini_section_count(ini), 2);
  CHECK_STR(awsc_ini_section_name(ini, 0), "default");
  CHECK_STR(awsc_ini_section_name(ini, 1), "profile dev");
  CHECK(awsc_ini_section_name(ini, 2) == NULL);
  awsc_ini_free(ini);
}

static void test_section_name_forms(void) {
  awsc_ini *ini = parse_ok("  [  profile  dev  ]  \n"
                           "a = 1\n"
                           "[sso-session my-sso]\n"
                           "sso_region = us-east-1\n"
                           "[services my-services]\n"
                           "x = 1\n"
                           "[default] trailing text is ignored\n"
                           "b = 2\n"
                           "[a]b]\n"
                           "c = 3\n"
                           "[Default]\n"
                           "d = 4\n");
  CHECK(ini != NULL);
  /* Trimmed around, kept inside (config.c splits "profile  dev"). */
  CHECK_STR(awsc_ini_get(ini, "profile  dev", "a"), "1");
  CHECK_STR(awsc_ini_get(ini, "sso-session my-sso", "sso_region"), "us-east-1");
  CHECK(awsc_ini_has_section(ini, "services my-services"));
  CHECK_STR(awsc_ini_get(ini, "default", "b"), "2");
  /* configparser takes the text up to the last ']'. */
  CHECK_STR(awsc_ini_get(ini, "a]b", "c"), "3");
  /* Section names are case-sensitive. */
  CHECK_STR(awsc_ini_get(ini, "Default", "d"), "4");
  CHECK(awsc_ini_get(ini, "default", "d") == NULL);
  awsc_ini_free(ini);
}

static void test_delimiters(void) {
  awsc_ini *ini = parse_ok("[s]\n"
                           "url = http://localhost:8000/path?q=1\n"
                           "colon: a=b\n"
                           "eq = a:b\n"
                           "empty =\n"
                           "empty2:\n"
                           "spaces   =   x   y   \n");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get(ini, "s", "url"), "http://localhost:8000/path?q=1");
  CHECK_STR(awsc_ini_get(ini, "s", "colon"), "a=b");
  CHECK_STR(awsc_ini_get(ini, "s", "eq"), "a:b");
  CHECK_STR(awsc_ini_get(ini, "s", "empty"), "");
  CHECK(awsc_ini_has_key(ini, "s", "empty"));
  CHECK_STR(awsc_ini_get(ini, "s", "empty2"), "");
  CHECK_STR(awsc_ini_get(ini, "s", "spaces"), "x   y");
  awsc_ini_free(ini);
}

static void test_comments(void) {
  awsc_ini *ini = parse_ok("# leading comment\n"
                           "; another\n"
                           "[default]\n"
                           "   # indented comment\n"
                           "region = us-west-2 # not a comment\n"
                           "output = json;also not\n"
                           "url = http://host/#frag\n"
                           "\t; tab comment\n"
                           "#key = commented out\n");
  CHECK(ini != NULL);
  /* No inline comments in botocore (inline_comment_prefixes unset). */
  CHECK_STR(awsc_ini_get(ini, "default", "region"),
            "us-west-2 # not a comment");
  CHECK_STR(awsc_ini_get(ini, "default", "output"), "json;also not");
  CHECK_STR(awsc_ini_get(ini, "default", "url"), "http://host/#frag");
  CHECK(awsc_ini_get(ini, "default", "#key") == NULL);
  CHECK(awsc_ini_get(ini, "default", "key") == NULL);
  CHECK_INT(awsc_ini_section_count(ini), 1);
  awsc_ini_free(ini);
}

static void test_nested(void) {
  awsc_ini *ini = parse_ok("[profile dev]\n"
                           "s3 =\n"
                           "  addressing_style = path\n"
                           "  # a comment inside the block\n"
                           "\n"
                           "  Signature_Version=s3v4\n"
                           "  max_concurrent_requests = 20\n"
                           "  url = http://x:1/?a=b\n"
                           "region = us-west-2\n"
                           "dynamodb =\n"
                           "\n"
                           "    endpoint_url = http://localhost:8000\n");
  CHECK(ini != NULL);
  CHECK(awsc_ini_get(ini, "profile dev", "s3") == NULL);
  CHECK(awsc_ini_has_key(ini, "profile dev", "s3"));
  CHECK_STR(awsc_ini_get_sub(ini, "profile dev", "s3", "addressing_style"),
            "path");
  /* Subkeys keep their case (botocore's _parse_nested). */
  CHECK_STR(awsc_ini_get_sub(ini, "profile dev", "s3", "Signature_Version"),
            "s3v4");
  CHECK(awsc_ini_get_sub(ini, "profile dev", "s3", "signature_version") ==
        NULL);
  CHECK_STR(
      awsc_ini_get_sub(ini, "profile dev", "s3", "max_concurrent_requests"),
      "20");
  CHECK_STR(awsc_ini_get_sub(ini, "profile dev", "s3", "url"),
            "http://x:1/?a=b");
  CHECK_STR(awsc_ini_get(ini, "profile dev", "region"), "us-west-2");
  CHECK_STR(awsc_ini_get_sub(ini, "profile dev", "dynamodb", "endpoint_url"),
            "http://localhost:8000");
  /* A plain value has no sub keys. */
  CHECK(awsc_ini_get_sub(ini, "profile dev", "region", "x") == NULL);
  CHECK(awsc_ini_get_sub(ini, "profile dev", "s3", "nosuch") == NULL);
  CHECK(awsc_ini_get_sub(ini, "profile dev", "nosuch", "x") == NULL);
  awsc_ini_free(ini);
}

static void test_nested_errors(void) {
  expect_error("[default]\ns3 =\n  addressing_style = path\n  bogus\n", 4,
               "nested");
  /* Only '=' separates inside a nested block (':' does not). */
  expect_error("[default]\ns3 =\n  addressing_style: path\n", 3, NULL);
}

static void test_continuation(void) {
  awsc_ini *ini = parse_ok("[default]\n"
                           "multi = first\n"
                           "  second\n"
                           "\n"
                           "\t  third = with equals\n"
                           "  # comment lines are skipped\n"
                           "  [not a section]\n"
                           "\n"
                           "\n"
                           "next = 1\n"
                           "  indented_key = only if a key is open\n");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get(ini, "default", "multi"),
            "first\nsecond\n\nthird = with equals\n[not a section]");
  /* An indented line under "next = 1" continues it. */
  CHECK_STR(awsc_ini_get(ini, "default", "next"),
            "1\nindented_key = only if a key is open");
  CHECK(!awsc_ini_has_section(ini, "not a section"));
  awsc_ini_free(ini);

  /* Indented lines right after a header are keys; continuation needs more
   * indentation than the key line itself. */
  ini = parse_ok("[a]\n"
                 "    k1 = v1\n"
                 "      more\n"
                 "  k2 = v2\n"
                 "    k2more\n"
                 "k3 = v3\n");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get(ini, "a", "k1"), "v1\nmore");
  CHECK_STR(awsc_ini_get(ini, "a", "k2"), "v2\nk2more");
  CHECK_STR(awsc_ini_get(ini, "a", "k3"), "v3");
  awsc_ini_free(ini);

  /* "key =" with only blank lines and a comment after it stays "". */
  ini = parse_ok("[a]\nk =\n\n  # c\n\nj = 1\n");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get(ini, "a", "k"), "");
  CHECK_STR(awsc_ini_get(ini, "a", "j"), "1");
  awsc_ini_free(ini);
}

static void test_key_case(void) {
  awsc_ini *ini = parse_ok("[default]\n"
                           "AWS_Access_Key_ID = AKIDEXAMPLE\n"
                           "Region = us-east-1\n"
                           "region = eu-west-1\n");
  CHECK(ini != NULL);
  /* RawConfigParser lower-cases option names. */
  CHECK_STR(awsc_ini_get(ini, "default", "aws_access_key_id"), "AKIDEXAMPLE");
  CHECK(awsc_ini_get(ini, "default", "AWS_Access_Key_ID") == NULL);
  CHECK_STR(awsc_ini_get(ini, "default", "region"), "eu-west-1");
  awsc_ini_free(ini);
}

static void test_duplicates(void) {
  awsc_ini *ini = parse_ok("[default]\n"
                           "region = a\n"
                           "output = json\n"
                           "s3 =\n"
                           "  addressing_style = path\n"
                           "[other]\n"
                           "x = 1\n"
                           "[default]\n"
                           "region = b\n"
                           "s3 = plain now\n"
                           "region = c\n");
  CHECK(ini != NULL);
  CHECK_INT(awsc_ini_section_count(ini), 2);
  CHECK_STR(awsc_ini_section_name(ini, 0), "default");
  CHECK_STR(awsc_ini_section_name(ini, 1), "other");
  CHECK_STR(awsc_ini_get(ini, "default", "region"), "c");
  CHECK_STR(awsc_ini_get(ini, "default", "output"), "json");
  CHECK_STR(awsc_ini_get(ini, "default", "s3"), "plain now");
  CHECK(awsc_ini_get_sub(ini, "default", "s3", "addressing_style") == NULL);
  awsc_ini_free(ini);

  /* A nested block repeated: the later block replaces the earlier. */
  ini = parse_ok("[d]\ns3 =\n  a = 1\n  a = 2\n  b = 3\ns3 =\n  c = 4\n");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get_sub(ini, "d", "s3", "c"), "4");
  CHECK(awsc_ini_get_sub(ini, "d", "s3", "a") == NULL);
  awsc_ini_free(ini);
  ini = parse_ok("[d]\ns3 =\n  a = 1\n  a = 2\n");
  CHECK_STR(awsc_ini_get_sub(ini, "d", "s3", "a"), "2");
  awsc_ini_free(ini);
}

static void test_default_section(void) {
  awsc_ini *ini = parse_ok("[DEFAULT]\n"
                           "region = from-defaults\n"
                           "output = text\n"
                           "[profile a]\n"
                           "output = json\n");
  CHECK(ini != NULL);
  /* configparser's DEFAULT section shows through, is not listed. */
  CHECK(!awsc_ini_has_section(ini, "DEFAULT"));
  CHECK_INT(awsc_ini_section_count(ini), 1);
  CHECK_STR(awsc_ini_get(ini, "profile a", "region"), "from-defaults");
  CHECK_STR(awsc_ini_get(ini, "profile a", "output"), "json");
  CHECK(awsc_ini_get(ini, "profile b", "region") == NULL);
  awsc_ini_free(ini);
}

static void test_line_endings(void) {
  const char crlf[] = "[default]\r\nregion = us-east-1\r\ns3 =\r\n"
                      "  addressing_style = path\r\nmulti = a\r\n  b\r\n";
  awsc_ini *ini = parse_ok(crlf);
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get(ini, "default", "region"), "us-east-1");
  CHECK_STR(awsc_ini_get_sub(ini, "default", "s3", "addressing_style"), "path");
  CHECK_STR(awsc_ini_get(ini, "default", "multi"), "a\nb");
  awsc_ini_free(ini);

  /* Old Mac "\r" alone ends a line too (Python's universal newlines). */
  ini = parse_ok("[default]\rregion = r1\routput = o1\r");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get(ini, "default", "region"), "r1");
  CHECK_STR(awsc_ini_get(ini, "default", "output"), "o1");
  awsc_ini_free(ini);

  /* Errors count CRLF lines as one each. */
  expect_error("[default]\r\n\r\nregion = x\r\nbogus\r\n", 4, NULL);
  expect_error("[a]\r\rbogus\r", 3, NULL);
}

static void test_bom_empty_no_newline(void) {
  awsc_ini *ini = parse_ok("\xEF\xBB\xBF[default]\nregion = bom\n");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get(ini, "default", "region"), "bom");
  awsc_ini_free(ini);

  ini = parse_ok("");
  CHECK(ini != NULL);
  CHECK_INT(awsc_ini_section_count(ini), 0);
  CHECK(awsc_ini_get(ini, "default", "region") == NULL);
  awsc_ini_free(ini);

  awsc_error err = AWSC_ERROR_INIT;
  ini = NULL;
  CHECK_INT(awsc_ini_parse(&ini, NULL, 0, NULL, &err), 0);
  CHECK(ini != NULL);
  awsc_ini_free(ini);

  ini = parse_ok("\xEF\xBB\xBF");
  CHECK(ini != NULL);
  awsc_ini_free(ini);

  ini = parse_ok("\n\n   \n\t\n# only comments\n; here\n");
  CHECK(ini != NULL);
  CHECK_INT(awsc_ini_section_count(ini), 0);
  awsc_ini_free(ini);

  ini = parse_ok("[default]\nregion = no-newline");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get(ini, "default", "region"), "no-newline");
  awsc_ini_free(ini);

  ini = parse_ok("[default]\ns3 =\n  addressing_style = virtual");
  CHECK(ini != NULL);
  CHECK_STR(awsc_ini_get_sub(ini, "default", "s3", "addressing_style"),
            "virtual");
  awsc_ini_free(ini);

  ini = parse_ok("[last]");
  CHECK(ini != NULL);
  CHECK(awsc_ini_has_section(ini, "last"));
  awsc_ini_free(ini);
}

/* The input is (ptr, len): bytes after len must never be looked at. */
static void test_not_nul_terminated(void) {
  const char text[] = "[a]\nk = value-and-more";
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  /* Cut in the middle of the value: "[a]\nk = val". */
  CHECK_INT(parse_n(&ini, text, 11, &err), 0);
  CHECK_STR(awsc_ini_get(ini, "a", "k"), "val");
  awsc_ini_free(ini);
  /* Cut inside the header. */
  ini = (awsc_ini *)1;
  CHECK_INT(parse_n(&ini, text, 2, &err), AWSC_ECONFIG);
  CHECK(ini == NULL);
  CHECK(strstr(err.message, "test.ini:1:") != NULL);
  /* Cut right after "\r" of a CRLF pair. */
  ini = NULL;
  CHECK_INT(parse_n(&ini, "[a]\r\nk=v\r\n", 9, &err), 0);
  CHECK_STR(awsc_ini_get(ini, "a", "k"), "v");
  awsc_ini_free(ini);
  /* A BOM cut short is just bytes: "\xEF\xBB" is not a section. */
  CHECK_INT(parse_n(&ini, "\xEF\xBB", 2, &err), AWSC_ECONFIG);
}

static void test_syntax_errors(void) {
  expect_error("[default]\nregion = x\nthis is not valid\n", 3, "expected");
  expect_error("[default\nregion = x\n", 1, "unterminated");
  expect_error("[default]\n[profile dev\n", 2, "unterminated");
  expect_error("[]\n", 1, "empty section");
  expect_error("[   ]\n", 1, "empty section");
  expect_error("region = us-east-1\n[default]\n", 1, "section");
  expect_error("\n# c\n  indented = before any section\n", 3, "section");
  expect_error("garbage\n", 1, NULL);
  expect_error("[a]\n = no key\n", 2, "key");
  expect_error("[a]\n: no key\n", 2, "key");
  expect_error("[a]\nk = v\n\nx\n", 4, NULL);
  /* A NUL byte (values are C strings). */
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(parse_n(&ini, "[a]\nk = v\0w\n", 11, &err), AWSC_ECONFIG);
  CHECK(strstr(err.message, "test.ini:2:") != NULL);
  CHECK(ini == NULL);
  /* NULL err is fine. */
  CHECK_INT(parse(&ini, "bogus", NULL), AWSC_ECONFIG);
  CHECK_INT(awsc_ini_parse(NULL, "", 0, NULL, NULL), AWSC_EINVAL);
  CHECK_INT(awsc_ini_parse(&ini, NULL, 3, NULL, NULL), AWSC_EINVAL);
}

/* A bad line may hold a secret: the message must not quote it. */
static void test_error_has_no_line_text(void) {
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(parse(&ini,
                  "[default]\naws_secret_access_key wJalrXUtnFEMI/K7MDENG\n",
                  &err),
            AWSC_ECONFIG);
  CHECK(strstr(err.message, "wJalr") == NULL);
  CHECK(strstr(err.message, "aws_secret") == NULL);
  CHECK(strncmp(err.message, "test.ini:2: ", 12) == 0);
}

static void test_long_lines(void) {
  size_t n = 1u << 20;
  char *text = malloc(n + 64);
  CHECK(text != NULL);
  if (!text)
    return;
  size_t off = (size_t)sprintf(text, "[default]\nlong = ");
  memset(text + off, 'x', n);
  off += n;
  off += (size_t)sprintf(text + off, "\n  %s\nk2 = v2", "tail");
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(parse_n(&ini, text, off, &err), 0);
  const char *v = awsc_ini_get(ini, "default", "long");
  CHECK(v && strlen(v) == n + 5 && v[0] == 'x' && v[n] == '\n' &&
        strcmp(v + n + 1, "tail") == 0);
  CHECK_STR(awsc_ini_get(ini, "default", "k2"), "v2");
  awsc_ini_free(ini);

  /* A long section name and key. */
  off = 0;
  text[off++] = '[';
  memset(text + off, 's', n / 2);
  off += n / 2;
  text[off++] = ']';
  text[off++] = '\n';
  memset(text + off, 'K', 1000);
  off += 1000;
  off += (size_t)sprintf(text + off, "=1\n");
  CHECK_INT(parse_n(&ini, text, off, &err), 0);
  CHECK_INT(awsc_ini_section_count(ini), 1);
  CHECK(strlen(awsc_ini_section_name(ini, 0)) == n / 2);
  free(text);
  awsc_ini_free(ini);
}

/* Many sections and keys: one pass, no quadratic blow-up. */
static void test_many_sections(void) {
  size_t count = 50000;
  awsc_buf b = AWSC_BUF_INIT;
  for (size_t i = 0; i < count; i++)
    awsc_buf_printf(&b, "[profile p%zu]\nregion = r%zu\n", i, i);
  for (size_t i = 0; i < count; i++)
    awsc_buf_printf(&b, "k%zu = %zu\n", i, i);
  clock_t t0 = clock();
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  CHECK_INT(awsc_ini_parse(&ini, b.p, b.len, "big.ini", &err), 0);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  CHECK_INT(awsc_ini_section_count(ini), count);
  CHECK_STR(awsc_ini_get(ini, "profile p0", "region"), "r0");
  CHECK_STR(awsc_ini_get(ini, "profile p49999", "region"), "r49999");
  CHECK_STR(awsc_ini_get(ini, "profile p49999", "k0"), "0");
  CHECK_STR(awsc_ini_get(ini, "profile p49999", "k49999"), "49999");
  CHECK_STR(awsc_ini_section_name(ini, 1234), "profile p1234");
  printf("     parsed %zu bytes, %zu sections in %.3f s\n", b.len, count, secs);
  CHECK(secs < 5.0);
  awsc_ini_free(ini);
  awsc_buf_free(&b);
}

static void test_load_file(void) {
  awsc_ini *ini = NULL;
  awsc_error err = AWSC_ERROR_INIT;
  const char *p = test_write_file("load/config", "[default]\nregion = file\n");
  CHECK_INT(awsc_ini_load_file(&ini, p, &err), 0);
  CHECK_STR(awsc_ini_get(ini, "default", "region"), "file");
  awsc_ini_free(ini);

  /* Missing file (or missing directory): empty, not an error. */
  ini = NULL;
  CHECK_INT(awsc_ini_load_file(&ini, test_path("load/nosuch"), &err), 0);
  CHECK(ini != NULL);
  CHECK_INT(awsc_ini_section_count(ini), 0);
  awsc_ini_free(ini);
  ini = NULL;
  CHECK_INT(awsc_ini_load_file(&ini, test_path("nodir/x/config"), &err), 0);
  awsc_ini_free(ini);
  /* A directory is not a file (botocore's os.path.isfile). */
  ini = NULL;
  CHECK_INT(awsc_ini_load_file(&ini, test_path("load"), &err), 0);
  CHECK_INT(awsc_ini_section_count(ini), 0);
  awsc_ini_free(ini);

  /* Syntax errors name the file's path and line. */
  p = test_write_file("load/bad", "[default]\nregion = x\n[oops\n");
  char expect[1100];
  snprintf(expect, sizeof(expect), "%s:3: ", p);
  ini = NULL;
  CHECK_INT(awsc_ini_load_file(&ini, p, &err), AWSC_ECONFIG);
  CHECK(ini == NULL);
  CHECK(strncmp(err.message, expect, strlen(expect)) == 0);

  /* Unreadable: AWSC_EIO (root can read anything, so skip then). */
  p = test_write_file("load/secret", "[default]\n");
  chmod(p, 0);
  if (geteuid() == 0) {
    SKIP("test_load_file/unreadable", "running as root, chmod 0 is readable");
  } else {
    CHECK_INT(awsc_ini_load_file(&ini, p, &err), AWSC_EIO);
    CHECK_INT(err.kind, AWSC_ERROR_IO);
  }
  CHECK_INT(awsc_ini_load_file(&ini, NULL, &err), AWSC_EINVAL);

  /* A path that can not be looked at (symlink loop): AWSC_EIO. */
  const char *loop = test_path("load/loop");
  CHECK_INT(symlink(loop, loop), 0);
  ini = (awsc_ini *)1;
  CHECK_INT(awsc_ini_load_file(&ini, loop, &err), AWSC_EIO);
  CHECK(ini == NULL);
  CHECK(strstr(err.message, "load/loop") != NULL);
}

int main(void) {
  RUN(test_basic_sections_and_keys);
  RUN(test_section_name_forms);
  RUN(test_delimiters);
  RUN(test_comments);
  RUN(test_nested);
  RUN(test_nested_errors);
  RUN(test_continuation);
  RUN(test_key_case);
  RUN(test_duplicates);
  RUN(test_default_section);
  RUN(test_line_endings);
  RUN(test_bom_empty_no_newline);
  RUN(test_not_nul_terminated);
  RUN(test_syntax_errors);
  RUN(test_error_has_no_line_text);
  RUN(test_long_lines);
  RUN(test_many_sections);
  RUN(test_load_file);
  test_tmp_cleanup();
  return test_summary();
}

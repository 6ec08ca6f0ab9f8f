#!/bin/bash
# End-to-end: the resource-API S3 examples (examples/res_s3_*) against the
# local Ceph RGW. What each does through Bucket / Object handles is checked
# through the client layer (the awsc CLI: the typed clients' operations),
# awscli (an independent client) and plain curl: both layers must see the
# same state. Usage: res_s3_examples.sh BUILD_ROOT
# Needs AWSC_E2E_S3_ENDPOINT (set by scripts/test.sh when RGW is up);
# exits 77 (skipped) with the reason printed when it is not set.
set -u
build=$1
ex=$build/examples
cli=$build/tools/awsc
. "$(dirname "$0")/s3_env.sh"

AWS=""
if command -v aws >/dev/null 2>&1 && aws --version >/dev/null 2>&1; then
  AWS="aws --endpoint-url $ep"
fi
bucket=e2e-res-$$-$RANDOM
empty=e2e-res-empty-$$-$RANDOM
loop=e2e-resloop-$$-$RANDOM
cleanup() {
  for b in "$bucket" "$empty"; do
    $ex/res_s3_empty_bucket "$b" >/dev/null 2>&1
    $cli s3 delete_bucket "{\"Bucket\":\"$b\"}" >/dev/null 2>&1
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
# keys BUCKET PREFIX: the keys as the client layer lists them, one a line
keys() {
  $cli s3 list_objects_v2 "{\"Bucket\":\"$1\",\"Prefix\":\"$2\"}" |
    python3 -c 'import json,sys; [print(c["Key"]) for c in json.load(sys.stdin).get("Contents",[])]'
}
put() { $cli s3 put_object "{\"Bucket\":\"$1\",\"Key\":\"$2\",\"Body\":\"$3\"}" >/dev/null; }

check "cli create_bucket" $cli s3 create_bucket "{\"Bucket\":\"$bucket\"}"

# ---- s3.buckets.all() == list_buckets
$ex/res_s3_list_buckets >"$tmp/lb.out" 2>&1
check "res_s3_list_buckets lists the new bucket" grep -q "^  $bucket " "$tmp/lb.out"
n_cli=$($cli s3 list_buckets | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Buckets"]))')
check "s3.buckets.all() count == list_buckets count ($n_cli)" grep -qx "$n_cli bucket(s)" "$tmp/lb.out"
check "creation dates printed" grep -q "^  $bucket  20[0-9][0-9]-[01][0-9]-" "$tmp/lb.out"

# ---- Bucket.create / wait_until_exists / delete / wait_until_not_exists
$ex/res_s3_buckets "$loop" 3 >"$tmp/bl.out" 2>&1
check "res_s3_buckets (3 in a loop)" [ $? = 0 ]
check "the collection saw all 3 while they existed" grep -q "shows 3 bucket(s)" "$tmp/bl.out"
check "list_buckets (client) shows none of them afterwards" bash -c "! $cli s3 list_buckets | grep -q '\"$loop-'"
$cli s3 head_bucket "{\"Bucket\":\"$loop-0\"}" >/dev/null 2>"$tmp/hb"
check "head_bucket $loop-0 -> 404" grep -q "HTTP 404" "$tmp/hb"

# ---- CSV: upload_file, objects.filter, load, download_file, delete
printf 'id,name,amount\n1,alpha,10\n2,beta,20\n3,gamma,30\n' >"$tmp/sales.csv"
$ex/res_s3_csv "$bucket" "$tmp/sales.csv" >"$tmp/csv.out" 2>&1
check "res_s3_csv" [ $? = 0 ]
size=$(stat -c %s "$tmp/sales.csv")
md5=$(md5sum "$tmp/sales.csv" | cut -d' ' -f1)
check "objects.filter(Prefix=reports/) listed the upload" grep -q "^  reports/sales.csv  *$size bytes" "$tmp/csv.out"
check "loaded content_length and e_tag (the MD5) of the object" grep -q "content_length $size, e_tag \"$md5\", last_modified 20" "$tmp/csv.out"
check "download_file identical" grep -q "identical" "$tmp/csv.out"
check "object.delete: the client layer lists no reports/ key" [ -z "$(keys "$bucket" reports/)" ]

# ---- a collection over more keys than a page: page_size and limit
for i in $(seq -w 1 25); do put "$bucket" "page/k$i" "v$i" || bad "put page/k$i"; done
keys "$bucket" page/ >"$tmp/page.cli"
$ex/res_s3_list "$bucket" page/ 10 >"$tmp/p10.out" 2>&1
check "page_size(10) over 25 keys: 25 objects" grep -qx "25 object(s)" "$tmp/p10.out"
check "same keys, same order as list_objects_v2" bash -c "diff <(awk '/^  /{print \$1}' $tmp/p10.out) $tmp/page.cli"
$ex/res_s3_list "$bucket" page/ 10 7 >"$tmp/l7.out" 2>&1
check "page_size(10).limit(7): the first 7" bash -c "grep -qx '7 object(s)' $tmp/l7.out && diff <(awk '/^  /{print \$1}' $tmp/l7.out) <(head -7 $tmp/page.cli)"
$ex/res_s3_list "$bucket" page/ 4 13 >"$tmp/l13.out" 2>&1
check "page_size(4).limit(13): 13, across 4 pages" bash -c "grep -qx '13 object(s)' $tmp/l13.out && diff <(awk '/^  /{print \$1}' $tmp/l13.out) <(head -13 $tmp/page.cli)"
$cli s3 list_objects_v2 "{\"Bucket\":\"$bucket\",\"Prefix\":\"page/\"}" |
  python3 -c 'import json,sys; [print(c["Key"], c["Size"]) for c in json.load(sys.stdin)["Contents"]]' >"$tmp/sizes.cli"
check "sizes == the client layer's" bash -c "diff <(awk '/^  /{print \$1, \$2}' $tmp/p10.out) $tmp/sizes.cli"

# ---- object.Acl().put(ACL=public-read), anonymous GET before and after
check "res_s3_public (403 before, 200 after)" $ex/res_s3_public "$bucket" pub/acl.html
check "anonymous curl GET now 200" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' $ep/$bucket/pub/acl.html) = 200 ]"
check "client layer get_object_acl shows the AllUsers READ grant" bash -c "$cli s3 get_object_acl '{\"Bucket\":\"$bucket\",\"Key\":\"pub/acl.html\"}' | grep -q 'acs.amazonaws.com/groups/global/AllUsers'"
put "$bucket" pub/private.html "private"
check "a private object stays 403 to curl" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' $ep/$bucket/pub/private.html) = 403 ]"
if [ -n "$AWS" ]; then
  check "awscli sees AllUsers READ" bash -c "$AWS s3api get-object-acl --bucket $bucket --key pub/acl.html | grep -q AllUsers"
fi

# ---- report site: HTML + PNG public-read, index from a collection
check "res_s3_report" $ex/res_s3_report "$bucket" site/
check "report.html public, text/html" bash -c "curl -s -o /dev/null -w '%{http_code} %{content_type}' $ep/$bucket/site/report.html | grep -q '^200 text/html'"
check "chart.png public, image/png, PNG bytes" bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code} %{content_type}' $ep/$bucket/site/chart.png)\" = '200 image/png' ] && curl -s $ep/$bucket/site/chart.png | head -c 4 | od -c | grep -q 'P   N   G'"
curl -s "$ep/$bucket/site/index.html" >"$tmp/index.html"
$cli s3 list_objects_v2 "{\"Bucket\":\"$bucket\",\"Prefix\":\"site/\"}" >"$tmp/site.json"
check "index rows == the client layer's listing (key, size, date)" python3 - "$tmp/site.json" "$tmp/index.html" <<'PY'
import json, re, sys, datetime
objs = [o for o in json.load(open(sys.argv[1]))["Contents"] if not o["Key"].endswith("index.html")]
rows = re.findall(r'<tr><td><a href="([^"]+)">[^<]*</a></td><td>([^<]+)</td><td>(\d+)</td></tr>', open(sys.argv[2]).read())
want = []
for o in objs:
    t = datetime.datetime.fromisoformat(o["LastModified"].replace("Z", "+00:00")).strftime("%Y-%m-%d %H:%M:%S")
    want.append((o["Key"][len("site/"):], t, str(o["Size"])))
sys.exit(0 if rows == want and len(rows) == 2 else print(rows, want) or 1)
PY

# ---- concatenate CSVs under a prefix, streaming each object
for i in 1 2 3; do put "$bucket" "parts/p$i.csv" "h1,h2\\n$i,x\\n"; done
put "$bucket" parts/readme.txt "not a csv"
printf 'h1,h2\n1,x\n2,x\n3,x\n' >"$tmp/expect.csv"
check "res_s3_concat" $ex/res_s3_concat "$bucket" parts/ "$tmp/concat.csv"
check "res_s3_concat output (header once, readme skipped)" cmp "$tmp/concat.csv" "$tmp/expect.csv"

# ---- batch delete over several pages, then the bucket
check "cli create_bucket $empty" $cli s3 create_bucket "{\"Bucket\":\"$empty\"}"
for i in $(seq 1 23); do put "$empty" "k$i" x || bad "put k$i"; done
check "23 keys there (client layer)" [ "$(keys "$empty" "" | wc -l)" = 23 ]
$ex/res_s3_empty_bucket "$empty" 10 >"$tmp/eb.out" 2>&1
check "res_s3_empty_bucket page_size 10" [ $? = 0 ]
check "23 keys in pages of 10: 3 DeleteObjects requests" grep -q ": 3 DeleteObjects request(s)" "$tmp/eb.out"
$cli s3 head_bucket "{\"Bucket\":\"$empty\"}" >/dev/null 2>"$tmp/hb2"
check "the bucket is gone (head_bucket -> 404)" grep -q "HTTP 404" "$tmp/hb2"
if [ -n "$AWS" ]; then
  check "awscli agrees: no such bucket" bash -c "! $AWS s3api head-bucket --bucket $empty >/dev/null 2>&1"
else
  skipped "awscli cross-checks" "no working 'aws' command on PATH"
fi
n_left=$(keys "$bucket" "" | wc -l)
$ex/res_s3_empty_bucket "$bucket" >"$tmp/eb2.out" 2>&1
check "res_s3_empty_bucket ($n_left keys, one page: 1 request)" grep -q ": 1 DeleteObjects request(s)" "$tmp/eb2.out"
check "list_buckets (client) no longer shows it" bash -c "! $cli s3 list_buckets | grep -q '\"$bucket\"'"

summary

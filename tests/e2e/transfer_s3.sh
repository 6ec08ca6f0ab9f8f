#!/bin/bash
# End-to-end: the managed S3 transfers (awsc s3 upload_file /
# download_file / copy) against the local Ceph RGW, cross-checked with
# awscli and anonymous curl. Usage: transfer_s3.sh BUILD_ROOT
# Needs AWSC_E2E_S3_ENDPOINT (set by scripts/test.sh when RGW is up);
# exits 77 (skipped) with the reason printed when it is not set.
# Data stays small (RGW's memory store): about 80 MiB at the peak, all
# deleted at the end (RGW's garbage collector frees the multipart data
# later, by default after two hours).
set -u
build=$1
cli=$build/tools/awsc
. "$(dirname "$0")/s3_env.sh"
# a member of a JSON document on stdin: jget KEY [SUBKEY]
jget() { python3 -c 'import sys,json; d=json.load(sys.stdin)
for k in sys.argv[1:]: d=d[k]
print(d)' "$@" 2>/dev/null; }
# a multipart ETag of 3 parts ("...-3"), equal to the second argument if any
ends3() { [[ $1 == \"*-3\" ]] && { [ $# = 1 ] || [ "$1" = "$2" ]; }; }

AWS=""
if command -v aws >/dev/null 2>&1 && aws --version >/dev/null 2>&1; then
  AWS="aws --endpoint-url $ep"
fi
bucket=e2e-xfer-$$-$RANDOM
cleanup() {
  local k
  for k in $($cli s3 list_objects_v2 "{\"Bucket\":\"$bucket\"}" 2>/dev/null |
             python3 -c 'import sys,json; [print(c["Key"]) for c in json.load(sys.stdin).get("Contents",[])]' 2>/dev/null); do
    $cli s3 delete_object "{\"Bucket\":\"$bucket\",\"Key\":\"$k\"}" >/dev/null 2>&1
  done
  $cli s3 delete_bucket "{\"Bucket\":\"$bucket\"}" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

check "cli create_bucket" $cli s3 create_bucket "{\"Bucket\":\"$bucket\"}"
head -c 1048576 /dev/urandom > "$tmp/small.bin"
head -c 20971520 /dev/urandom > "$tmp/big.bin"
head -c 12582912 /dev/urandom > "$tmp/mid.bin"
extra='{"ACL":"public-read","ContentType":"application/x-e2e","Metadata":{"owner":"qa","case":"transfer"}}'

# ---- upload_file: 1 MiB (PutObject) and 20 MiB (3 parts)
$cli s3 upload_file "{\"Filename\":\"$tmp/small.bin\",\"Bucket\":\"$bucket\",\"Key\":\"up/small.bin\",\"ExtraArgs\":$extra}" > "$tmp/u1.json" 2>&1
check "upload_file 1 MiB -> PutObject (Parts 0)" [ "$(jget Parts < "$tmp/u1.json")" = 0 ]
rss=""
if [ -x /usr/bin/time ]; then
  # peak RSS of one small request first: the baseline (sanitizers inflate it)
  /usr/bin/time -f '%M' -o "$tmp/rss0" $cli s3 list_objects_v2 "{\"Bucket\":\"$bucket\"}" >/dev/null 2>&1
  /usr/bin/time -f '%M' -o "$tmp/rss" $cli s3 upload_file "{\"Filename\":\"$tmp/big.bin\",\"Bucket\":\"$bucket\",\"Key\":\"up/big.bin\",\"ExtraArgs\":$extra}" > "$tmp/u20.json" 2>&1
  rss0=$(tail -1 "$tmp/rss0")
  rss=$(tail -1 "$tmp/rss")
else
  $cli s3 upload_file "{\"Filename\":\"$tmp/big.bin\",\"Bucket\":\"$bucket\",\"Key\":\"up/big.bin\",\"ExtraArgs\":$extra}" > "$tmp/u20.json" 2>&1
fi
check "upload_file 20 MiB -> multipart (Parts 3)" [ "$(jget Parts < "$tmp/u20.json")" = 3 ]
etag20=$(jget ETag < "$tmp/u20.json" 2>/dev/null)
check "multipart ETag ends in -3 (computed: RGW sends none)" ends3 "$etag20"
if [ -n "$rss" ]; then
  # streamed from the file: no whole file, not even one 8 MiB part, in memory
  check "upload_file 20 MiB: peak RSS ${rss} KiB, < ${rss0} KiB (one small request) + 4 MiB" [ "$rss" -lt $((rss0 + 4096)) ]
else
  skipped "upload peak RSS" "no /usr/bin/time"
fi

# ---- cross-checks with awscli and anonymous curl
if [ -n "$AWS" ]; then
  $AWS s3api head-object --bucket "$bucket" --key up/small.bin > "$tmp/h1.json" 2>&1
  $AWS s3api head-object --bucket "$bucket" --key up/big.bin > "$tmp/h20.json" 2>&1
  check "awscli: ContentType of both" [ "$(jget ContentType < "$tmp/h1.json") $(jget ContentType < "$tmp/h20.json")" = "application/x-e2e application/x-e2e" ]
  check "awscli: Metadata of both" [ "$(jget Metadata owner < "$tmp/h1.json") $(jget Metadata case < "$tmp/h20.json")" = "qa transfer" ]
  etag1=$(jget ETag < "$tmp/u1.json")
  check "awscli: ETag of the 1 MiB object = upload_file's" [ -n "$etag1" -a "$(jget ETag < "$tmp/h1.json")" = "$etag1" ]
  check "awscli: ETag of the 20 MiB object = upload_file's" [ -n "$etag20" -a "$(jget ETag < "$tmp/h20.json")" = "$etag20" ]
  check "awscli: ContentLength 20971520" [ "$(jget ContentLength < "$tmp/h20.json")" = 20971520 ]
else
  skipped "awscli cross-checks" "no working 'aws' command on PATH"
fi
check "anonymous curl of the public 1 MiB object: same bytes" bash -c "curl -sf -o $tmp/anon1 $ep/$bucket/up/small.bin && cmp $tmp/anon1 $tmp/small.bin"
check "anonymous curl of the public 20 MiB object: same bytes" bash -c "curl -sf -o $tmp/anon20 $ep/$bucket/up/big.bin && cmp $tmp/anon20 $tmp/big.bin"
$cli s3 upload_file "{\"Filename\":\"$tmp/small.bin\",\"Bucket\":\"$bucket\",\"Key\":\"up/private.bin\"}" >/dev/null 2>&1
check "anonymous curl of an upload without ACL -> 403" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' $ep/$bucket/up/private.bin) = 403 ]"
rm -f "$tmp/anon1" "$tmp/anon20"

# ---- download_file both back
mkdir -p "$tmp/dl"
$cli s3 download_file "{\"Bucket\":\"$bucket\",\"Key\":\"up/small.bin\",\"Filename\":\"$tmp/dl/small.bin\"}" > "$tmp/d1.json" 2>&1
check "download_file 1 MiB: same bytes" cmp "$tmp/dl/small.bin" "$tmp/small.bin"
$cli s3 download_file "{\"Bucket\":\"$bucket\",\"Key\":\"up/big.bin\",\"Filename\":\"$tmp/dl/big.bin\"}" > "$tmp/d20.json" 2>&1
check "download_file 20 MiB: same bytes" cmp "$tmp/dl/big.bin" "$tmp/big.bin"
check "download_file 20 MiB: 3 ranged GETs" [ "$(jget Parts < "$tmp/d20.json")" = 3 ]
check "no temporary files left" bash -c "! ls $tmp/dl | grep -q awsctmp"

# ---- copy: 20 MiB multipart (UploadPartCopy), 1 MiB CopyObject
$cli s3 copy "{\"CopySource\":{\"Bucket\":\"$bucket\",\"Key\":\"up/big.bin\"},\"Bucket\":\"$bucket\",\"Key\":\"cp/big.bin\"}" > "$tmp/c20.json" 2>&1
check "copy 20 MiB -> multipart copy (Parts 3)" [ "$(jget Parts < "$tmp/c20.json")" = 3 ]
$cli s3 download_file "{\"Bucket\":\"$bucket\",\"Key\":\"cp/big.bin\",\"Filename\":\"$tmp/dl/copy.bin\"}" >/dev/null 2>&1
check "copy 20 MiB: same bytes" cmp "$tmp/dl/copy.bin" "$tmp/big.bin"
rm -f "$tmp/dl/copy.bin"
$cli s3 copy "{\"CopySource\":{\"Bucket\":\"$bucket\",\"Key\":\"up/small.bin\"},\"Bucket\":\"$bucket\",\"Key\":\"cp/small.bin\",\"ExtraArgs\":{\"MetadataDirective\":\"REPLACE\",\"ContentType\":\"text/x-replaced\"}}" > "$tmp/c1.json" 2>&1
check "copy 1 MiB -> CopyObject (Parts 0)" [ "$(jget Parts < "$tmp/c1.json")" = 0 ]
if [ -n "$AWS" ]; then
  $AWS s3api head-object --bucket "$bucket" --key cp/big.bin > "$tmp/hc.json" 2>&1
  check "awscli: the multipart copy kept ContentType and Metadata" [ "$(jget ContentType < "$tmp/hc.json") $(jget Metadata owner < "$tmp/hc.json")" = "application/x-e2e qa" ]
  etagc=$(jget ETag < "$tmp/hc.json")
  check "awscli: the multipart copy's ETag ends in -3 (= copy's)" ends3 "$etagc" "$(jget ETag < "$tmp/c20.json")"
  $AWS s3api head-object --bucket "$bucket" --key cp/small.bin > "$tmp/hc1.json" 2>&1
  check "awscli: CopyObject with MetadataDirective REPLACE" [ "$(jget ContentType < "$tmp/hc1.json")" = text/x-replaced ]
  check "awscli: CopyObject's ETag = copy's (quoted)" [ "$(jget ETag < "$tmp/hc1.json")" = "$(jget ETag < "$tmp/c1.json")" ]
  # bytes written by awscli's own multipart upload (8 + 4 MiB), read back
  $AWS s3 cp "$tmp/mid.bin" "s3://$bucket/aws/mid.bin" >/dev/null 2>&1
  $cli s3 download_file "{\"Bucket\":\"$bucket\",\"Key\":\"aws/mid.bin\",\"Filename\":\"$tmp/dl/aws.bin\",\"Config\":{\"multipart_chunksize\":5242880}}" >/dev/null 2>&1
  check "download_file of awscli's multipart upload: same bytes" cmp "$tmp/dl/aws.bin" "$tmp/mid.bin"
  rm -f "$tmp/dl/aws.bin"
fi

# ---- smaller parts through Config: 12 MiB in 5 + 5 + 2 MiB (RGW's minimum)
$cli s3 upload_file "{\"Filename\":\"$tmp/mid.bin\",\"Bucket\":\"$bucket\",\"Key\":\"up/mid.bin\",\"Config\":{\"multipart_threshold\":5242880,\"multipart_chunksize\":5242880}}" > "$tmp/u12.json" 2>&1
check "upload_file with Config: 5 MiB parts (Parts 3)" [ "$(jget Parts < "$tmp/u12.json")" = 3 ]
$cli s3 download_file "{\"Bucket\":\"$bucket\",\"Key\":\"up/mid.bin\",\"Filename\":\"$tmp/dl/mid.bin\",\"Config\":{\"multipart_threshold\":1048576,\"multipart_chunksize\":1048576}}" > "$tmp/d12.json" 2>&1
check "download_file in 1 MiB ranges (12 GETs)" [ "$(jget Parts < "$tmp/d12.json")" = 12 ]
check "download_file in 1 MiB ranges: same bytes" cmp "$tmp/dl/mid.bin" "$tmp/mid.bin"

# ---- errors: one line, exit status, nothing left behind
echo keep > "$tmp/dl/keep.txt"
$cli s3 download_file "{\"Bucket\":\"$bucket\",\"Key\":\"no/such/key\",\"Filename\":\"$tmp/dl/keep.txt\"}" >/dev/null 2>"$tmp/e1"; rc=$?
check "download of a missing key: exit 1, HTTP 404, one line" bash -c "[ $rc = 1 ] && grep -q 'HTTP 404' $tmp/e1 && [ \$(wc -l < $tmp/e1) = 1 ]"
check "download of a missing key: the existing file is untouched" bash -c "[ \"\$(cat $tmp/dl/keep.txt)\" = keep ] && ! ls $tmp/dl | grep -q awsctmp"
$cli s3 upload_file "{\"Filename\":\"$tmp/small.bin\",\"Bucket\":\"$bucket\",\"Key\":\"bad\",\"ExtraArgs\":{\"Bogus\":1}}" >/dev/null 2>"$tmp/e2"; rc=$?
check "bad ExtraArgs key: exit 2 with boto3's message" bash -c "[ $rc = 2 ] && grep -q \"Invalid extra_args key 'Bogus', must be one of: ACL, CacheControl\" $tmp/e2"
check "bad ExtraArgs key: nothing was uploaded" bash -c "$cli s3 head_object '{\"Bucket\":\"$bucket\",\"Key\":\"bad\"}' 2>&1 | grep -q 'HTTP 404'"
$cli s3 upload_file "{\"Filename\":\"$tmp/nope.bin\",\"Bucket\":\"$bucket\",\"Key\":\"nope\"}" >/dev/null 2>"$tmp/e3"; rc=$?
check "upload of a missing file: exit 3, names the file" bash -c "[ $rc = 3 ] && grep -q 'nope.bin' $tmp/e3"
$cli s3 upload_file '{"Bucket":"b","Key":"k"}' >/dev/null 2>"$tmp/e4"; rc=$?
check "upload_file without Filename: exit 2" bash -c "[ $rc = 2 ] && grep -q 'Missing required parameter in input: \"Filename\"' $tmp/e4"
check "no multipart upload left pending" bash -c "! $cli s3 list_multipart_uploads '{\"Bucket\":\"$bucket\"}' | grep -q UploadId"
check "upload_file --help" bash -c "$cli s3 upload_file --help | grep -q ExtraArgs"

summary

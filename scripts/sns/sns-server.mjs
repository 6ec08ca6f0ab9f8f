// scripts/sns/sns-server.mjs - the local SNS server for awsc's end-to-end tests.
//
// fauxqs (npm) emulates SNS (and SQS, S3 and STS GetCallerIdentity), but it
// accepts any credentials, and its command line tool listens on 0.0.0.0.
// This front owns the socket instead:
//   - it listens on 127.0.0.1 only;
//   - it checks AWS Signature Version 4 on every request, as AWS does, so
//     that a wrong signature from the SDK fails the tests instead of passing;
//   - it answers Publish to a PhoneNumber (direct SMS), which fauxqs refuses,
//     and lists those messages at GET /_sns/sms so that a test can check them;
//   - everything else goes to fauxqs in-process (app.inject: no second port).
//
// Started by scripts/sns-up.sh with the Node.js 22 from ./node_modules
// (fauxqs needs node:sqlite, Node >= 22.5). Env:
//   SNS_PORT    port on 127.0.0.1 (default 4566)
//   SNS_REGION  region of ARNs when a request names none (default us-east-1)
//   SNS_KEYS    accepted keys, "AK:SECRET,AK2:SECRET2" (set by sns-up.sh to
//               the same test users as the S3 server)
// Unauthenticated: GET /health, GET /_sns/sms, GET /_fauxqs/... (inspection).
// All state is in memory and goes with the process. The --state-dir=DIR
// argument (sns-up.sh's dir for the pid file and log) only names the
// instance, so that sns-down.sh can tell it from others in /proc/PID/cmdline.
import crypto from "node:crypto";
import http from "node:http";
import { buildApp } from "fauxqs";

const HOST = "127.0.0.1"; // never configurable: the keys are public test keys
const INSTANCE = (process.argv.find((a) => a.startsWith("--state-dir=")) || "--state-dir=(none)").slice(12);
const PORT = Number.parseInt(process.env.SNS_PORT || "4566", 10);
const REGION = process.env.SNS_REGION || "us-east-1";
const KEYS = new Map();
for (const pair of (process.env.SNS_KEYS || "").split(",")) {
  const i = pair.indexOf(":");
  if (i > 0) KEYS.set(pair.slice(0, i), pair.slice(i + 1));
}
if (KEYS.size === 0) {
  console.error("sns-server: SNS_KEYS is empty: no request could ever be accepted");
  process.exit(2);
}
// AWS refuses header-signed requests whose x-amz-date is further off than this.
const MAX_SKEW_MS = 15 * 60 * 1000;
const SNS_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";

const fauxqs = buildApp({ logger: false, defaultRegion: REGION });
await fauxqs.ready();

// ---- helpers ------------------------------------------------------------------

const sha256Hex = (data) => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => crypto.createHmac("sha256", key).update(data).digest();
const xmlEscape = (s) =>
  String(s).replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]);

// SigV4's URI encoding: RFC 3986, everything but A-Z a-z 0-9 - _ . ~ escaped.
// encodeURIComponent leaves ! ' ( ) * alone, so those are escaped here.
const sigv4Encode = (s) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

// Decode a %-escaped component; a malformed escape is taken literally (the
// signature will then simply not match, as on AWS).
function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// "20250101T120000Z" -> ms since the epoch, NaN if malformed.
function parseAmzDate(s) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s || "");
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}
const toAmzDate = (ms) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");

class AuthError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// Which API a request is for decides the service its signature must be
// scoped to and the shape of an error reply. fauxqs routes the same way:
// form-encoded POST / is the Query protocol (SNS, or STS for
// GetCallerIdentity), x-amz-json-1.0 is SQS, anything else S3.
function apiOf(req, path, body) {
  const type = req.headers["content-type"] || "";
  if (type.includes("application/x-amz-json-1.0")) return "sqs";
  if (req.method === "POST" && path === "/" && type.includes("application/x-www-form-urlencoded")) {
    return new URLSearchParams(body.toString("utf8")).get("Action") === "GetCallerIdentity" ? "sts" : "sns";
  }
  return "s3";
}

// ---- Signature Version 4 --------------------------------------------------------

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request\s*,\s*SignedHeaders=([a-z0-9!#$%&'*+.^_`|~;-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/;

// Throws AuthError unless the request carries a valid SigV4 signature (in
// the Authorization header or in the query string) for `service`.
function checkSignature(req, rawPath, rawQuery, body, service) {
  // Query pairs exactly as sent (decoded once); the canonical form re-encodes them.
  const pairs = rawQuery
    .split("&")
    .filter((kv) => kv !== "")
    .map((kv) => {
      const i = kv.indexOf("=");
      return i < 0 ? [decode(kv), ""] : [decode(kv.slice(0, i)), decode(kv.slice(i + 1))];
    });
  const query = new Map(pairs);
  const auth = req.headers.authorization;
  let accessKey, scopeDate, region, scopeService, signedHeaders, signature, amzDate;

  if (auth !== undefined) {
    const m = AUTH_RE.exec(auth);
    if (!m) {
      if (/^AWS [^:\s]+:/.test(auth)) {
        throw new AuthError(400, "InvalidSignatureException", "Signature Version 2 is not supported; use AWS4-HMAC-SHA256.");
      }
      throw new AuthError(
        400,
        "IncompleteSignature",
        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters (AWS4-HMAC-SHA256).",
      );
    }
    [, accessKey, scopeDate, region, scopeService, signedHeaders, signature] = m;
    amzDate = req.headers["x-amz-date"];
    if (amzDate === undefined && req.headers.date !== undefined) {
      const ms = Date.parse(req.headers.date);
      amzDate = Number.isNaN(ms) ? "" : toAmzDate(ms);
    }
  } else if (query.get("X-Amz-Algorithm") === "AWS4-HMAC-SHA256") {
    const cred = (query.get("X-Amz-Credential") || "").split("/");
    if (cred.length !== 5 || cred[4] !== "aws4_request" || !/^\d{8}$/.test(cred[1])) {
      throw new AuthError(400, "IncompleteSignature", "X-Amz-Credential is malformed.");
    }
    [accessKey, scopeDate, region, scopeService] = cred;
    signedHeaders = query.get("X-Amz-SignedHeaders") || "";
    signature = query.get("X-Amz-Signature") || "";
    amzDate = query.get("X-Amz-Date");
  } else {
    throw new AuthError(403, "MissingAuthenticationToken", "Request is missing Authentication Token");
  }

  const secret = KEYS.get(accessKey);
  if (secret === undefined) {
    throw new AuthError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
  }
  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt)) {
    throw new AuthError(400, "IncompleteSignature", "The request has no valid X-Amz-Date or Date.");
  }
  const now = Date.now();
  if (auth !== undefined) {
    if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
      throw new AuthError(
        403,
        "SignatureDoesNotMatch",
        `Signature expired: ${amzDate} is now earlier than ${toAmzDate(now - MAX_SKEW_MS)} (${toAmzDate(now)} - 15 min.)`,
      );
    }
  } else {
    const expires = Number.parseInt(query.get("X-Amz-Expires") || "", 10);
    if (!(expires > 0) || now > signedAt + expires * 1000 || signedAt - now > MAX_SKEW_MS) {
      throw new AuthError(403, "AccessDenied", "Request has expired");
    }
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw new AuthError(
      403,
      "SignatureDoesNotMatch",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (scopeService !== service) {
    throw new AuthError(403, "SignatureDoesNotMatch", `Credential should be scoped to correct service: '${service}'. `);
  }
  const headerNames = signedHeaders.split(";");
  if (!headerNames.includes("host")) {
    throw new AuthError(403, "SignatureDoesNotMatch", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }

  // The canonical request, as the client built it.
  const canonicalUri =
    rawPath
      .split("/")
      .map((segment) => sigv4Encode(decode(segment)))
      .join("/") || "/";
  const canonicalQuery = pairs
    .filter(([k]) => k !== "X-Amz-Signature")
    .map(([k, v]) => [sigv4Encode(k), sigv4Encode(v)])
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalHeaders = headerNames
    .map((name) => `${name}:${String(req.headers[name] ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  // The body's hash is taken over the raw bytes, before anything parses them.
  let payloadHash = req.headers["x-amz-content-sha256"];
  if (payloadHash === undefined) payloadHash = auth === undefined && service === "s3" ? "UNSIGNED-PAYLOAD" : sha256Hex(body);
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");

  const scope = `${scopeDate}/${region}/${scopeService}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  let key = hmac("AWS4" + secret, scopeDate);
  for (const part of [region, scopeService, "aws4_request"]) key = hmac(key, part);
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(signature, "hex");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw new AuthError(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
}

// ---- replies ------------------------------------------------------------------

function send(res, status, contentType, body, extraHeaders = {}) {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body), ...extraHeaders });
  res.end(body);
}

// An error in the shape the client of that API expects.
function sendError(res, api, status, code, message) {
  const requestId = crypto.randomUUID();
  const headers = { "x-amzn-requestid": requestId };
  if (api === "sqs") {
    send(res, status, "application/x-amz-json-1.0", JSON.stringify({ __type: `com.amazon.coral.service#${code}`, message }), headers);
  } else if (api === "s3") {
    send(
      res,
      status,
      "application/xml",
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId></Error>`,
      headers,
    );
  } else {
    // SNS and STS (Query protocol)
    send(
      res,
      status,
      "text/xml",
      `<ErrorResponse xmlns="${SNS_XMLNS}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${xmlEscape(message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>\n`,
      headers,
    );
  }
}

// Publish with PhoneNumber (no TopicArn/TargetArn): AWS sends an SMS. Here the
// message is checked as AWS would, kept in memory and listed at /_sns/sms.
const smsSent = [];
function publishSms(res, params) {
  const phone = params.get("PhoneNumber");
  const message = params.get("Message");
  if (!/^\+[1-9][0-9]{1,14}$/.test(phone)) {
    return sendError(res, "sns", 400, "InvalidParameter", `Invalid parameter: PhoneNumber Reason: ${phone} is not valid to publish to`);
  }
  if (!message) {
    return sendError(res, "sns", 400, "InvalidParameter", "Invalid parameter: Empty message");
  }
  const messageId = crypto.randomUUID();
  smsSent.push({ messageId, phoneNumber: phone, message, subject: params.get("Subject"), timestamp: new Date().toISOString() });
  send(
    res,
    200,
    "text/xml",
    `<PublishResponse xmlns="${SNS_XMLNS}">\n  <PublishResult>\n    <MessageId>${messageId}</MessageId>\n  </PublishResult>\n  <ResponseMetadata>\n    <RequestId>${crypto.randomUUID()}</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n`,
  );
}

// ---- server -------------------------------------------------------------------

const OPEN_PATHS = (path) => path === "/health" || path === "/_sns/sms" || path.startsWith("/_fauxqs/");

async function handle(req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  const q = req.url.indexOf("?");
  const rawPath = q < 0 ? req.url : req.url.slice(0, q);
  const rawQuery = q < 0 ? "" : req.url.slice(q + 1);
  const api = apiOf(req, rawPath, body);
  const params = api === "sns" ? new URLSearchParams(body.toString("utf8")) : null;
  const what = params ? `sns ${params.get("Action")}` : `${api} ${req.method} ${rawPath}`;

  if (!OPEN_PATHS(rawPath)) {
    try {
      checkSignature(req, rawPath, rawQuery, body, api);
    } catch (e) {
      if (!(e instanceof AuthError)) throw e;
      console.log(`${what} -> ${e.status} ${e.code}`);
      return sendError(res, api, e.status, e.code, e.message);
    }
  }
  if (rawPath === "/_sns/sms" && req.method === "GET") {
    return send(res, 200, "application/json", JSON.stringify(smsSent));
  }
  if (params && params.get("Action") === "Publish" && params.get("PhoneNumber") && !params.get("TopicArn") && !params.get("TargetArn")) {
    console.log(`${what} (PhoneNumber) -> answered by the front`);
    return publishSms(res, params);
  }

  const reply = await fauxqs.inject({ method: req.method, url: req.url, headers: req.headers, payload: body });
  const headers = { ...reply.headers };
  // inject() gives the whole body at once: send it with a length of our own.
  delete headers["transfer-encoding"];
  delete headers.connection;
  headers["content-length"] = reply.rawPayload.length;
  if (!OPEN_PATHS(rawPath)) console.log(`${what} -> ${reply.statusCode}`);
  res.writeHead(reply.statusCode, headers);
  res.end(req.method === "HEAD" ? undefined : reply.rawPayload);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    console.error("sns-server: internal error:", e);
    if (!res.headersSent) sendError(res, "sns", 500, "InternalFailure", "internal error in the local SNS server");
    else res.end();
  });
});
server.listen(PORT, HOST, () => {
  console.log(`sns-server: listening on http://${HOST}:${PORT} (state dir ${INSTANCE}), SigV4 checked for keys ${[...KEYS.keys()].join(", ")}`);
});
// Nothing to save (all in memory): stop at once.
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.closeAllConnections();
    server.close();
    process.exit(0);
  });
}

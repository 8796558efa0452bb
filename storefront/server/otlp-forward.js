// POST /otlp/v1/traces: the browser's spans arrive same-origin and are forwarded to the OTLP/HTTP
// receiver (the console locally, the collector in Compose), so no receiver opens CORS to browsers.
// This is the one door from the internet into the telemetry pipeline, hence the checks: OTLP/JSON
// only (415), a body limit (413), a per-address rate limit (429), only `storefront-web` resources
// (400: a page cannot pose as the gateway), and a 502 that says so when the receiver is down.
// Answers carry a google.rpc.Status-shaped JSON body, as an OTLP receiver's would.

const SERVICE = 'storefront-web';

class Refused extends Error {
  constructor(status, message, headers = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** A token bucket per client address: `ratePerMinute` exports, refilled continuously. */
function rateLimiter(ratePerMinute, now) {
  const buckets = new Map();
  return (address) => {
    const t = now();
    if (buckets.size > 10_000)
      for (const [key, b] of buckets) if (t - b.at > 60_000) buckets.delete(key);
    const bucket = buckets.get(address) ?? { tokens: ratePerMinute, at: t };
    bucket.tokens = Math.min(
      ratePerMinute,
      bucket.tokens + ((t - bucket.at) * ratePerMinute) / 60_000,
    );
    bucket.at = t;
    buckets.set(address, bucket);
    if (bucket.tokens < 1) return Math.ceil(((1 - bucket.tokens) * 60_000) / ratePerMinute / 1000);
    bucket.tokens -= 1;
    return 0;
  };
}

async function readBody(req, max) {
  if (Number(req.headers['content-length'] ?? 0) > max)
    throw new Refused(413, `the body is over the ${max}-byte limit`);
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > max) throw new Refused(413, `the body is over the ${max}-byte limit`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function checkResources(body) {
  let parsed;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new Refused(400, 'the body is not JSON');
  }
  if (!parsed || !Array.isArray(parsed.resourceSpans))
    throw new Refused(400, 'the body is not an OTLP/JSON traces request (no resourceSpans)');
  for (const rs of parsed.resourceSpans) {
    const name = rs?.resource?.attributes?.find?.((a) => a?.key === 'service.name')?.value
      ?.stringValue;
    if (name !== SERVICE)
      throw new Refused(400, `only ${SERVICE} spans are accepted here, got "${name ?? 'none'}"`);
  }
}

/**
 * The request handler for the browser's OTLP/HTTP trace exports; `endpoint` is the receiver's
 * base URL (`/v1/traces` is appended).
 */
export function createTelemetryForwarder({
  endpoint,
  maxBodyBytes,
  ratePerMinute,
  timeoutMs = 5000,
  now = Date.now,
}) {
  const limited = rateLimiter(ratePerMinute, now);
  const target = `${endpoint}/v1/traces`;
  return async function forward(req, res) {
    const reply = (status, message, headers = {}) => {
      if (!req.complete) req.resume();
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify({ code: status, message }));
    };
    try {
      if (req.method !== 'POST') throw new Refused(405, 'POST only', { allow: 'POST' });
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json')
        throw new Refused(415, `Content-Type must be application/json, got "${type || 'none'}"`);
      const wait = limited(req.socket.remoteAddress ?? 'unknown');
      if (wait > 0)
        throw new Refused(429, 'too many telemetry exports; slow down', {
          'retry-after': String(wait),
        });
      const body = await readBody(req, maxBodyBytes);
      checkResources(body);
      let upstream;
      try {
        upstream = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new Refused(
          502,
          `the telemetry receiver at ${endpoint} is not answering (${err.message})`,
        );
      }
      const answer = Buffer.from(await upstream.arrayBuffer());
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
        ...(upstream.headers.get('retry-after')
          ? { 'retry-after': upstream.headers.get('retry-after') }
          : {}),
      });
      res.end(answer);
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      reply(err.status, err.message, err.headers);
    }
  };
}

// ApiVersions v0–v2
//   Request: (empty)
//   Response v0: error_code int16, [api_key int16, min_version int16, max_version int16]
//   v1, v2: + throttle_time_ms int32 at the end
// v3+ requests are answered by the connection with error 35 and this table in v0 form.
import { Writer } from '../protocol/writer.js';
import type { ApiHandler, HandlerRegistry } from './registry.js';

export function apiVersionsHandler(registry: HandlerRegistry): ApiHandler {
  return {
    apiKey: 18,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 2,
    handle(ctx) {
      const w = new Writer().int16(0);
      w.array(registry.versions(), (out, v) =>
        out.int16(v.apiKey).int16(v.minVersion).int16(v.maxVersion),
      );
      if (ctx.version >= 1) w.int32(0);
      return w;
    },
  };
}

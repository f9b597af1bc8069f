// Release 2.4.0 of the Node sample app: the SDK's own retries (max_retries in app.json; the
// SDK retries connection errors, 408, 409, 429 and 5xx, honours retry-after-ms and
// Retry-After, and never retries 400, 401, 403, 404 or 422), and the current response parser
// (lib/parse_current.mjs), which reports an error object or a cut stream as an error.
import * as parser from '../lib/parse_current.mjs';
import { main, releaseDir } from '../lib/smoke.mjs';

process.exitCode = await main({
  name: 'v2',
  dir: releaseDir(import.meta.url),
  parser,
  sdkMaxRetries: (config) => config.max_retries,
  call: (attempt) => attempt(),
});

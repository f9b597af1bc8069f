// Release 2.3.1 of the Node sample app: the older code, as it still runs in production.
//  * Its own retry wrapper around every call: 4 attempts on any error, 401 included, with the
//    SDK's retries switched off. During an incident this multiplies the load on the provider
//    by four, and a rotated key is hammered four times per request.
//  * Its response parser is the older helper it pinned (lib/parse_legacy.mjs), which takes an
//    error object in a 200 body for an answer.
import * as parser from '../lib/parse_legacy.mjs';
import { main, releaseDir } from '../lib/smoke.mjs';

const ATTEMPTS = 4;
const PAUSE_MS = 100;

async function withRetries(attempt) {
  for (let i = 1; ; i += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (i >= ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }
}

process.exitCode = await main({
  name: 'v1',
  dir: releaseDir(import.meta.url),
  parser,
  sdkMaxRetries: () => 0,
  call: withRetries,
});

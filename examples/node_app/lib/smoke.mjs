// The smoke call through the official OpenAI SDK, and the command line both releases share.
// A release (v1/app.mjs, v2/app.mjs) brings its own parser and its own way of retrying; the
// rest (config, knobs, prompt, protocol object) is the same code.
import { dirname, join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import {
  UsageError, findRequestId, loadConfig, protocolObject, readKnobs, redact, smokeRequest,
} from './protocol.mjs';

/**
 * @typedef {object} Release
 * @property {string} name               "v1" | "v2", for messages
 * @property {string} dir                where its app.mjs (and default app.json) live
 * @property {object} parser             { parseCompletion(data), parseStream(chunks) }
 * @property {(config: object) => number} sdkMaxRetries  the SDK's own retry budget
 * @property {(attempt: () => Promise<object>) => Promise<object>} call  runs one smoke call
 *           (the release's retry wrapper, if any, goes here)
 */

// An error the SDK raised while a stream was already flowing keeps the status it came with.
function midStreamError(err, status, chunks) {
  err.rollgateStatus = status;
  err.rollgateChunks = chunks;
  return err;
}

async function plainAttempt(client, body, options, parser) {
  const { data, response } = await client.chat.completions.create(body, options).withResponse();
  return { status: response.status, headers: response.headers, ...parser.parseCompletion(data) };
}

async function streamAttempt(client, body, options, parser) {
  const { data: stream, response } = await client.chat.completions.create(body, options).withResponse();
  const chunks = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (err) {
    throw midStreamError(err, response.status, chunks.length);
  }
  return { status: response.status, headers: response.headers, ...parser.parseStream(chunks) };
}

// What the SDK raised, as the protocol's status + error. The type is the SDK's error class
// (AuthenticationError, RateLimitError, APIConnectionTimeoutError, ...): that is what the app's
// code sees and branches on.
function outcomeFromError(err) {
  const status = err.rollgateStatus ?? (err instanceof APIError && err.status ? err.status : 0);
  const code = err instanceof APIError ? (err.code ?? null) : null;
  return {
    status,
    error: { type: err.constructor?.name || err.name || 'Error', code, message: String(err.message ?? err) },
    request_id: err instanceof APIError ? err.requestID ?? null : null,
    chunks: err.rollgateChunks,
  };
}

function configError(message) {
  return { status: 0, error: { type: 'config_error', code: null, message } };
}

/** One smoke call as `release` makes it. Never throws: every outcome is a protocol object. */
export async function runSmoke(config, knobs, release, env = process.env) {
  const configuredKey = env.OPENAI_API_KEY;
  const key = knobs.smokeKey ?? configuredKey;
  const model = config.models[config.model_alias];
  let outcome;
  if (!model) {
    outcome = configError(`model alias '${config.model_alias}' is not in models`);
  } else if (!env.OPENAI_BASE_URL) {
    // The SDK would fall back to the public API; a smoke test must say where it goes.
    outcome = configError('OPENAI_BASE_URL is not set');
  } else if (!key) {
    outcome = configError('OPENAI_API_KEY is not set');
  } else {
    const client = new OpenAI({
      apiKey: key,
      baseURL: env.OPENAI_BASE_URL,
      timeout: config.timeout_ms,
      maxRetries: release.sdkMaxRetries(config),
    });
    const body = smokeRequest(model, knobs);
    const options = { headers: { 'X-Client-Request-Id': knobs.correlationId } };
    const attempt = knobs.stream ? streamAttempt : plainAttempt;
    try {
      outcome = await release.call(() => attempt(client, body, options, release.parser));
    } catch (err) {
      outcome = outcomeFromError(err);
    }
    if (!outcome.request_id) outcome.request_id = findRequestId(outcome.headers, outcome.error?.message);
  }
  const protocol = protocolObject(outcome, knobs.stream);
  // The invalid-token call: say the call was made with rollgate's key, never which key.
  if (knobs.smokeKey) protocol.smoke_api_key_used = true;
  return JSON.parse(redact(JSON.stringify(protocol), [configuredKey, knobs.smokeKey]));
}

const USAGE = `usage: node app.mjs smoke [--config FILE]
  One smoke call through the official OpenAI SDK; prints one JSON object (docs/app-probes.md).
  The provider comes from OPENAI_BASE_URL (with /v1) and OPENAI_API_KEY; ROLLGATE_SMOKE_* knobs
  as in docs/app-probes.md. FILE defaults to app.json beside app.mjs.
example:
  OPENAI_BASE_URL=http://127.0.0.1:8787/v1 OPENAI_API_KEY=sk-demo-key-0001 node v2/app.mjs smoke`;

/** The command line: exit 0 with the protocol object, 2 for a usage or config error. */
export async function main(release, argv = process.argv.slice(2)) {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h') {
    (argv.length === 0 ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  try {
    if (argv[0] !== 'smoke') throw new UsageError(`unknown command '${argv[0]}' (expected: smoke)`);
    let configPath = join(release.dir, 'app.json');
    for (let i = 1; i < argv.length; i += 1) {
      if (argv[i] === '--config' && i + 1 < argv.length) {
        configPath = argv[i + 1];
        i += 1;
      } else {
        throw new UsageError(`unknown argument '${argv[i]}'`);
      }
    }
    const config = loadConfig(configPath);
    const knobs = readKnobs(process.env);
    const out = await runSmoke(config, knobs, release);
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`node_app ${release.name}: ${err.message}\n`);
    return 2;
  }
}

export function releaseDir(metaUrl) {
  return dirname(new URL(metaUrl).pathname);
}

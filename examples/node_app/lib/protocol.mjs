// What both releases of the Node sample app share: the app's config file, the knobs rollgate
// turns (docs/app-probes.md), the smoke prompt, the protocol object and its redaction. No
// network here; lib/smoke.mjs makes the call.
import { readFileSync } from 'node:fs';
import { VERSION } from 'openai/version';

/** A problem with how the app was started: it exits 2 with this message on stderr. */
export class UsageError extends Error {}

const SYSTEM_PROMPT = 'Reply with a compact JSON object only, no markdown.';
const CONFIG_KEYS = new Set(['version', 'model_alias', 'models', 'timeout_ms', 'max_retries']);

/**
 * Reads and checks the app's config file (JSON). Every error names the file and the key.
 * The provider's base URL and key are not in it: they come from OPENAI_BASE_URL and
 * OPENAI_API_KEY, as the official SDK reads them.
 */
export function loadConfig(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${path}: cannot read the config file (${err.code ?? err.message})`);
  }
  let config;
  try {
    config = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path}: invalid JSON: ${err.message}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new UsageError(`${path}: expected a JSON object`);
  }
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.has(key)) {
      throw new UsageError(`${path}: ${key}: unknown key (known: ${[...CONFIG_KEYS].join(', ')})`);
    }
  }
  const need = (key, ok, what) => {
    if (!ok(config[key])) throw new UsageError(`${path}: ${key}: expected ${what}`);
  };
  need('version', (v) => typeof v === 'string' && v !== '', 'a non-empty string');
  need('model_alias', (v) => typeof v === 'string' && v !== '', 'a non-empty string');
  need('models', (v) => v && typeof v === 'object' && !Array.isArray(v) &&
       Object.values(v).every((m) => typeof m === 'string' && m !== ''),
       'an object of alias -> model name');
  const positive = (v) => v === undefined || (Number.isInteger(v) && v > 0);
  need('timeout_ms', positive, 'a positive integer (milliseconds)');
  need('max_retries', (v) => v === undefined || (Number.isInteger(v) && v >= 0),
       'a non-negative integer');
  return { timeout_ms: 20000, max_retries: 2, ...config };
}

/** The knobs rollgate passes in the environment; a knob that cannot be understood is a UsageError. */
export function readKnobs(env) {
  const knobs = {
    label: env.ROLLGATE_SMOKE_LABEL || 'rollback-smoke',
    maxTokens: 40,
    stream: false,
    correlationId: env.ROLLGATE_CORRELATION_ID ||
      `node-app-${Math.random().toString(16).slice(2, 14).padEnd(12, '0')}`,
    // The invalid-token call: use this key instead of the configured one.
    smokeKey: env.ROLLGATE_SMOKE_API_KEY || null,
  };
  if (env.ROLLGATE_SMOKE_MAX_TOKENS) {
    const text = env.ROLLGATE_SMOKE_MAX_TOKENS;
    if (!/^[0-9]{1,6}$/.test(text) || Number(text) < 1) {
      throw new UsageError(`ROLLGATE_SMOKE_MAX_TOKENS: expected a positive integer, got '${printable(text)}'`);
    }
    knobs.maxTokens = Number(text);
  }
  if (env.ROLLGATE_SMOKE_STREAM) {
    const text = env.ROLLGATE_SMOKE_STREAM;
    if (text !== '0' && text !== '1' && text !== 'true' && text !== 'false') {
      throw new UsageError(`ROLLGATE_SMOKE_STREAM: expected 0 or 1, got '${printable(text)}'`);
    }
    knobs.stream = text === '1' || text === 'true';
  }
  if (!/^[\x21-\x7e]{1,200}$/.test(knobs.correlationId)) {
    throw new UsageError(`ROLLGATE_CORRELATION_ID: expected up to 200 printable ASCII characters, got '${printable(knobs.correlationId)}'`);
  }
  return knobs;
}

function printable(text) {
  return String(text).slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
}

/** rollgate's smoke prompt as a Chat Completions body. */
export function smokeRequest(model, knobs) {
  const body = {
    model,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: `Return ${JSON.stringify({ ok: true, label: knobs.label })}` },
    ],
    temperature: 0,
    max_tokens: knobs.maxTokens,
  };
  if (knobs.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

/** How this app's client describes itself: the SDK's own User-Agent and the runtime. */
export function clientIdentity() {
  return {
    user_agent: `OpenAI/JS ${VERSION}`,
    sdk: 'OpenAI/JS',
    sdk_version: VERSION,
    runtime: `node ${process.version}`,
  };
}

/** Replaces every key (8 bytes or longer) in `text`: the answer goes to stdout. */
export function redact(text, keys) {
  let out = text;
  for (const key of keys) {
    if (key && key.length >= 8) out = out.split(key).join('[redacted]');
  }
  return out;
}

/** The provider's request id: x-request-id, any other *request-id* header, or CometAPI's "(request id: X)". */
export function findRequestId(headers, message) {
  if (headers) {
    const direct = headers.get('x-request-id');
    if (direct) return direct;
    for (const [name, value] of headers) {
      if (name !== 'x-client-request-id' && /request-?id/i.test(name) && value) return value;
    }
  }
  const match = /\(request id: ([^)\s]+)\)/.exec(message ?? '');
  return match ? match[1] : null;
}

/**
 * The protocol object (docs/app-probes.md) from what the call came to: `outcome` has status,
 * and either the parsed answer (content, finish_reason, model, fields_present) or error.
 */
export function protocolObject(outcome, stream) {
  const out = { status: outcome.status };
  if (!outcome.error) {
    out.content = outcome.content ?? null;
    out.finish_reason = outcome.finish_reason ?? null;
  }
  if (outcome.request_id) out.request_id = outcome.request_id;
  if (outcome.model) out.model = outcome.model;
  if (outcome.fields_present) out.fields_present = outcome.fields_present;
  if (outcome.error) out.error = outcome.error;
  if (stream) {
    // The SDK consumes data: [DONE] without telling its caller: the app cannot report it.
    out.done = null;
    out.chunks = outcome.chunks ?? 0;
  }
  out.client = clientIdentity();
  return out;
}

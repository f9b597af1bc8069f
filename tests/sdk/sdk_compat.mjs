// Does the official OpenAI Node SDK accept what rollgate's mock provider sends?
//
// Environment:
//   ROLLGATE_MOCK_BASE_URL  http://127.0.0.1:PORT of a running mock (tests/sdk/run.sh sets it)
//   ROLLGATE_SDK_KEY        a key the mock accepts
//   ROLLGATE_MOCK_FLAVOR    cometapi | openai (what to expect of request ids and model names)
// Exits 0 when every check passes, 1 otherwise (printing which one failed).
import assert from 'node:assert/strict';
import OpenAI, { AuthenticationError } from 'openai';

const baseURL = `${process.env.ROLLGATE_MOCK_BASE_URL}/v1`;
const apiKey = process.env.ROLLGATE_SDK_KEY;
const flavor = process.env.ROLLGATE_MOCK_FLAVOR ?? 'cometapi';
assert.ok(process.env.ROLLGATE_MOCK_BASE_URL, 'ROLLGATE_MOCK_BASE_URL is not set');
assert.ok(apiKey, 'ROLLGATE_SDK_KEY is not set');

const SMOKE = '{"ok":true,"label":"rollback-smoke"}';
const request = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'reply with a compact JSON object only, no markdown' },
    { role: 'user', content: 'return {"ok":true,"label":"rollback-smoke"}' },
  ],
  temperature: 0,
  max_tokens: 40,
};

// No retries: a retry would hide a first-attempt failure.
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 20_000 });

function checkUsage(usage, where) {
  assert.ok(usage, `${where}: usage missing`);
  for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) {
    assert.ok(Number.isInteger(usage[k]), `${where}: usage.${k} is not an integer`);
  }
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens,
               `${where}: total_tokens != prompt_tokens + completion_tokens`);
}

async function nonStreaming() {
  const { data, request_id } = await client.chat.completions.create(request).withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices.length, 1);
  assert.equal(data.choices[0].message.role, 'assistant');
  assert.equal(data.choices[0].message.content, SMOKE);
  assert.equal(data.choices[0].finish_reason, 'stop');
  checkUsage(data.usage, 'non-streaming');
  if (flavor === 'openai') {
    assert.match(request_id ?? '', /^req_/, 'the SDK did not pick up x-request-id');
  } else {
    assert.match(data.model, /-\d{4}-\d{2}-\d{2}$/, 'CometAPI flavor reports a dated snapshot');
  }
}

async function streaming() {
  const stream = await client.chat.completions.create({
    ...request,
    stream: true,
    stream_options: { include_usage: true },
  });
  let content = '';
  let finishReason = null;
  let usageChunk = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) {
      assert.equal(chunk.choices.length, 0, 'the usage chunk must have choices: []');
      usageChunk = chunk;
      continue;
    }
    const choice = chunk.choices[0];
    content += choice.delta?.content ?? '';
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  assert.ok(chunks >= 3, `only ${chunks} chunks`);
  assert.equal(content, SMOKE);
  assert.equal(finishReason, 'stop');
  assert.ok(usageChunk, 'no usage chunk although include_usage was requested');
  checkUsage(usageChunk.usage, 'stream usage chunk');
}

async function wrongKey() {
  const bad = new OpenAI({ baseURL, apiKey: 'sk-rollgate-wrong-key-0000', maxRetries: 0 });
  await assert.rejects(bad.chat.completions.create(request), (err) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${err}`);
    assert.equal(err.status, 401);
    assert.ok(!JSON.stringify(err.error ?? {}).includes('sk-rollgate-wrong'), 'the key was echoed');
    return true;
  });
}

async function models() {
  const page = await client.models.list();
  assert.ok(page.data.length >= 1, 'no models listed');
  assert.equal(page.data[0].object, 'model');
}

let failed = false;
for (const [name, check] of Object.entries({ nonStreaming, streaming, wrongKey, models })) {
  try {
    await check();
    console.log(`ok   ${flavor} ${name}`);
  } catch (err) {
    failed = true;
    console.log(`FAIL ${flavor} ${name}: ${err.message}`);
  }
}
process.exit(failed ? 1 : 0);

// The response parser release 2.4.0 (v2) uses: the current helper. An error object is an
// error wherever it appears (even in a 200 body), content must be text, and a stream that ends
// without a finish_reason was cut, not finished.
const CONTENT = 'choices.0.message.content';
const FINISH = 'choices.0.finish_reason';

function errorFrom(envelope) {
  const e = envelope.error;
  return {
    type: typeof e === 'object' && e !== null ? (e.type ?? 'provider_error') : 'provider_error',
    code: typeof e === 'object' && e !== null ? (e.code ?? null) : null,
    message: typeof e === 'object' && e !== null ? String(e.message ?? '') : String(e),
  };
}

/** A non-streaming body (already JSON-decoded by the SDK). */
export function parseCompletion(data) {
  if (data && typeof data === 'object' && data.error) return { error: errorFrom(data) };
  const choice = data?.choices?.[0];
  if (!choice || typeof choice !== 'object') {
    return { error: { type: 'parser_error', code: null, message: 'the answer has no choices' } };
  }
  const content = choice.message?.content;
  if (content !== null && typeof content !== 'string') {
    return { error: { type: 'parser_error', code: null, message: 'message.content is not a string' } };
  }
  const fields = [];
  if (choice.message && 'content' in choice.message) fields.push(CONTENT);
  if ('finish_reason' in choice) fields.push(FINISH);
  return { content, finish_reason: choice.finish_reason ?? null, model: data.model ?? null, fields_present: fields };
}

/** The chunks of a stream, in order. */
export function parseStream(chunks) {
  let content = '';
  let sawContent = false;
  let finish = null;
  let model = null;
  for (const chunk of chunks) {
    if (chunk?.error) return { error: errorFrom(chunk), chunks: chunks.length };
    model = chunk?.model ?? model;
    for (const choice of chunk?.choices ?? []) {
      const piece = choice?.delta?.content;
      if (piece !== undefined && piece !== null && typeof piece !== 'string') {
        return { error: { type: 'parser_error', code: null, message: 'delta.content is not a string' },
                 chunks: chunks.length };
      }
      if (typeof piece === 'string') {
        content += piece;
        sawContent = true;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
    }
  }
  if (finish === null) {
    return { error: { type: 'stream_incomplete', code: null, message: 'the stream ended without a finish_reason' },
             chunks: chunks.length };
  }
  const fields = [];
  if (sawContent) fields.push(CONTENT);
  fields.push(FINISH);
  return { content, finish_reason: finish, model, fields_present: fields, chunks: chunks.length };
}

// The response parser release 2.3.1 (v1) still uses: the older helper it pinned. It takes the
// first choice's content as it finds it and never looks for an error object, so an error that
// a gateway relays inside a 200 body becomes "content": null with status 200, and a stream cut
// before its finish_reason passes as a complete answer. Kept as it was on purpose: this is the
// kind of client rollgate's rehearsal must catch.
export function parseCompletion(data) {
  const choice = data && data.choices ? data.choices[0] : undefined;
  const message = choice ? choice.message : undefined;
  return {
    content: message ? message.content : null,
    finish_reason: choice ? choice.finish_reason : null,
    model: data ? data.model : null,
    fields_present: ['choices.0.message.content', 'choices.0.finish_reason'],
  };
}

export function parseStream(chunks) {
  let content = '';
  let finish = null;
  let model = null;
  for (const chunk of chunks) {
    model = chunk.model || model;
    const choice = chunk.choices && chunk.choices[0];
    if (!choice) continue;
    if (choice.delta && choice.delta.content) content += choice.delta.content;
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return {
    content,
    finish_reason: finish,
    model,
    fields_present: ['choices.0.message.content', 'choices.0.finish_reason'],
    chunks: chunks.length,
  };
}

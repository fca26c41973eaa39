// accord/idempotency-key: the operations the provider documents as needing an Idempotency-Key
// (listed per API in redocly.yaml as "METHOD /path") must declare a required header parameter
// named Idempotency-Key. Listing them in the lint config keeps the check independent of the
// spec's own x-idempotency markers; the rule also checks that the two agree.
export default function idempotencyKey(opts) {
  const wanted = new Set((opts.operations ?? []).map((op) => op.trim()));
  const seen = new Set();
  return {
    PathItem: {
      Operation: {
        enter(operation, ctx) {
          if (!ctx.location.pointer.startsWith('#/paths')) return;
          const segments = ctx.location.pointer.split('/');
          const method = segments[segments.length - 1].toUpperCase();
          const path = decodePointer(segments[segments.length - 2]);
          const id = `${method} ${path}`;
          const params = [...(ctx.parentPathItem?.parameters ?? []), ...(operation.parameters ?? [])]
            .map((p) => ctx.resolve(p).node)
            .filter(Boolean);
          const header = params.find((p) => p.in === 'header' && String(p.name).toLowerCase() === 'idempotency-key');
          const marked = operation['x-idempotency'];
          if (wanted.has(id)) {
            seen.add(id);
            if (!header || header.required !== true) {
              ctx.report({ message: `${id} must declare a required Idempotency-Key header parameter (the provider requires it).`, location: ctx.location });
            }
            if (marked !== 'required') {
              ctx.report({ message: `${id} must carry x-idempotency: required.`, location: ctx.location });
            }
          } else if (marked === 'required') {
            ctx.report({ message: `${id} is marked x-idempotency: required but is not in the provider's documented list (redocly.yaml).`, location: ctx.location.child('x-idempotency') });
          }
          if (header && !marked) {
            ctx.report({ message: `${id} accepts Idempotency-Key, so it must carry x-idempotency (required or optional).`, location: ctx.location });
          }
        },
      },
    },
    Root: {
      leave(_root, ctx) {
        for (const id of wanted) {
          if (!seen.has(id)) ctx.report({ message: `Documented idempotent operation ${id} is missing from the spec.`, location: ctx.location });
        }
      },
    },
  };
}

function decodePointer(segment) {
  return decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
}

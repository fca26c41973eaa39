// accord/error-envelope: every 4xx/5xx response of a path operation must return the provider's
// error envelope, i.e. its JSON content schema is a $ref to components/schemas/<schema>.
// Webhook responses are the partner's receiver talking, so they are exempt.
const ERROR_STATUS = /^(4|5)(\d\d|XX)$/;

export default function errorEnvelope(opts) {
  const schemaName = opts.schema;
  const wanted = `#/components/schemas/${schemaName}`;
  return {
    Operation: {
      enter(operation, ctx) {
        if (!schemaName) {
          ctx.report({ message: 'accord/error-envelope needs a `schema` option (the envelope schema name).', location: ctx.location });
          return;
        }
        if (ctx.location.pointer.startsWith('#/webhooks')) return;
        for (const [status, raw] of Object.entries(operation.responses ?? {})) {
          if (!ERROR_STATUS.test(status)) continue;
          const { node: response, location } = ctx.resolve(raw);
          const where = raw.$ref ? location : ctx.location.child(['responses', status]);
          const json = response?.content?.['application/json'];
          if (!json) {
            ctx.report({ message: `Response ${status} must have application/json content with the ${schemaName} envelope.`, location: where });
            continue;
          }
          if (json.schema?.$ref !== wanted) {
            ctx.report({ message: `Response ${status} must use the provider's error envelope: schema: { $ref: '${wanted}' }.`, location: where.child ? where.child(['content', 'application/json', 'schema']) : where });
          }
        }
      },
    },
  };
}

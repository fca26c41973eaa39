/** A bundled OpenAPI 3.1 document. Its own file so code that reads documents (the SDK packages' runtime) does not pull in the bundler. */
export type OpenApiDocument = Record<string, any>;

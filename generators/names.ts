/** Identifier helpers for generated code. */
const words = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean);

export const pascalCase = (s: string) => words(s).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
export const camelCase = (s: string) => {
  const p = words(s).map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()));
  return p.join('');
};

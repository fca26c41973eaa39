import type { Contract, ContractOperation } from '../contract.ts';

/** Finds the contract operation for a method and an OpenAPI path template (as the clients pass it). */
export function findOperation(contract: Contract, method: string, templatePath: string): ContractOperation | undefined {
  const m = method.toLowerCase();
  return contract.operations.find((o) => o.method === m && o.path === templatePath);
}

/** Finds the contract operation for a concrete request URL path, given the server base path. */
export function matchOperation(contract: Contract, method: string, urlPath: string, basePath: string): ContractOperation | undefined {
  const m = method.toLowerCase();
  const rel = basePath && urlPath.startsWith(basePath) ? urlPath.slice(basePath.length) || '/' : urlPath;
  return contract.operations.find((o) => o.method === m && templateRegex(o.path).test(rel));
}

const cache = new Map<string, RegExp>();
function templateRegex(template: string): RegExp {
  let re = cache.get(template);
  if (!re) {
    const source = template.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
    re = new RegExp(`^${source}$`);
    cache.set(template, re);
  }
  return re;
}

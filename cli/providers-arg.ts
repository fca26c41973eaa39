import { selectProviders, UnknownProviderError, type Provider } from '../contracts/providers.ts';
import { UsageError } from './errors.ts';

/** Providers named on the command line (none: all four); an unknown name is a usage error. */
export function providersFromArgs(names: readonly string[]): Provider[] {
  try {
    return selectProviders(names);
  } catch (err) {
    if (err instanceof UnknownProviderError) throw new UsageError(err.message);
    throw err;
  }
}

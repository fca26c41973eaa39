/** POST /cart/checkout: one order per line, all or nothing (D22). */
import type { StarshipHandlers } from '../../../generated/starship/server.ts';
import { principalOf, type SandboxContext } from '../../../sandbox/provider.ts';
import { placeOrders, toOrder } from './orders.ts';

/** checkoutCart: 201 when every order came from cache, 202 when one is PENDING. */
export function cartHandlers(ctx: SandboxContext): Partial<StarshipHandlers> {
  return {
    checkoutCart: ({ body, state }) => {
      const orders = placeOrders(ctx, principalOf(state).owner, body.items, body.reference ?? null);
      const result = { orders: orders.map(toOrder) };
      return orders.every((o) => o.status === 'DELIVERED') ? { status: 201, body: result } : { status: 202, body: result };
    },
  };
}

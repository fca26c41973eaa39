/**
 * iStar's sandbox: API-Key auth with expiry and revocation, 1 request per second per key,
 * recipient search, star and premium orders paid from the TON wallet, processed asynchronously
 * into order.completed or order.failed webhooks (signed when the endpoint has a secret).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { contract } from '../../../generated/istar/contract.ts';
import { createIStarRouter, type IStarHandlers } from '../../../generated/istar/server.ts';
import type { components } from '../../../generated/istar/types.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import { principalOf, type ProviderSandbox, type SandboxContext } from '../../../sandbox/provider.ts';
import { http } from '../http.ts';
import { mountIStarControl } from './control.ts';

type Schemas = components['schemas'];

interface ApiKeyRecord {
  key: string;
  owner: string;
  expiresAt: number | null;
  revoked: boolean;
}
interface TelegramUser {
  username: string;
  hash: string;
  name: string;
  photo: string;
}
interface Wallet {
  wallet_id: string;
  balance: number;
  updated_at: string;
}
interface OrderRecord {
  id: string;
  owner: string;
  type: 'star' | 'premium';
  status: Schemas['OrderStatus'];
  username: string;
  recipient: string;
  quantity?: number;
  months?: Schemas['PremiumMonths'];
  amount: number;
  created_at: string;
  updated_at: string;
}

/** The docs' sample: 100 stars cost 55.5 (TON, D13). */
export const TON_PER_STAR = 0.555;
/** Business time an order spends queued before it completes or fails. */
export const PROCESSING_MS = 2_000;
/** The docs' order.failed sample: "retry_count": 5, "max_retries": 5. */
const MAX_RETRIES = 5;

const PACKAGES: Schemas['PremiumPackageList'] = [
  { months: 3, usd_value: 15.75, ton_value: 8.25 },
  { months: 6, usd_value: 30.45, ton_value: 16.5 },
  { months: 12, usd_value: 55.65, ton_value: 32.25 },
];

const USERS: TelegramUser[] = [
  { username: 'johndoe', hash: 'ABCDEF123456', name: "User's Display Name", photo: 'https://path/to/user/photo.jpg' },
  { username: 'alice_tg', hash: 'A1B2C3D4E5F6', name: 'Alice', photo: 'https://t.me/i/userpic/320/alice_tg.jpg' },
  { username: 'partner_self', hash: 'SELF00000001', name: 'The partner account itself', photo: 'https://t.me/i/userpic/320/partner_self.jpg' },
];

const round = (n: number) => Math.round(n * 100) / 100;
const wallet = (ctx: SandboxContext, owner: string) => ctx.store.get<Wallet>('wallet', owner)!;

function debit(ctx: SandboxContext, owner: string, amount: number): void {
  const w = wallet(ctx, owner);
  if (w.balance < amount) throw new ProviderError(422, 'INSUFFICIENT_BALANCE', `The TON wallet holds ${w.balance} TON; this order costs ${amount} TON. Top the wallet up, or order less.`);
  ctx.store.put('wallet', owner, { ...w, balance: round(w.balance - amount), updated_at: ctx.clock.iso() }, { owner });
}

function findUser(ctx: SandboxContext, username: string): TelegramUser {
  const user = ctx.store.get<TelegramUser>('telegram_user', username.toLowerCase());
  if (!user) throw new ProviderError(404, 'RECIPIENT_NOT_FOUND', `No Telegram user with username ${username}.`);
  return user;
}

function checkRecipient(ctx: SandboxContext, username: string, hash: string): TelegramUser {
  const user = findUser(ctx, username);
  if (user.hash !== hash) throw new ProviderError(404, 'RECIPIENT_NOT_FOUND', `recipient_hash does not belong to ${username}: search the recipient again and send its "recipient" value.`);
  return user;
}

function placeOrder(ctx: SandboxContext, owner: string, order: Omit<OrderRecord, 'id' | 'owner' | 'status' | 'created_at' | 'updated_at'>): OrderRecord {
  return ctx.store.transaction(() => {
    debit(ctx, owner, order.amount);
    const now = ctx.clock.iso();
    const record: OrderRecord = { ...order, id: randomUUID(), owner, status: 'pending', created_at: now, updated_at: now };
    ctx.store.put('order', record.id, record, { owner });
    ctx.jobs.schedule('order.process', { id: record.id }, PROCESSING_MS);
    return record;
  });
}

function processOrder(ctx: SandboxContext, id: string): void {
  const order = ctx.store.get<OrderRecord>('order', id);
  if (!order || order.status !== 'pending') return;
  const now = ctx.clock.iso();
  const amountOf = order.type === 'star' ? { quantity: order.quantity! } : { months: order.months! };
  const base = { id: order.id, order_type: order.type, amount: order.amount, created_at: order.created_at, updated_at: now };
  ctx.store.transaction(() => {
    if (ctx.faults.take('order_fail')) {
      const reason = 'Fragment transaction expired';
      ctx.store.put('order', id, { ...order, status: 'failed', updated_at: now }, { owner: order.owner });
      const w = wallet(ctx, order.owner);
      ctx.store.put('wallet', order.owner, { ...w, balance: round(w.balance + order.amount), updated_at: now }, { owner: order.owner });
      const event: Schemas['OrderFailedEvent'] = {
        event_type: 'order.failed',
        occurred_at: now,
        order: { ...base, status: 'failed', payload: { username: order.username, recipient: order.recipient, ...amountOf, failed_at: now, reason } } as Schemas['OrderFailedEvent']['order'],
        error: reason,
        retry_count: MAX_RETRIES,
        max_retries: MAX_RETRIES,
      };
      ctx.webhooks?.emit(order.owner, 'order.failed', `${order.id}:failed`, event);
      return;
    }
    const txHash = randomBytes(32).toString('base64');
    ctx.store.put('order', id, { ...order, status: 'completed', updated_at: now }, { owner: order.owner });
    const event = {
      event_type: 'order.completed',
      occurred_at: now,
      order: { ...base, status: 'completed', payload: { username: order.username, recipient: order.recipient, ...amountOf, completed_at: now, tx_hash: txHash } },
      tx_hash: txHash,
      completed_at: now,
      ...amountOf,
    } as Schemas['OrderCompletedEvent'];
    ctx.webhooks?.emit(order.owner, 'order.completed', `${order.id}:completed`, event);
  });
}

function handlers(ctx: SandboxContext): Partial<IStarHandlers> {
  const search = (username: string, owner: string): Schemas['RecipientSearchResult'] => {
    const user = findUser(ctx, username);
    return { success: true, myself: ctx.store.get<{ username: string }>('account', owner)?.username === user.username, recipient: user.hash, name: user.name, photo: user.photo };
  };
  return {
    searchStarRecipient: ({ query, state }) => ({ status: 200, body: search(query.username, principalOf(state).owner) }),
    searchPremiumRecipient: ({ query, state }) => ({ status: 200, body: search(query.username, principalOf(state).owner) }),
    createStarOrder: ({ body, state }) => {
      const owner = principalOf(state).owner;
      const user = checkRecipient(ctx, body.username, body.recipient_hash);
      const o = placeOrder(ctx, owner, { type: 'star', username: body.username, recipient: user.hash, quantity: body.quantity, amount: round(body.quantity * TON_PER_STAR) });
      return { status: 200, body: { order_id: o.id, status: o.status, username: o.username, quantity: o.quantity!, amount: o.amount, created_at: o.created_at } };
    },
    createPremiumOrder: ({ body, state }) => {
      const owner = principalOf(state).owner;
      const user = checkRecipient(ctx, body.username, body.recipient_hash);
      const price = PACKAGES.find((p) => p.months === body.months)!.ton_value;
      const o = placeOrder(ctx, owner, { type: 'premium', username: body.username, recipient: user.hash, months: body.months, amount: price });
      return { status: 200, body: { order_id: o.id, status: o.status, username: o.username, months: o.months!, amount: o.amount, created_at: o.created_at } };
    },
    listPremiumPackages: () => ({ status: 200, body: PACKAGES }),
    getWalletBalance: ({ state }) => {
      const w = wallet(ctx, principalOf(state).owner);
      return { status: 200, body: { wallet_id: w.wallet_id, balance: w.balance, currency: 'TON', updated_at: w.updated_at } };
    },
  };
}

export const istarSandbox: ProviderSandbox = {
  router: createIStarRouter,
  http,
  contract,
  seed(ctx) {
    const owner = 'acct_default';
    const keys = { default: `istar_test_${randomBytes(16).toString('hex')}`, expired: `istar_test_${randomBytes(16).toString('hex')}`, revoked: `istar_test_${randomBytes(16).toString('hex')}` };
    const day = 24 * 3600 * 1000;
    ctx.store.put<ApiKeyRecord>('api_key', keys.default, { key: keys.default, owner, expiresAt: null, revoked: false });
    ctx.store.put<ApiKeyRecord>('api_key', keys.expired, { key: keys.expired, owner, expiresAt: ctx.clock.now() - day, revoked: false });
    ctx.store.put<ApiKeyRecord>('api_key', keys.revoked, { key: keys.revoked, owner, expiresAt: null, revoked: true });
    ctx.store.put('account', owner, { username: 'partner_self' });
    ctx.store.put<Wallet>('wallet', owner, { wallet_id: randomUUID(), balance: 1250.75, updated_at: ctx.clock.iso() }, { owner });
    for (const user of USERS) ctx.store.put('telegram_user', user.username, user);
    return {
      default: { description: 'An active API key with a funded TON wallet.', credentials: { apiKey: keys.default }, extra: { owner } },
      expired: { description: 'A key past its expiry (401 API_KEY_EXPIRED).', credentials: { apiKey: keys.expired }, extra: { owner } },
      revoked: { description: 'A revoked key (401 API_KEY_REVOKED).', credentials: { apiKey: keys.revoked }, extra: { owner } },
    };
  },
  authenticate(call, ctx) {
    const key = call.c.req.header('api-key');
    if (!key) throw new ProviderError(401, 'MISSING_API_KEY', 'Send your API key in the API-Key header (from the iStar Developer Dashboard).');
    const record = ctx.store.get<ApiKeyRecord>('api_key', key);
    if (!record) throw new ProviderError(401, 'INVALID_API_KEY', 'This API key is unknown: check the API-Key header and the environment (sandbox or production).');
    if (record.revoked) throw new ProviderError(401, 'API_KEY_REVOKED', 'This API key was revoked in the dashboard: create a new one.');
    if (record.expiresAt !== null && record.expiresAt <= ctx.clock.now()) throw new ProviderError(401, 'API_KEY_EXPIRED', 'This API key has expired: extend it or create a new one in the dashboard.');
    return { key: record.key, owner: record.owner, signing: null };
  },
  signatureError: () => new ProviderError(401, 'INVALID_API_KEY', 'iStar requests are not signed.'),
  rateLimitCaller: (call) => {
    const key = call.c.req.header('api-key');
    return key ? { key } : undefined;
  },
  codes: { rateLimited: 'RATE_LIMITED' },
  // Dashboard-configured endpoints carry an optional secret: unsigned deliveries without one (D20).
  webhookKey: (endpoint) => (endpoint.secret ? { secret: endpoint.secret } : null),
  handlers: (ctx) => handlers(ctx) as Record<string, any>,
  jobs: (ctx) => ({ 'order.process': ({ id }: { id: string }) => processOrder(ctx, id) }),
  faults: { order_fail: 'the next order fails ("Fragment transaction expired") and is refunded' },
  control: mountIStarControl,
};

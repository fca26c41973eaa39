// A user's project, outside accord: the four SDK packages installed from their tarballs, run with
// plain node against `accord serve` (the installed CLI). argv[2]: the credentials file serve wrote.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIStarClient, type IStarClientOptions } from '@accord/istar';
import { createOdmClient } from '@accord/odm';
import { createSirGivingClient, sdk as sirSdk, createSirGivingSdkClient } from '@accord/sirgiving';
import {
  createStarshipClient,
  createStarshipSdkClient,
  sdk as starshipSdk,
  SignatureVerificationError,
  verifyStarshipWebhook,
  type StarshipWebhook,
  type components,
} from '@accord/starship';

type Product = components['schemas']['Product'];

interface Role {
  credentials: Record<string, string>;
  signing?: { secret?: string; privateKey?: string };
}
interface CredentialsFile {
  providers: Record<string, { baseUrl: string; controlUrl: string; credentials: Record<string, Role> }>;
}

const file: CredentialsFile = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const sandbox = (id: string) => file.providers[id]!;
const role = (id: string): Role => sandbox(id).credentials['default']!;
const check = (ok: unknown, what: string): void => {
  if (!ok) throw new Error(`consumer: ${what}`);
  console.log(`ok ${what}`);
};

// Starship: the typed openapi-fetch client, signed requests (starship-hmac-v1)
const starship = createStarshipClient({
  environment: sandbox('starship').baseUrl,
  credentials: { apiKey: role('starship').credentials['apiKey']!, apiSecret: role('starship').credentials['apiSecret']! },
  signing: { secret: role('starship').signing!.secret! },
});
const products = await starship.GET('/products');
check(products.response.status === 200 && products.data && products.data.data.length > 0, 'starship GET /products (openapi-fetch)');
const product: Product = products.data!.data[0]!;

// …and the @hey-api SDK on the same credentials
const sdkClient = createStarshipSdkClient({
  environment: sandbox('starship').baseUrl,
  credentials: { apiKey: role('starship').credentials['apiKey']!, apiSecret: role('starship').credentials['apiSecret']! },
  signing: { secret: role('starship').signing!.secret! },
});
const categories = await starshipSdk.listCategories({ client: sdkClient });
check(categories.response.status === 200 && Array.isArray(categories.data?.data), 'starship listCategories (hey-api SDK)');

// Webhooks: a receiver, an endpoint registered through the API (its secret comes back once), the
// sandbox told to deliver that endpoint's events here, an order that makes events.
const deliveries: Array<{ headers: IncomingHttpHeaders; rawBody: string }> = [];
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    deliveries.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

const endpoint = await starship.POST('/webhooks', { body: { url: 'https://hooks.consumer.example/starship', events: ['order.created'] } });
check(endpoint.response.status === 201 && endpoint.data?.secret, 'starship POST /webhooks returns the signing secret');
const forward = await fetch(`${sandbox('starship').controlUrl}/webhooks/${endpoint.data!.webhook_id}/forward`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ url: receiverUrl }),
});
check(forward.ok, 'sandbox forwards the endpoint to the local receiver');
const order = await starship.POST('/orders', { body: { product_id: product.product_id, quantity: 1 } });
check(order.response.status === 200 || order.response.status === 201 || order.response.status === 202, `starship POST /orders (${order.response.status})`);

const deadline = Date.now() + 15_000;
while (!deliveries.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
receiver.close();
check(deliveries.length > 0, 'a webhook delivery arrived');
const hook: StarshipWebhook = verifyStarshipWebhook({ headers: deliveries[0]!.headers, rawBody: deliveries[0]!.rawBody, secret: endpoint.data!.secret });
if (hook.event === 'order.created') check(hook.payload.data.order_id === order.data!.order_id, 'verified order.created for the order just placed');
else throw new Error(`consumer: unexpected event ${hook.event}`);
let refused = false;
try {
  verifyStarshipWebhook({ headers: deliveries[0]!.headers, rawBody: deliveries[0]!.rawBody.replace(/}$/, ' }'), secret: endpoint.data!.secret });
} catch (err) {
  refused = err instanceof SignatureVerificationError;
}
check(refused, 'a tampered body is refused with SignatureVerificationError');

// iStar, SIR Giving and ODM: one authenticated read each
const istarOptions: IStarClientOptions = { environment: sandbox('istar').baseUrl, credentials: { apiKey: role('istar').credentials['apiKey']! } };
const istar = createIStarClient(istarOptions);
const balance = await istar.GET('/wallet/balance');
check(balance.response.status === 200, 'istar GET /wallet/balance');

const sirOptions = {
  environment: sandbox('sirgiving').baseUrl,
  credentials: { partnerKey: role('sirgiving').credentials['partnerKey']! },
  signing: { secret: role('sirgiving').signing!.secret! },
};
const sir = createSirGivingClient(sirOptions);
const config = await sir.GET('/partner/config');
check(config.response.status === 200, 'sirgiving GET /partner/config');
const sirSdkClient = createSirGivingSdkClient(sirOptions);
check(typeof sirSdk === 'object' && sirSdkClient !== undefined, 'sirgiving SDK client');

const odm = createOdmClient({
  environment: sandbox('odm').baseUrl,
  credentials: { apiKey: role('odm').credentials['apiKey']! },
  signing: { privateKey: role('odm').signing!.privateKey! },
});
const access = await odm.GET('/partner/v1/access');
check(access.response.status === 200, 'odm GET /partner/v1/access');
console.log('consumer: all ok');

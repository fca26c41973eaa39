/** Catalog: categories and products (GET /categories, /products, /products/{id}). */
import type { StarshipHandlers } from '../../../generated/starship/server.ts';
import { ProviderError } from '../../../runtime/server/errors.ts';
import type { SandboxContext } from '../../../sandbox/provider.ts';
import { fromCents, KIND, type ProductRecord, type Schemas } from './model.ts';
import { paginate } from './paging.ts';

/** The API shape of a product (major units). */
export const toProduct = (p: ProductRecord): Schemas['Product'] => ({
  product_id: p.product_id,
  name: p.name,
  category_id: p.category_id,
  brand: p.brand,
  face_value: fromCents(p.faceCents),
  price: fromCents(p.priceCents),
  currency: p.currency,
  available: p.available,
});

/** A product by id, or 404 NOT_FOUND. */
export function findProduct(ctx: SandboxContext, productId: string): ProductRecord {
  const product = ctx.store.get<ProductRecord>(KIND.product, productId);
  if (!product) throw new ProviderError(404, 'NOT_FOUND', `product ${productId} not found: list orderable products with GET /products.`);
  return product;
}

/** listCategories, listProducts (category filter, pagination), getProduct. */
export function catalogHandlers(ctx: SandboxContext): Partial<StarshipHandlers> {
  return {
    listCategories: ({ query }) => {
      const page = paginate(ctx.store.list<Schemas['Category']>(KIND.category), query);
      return { status: 200, body: { data: page.data }, headers: page.headers };
    },
    listProducts: ({ query }) => {
      const products = ctx.store.list<ProductRecord>(KIND.product).filter((p) => query.category_id === undefined || p.category_id === query.category_id);
      const page = paginate(products, query);
      return { status: 200, body: { data: page.data.map(toProduct) }, headers: page.headers };
    },
    getProduct: ({ params }) => ({ status: 200, body: toProduct(findProduct(ctx, params.product_id)) }),
  };
}

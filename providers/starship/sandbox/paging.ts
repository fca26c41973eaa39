/** Starship pagination (D15): page/per_page in, `{data}` plus five X-* headers out. */
export const DEFAULT_PER_PAGE = 20;

/** One page and its X-Page/X-Per-Page/X-Total-Count/X-Total-Pages/X-Has-More headers. */
export interface Page<T> {
  data: T[];
  headers: Record<string, string>;
}

/** One page of `items` (already filtered and ordered) with the pagination headers. */
export function paginate<T>(items: readonly T[], query: { page?: number; per_page?: number }): Page<T> {
  const page = query.page ?? 1;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  const totalPages = Math.ceil(items.length / perPage);
  return {
    data: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Total-Count': String(items.length),
      'X-Total-Pages': String(totalPages),
      'X-Has-More': String(page < totalPages),
    },
  };
}
